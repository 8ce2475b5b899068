#!/usr/bin/env bash
# Issue 16: class-conditional n-gram language models (`ngram_lm`) beside multinomial naive Bayes on the same tokens,
# on 20 Newsgroups and R8 (given test sets), the Pang & Lee sentences (10-fold CV) and Chinese shopping reviews
# (unsegmented; 80/20 split). Each spec in bench/ngram-lm/ runs from an empty work folder; the table gives accuracy,
# macro-F1 and the seconds of each model's train and evaluate units (the lock file).
# Usage: bash bench/ngram-lm.sh [newsgroups|r8|polarity|chinese]
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product textpipe >/dev/null
bin="$PWD/.build/release/textpipe"
for name in newsgroups r8 polarity chinese; do
  [ -n "${1:-}" ] && [ "$1" != "$name" ] && continue
  root=$(mktemp -d /tmp/textpipe-lm-XXXXXX); mkdir -p "$root/data" data/cache; ln -s "$PWD/data/cache" "$root/data/cache"
  "$bin" data fetch "$(sed -n 's/^data: {dataset: \(.*\)}$/\1/p' "bench/ngram-lm/$name.yaml")" > /dev/null
  /usr/bin/time -f '%e %M' -o "$root/time" "$bin" run "bench/ngram-lm/$name.yaml" --root "$root" --quiet > /dev/null
  python3 - "$root" "lm-$name" <<'PY'
import json, sys, collections
root, name = sys.argv[1], sys.argv[2]
m = json.load(open(f"{root}/reports/{name}/latest/metrics.json"))
lock = json.load(open(f"{root}/reports/{name}/textpipe.lock"))
secs = collections.defaultdict(float)
for e in lock["entries"]:
    if e["stage"] in ("train", "evaluate") and e.get("unit"):
        secs[e["unit"].split(" + ", 1)[1]] += e["seconds"]
wall, kb = open(f"{root}/time").read().split()
print(f"{name}: {float(wall):.1f} s, {int(kb) // 1024} MB")
for r in sorted(m["results"], key=lambda r: -r["macro_f1"]):
    print(f"  {r['classifier']:<16} accuracy {100 * r['accuracy']:6.2f}%  macro-F1 {100 * r['macro_f1']:6.2f}%"
          f"  {secs[r['classifier']]:6.1f} s")
PY
done
