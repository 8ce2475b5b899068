"""conlleval reference for textpipe's chunk scoring: random gold/predicted tag sequences (many of them invalid:
I- after O, E- without B-, types switching inside a chunk) in IOB1, IOB2 and IOBES, scored by `conlleval`
(PyPI conlleval==0.2, a line-for-line Python port of conlleval.pl).

Run: source scripts/venv.sh && "$(dirname "$PY")/pip" install -q conlleval==0.2 && \
     $PY scripts/reference/make_conlleval_fixture.py > Tests/EvaluateTests/Fixtures/conlleval.json
"""
import json, random
import conlleval

rng = random.Random(7)
types = ["PER", "LOC", "ORG", "MISC"]
cases = []
for scheme, prefixes in (("iob2", "BIO"), ("iob1", "BIO"), ("iobes", "BIOES")):
    sentences = []
    for _ in range(60):
        n = rng.randint(1, 14)
        def tag():
            p = rng.choice(prefixes + "OO")
            return "O" if p == "O" else p + "-" + rng.choice(types[: rng.randint(1, 4)])
        gold = [tag() for _ in range(n)]
        # Predictions: mostly the gold tag, sometimes another random one.
        pred = [g if rng.random() < 0.7 else tag() for g in gold]
        sentences.append({"gold": gold, "predicted": pred})
    lines = []
    for s in sentences:
        lines += ["w %s %s" % (g, p) for g, p in zip(s["gold"], s["predicted"])] + [""]
    r = conlleval.evaluate(lines)
    chunks = r["overall"]["chunks"]["stats"]
    by_type = {t: v["stats"] for t, v in r["slots"]["chunks"].items()}
    tags = r["overall"]["tags"]["stats"]
    cases.append({"scheme": scheme, "sentences": sentences, "chunks": chunks, "by_type": by_type,
                  "token_accuracy": tags["correct"] / tags["gold"]})
print(json.dumps({"source": "conlleval==0.2 (Python port of conlleval.pl)", "cases": cases}, indent=0))
