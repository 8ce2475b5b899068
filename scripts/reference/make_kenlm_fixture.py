"""KenLM's modified Kneser-Ney on the Pang & Lee sentences, for NGramLMTests.modifiedKneserNeyEqualsKenLM (issue 25).

The sentences are those of Tests/ClassifyTests/Fixtures/nltk_ngram_lm.json (textpipe's tokens of the Pang & Lee
sentences: 400 training sentences per class, 100 test sentences per class). For each class and order 2, 3 and 4,
KenLM's `lmplz` (built from the kenlm 0.3.0 sdist by scripts/reference/build_kenlm.sh) estimates an interpolated
modified Kneser-Ney model from that class's training sentences, one per line; its ARPA file is read back here and
every token of every test sentence (both classes', then `</s>`) is scored as ARPA files are read: p(w | h) is the
listed probability of h w if listed, else backoff(h) p(w | h without its first word), unknown words as `<unk>`.
The fixture holds each class model's log10 p(w | h) of every token: textpipe's estimator must give the same.

Usage: source scripts/venv.sh
       $PY scripts/reference/make_kenlm_fixture.py "$(bash scripts/reference/build_kenlm.sh | tail -1)" \
           > Tests/ClassifyTests/Fixtures/kenlm_ngram_lm.json
"""
import json
import os
import subprocess
import sys
import tempfile
from arpa import read_arpa, score  # scripts/reference/arpa.py, run from the repository root

lmplz = sys.argv[1]
nltk = json.load(open("Tests/ClassifyTests/Fixtures/nltk_ngram_lm.json"))
labels = nltk["labels"]
test = [s for c in labels for s in nltk["test"][c]]


cases = []
folder = tempfile.mkdtemp()
for order in [2, 3, 4]:
    for label in labels:
        text = os.path.join(folder, f"{label}.txt")
        with open(text, "w", encoding="utf-8") as f:
            for sentence in nltk["train"][label]:
                f.write(" ".join(sentence) + "\n")
        arpa = os.path.join(folder, f"{label}-{order}.arpa")
        with open(text, "rb") as source, open(arpa, "wb") as out:
            subprocess.run([lmplz, "-o", str(order), "-S", "10%", "-T", folder, "--discount_fallback"], stdin=source,
                           stdout=out, stderr=subprocess.DEVNULL, check=True)
        probs, backoffs = read_arpa(arpa)
        vocabulary = {g[0] for g in probs if len(g) == 1}
        scores = []
        for sentence in test:
            words = [w if w in vocabulary else "<unk>" for w in sentence] + ["</s>"]
            history = ("<s>",)
            row = []
            for w in words:
                row.append(score(probs, backoffs, history[-(order - 1):], w))
                history = history + (w,)
            scores.append(row)
        cases.append({"label": label, "order": order, "log10": scores})

print(json.dumps({"kenlm": "0.3.0 lmplz (interpolate_unigrams default, --discount_fallback)", "labels": labels,
                  "train": nltk["train"], "test": test, "cases": cases}))
