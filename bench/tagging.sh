#!/usr/bin/env bash
# Issue 6: the CRF side by side with sklearn-crfsuite (CRFsuite's L-BFGS) on the same attributes, data and split,
# in one run: textpipe-bench extracts and dumps each token's attribute ids for the 90/10 split (seed 1), then
# both tools train a first-order CRF (c1 0, c2 1, memory 6, CRFsuite's stopping test, at most ITERATIONS
# iterations) and tag the held-out sentences. textpipe uses both cores; CRFsuite has one thread.
# Usage: bash bench/tagging.sh [DATASET] [ITERATIONS]   (default peoples-daily-seg 100)
set -euo pipefail
cd "$(dirname "$0")/.."
dataset=${1:-peoples-daily-seg}
iterations=${2:-100}
source scripts/venv.sh
"$PY" -c "import sklearn_crfsuite" 2>/dev/null || "$(dirname "$PY")/pip" install -q sklearn-crfsuite==0.5.0 python-crfsuite==0.9.12
swift build -c release --product textpipe-bench >/dev/null
swift build -c release --product textpipe >/dev/null
.build/release/textpipe data fetch "$dataset" >/dev/null
out=bench/out/tagging/$dataset
mkdir -p "$out"
: > "$out/results.jsonl"
/usr/bin/time -f "%M" -o "$out/rss.txt" .build/release/textpipe-bench tag "$dataset" crf --iterations "$iterations" --dump "$out" > "$out/one.json"
echo "{\"peak_rss_mb\": $(( $(cat "$out/rss.txt") / 1024 )), \"result\": $(cat "$out/one.json")}" >> "$out/results.jsonl"
/usr/bin/time -f "%M" -o "$out/rss.txt" "$PY" bench/crfsuite_tagging.py "$out" "$iterations" > "$out/one.json"
echo "{\"peak_rss_mb\": $(( $(cat "$out/rss.txt") / 1024 )), \"result\": $(cat "$out/one.json")}" >> "$out/results.jsonl"
"$PY" - "$out/results.jsonl" "$dataset" "$iterations" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
t = next(r for r in rows if r["result"]["tool"] == "textpipe"); c = next(r for r in rows if r["result"]["tool"] == "crfsuite")
opt = float(t["result"]["summary"]["optimise_seconds"])
print("dataset %s, at most %s iterations (textpipe ran %s, CRFsuite %s)" % (sys.argv[2], sys.argv[3], t["result"]["summary"]["iterations"], c["result"]["iterations"]))
print("| tool | train s (all) | optimiser s | tag tokens/s | token acc % | word/chunk F1 % | peak RSS MB |")
print("|---|---:|---:|---:|---:|---:|---:|")
for r, o in ((t, "%.1f" % opt), (c, "—")):
    x = r["result"]
    f1 = "%.2f" % (100 * x["chunk_f1"]) if "chunk_f1" in x else "—"
    print("| %s | %.1f | %s | %.0f | %.2f | %s | %d |" % (x["tool"], x["train_seconds"], o, x["tokens_per_second"], 100 * x["token_accuracy"], f1, r["peak_rss_mb"]))
print("\ntraining speed-up (CRFsuite train s / textpipe train s): %.2fx; accuracy difference %+.2f points"
      % (c["result"]["train_seconds"] / t["result"]["train_seconds"], 100 * (t["result"]["token_accuracy"] - c["result"]["token_accuracy"])))
PY
