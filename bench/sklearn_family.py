"""The scikit-learn side of the classifier benchmark: the same features (exported by textpipe-bench) and the
same hyperparameters. Usage: python sklearn_family.py DIR MODEL -> JSON with train seconds and test accuracy."""
import json, os, sys, time
import numpy as np
import scipy.sparse as sp
from sklearn.naive_bayes import MultinomialNB, BernoulliNB, ComplementNB
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.neighbors import KNeighborsClassifier

d, name = sys.argv[1], sys.argv[2]
meta = json.load(open(os.path.join(d, "meta.json")))


def load(part):
    f = lambda ext, t: np.fromfile(os.path.join(d, part + "." + ext), dtype=t)
    indptr = f("indptr", np.int64)
    x = sp.csr_matrix((f("data", np.float32), f("indices", np.int32), indptr), shape=(len(indptr) - 1, meta["columns"]))
    return x, f("labels", np.int32)


xtr, ytr = load("train")
xte, yte = load("test")
models = {
    "multinomial_nb": lambda: MultinomialNB(alpha=0.1),
    "bernoulli_nb": lambda: BernoulliNB(alpha=0.1),
    "complement_nb": lambda: ComplementNB(alpha=0.1),
    "softmax": lambda: LogisticRegression(C=10, tol=1e-4, max_iter=1000),
    "logistic": lambda: OneVsRestClassifier(LogisticRegression(C=10, tol=1e-4, max_iter=1000)),
    "linear_svm": lambda: LinearSVC(C=1.0),
    "decision_tree": lambda: DecisionTreeClassifier(random_state=0),
    # textpipe's defaults: 100 trees, sqrt(d) features per split, bootstrap; both sides use both cores.
    "random_forest": lambda: RandomForestClassifier(n_estimators=100, max_features="sqrt", random_state=0, n_jobs=2),
    "knn": lambda: KNeighborsClassifier(n_neighbors=5, metric="cosine", algorithm="brute", n_jobs=2),
}
m = models[name]()
t = time.perf_counter()
m.fit(xtr, ytr)
seconds = time.perf_counter() - t
t = time.perf_counter()
predicted = m.predict(xte)
predict_seconds = time.perf_counter() - t
print(json.dumps({"model": name, "train_seconds": seconds, "predict_seconds": predict_seconds,
                  "accuracy": float((predicted == yte).mean())}))
