"""An outside reference for textpipe's second-order HMM: NLTK's TnT (Brants 2000: trigram transitions weighted
by deleted interpolation, relative-frequency emissions), trained on the same split. NLTK's TnT has no suffix
model (it tags unknown words 'Unk'), so both are compared on the held-out tokens seen in training.

Usage: python hmm_reference.py DUMP_DIR TEXTPIPE_PREDICTIONS  (DUMP_DIR from `textpipe-bench tag ... --dump`,
predictions from `textpipe-bench tag DATASET hmm2 --predictions FILE`)
"""
import json, sys, time
from nltk.tag import tnt

def load(name):
    return [json.loads(l) for l in open("%s/%s.jsonl" % (sys.argv[1], name), encoding="utf-8")]

train, test = load("train"), load("test")
ours = [l.split(" ") for l in open(sys.argv[2], encoding="utf-8").read().split("\n")[: len(test)]]
known = {w for s in train for w in s["tokens"]}
t0 = time.perf_counter()
tagger = tnt.TnT(N=1000)
tagger.train([list(zip(s["tokens"], s["y"])) for s in train])
t1 = time.perf_counter()
theirs = [[t for _, t in tagger.tag(s["tokens"])] for s in test]
t2 = time.perf_counter()
def accuracy(predicted, only_known):
    right = total = 0
    for s, p in zip(test, predicted):
        for w, g, q in zip(s["tokens"], s["y"], p):
            if only_known and w not in known: continue
            total += 1; right += g == q
    return right / total
print(json.dumps({"nltk_tnt_known_word_accuracy": accuracy(theirs, True), "textpipe_hmm2_known_word_accuracy": accuracy(ours, True),
                  "textpipe_hmm2_all_accuracy": accuracy(ours, False), "nltk_tnt_all_accuracy": accuracy(theirs, False),
                  "nltk_train_seconds": t1 - t0, "nltk_tag_seconds": t2 - t1, "nltk_lambdas": [tagger._lambda1, tagger._lambda2, tagger._lambda3], "nltk_version": __import__("nltk").__version__}))
