"""Reference for textpipe's report statistics.

1. McNemar + Holm on real predictions: reads outcomes.tsv (one 0/1 column per model: was each test document
   right) of a textpipe report, computes the exact McNemar p-value of every pair with scipy
   (`binomtest(min(b, c), b + c, 0.5)`, two-sided) and Holm's adjustment with statsmodels' `multipletests`.
2. ROC AUC and average precision with scikit-learn on seeded random scores with ties.

Run: source scripts/venv.sh && "$(dirname "$PY")/pip" install -q statsmodels && \
     .build/release/textpipe run pipelines/generative-vs-discriminative.yaml && \
     $PY scripts/reference/make_significance_fixture.py reports/generative-vs-discriminative/latest/outcomes.tsv \
       > Tests/EvaluateTests/Fixtures/significance.json
"""
import csv, json, sys
import numpy as np
from scipy.stats import binomtest
from statsmodels.stats.multitest import multipletests
from sklearn.metrics import roc_auc_score, average_precision_score

rows = list(csv.reader(open(sys.argv[1], encoding="utf-8"), delimiter="\t"))
header, body = rows[0], rows[1:]
models = header[2:]
correct = [[r[2 + m] == "1" for r in body] for m in range(len(models))]
pairs, pvalues = [], []
for i in range(len(models)):
    for j in range(i + 1, len(models)):
        b = sum(1 for x, y in zip(correct[i], correct[j]) if x and not y)
        c = sum(1 for x, y in zip(correct[i], correct[j]) if y and not x)
        p = binomtest(min(b, c), b + c, 0.5).pvalue if b + c > 0 else 1.0
        pairs.append([i, j, b, c]); pvalues.append(p)
reject, adjusted, _, _ = multipletests(pvalues, alpha=0.05, method="holm")
rng = np.random.default_rng(3)
labels = rng.integers(0, 2, 500)
scores = np.round(rng.normal(labels * 0.8, 1.0), 1)  # rounded: many ties
print(json.dumps({
    "source": "scipy.stats.binomtest, statsmodels multipletests(holm), sklearn roc_auc_score / average_precision_score",
    "models": models, "correct": ["".join("1" if v else "0" for v in c) for c in correct],
    "pairs": [{"i": i, "j": j, "b": b, "c": c, "p": p, "holm": a, "reject": bool(r)}
              for (i, j, b, c), p, a, r in zip(pairs, pvalues, adjusted, reject)],
    "curves": {"labels": labels.tolist(), "scores": scores.tolist(),
               "roc_auc": roc_auc_score(labels, scores), "average_precision": average_precision_score(labels, scores)}}))
