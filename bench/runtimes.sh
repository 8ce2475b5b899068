#!/usr/bin/env bash
# Issue 14: typical run times of the shipped pipelines on this machine, for the README. Each pipeline runs cold
# (an empty work folder; its data and models already fetched into data/cache and models/, which are shared) and then
# again with nothing changed (every stage cached). Wall time and peak memory by /usr/bin/time.
# Usage: bash bench/runtimes.sh [PIPELINE ...]   (default: every pipelines/*.yaml; writes bench/out/runtimes.tsv)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product textpipe >/dev/null
work=$(mktemp -d /tmp/textpipe-runtimes-XXXXXX)
cp .build/release/textpipe "$work/textpipe"
mkdir -p "$work/project/data" bench/out data/cache
cp -r pipelines "$work/project/"
ln -s "$PWD/data/cache" "$work/project/data/cache"
[ -e models ] && ln -s "$PWD/models" "$work/project/models"
names=("$@")
[ ${#names[@]} -eq 0 ] && names=($(ls pipelines | sed 's/\.yaml$//'))
printf 'pipeline\tcold_seconds\tcold_max_rss_mb\tcached_seconds\tstatus\n' > bench/out/runtimes.tsv
for name in "${names[@]}"; do
  for pass in cold cached; do
    /usr/bin/time -f '%e %M' -o "$work/time" "$work/textpipe" run "$work/project/pipelines/$name.yaml" --quiet \
      > "$work/$name-$pass.out" 2> "$work/$name-$pass.err" && status=ok || status="exit $?"
    read -r seconds kb < <(tail -1 "$work/time")
    if [ "$pass" = cold ]; then cold="$seconds"; rss=$((kb / 1024)); coldstatus="$status"; else cached="$seconds"; fi
  done
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$cold" "$rss" "$cached" "$coldstatus" | tee -a bench/out/runtimes.tsv
done
echo "logs in $work"
