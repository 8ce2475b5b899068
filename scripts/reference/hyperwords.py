"""hyperwords' count-based word vectors (Levy, Goldberg and Dagan 2015), step for step, shared by
make_ppmi_svd_fixture.py and bench/cooccurrence.sh.

- vocabulary: words with at least min_count occurrences, most frequent first (ties by first occurrence, as
  textpipe orders them; the order changes no number);
- corpus2pairs: for every position i and every j != i with |i - j| <= window in the same sentence, the pair
  (tokens[i], tokens[j]) when both are in the vocabulary (out-of-vocabulary words keep their positions);
- counts2pmi: PMI = log(#(w,c) * sum_c #(c)^cds / (#(w) * #(c)^cds)), row and column sums of the counts;
- PositiveExplicit: subtract log(neg), clip at 0;
- pmi2svd / SVDEmbedding: the exact leading singular triplets (scikit-learn's TruncatedSVD with ARPACK, where
  hyperwords used sparsesvd), word vectors U Σ^eig.
"""
from collections import Counter

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD


def vocabulary(sentences, min_count):
    counts = Counter(t for s in sentences for t in s)
    first = {}
    for s in sentences:
        for t in s:
            first.setdefault(t, len(first))
    return sorted((w for w, n in counts.items() if n >= min_count), key=lambda w: (-counts[w], first[w]))


def counts(sentences, vocab, window):
    index = {w: i for i, w in enumerate(vocab)}
    pairs = Counter()
    for s in sentences:
        ids = [index.get(t) for t in s]
        for i, w in enumerate(ids):
            if w is None:
                continue
            for j in range(max(0, i - window), min(len(ids), i + window + 1)):
                if j != i and ids[j] is not None:
                    pairs[(w, ids[j])] += 1
    rows, cols = zip(*pairs.keys())
    return sp.csr_matrix((np.array(list(pairs.values()), dtype=np.float64), (rows, cols)),
                         shape=(len(vocab), len(vocab)))


def ppmi(m, cds, neg):
    sum_w = np.array(m.sum(axis=1))[:, 0]
    sum_c = np.array(m.sum(axis=0))[0, :] ** cds
    sum_total = sum_c.sum()
    pmi = sp.diags(1.0 / sum_w) @ sp.csr_matrix(m) @ sp.diags(1.0 / sum_c)
    pmi = pmi * sum_total
    pmi.data = np.log(pmi.data)
    pmi.data -= np.log(neg)
    pmi.data[pmi.data < 0] = 0
    pmi.eliminate_zeros()
    return pmi.tocsr()


def svd(pmi, dim):
    """The exact leading singular values and left singular vectors."""
    t = TruncatedSVD(n_components=dim, algorithm="arpack", random_state=0).fit(pmi)
    sigma = t.singular_values_
    return sigma, t.transform(pmi) / sigma  # X V = U Σ


def vectors(sentences, window=5, min_count=5, cds=0.75, neg=1, dim=100, eig=0.5):
    vocab = vocabulary(sentences, min_count)
    sigma, u = svd(ppmi(counts(sentences, vocab, window), cds, neg), dim)
    return vocab, u * sigma ** eig
