#!/usr/bin/env bash
# Issue 11: the plan/executor engine against the runner it replaced (textpipe 1b4077f), side by side on the shipped
# pipelines: the same numbers (metrics, intervals, fold scores, informative features, per-document outcomes, as
# scripts/reference/make_before_engine_fixture.py keeps them) and the wall time of a first run, of an unchanged
# rerun (every unit cached) and of `textpipe plan`.
# Usage: bash bench/engine.sh [ROUNDS]                 (default 1 round; writes bench/out/engine.raw)
#        SPECS="sentiment newsgroups" bash bench/engine.sh 3
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-1}"
specs="${SPECS:-sentiment newsgroups segmentation}"
before=1b4077f
root="$PWD"
out="$root/bench/out/engine"
mkdir -p "$out"
swift build -c release --product textpipe >/dev/null
if [ ! -x "$out/before/.build/release/textpipe" ]; then
  rm -rf "$out/before"
  git worktree add -f "$out/before" "$before" >/dev/null 2>&1 || git -C "$out/before" checkout -q "$before"
  (cd "$out/before" && swift build -c release --product textpipe >/dev/null)
fi
declare -A bins=([before]="$out/before/.build/release/textpipe" [engine]="$root/.build/release/textpipe")
mkdir -p data/cache
seconds() { local s=$EPOCHREALTIME; "$@" >/dev/null 2>&1; awk "BEGIN { print $EPOCHREALTIME - $s }"; }
: > bench/out/engine.raw
for i in $(seq "$rounds"); do
  for spec in $specs; do
    for tool in before engine; do
      dir="$out/run-$tool-$spec"
      rm -rf "$dir"; mkdir -p "$dir/data" "$dir/pipelines"
      ln -s "$root/data/cache" "$dir/data/cache"
      cp "pipelines/$spec.yaml" "$dir/pipelines/"
      first=$(cd "$dir" && seconds "${bins[$tool]}" run "pipelines/$spec.yaml")
      rerun=$(cd "$dir" && seconds "${bins[$tool]}" run "pipelines/$spec.yaml")
      plan=null
      if [ "$tool" = engine ]; then plan=$(cd "$dir" && seconds "${bins[$tool]}" plan "pipelines/$spec.yaml"); fi
      python3 scripts/reference/make_before_engine_fixture.py "$dir/reports/$spec/latest" "$dir/numbers.json"
      echo "{\"spec\": \"$spec\", \"tool\": \"$tool\", \"first\": $first, \"rerun\": $rerun, \"plan\": $plan, \"numbers\": \"$(sha256sum "$dir/numbers.json" | cut -c1-16)\"}" >> bench/out/engine.raw
    done
  done
done
python3 - <<'PY'
import json, statistics
rows = [json.loads(l) for l in open("bench/out/engine.raw")]
print("| pipeline | same numbers | before: first run s | engine: first run s | ratio | before: unchanged rerun s | engine: unchanged rerun s | engine: `plan` s |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for spec in dict.fromkeys(r["spec"] for r in rows):
    b = [r for r in rows if r["spec"] == spec and r["tool"] == "before"]
    e = [r for r in rows if r["spec"] == spec and r["tool"] == "engine"]
    same = "yes" if {r["numbers"] for r in b} == {r["numbers"] for r in e} and len({r["numbers"] for r in b}) == 1 else "NO"
    m = lambda rs, k: statistics.median(r[k] for r in rs)
    print(f"| {spec} | {same} | {m(b,'first'):.2f} | {m(e,'first'):.2f} | {m(e,'first')/m(b,'first'):.2f} | {m(b,'rerun'):.2f} | {m(e,'rerun'):.2f} | {m(e,'plan'):.2f} |")
PY
