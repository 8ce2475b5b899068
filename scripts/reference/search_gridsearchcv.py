"""scikit-learn's GridSearchCV on the inner folds textpipe uses, for issue 15.

For each outer fold of textpipe's 5-fold split of the Pang & Lee sentences: tf-idf word (1,2)-grams fitted on the
outer fold's training part (as textpipe's featurizer is), then GridSearchCV(..., cv=PredefinedSplit(textpipe's inner
folds), scoring="f1_macro") for MultinomialNB over alpha, LinearSVC over C and LogisticRegression over C. Writes the
chosen setting and every candidate's mean inner macro-F1 per outer fold, and the search over all documents.

Tokens come from textpipe itself (`textpipe run SPEC --only tokenize` writes them), so both sides see the same words.
Inner folds: textpipe's stratified k-fold (scripts/reference/textpipe_folds.py) of the outer training part's labels
with seed `search.seed + (outer + 1) * 7919` (outer -1 for the search over all documents), as
SearchTrialStage.innerFolds.

With --end-to-end each choice is also refit on the searched documents and scored on the held-out ones (the outer test
fold, or the given test posts), the work textpipe's run does; bench/search.sh times it so.

Run:  source scripts/venv.sh
      .build/release/textpipe run Tests/PipelineTests/Fixtures/search/polarity.yaml --only tokenize --root /tmp/sp
      $PY scripts/reference/search_gridsearchcv.py /tmp/sp/reports/search-polarity/inspect/tokenized.jsonl \
          > Tests/PipelineTests/Fixtures/search/polarity-sklearn.json
"""
import json, os, sys, time
import numpy as np
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import GridSearchCV, PredefinedSplit
from sklearn.naive_bayes import MultinomialNB
from sklearn.svm import LinearSVC
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, os.path.dirname(__file__))
from textpipe_folds import stratified_kfold

M = (1 << 64) - 1
docs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
# given: the spec evaluates on a given test set (20 Newsgroups): one search, on the training documents (sources of
# the training file), with inner folds seeded as textpipe's outer fold 0; otherwise 5 outer folds and a search over
# all documents.
given = len(sys.argv) > 2 and sys.argv[2] == "given"
# --end-to-end: the same work as textpipe's run (bench/search.sh): each search's choice refit and scored on the held-out
# documents (the outer test fold, or the given test posts); otherwise only the searches (the fixture).
end_to_end = "--end-to-end" in sys.argv
test_docs = []
if given:
    test_docs = [d for d in docs if not ("-train." in d["source"] or "/train" in d["source"])]
    docs = [d for d in docs if "-train." in d["source"] or "/train" in d["source"]]
tokens = [d["tokens"] for d in docs]
labels = [d["label"] for d in docs]
y = np.array(labels)
test_tokens = [d["tokens"] for d in test_docs] if given else tokens
test_y = np.array([d["label"] for d in test_docs]) if given else y
OUTER, INNER, SEED = 5, 3, 1
MIN_DF = 3 if given else 1
outer = None if given else stratified_kfold(labels, OUTER, 1)

grids = {
    "multinomial_nb": (lambda: MultinomialNB(), "alpha", [0.01, 0.1, 0.3, 1, 3]),
    "linear_svm": (lambda: LinearSVC(tol=1e-4, max_iter=1000), "C", [0.01, 0.1, 1, 10]),
    "logistic": (lambda: LogisticRegression(max_iter=2000, tol=1e-6), "C", [0.1, 1, 10, 100]),
}
if given:
    grids = {
        "multinomial_nb": (lambda: MultinomialNB(), "alpha", [0.01, 0.1, 1]),
        "linear_svm": (lambda: LinearSVC(tol=1e-4, max_iter=1000), "C", [0.1, 1, 10]),
        "logistic": (lambda: LogisticRegression(max_iter=300, tol=1e-4), "C", [1, 10, 100]),
    }


def identity(x):
    return x


def grams_of(rows, source):
    # The analyzer receives token lists; (1,2)-grams are built here as textpipe joins them (a space).
    return [t + [a + " " + b for a, b in zip(t, t[1:])] for t in (source[i] for i in rows)]


def search(rows, outer_index, test=None):
    """GridSearchCV on the inner folds of `rows`; with `test` (rows of `test_tokens`), as textpipe does end to end:
    the chosen setting refit on all of `rows` and scored on the test documents (`--end-to-end`)."""
    vec = TfidfVectorizer(analyzer=identity, lowercase=False, min_df=MIN_DF)
    x = vec.fit_transform(grams_of(rows, tokens))
    xt = vec.transform(grams_of(test, test_tokens)) if test is not None else None
    seed = (SEED + ((outer_index + 1) * 7919)) & M
    inner = stratified_kfold([labels[i] for i in rows], INNER, seed)
    result = {}
    for name, (make, key, values) in grids.items():
        g = GridSearchCV(make(), {key: values}, cv=PredefinedSplit(inner), scoring="f1_macro", refit=xt is not None)
        g.fit(x, y[rows])
        result[name] = {"key": key, "values": values,
                        "chosen": g.best_params_[key],
                        "means": [float(v) for v in g.cv_results_["mean_test_score"]]}
        if xt is not None:
            result[name]["test_accuracy"] = float(np.mean(g.predict(xt) == test_y[test]))
    return result


out = {"sklearn_version": sklearn.__version__, "dataset": "polarity-sentences", "outer_folds": OUTER,
       "inner_folds": INNER, "seed": SEED, "folds": {}}
start = time.perf_counter()
if given:
    out["folds"]["0"] = search(list(range(len(docs))), 0, list(range(len(test_docs))) if end_to_end else None)
else:
    for k in range(OUTER):
        rows = [i for i in range(len(docs)) if outer[i] != k]
        held_out = [i for i in range(len(docs)) if outer[i] == k]
        out["folds"][str(k)] = search(rows, k, held_out if end_to_end else None)
    out["folds"]["all"] = search(list(range(len(docs))), -1)
out["seconds"] = time.perf_counter() - start
for k, r in out["folds"].items():
    print(k, {n: v["chosen"] for n, v in r.items()}, file=sys.stderr)
json.dump(out, sys.stdout, indent=1)
print()
