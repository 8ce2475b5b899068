#!/usr/bin/env bash
# Issue 6: textpipe's second-order HMM against NLTK's TnT (an implementation of Brants 2000 with its suffix
# model) on the same 90/10 split of a POS dataset, side by side in one run.
# Usage: bash bench/hmm.sh [DATASET]   (default english-pos)
set -euo pipefail
cd "$(dirname "$0")/.."
dataset=${1:-english-pos}
source scripts/venv.sh
"$PY" -c "import nltk" 2>/dev/null || "$(dirname "$PY")/pip" install -q nltk==3.10.4
swift build -c release --product textpipe-bench >/dev/null
out=bench/out/tagging/$dataset
mkdir -p "$out"
.build/release/textpipe-bench tag "$dataset" hmm2 --dump "$out" --predictions "$out/hmm2.txt" > "$out/hmm2.json"
"$PY" bench/hmm_reference.py "$out" "$out/hmm2.txt" > "$out/nltk.json"
"$PY" - "$out" <<'PY'
import json, sys
t = json.load(open(sys.argv[1] + "/hmm2.json")); n = json.load(open(sys.argv[1] + "/nltk.json"))
print("| tool | token acc % | known-word acc % | train s | tag s | lambdas |")
print("|---|---:|---:|---:|---:|---|")
print("| textpipe hmm (order 2) | %.2f | %.2f | %.2f | %.3f | %s |" % (100 * n["textpipe_hmm2_all_accuracy"], 100 * n["textpipe_hmm2_known_word_accuracy"], t["train_seconds"], t["tag_seconds"], t["summary"]["lambdas"]))
print("| NLTK %s TnT | %.2f | %.2f | %.2f | %.3f | %s |" % (n["nltk_version"], 100 * n["nltk_tnt_all_accuracy"], 100 * n["nltk_tnt_known_word_accuracy"], n["nltk_train_seconds"], n["nltk_tag_seconds"], ",".join("%.3f" % l for l in n["nltk_lambdas"])))
PY
