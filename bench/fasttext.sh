#!/usr/bin/env bash
# Issue 16: textpipe's `fasttext` side by side with the `fasttext` PyPI package (fasttext-wheel) on 20 Newsgroups and
# Reuters R8 (given test sets), the same tokens (textpipe's, written to fastText's __label__ format) and the same
# settings (bench/fasttext/*.yaml: dim 100, 25 epochs, lr 0.5, min_count 1, 2M buckets, softmax; word_ngrams 1 and 2).
# Training seconds: textpipe's from metrics.json (the model's fit alone), fastText's around train_supervised alone,
# each with 1 thread and with 2 (textpipe's `threads: 2`: two deterministic shards).
# Usage: bash bench/fasttext.sh [newsgroups|r8]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
swift build -c release --product textpipe >/dev/null
bin="$PWD/.build/release/textpipe"
for name in newsgroups r8; do
  [ -n "${1:-}" ] && [ "$1" != "$name" ] && continue
  root=$(mktemp -d /tmp/textpipe-ft-XXXXXX); mkdir -p "$root/data" data/cache; ln -s "$PWD/data/cache" "$root/data/cache"
  "$bin" run "bench/fasttext/$name.yaml" --root "$root" --quiet > /dev/null
  tokens="$root/reports/ft-$name/inspect/tokenized.jsonl"
  "$bin" run "bench/fasttext/$name.yaml" --root "$root" --only tokenize --quiet > /dev/null
  for ng in 1 2; do
    for threads in 1 2; do
      "$PY" scripts/reference/fasttext_supervised.py "$tokens" 100 "$ng" 25 0.5 softmax "$threads" > "$root/ft-$ng-$threads.json"
    done
  done
  python3 - "$root" "$name" <<'PY'
import json, sys
root, name = sys.argv[1], sys.argv[2]
m = json.load(open(f"{root}/reports/ft-{name}/latest/metrics.json"))
print(name)
for ng in (1, 2):
    ref = {t: json.load(open(f"{root}/ft-{ng}-{t}.json")) for t in (1, 2)}
    for t in (1, 2):
        name = f"fasttext-{ng}" + ("-t2" if t == 2 else "")
        r = next(r for r in m["results"] if r["classifier"] == name)
        print(f"  word_ngrams {ng}, {t} thread(s): textpipe accuracy {100 * r['accuracy']:.2f}% train "
              f"{r['train_seconds']:.2f} s | fastText accuracy {100 * ref[t]['accuracy']:.2f}% train "
              f"{ref[t]['train_seconds']:.2f} s")
PY
done
