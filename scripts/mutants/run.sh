#!/usr/bin/env bash
# `make mutants`: every known wrong model in scripts/mutants/*.patch must be caught by the tests.
#
# Each patch starts with two comment lines, then a unified diff against the committed sources:
#   # mutant: what is wrong, in words
#   # caught-by: the `swift test --filter` pattern of the tests that must fail on it
#   # build: release      (optional: its tests run the release binary, rebuilt from the mutated sources)
# The sources are copied into a scratch folder (.build-mutants/src, git-ignored; data/ is linked, not copied),
# so a stopped run never leaves a mutant in the checkout. First the tests are run there unmutated: they must pass, or a "kill" would mean nothing. Then, for each
# patch: apply it, build, run its tests, restore the sources. A mutant is killed when its tests fail; it survives
# when they pass; a patch that no longer applies or does not build is broken. Every mutant must be killed: the
# script exits 1 if one survives or is broken, and prints one line per mutant and a summary.
#
# Usage: make mutants                        (all)
#        MUTANTS='mlp-*' make mutants         (a glob over the names)
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
work=$root/.build-mutants
src=$work/src
glob=${MUTANTS:-*}
mkdir -p "$work"
log=$work/log
: > "$log"

sync_sources() {
  # The sources as they are in this checkout (unmutated), over the scratch copy; its build folder stays.
  mkdir -p "$src"
  rm -rf "$src/Sources" "$src/Tests"
  tar -C "$root" --exclude=./.build --exclude='./.build-*' --exclude=./data --exclude=./reports --exclude=./.git \
    --exclude=./scripts/.venv --exclude=./fuzz/.build -cf - . | tar -C "$src" -xf -
  [ -e "$src/data" ] || ln -s "$root/data" "$src/data"
}

build() {
  (cd "$src" && swift build --build-tests >>"$log" 2>&1) || return 1
  # Tests that run the release binary (reference runs) need it rebuilt from the same sources; an older binary makes
  # them fail as stale, which would count as a kill.
  if [ "${release:-}" = yes ]; then (cd "$src" && swift build -c release --product textpipe >>"$log" 2>&1); fi
}

run_tests() {
  (cd "$src" && swift test --skip-build --filter "$1" >>"$log" 2>&1)
}

patches=()
for p in scripts/mutants/$glob.patch; do [ -e "$p" ] && patches+=("$p"); done
if [ ${#patches[@]} -eq 0 ]; then echo "no mutant matches '$glob'"; exit 1; fi

sync_sources
release=no
grep -q '^# build: release' "${patches[@]}" && release=yes
echo "== baseline: building the unmutated sources in $src" | tee -a "$log"
if ! build; then echo "the unmutated sources do not build (see $log)"; exit 1; fi
filters=()
for p in "${patches[@]}"; do filters+=("$(sed -n 's/^# caught-by: //p' "$p")"); done
baseline=$(printf '%s\n' "${filters[@]}" | sort -u | paste -sd'|')
if ! run_tests "$baseline"; then
  echo "the tests that should catch the mutants fail without any mutant ($baseline): see $log"
  exit 1
fi

killed=0
survived=0
broken=0
for p in "${patches[@]}"; do
  name=$(basename "$p" .patch)
  what=$(sed -n 's/^# mutant: //p' "$p")
  filter=$(sed -n 's/^# caught-by: //p' "$p")
  release=no
  grep -q '^# build: release' "$p" && release=yes
  start=$SECONDS
  echo "== $name: $what (caught by $filter)" >>"$log"
  # `patch`, not `git apply`: the scratch copy lies inside this repository, where `git apply` would silently skip
  # every path outside the current folder.
  if ! (cd "$src" && patch --batch -s -p1 <"$root/$p" >>"$log" 2>&1); then
    result="BROKEN (does not apply)"
    broken=$((broken + 1))
  elif ! build; then
    result="BROKEN (does not build)"
    broken=$((broken + 1))
  elif run_tests "$filter"; then
    result="SURVIVED"
    survived=$((survived + 1))
  else
    result="killed"
    killed=$((killed + 1))
  fi
  printf '%-48s %-24s %4ds  %s\n' "$name" "$result" $((SECONDS - start)) "$filter"
  (cd "$src" && patch --batch -s -R -p1 <"$root/$p" >>"$log" 2>&1) || sync_sources
done
# Leave the scratch build unmutated for the next run (release too, if any mutant rebuilt it).
grep -q '^# build: release' "${patches[@]}" && release=yes
build || true
echo "mutants: ${#patches[@]}, killed $killed, survived $survived, broken $broken (log: $log)"
[ "$survived" -eq 0 ] && [ "$broken" -eq 0 ]
