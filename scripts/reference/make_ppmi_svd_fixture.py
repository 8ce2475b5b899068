"""PPMI and truncated SVD of a word-word co-occurrence matrix, computed as hyperwords does, for
CooccurrenceTests (issue 26).

Corpus: textpipe's tokens of 1,000 Pang & Lee sentences (every sentence of
Tests/ClassifyTests/Fixtures/nltk_ngram_lm.json: both classes' training sentences, then both classes' test
sentences, one sentence each). Steps, following hyperwords (Levy, Goldberg and Dagan 2015):
- vocabulary: words with at least MIN_COUNT occurrences;
- corpus2pairs: for every position i and every j != i with |i - j| <= WINDOW in the same sentence, the pair
  (tokens[i], tokens[j]) when both are in the vocabulary (out-of-vocabulary words keep their positions);
- counts2pmi: PMI = log(#(w,c) * sum_c #(c)^cds / (#(w) * #(c)^cds)), row and column sums of the counts;
- PositiveExplicit: subtract log(neg), clip at 0;
- scikit-learn's TruncatedSVD(algorithm="arpack") for the exact leading singular values and vectors.
The fixture holds the vocabulary, the PPMI matrix's size and total, 400 sampled PPMI entries, the singular values
and the cosine similarity of 300 sampled word pairs under U Σ^p; the sentences themselves too (tokens
joined by spaces), so the test reads one file.

Usage: source scripts/venv.sh && $PY scripts/reference/make_ppmi_svd_fixture.py \
           > Tests/FeaturizeTests/Fixtures/ppmi_svd.json
"""
import json
import random
import sys
from collections import Counter

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.decomposition import TruncatedSVD

WINDOW, MIN_COUNT, CDS, NEG, DIM, EIG = 5, 2, 0.75, 1, 50, 0.5

data = json.load(open("Tests/ClassifyTests/Fixtures/nltk_ngram_lm.json"))
labels = data["labels"]
sentences = [s for c in labels for s in data["train"][c]] + [s for c in labels for s in data["test"][c]]

counts = Counter(t for s in sentences for t in s)
first = {}
for s in sentences:
    for t in s:
        first.setdefault(t, len(first))
vocab = sorted((w for w, n in counts.items() if n >= MIN_COUNT), key=lambda w: (-counts[w], first[w]))
index = {w: i for i, w in enumerate(vocab)}

pairs = Counter()
for s in sentences:
    ids = [index.get(t) for t in s]
    for i, w in enumerate(ids):
        if w is None:
            continue
        for j in range(max(0, i - WINDOW), min(len(ids), i + WINDOW + 1)):
            if j != i and ids[j] is not None:
                pairs[(w, ids[j])] += 1
rows, cols = zip(*pairs.keys())
m = sp.csr_matrix((np.array(list(pairs.values()), dtype=np.float64), (rows, cols)), shape=(len(vocab), len(vocab)))

# hyperwords counts2pmi.calc_pmi
sum_w = np.array(m.sum(axis=1))[:, 0]
sum_c = np.array(m.sum(axis=0))[0, :] ** CDS
sum_total = sum_c.sum()
pmi = sp.csr_matrix(m)
pmi = sp.diags(1.0 / sum_w) @ pmi @ sp.diags(1.0 / sum_c)
pmi = pmi * sum_total
pmi.data = np.log(pmi.data)
# hyperwords PositiveExplicit
pmi.data -= np.log(NEG)
pmi.data[pmi.data < 0] = 0
pmi.eliminate_zeros()
pmi = pmi.tocsr()

svd = TruncatedSVD(n_components=DIM, algorithm="arpack", random_state=0).fit(pmi)
sigma = svd.singular_values_
u = svd.transform(pmi) / sigma  # X V = U Σ
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
