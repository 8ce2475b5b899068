"""hyperwords-style PPMI + SVD vectors of a tokenized corpus (one sentence per line, tokens separated by spaces), as
bench/cooccurrence.sh compares them with textpipe's `vectors cooccurrence`. Writes word2vec text format.
Usage: $PY bench/cooccurrence_hyperwords.py TOKENS OUT MIN_COUNT WINDOW DIM"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "scripts", "reference"))
import hyperwords  # noqa: E402

tokens, out, min_count, window, dim = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
sentences = [line.split() for line in open(tokens, encoding="utf-8")]
vocab, vectors = hyperwords.vectors(sentences, window=window, min_count=min_count, dim=dim)
with open(out, "w", encoding="utf-8") as f:
    f.write(f"{len(vocab)} {dim}\n")
    for w, v in zip(vocab, vectors):
        f.write(w + " " + " ".join(f"{x:.6f}" for x in v) + "\n")
