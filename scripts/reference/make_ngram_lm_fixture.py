"""NLTK's n-gram language models on the Pang & Lee sentences, for issue 16's `ngram_lm` (NGramLMReferenceTests).

From textpipe's tokens of the Pang & Lee sentences (`textpipe run SPEC --only tokenize` writes them): the first 400
sentences of each class train one model per class, the next 100 of each class are scored. One vocabulary for both
classes, as textpipe's: the units seen at least twice in all training sentences, the rest `<UNK>`
(`nltk.lm.Vocabulary(unk_cutoff=2)`). Each sentence is padded as `padded_everygram_pipeline` pads it (order - 1
`<s>` before, as many `</s>` after) and its everygrams up to the order are counted; perplexity is NLTK's
`lm.perplexity` over the test sentences' highest-order n-grams. NLTK's Kneser-Ney, Witten-Bell and absolute discounting give
probability zero to a vocabulary unit a class never saw, so only test sentences with a non-zero probability under that class's
model are scored (the fixture lists them).

Cases: words (orders 2, 3; 100 test sentences per class) and characters (the tokens' characters, a space between
words; orders 3, 4; 20 test sentences per class), KneserNeyInterpolated (discount 0.1, NLTK's default, and 0.75),
WittenBellInterpolated and AbsoluteDiscountingInterpolated (0.75).

Run:  source scripts/venv.sh
      .build/release/textpipe run Tests/PipelineTests/Fixtures/search/polarity.yaml --only tokenize --root /tmp/sp
      $PY scripts/reference/make_ngram_lm_fixture.py /tmp/sp/reports/search-polarity/inspect/tokenized.jsonl \
          > Tests/ClassifyTests/Fixtures/nltk_ngram_lm.json
"""
import json, math, sys
from collections import Counter
import nltk
from nltk.lm import AbsoluteDiscountingInterpolated, KneserNeyInterpolated, Vocabulary, WittenBellInterpolated
from nltk.lm.preprocessing import pad_both_ends
from nltk.util import everygrams, ngrams

TRAIN, TEST, CUTOFF = 400, 100, 2
docs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
labels = sorted({d["label"] for d in docs})
by_class = {c: [d["tokens"] for d in docs if d["label"] == c and d["tokens"]] for c in labels}
train = {c: s[:TRAIN] for c, s in by_class.items()}
test = {c: s[TRAIN:TRAIN + TEST] for c, s in by_class.items()}


def units(tokens, unit):
    return tokens if unit == "word" else list(" ".join(tokens))


cases = []
for unit, orders in (("word", (2, 3)), ("char", (3, 4))):
    for order in orders:
        # The padded sentences, as padded_everygram_pipeline's vocabulary text: `<s>` and `</s>` are units too.
        counts = Counter(u for c in labels for s in train[c] for u in pad_both_ends(units(s, unit), n=order))
        for smoothing, discount in (("kneser_ney", 0.1), ("kneser_ney", 0.75), ("witten_bell", None),
                                    ("absolute", 0.75)):
            vocab = Vocabulary(counts, unk_cutoff=CUTOFF)
            case = {"unit": unit, "order": order, "smoothing": smoothing, "discount": discount, "classes": {}}
            for c in labels:
                if smoothing == "kneser_ney":
                    lm = KneserNeyInterpolated(order, discount=discount, vocabulary=vocab)
                elif smoothing == "absolute":
                    lm = AbsoluteDiscountingInterpolated(order, discount=discount, vocabulary=vocab)
                else:
                    lm = WittenBellInterpolated(order, vocabulary=vocab)
                lm.fit([everygrams(list(pad_both_ends(units(s, unit), n=order)), max_len=order) for s in train[c]])
                kept, grams = [], []
                # Characters make ~5x as many n-grams as words, and NLTK's Kneser-Ney scans every n-gram per score.
                for i, s in enumerate(test[c][: TEST if unit == "word" else 20]):
                    g = list(ngrams(list(pad_both_ends(units(s, unit), n=order)), order))
                    if all(lm.score(x[-1], x[:-1]) > 0 for x in g):
                        kept.append(i)
                        grams += g
                case["classes"][c] = {"test_sentences": kept, "perplexity": lm.perplexity(grams),
                                      "ngrams_scored": len(grams)}
            cases.append(case)
            print(unit, order, smoothing, discount,
                  {c: (len(v["test_sentences"]), round(v["perplexity"], 4)) for c, v in case["classes"].items()},
                  file=sys.stderr)

json.dump({"nltk_version": nltk.__version__, "dataset": "polarity-sentences", "train_per_class": TRAIN,
           "test_per_class": TEST, "min_count": CUTOFF, "labels": labels,
           "train": train, "test": test, "cases": cases}, sys.stdout, ensure_ascii=False)
print()
