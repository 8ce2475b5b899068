"""scikit-learn's MLPClassifier on the vectors textpipe's mlp reads, for issue 16 (MLPReferenceTests, bench/mlp.sh).

Input: the JSON lines `textpipe stream encode` writes for the spec's feature set ({"id": source, "vector": [...]}),
the run's ingested documents (labels by source) and the run's folds.tsv (its test documents; the rest train).
Trains MLPClassifier(solver="adam", batch_size=200, learning_rate_init=0.001, alpha=0.0001, max_iter=200,
early_stopping=False, the textpipe spec's layers and activation), timing `fit` alone; prints one JSON line per
model: accuracy on the test documents and training seconds.

Run:  (see bench/mlp.sh, which makes the vectors)
      $PY scripts/reference/mlp_sklearn.py VECTORS.jsonl INGESTED.jsonl FOLDS.tsv \\
          > Tests/PipelineTests/Fixtures/mlp/polarity-minilm-sklearn.json
"""
import json, sys, time, warnings
import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

vectors_path, ingested_path, folds_path = sys.argv[1:4]
vectors = {}
for line in open(vectors_path, encoding="utf-8"):
    r = json.loads(line)
    vectors[r["id"]] = r["vector"]
labels = {}
for line in open(ingested_path, encoding="utf-8"):
    r = json.loads(line)
    labels[r["source"]] = r["label"]
held_out = {l.split("\t")[0] for l in list(open(folds_path, encoding="utf-8"))[1:]}
sources = sorted(labels)
train = [s for s in sources if s not in held_out]
test = [s for s in sources if s in held_out]
X = np.array([vectors[s] for s in train], dtype=np.float32)
y = np.array([labels[s] for s in train])
Xt = np.array([vectors[s] for s in test], dtype=np.float32)
yt = np.array([labels[s] for s in test])
out = {"sklearn_version": sklearn.__version__, "train": len(train), "test": len(test), "models": {}}
for name, layers, activation in (("mlp", (100,), "relu"), ("mlp-2", (100, 50), "tanh")):
    model = MLPClassifier(hidden_layer_sizes=layers, activation=activation, solver="adam", alpha=0.0001,
                          batch_size=200, learning_rate_init=0.001, max_iter=200, early_stopping=False,
                          random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        model.fit(X, y)
        seconds = time.perf_counter() - start
    out["models"][name] = {"accuracy": float(np.mean(model.predict(Xt) == yt)), "train_seconds": seconds,
                           "epochs": int(model.n_iter_)}
json.dump(out, sys.stdout)
print()
