#!/usr/bin/env bash
# Issue 15: textpipe's nested grid search against scikit-learn's GridSearchCV on the same inner folds, end to end.
# textpipe: `textpipe run SPEC` from an empty work folder (ingest, tokenize, featurize once per outer fold, every
# trial, the outer folds' models and evaluation, the saved models, the report). scikit-learn: from textpipe's
# tokens (tokenizing not timed), tf-idf fitted per outer fold and GridSearchCV(cv=PredefinedSplit(textpipe's inner
# folds)) per model, the choice refit and scored on the held-out documents (scripts/reference/search_gridsearchcv.py
# --end-to-end; no saved model and no report: still less work than textpipe).
# Usage: bash bench/search.sh [polarity|newsgroups]   (default both: Pang & Lee 5x3 nested CV, then 20 Newsgroups
# on its given test set with 3 inner folds)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
swift build -c release --product textpipe >/dev/null
bin="$PWD/.build/release/textpipe"
mkdir -p bench/out
for case in "polarity:Tests/PipelineTests/Fixtures/search/polarity.yaml:search-polarity:cv" \
            "newsgroups:bench/search-newsgroups.yaml:search-newsgroups:given"; do
  IFS=: read -r name spec pipeline mode <<< "$case"
  [ -n "${1:-}" ] && [ "$1" != "$name" ] && continue
  for side in textpipe tokens; do
    root=$(mktemp -d /tmp/textpipe-search-$side-XXXXXX); mkdir -p "$root/data" data/cache; ln -s "$PWD/data/cache" "$root/data/cache"
    if [ "$side" = textpipe ]; then
      /usr/bin/time -f '%e %M' -o "$root/time" "$bin" run "$spec" --root "$root" --quiet > /dev/null
      read -r tp_seconds tp_kb < "$root/time"; tp_root="$root"
    else
      "$bin" run "$spec" --root "$root" --only tokenize --quiet > /dev/null
      /usr/bin/time -f '%e %M' -o "$root/time" "$PY" scripts/reference/search_gridsearchcv.py \
        "$root/reports/$pipeline/inspect/tokenized.jsonl" "$mode" --end-to-end > "bench/out/search-$name-sklearn.json" 2>/dev/null
      read -r sk_seconds sk_kb < "$root/time"
    fi
  done
  python3 - "$tp_root/reports/$pipeline/latest/metrics.json" "bench/out/search-$name-sklearn.json" "$name" "$tp_seconds" "$sk_seconds" <<'PY'
import json, sys
t = json.load(open(sys.argv[1])); r = json.load(open(sys.argv[2]))
agree = total = 0
for res in t["results"]:
    s = res["search"]; key = s["keys"][0]; vals = [float(x["assignment"][key]) for x in s["trials"]]
    for fold, ref in r["folds"].items():
        pick = s["chosen_for_model"] if fold == "all" else s["chosen_per_fold"][int(fold)]
        total += 1; agree += vals[pick] == float(ref[res["classifier"]]["chosen"])
print("%s: textpipe %.1f s, scikit-learn %.1f s (%.1fx); the same choice in %d of %d searches"
      % (sys.argv[3], float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[5]) / float(sys.argv[4]), agree, total))
PY
done
