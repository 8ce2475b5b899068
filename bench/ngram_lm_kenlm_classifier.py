"""ngram_lm's question (issue 25): is word-trigram modified Kneser-Ney below naive Bayes on the Pang & Lee sentences a
property of the model or a defect of textpipe? The same classifier built on KenLM's lmplz instead of textpipe, on the
same tokens and the same folds: per fold and class, lmplz estimates a model from the class's training sentences (units
seen fewer than MIN_COUNT times in the fold's training sentences written as one rare word, as textpipe's shared
vocabulary makes them <unk>); a test sentence goes to the class with the larger log p(y) + log10-to-ln p(sentence | y), read from the ARPA
file. Prints the accuracy per order beside textpipe's from the same run's metrics.json.

Usage (2026-12-07 figures in bench/RESULTS.md):
    source scripts/venv.sh
    root=$(mktemp -d); mkdir -p $root/data; ln -s $PWD/data/cache $root/data/cache
    .build/release/textpipe run bench/ngram-lm/polarity.yaml --root $root --quiet
    .build/release/textpipe run bench/ngram-lm/polarity.yaml --root $root --only tokenize
    $PY bench/ngram_lm_kenlm_classifier.py "$(bash scripts/reference/build_kenlm.sh | tail -1)" \
        $root/reports/lm-polarity/inspect/tokenized.jsonl $root/reports/lm-polarity/latest 2 3
"""
import collections, json, math, os, subprocess, sys, tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts", "reference"))
from arpa import read_arpa, score  # noqa: E402  (the ARPA reading the KenLM fixture uses)

lmplz, tokenized, run = sys.argv[1:4]
orders = [int(o) for o in sys.argv[4:]]
MIN_COUNT = 2
RARE = "RAREWORD"  # lmplz refuses a literal <unk> in its corpus
docs = {}
for line in open(tokenized, encoding="utf-8"):
    d = json.loads(line)
    docs[d["source"]] = d
fold_of = {}
for line in list(open(os.path.join(run, "folds.tsv"), encoding="utf-8"))[1:]:
    source, label, fold = line.rstrip("\n").split("\t")
    fold_of[source] = int(fold)
folds = sorted(set(fold_of.values()))
labels = sorted({d["label"] for d in docs.values()})


# How sparse the data is for word n-grams: the share of test n-grams (with <s> and </s>) seen in the training sentences
# of their own class.
for n in (2, 3):
    seen = total = 0
    for f in folds:
        grams = collections.defaultdict(set)
        for s, d in docs.items():
            if s in fold_of and fold_of[s] != f:
                t = ["<s>"] + d["tokens"] + ["</s>"]
                grams[d["label"]].update(tuple(t[i:i + n]) for i in range(len(t) - n + 1))
        for s, d in docs.items():
            if fold_of.get(s) == f:
                t = ["<s>"] + d["tokens"] + ["</s>"]
                for i in range(len(t) - n + 1):
                    total += 1
                    seen += tuple(t[i:i + n]) in grams[d["label"]]
    print(f"test {n}-grams seen in their own class's training sentences: {100 * seen / total:.1f}%")

folder = tempfile.mkdtemp()
metrics = json.load(open(os.path.join(run, "metrics.json")))
for order in orders:
    correct = total = 0
    for f in folds:
        train = [d for s, d in docs.items() if fold_of.get(s, -1) != f and s in fold_of]
        test = [d for s, d in docs.items() if fold_of.get(s) == f]
        frequency = collections.Counter(t for d in train for t in d["tokens"])
        known = {t for t, c in frequency.items() if c >= MIN_COUNT}
        models, prior = {}, {}
        for label in labels:
            sentences = [d["tokens"] for d in train if d["label"] == label]
            prior[label] = math.log(len(sentences) / len(train))
            path = os.path.join(folder, f"{label}.txt")
            with open(path, "w", encoding="utf-8") as out:
                for s in sentences:
                    out.write(" ".join(t if t in known else RARE for t in s) + "\n")
            arpa = os.path.join(folder, f"{label}.arpa")
            with open(path, "rb") as src, open(arpa, "wb") as dst:
                subprocess.run([lmplz, "-o", str(order), "-S", "10%", "-T", folder, "--discount_fallback"], stdin=src,
                               stdout=dst, stderr=subprocess.DEVNULL, check=True)
            models[label] = read_arpa(arpa)
        for d in test:
            best, best_score = None, -math.inf
            for label in labels:
                probs, backoffs = models[label]
                vocabulary = {g[0] for g in probs if len(g) == 1}
                # Rare units are the counted RARE word (textpipe's <unk>); known units the class never saw are
                # KenLM's <unk> (textpipe's count-0 vocabulary words).
                words = [(t if t in vocabulary else "<unk>") if t in known else RARE for t in d["tokens"]] + ["</s>"]
                h, log10p = ("<s>",), 0.0
                for w in words:
                    log10p += score(probs, backoffs, h[-(order - 1):] if order > 1 else (), w)
                    h = h + (w,)
                s = prior[label] + log10p * math.log(10)
                if s > best_score:
                    best, best_score = label, s
            correct += best == d["label"]
            total += 1
    ours = [r for r in metrics["results"] if r["classifier"] == f"word lm {order}"]
    print(f"order {order}: KenLM classifier {100 * correct / total:.2f}% over {total} sentences; "
          f"textpipe ngram_lm {100 * ours[0]['accuracy']:.2f}%" if ours else "")
