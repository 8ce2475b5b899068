"""PPMI and truncated SVD of a word-word co-occurrence matrix, computed as hyperwords does, for
CooccurrenceTests (issue 26).

Corpus: textpipe's tokens of 1,000 Pang & Lee sentences (every sentence of
Tests/ClassifyTests/Fixtures/nltk_ngram_lm.json: both classes' training sentences, then both classes' test
sentences, one sentence each), by hyperwords' steps (scripts/reference/hyperwords.py: vocabulary, corpus2pairs,
counts2pmi, PositiveExplicit, then scikit-learn's TruncatedSVD with ARPACK for the exact singular triplets).
The fixture holds the vocabulary, the PPMI matrix's size and total, 400 sampled PPMI entries, the singular values
and the cosine similarity of 300 sampled word pairs under U Σ^p; the sentences themselves too (tokens
joined by spaces), so the test reads one file.

Usage: source scripts/venv.sh && $PY scripts/reference/make_ppmi_svd_fixture.py \
           > Tests/FeaturizeTests/Fixtures/ppmi_svd.json
"""
import json
import random
import sys

import numpy as np
import sklearn

import hyperwords  # scripts/reference/hyperwords.py (the script's folder is on the path)

WINDOW, MIN_COUNT, CDS, NEG, DIM, EIG = 5, 2, 0.75, 1, 50, 0.5

data = json.load(open("Tests/ClassifyTests/Fixtures/nltk_ngram_lm.json"))
labels = data["labels"]
sentences = [s for c in labels for s in data["train"][c]] + [s for c in labels for s in data["test"][c]]

vocab = hyperwords.vocabulary(sentences, MIN_COUNT)
pmi = hyperwords.ppmi(hyperwords.counts(sentences, vocab, WINDOW), CDS, NEG)
sigma, u = hyperwords.svd(pmi, DIM)
vectors = u * sigma ** EIG
rng = random.Random(1)
coo = pmi.tocoo()
entries = [(vocab[coo.row[k]], vocab[coo.col[k]], float(coo.data[k])) for k in rng.sample(range(coo.nnz), 400)]
norms = np.linalg.norm(vectors, axis=1)
pairs_sampled = []
while len(pairs_sampled) < 300:
    a, b = rng.sample(range(min(len(vocab), 600)), 2)
    if norms[a] > 0 and norms[b] > 0:
        pairs_sampled.append((vocab[a], vocab[b], float(vectors[a] @ vectors[b] / norms[a] / norms[b])))

json.dump({
    "sklearn_version": sklearn.__version__,
    "window": WINDOW, "min_count": MIN_COUNT, "smoothing": CDS, "shift": NEG, "dimensions": DIM,
    "eigenvalue_weight": EIG,
    "sentences": [" ".join(s) for s in sentences],
    "vocabulary": vocab,
    "ppmi_entries": int(pmi.nnz), "ppmi_total": float(pmi.data.sum()),
    "ppmi_sample": [{"word": w, "context": c, "value": v} for w, c, v in entries],
    "singular_values": [float(s) for s in sigma],
    "cosines": [{"a": a, "b": b, "cosine": c} for a, b, c in pairs_sampled],
}, sys.stdout, indent=0)
print()
