"""Reading a KenLM ARPA file and scoring with it, shared by make_kenlm_fixture.py and
bench/ngram_lm_kenlm_classifier.py.

An ARPA file lists, per order, `log10 p(w | h)` of every n-gram `h w` it keeps and the backoff weight of `h w` as a
history. p(w | h) is the listed probability of `h w` if listed, else backoff(h) p(w | h without its first word), down
to `<unk>` for a word the model never saw.
"""


def read_arpa(path):
    """(probs, backoffs): log10 probabilities and backoff weights by n-gram tuple."""
    probs, backoffs = {}, {}
    order = 0
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("\\") and line.endswith("-grams:"):
            order = int(line[1:line.index("-")])
            continue
        if not order or not line or line.startswith("\\"):
            continue
        parts = line.split("\t")
        gram = tuple(parts[1].split(" "))
        probs[gram] = float(parts[0])
        if len(parts) > 2:
            backoffs[gram] = float(parts[2])
    return probs, backoffs


def score(probs, backoffs, context, word):
    """log10 p(word | context), context a tuple of the preceding words (at most order - 1)."""
    if context + (word,) in probs:
        return probs[context + (word,)]
    if not context:
        return probs[("<unk>",)]
    return backoffs.get(context, 0.0) + score(probs, backoffs, context[1:], word)
