"""fastText (fasttext-wheel 0.9.2) over a run's cross-validation folds, for FastTextReferenceTests (issue 25).

Reads textpipe's tokens (`textpipe run SPEC --only tokenize`) and the run's folds.tsv. For each fold, fastText trains
on the other folds (lines in a seeded shuffled order, seed 1 + fold, thread 1) with the spec's settings and is scored
on the fold: the per-fold accuracies. Then on all documents, with seeds 1 to 5, it reports its average training loss
(`avg.loss` of its progress line: the mean loss per example over every epoch), the number textpipe's `fasttext`
reports as "mean training loss"; and the same loss for plausible wrong settings (5 and 25 epochs, dim 10, lr 1.0,
hierarchical softmax), which the test's tolerance must exclude.

Usage: source scripts/venv.sh
       .build/release/textpipe run Tests/PipelineTests/Fixtures/fasttext/polarity-cv.yaml --root /tmp/ftcv
       .build/release/textpipe run Tests/PipelineTests/Fixtures/fasttext/polarity-cv.yaml --root /tmp/ftcv --only tokenize
       $PY scripts/reference/fasttext_folds.py /tmp/ftcv/reports/ft-polarity-cv/inspect/tokenized.jsonl \\
           /tmp/ftcv/reports/ft-polarity-cv/latest/folds.tsv > Tests/PipelineTests/Fixtures/fasttext/polarity-cv-fasttext.json
"""
import json, os, random, re, sys, tempfile
import fasttext

tokenized, folds_path = sys.argv[1:3]
SETTINGS = dict(dim=50, wordNgrams=2, epoch=10, lr=0.5, loss="softmax", thread=1, minCount=1, bucket=2000000)
docs = [json.loads(l) for l in open(tokenized, encoding="utf-8")]
fold_of = {}
for line in list(open(folds_path, encoding="utf-8"))[1:]:
    source, _, fold = line.rstrip("\n").split("\t")
    fold_of[source] = int(fold)
docs = [d for d in docs if d["source"] in fold_of]
folds = sorted(set(fold_of.values()))


def train(rows, seed, **changes):
    rows = list(rows)
    random.Random(seed).shuffle(rows)
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "train.txt")
    with open(path, "w", encoding="utf-8") as f:
        for d in rows:
            f.write("__label__" + d["label"].replace(" ", "_") + " " + " ".join(d["tokens"]) + "\n")
    # fastText prints its progress (with avg.loss) from C++ to file descriptor 2.
    log = os.path.join(folder, "progress")
    saved = os.dup(2)
    fd = os.open(log, os.O_WRONLY | os.O_CREAT)
    os.dup2(fd, 2)
    try:
        model = fasttext.train_supervised(path, **{**SETTINGS, **changes, "seed": seed, "verbose": 2})
    finally:
        os.dup2(saved, 2)
        os.close(fd)
    loss = float(re.findall(r"avg\.loss:\s*([0-9.]+)", open(log).read())[-1])
    return model, loss


accuracies = []
for f in folds:
    model, _ = train([d for d in docs if fold_of[d["source"]] != f], 1 + f)
    test = [d for d in docs if fold_of[d["source"]] == f]
    labels, _ = model.predict([" ".join(d["tokens"]) for d in test])
    accuracies.append(sum(l[0] == "__label__" + d["label"].replace(" ", "_") for l, d in zip(labels, test)) / len(test))
losses = [train(docs, seed)[1] for seed in range(1, 6)]
wrong = {}
for name, changes in [("epochs 5", {"epoch": 5}), ("epochs 25", {"epoch": 25}), ("dim 10", {"dim": 10}),
                      ("lr 1.0", {"lr": 1.0}), ("hs", {"loss": "hs"})]:
    wrong[name] = train(docs, 1, **changes)[1]
print(json.dumps({"fasttext": "fasttext-wheel 0.9.2", "settings": SETTINGS, "fold_accuracies": accuracies,
                  "mean_training_loss": losses, "wrong_settings_loss": wrong}))
