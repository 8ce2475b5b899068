"""fastText (the `fasttext` PyPI package, fasttext-wheel) on textpipe's tokens, for issue 16's side-by-side benchmark.

Reads textpipe's tokenized documents (`textpipe run SPEC --only tokenize` writes them), splits them into the given
training and test sets by source, writes fastText's `__label__` files (tokens joined by spaces, training lines in a
seeded shuffled order: fastText reads its file in order every epoch) and trains `fasttext.train_supervised` with the
settings given, timing training alone. Prints one JSON line: accuracy on the test set, training seconds.

Usage: $PY scripts/reference/fasttext_supervised.py TOKENIZED.jsonl DIM WORD_NGRAMS EPOCHS LR LOSS THREADS [FOLDS.tsv]

With FOLDS.tsv (a run folder's `folds.tsv` under `evaluate: {split: ...}`) the documents it lists are the test set and
the others the training set, instead of the given sets. The fixture of `FastTextReferenceTests`:
      .build/release/textpipe run Tests/PipelineTests/Fixtures/fasttext/polarity.yaml --root /tmp/ftp
      .build/release/textpipe run Tests/PipelineTests/Fixtures/fasttext/polarity.yaml --root /tmp/ftp --only tokenize
      $PY scripts/reference/fasttext_supervised.py /tmp/ftp/reports/ft-polarity/inspect/tokenized.jsonl \
          50 2 10 0.5 softmax 1 /tmp/ftp/reports/ft-polarity/latest/folds.tsv \
          > Tests/PipelineTests/Fixtures/fasttext/polarity-fasttext.json
"""
import json, os, random, sys, tempfile, time
import fasttext

path, dim, ngrams, epochs, lr, loss, threads = sys.argv[1:8]
docs = [json.loads(l) for l in open(path, encoding="utf-8")]
if len(sys.argv) > 8:
    held_out = {line.split("\t")[0] for line in list(open(sys.argv[8], encoding="utf-8"))[1:]}
    is_train = lambda d: d["source"] not in held_out
else:
    is_train = lambda d: "-train." in d["source"] or "/train" in d["source"]
train = [d for d in docs if is_train(d)]
test = [d for d in docs if not is_train(d)]
random.Random(1).shuffle(train)
folder = tempfile.mkdtemp()


def write(name, rows):
    p = os.path.join(folder, name)
    with open(p, "w", encoding="utf-8") as f:
        for d in rows:
            f.write("__label__" + d["label"].replace(" ", "_") + " " + " ".join(d["tokens"]) + "\n")
    return p


train_path = write("train.txt", train)
start = time.perf_counter()
model = fasttext.train_supervised(
    train_path, dim=int(dim), wordNgrams=int(ngrams), epoch=int(epochs), lr=float(lr), loss=loss,
    thread=int(threads), minCount=1, bucket=2000000, verbose=0)
seconds = time.perf_counter() - start
labels, _ = model.predict([" ".join(d["tokens"]) for d in test])
correct = sum(l[0] == "__label__" + d["label"].replace(" ", "_") for l, d in zip(labels, test))
print(json.dumps({"accuracy": correct / len(test), "train_seconds": seconds, "train": len(train), "test": len(test),
                  "fasttext": getattr(fasttext, "__version__", "fasttext-wheel")}))
