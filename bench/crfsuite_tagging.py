"""The CRFsuite side of the tagging benchmark (bench/tagging.sh): sklearn-crfsuite's CRF (python-crfsuite inside)
trained by L-BFGS on exactly the attributes textpipe extracted (`textpipe-bench tag ... --dump DIR` writes each
token's attribute ids), on the same 90/10 split. Scores like textpipe: token accuracy and, for B/M/E/S tags,
word precision/recall/F1 (words are the spans B..E and S).

Usage: python crfsuite_tagging.py DIR MAX_ITERATIONS  -> one JSON line
"""
import json, sys, time
import sklearn_crfsuite

folder, iterations = sys.argv[1], int(sys.argv[2])


def load(name):
    xs, ys = [], []
    with open("%s/%s.jsonl" % (folder, name), encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            xs.append([{str(a): 1.0 for a in token} for token in r["x"]])
            ys.append(r["y"])
    return xs, ys


def words(tags):
    out, start = set(), None
    for i, t in enumerate(tags):
        if t in ("B", "S") or start is None:
            start = i
        if t in ("E", "S") or i == len(tags) - 1 or tags[i + 1] in ("B", "S"):
            out.add((start, i + 1)); start = None
    return out


x_train, y_train = load("train")
x_test, y_test = load("test")
crf = sklearn_crfsuite.CRF(algorithm="lbfgs", c1=0.0, c2=1.0, max_iterations=iterations, period=10, delta=1e-5)
t0 = time.perf_counter()
crf.fit(x_train, y_train)
t1 = time.perf_counter()
predicted = crf.predict(x_test)
t2 = time.perf_counter()
tokens = sum(len(y) for y in y_test)
correct = sum(a == b for g, p in zip(y_test, predicted) for a, b in zip(g, p))
result = {"tool": "crfsuite", "tagger": "crf", "train_seconds": t1 - t0, "tag_seconds": t2 - t1,
          "tokens_per_second": tokens / (t2 - t1), "token_accuracy": correct / tokens,
          "iterations": len(crf.training_log_.iterations) if crf.training_log_ else None}
if set(t for y in y_train for t in y) <= {"B", "M", "E", "S"}:
    g = p = c = 0
    for gold, pred in zip(y_test, predicted):
        gw, pw = words(gold), words(pred)
        g += len(gw); p += len(pw); c += len(gw & pw)
    prec, rec = c / p, c / g
    result.update({"chunk_precision": prec, "chunk_recall": rec, "chunk_f1": 2 * prec * rec / (prec + rec)})
print(json.dumps(result, sort_keys=True))
