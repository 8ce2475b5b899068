"""gensim's word2vec on the same text file and settings as textpipe, for bench/word2vec.sh.
Usage: python gensim_word2vec.py CORPUS OUT.txt skipgram|cbow negative|hierarchical THREADS
Prints JSON: seconds and words per second (raw corpus words x epochs / seconds)."""
import json, sys, time
from gensim.models import Word2Vec
from gensim.models.word2vec import LineSentence

corpus, out, arch, output, threads = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
words = sum(len(line.split()) for line in open(corpus, encoding="utf-8"))
sg = 1 if arch == "skipgram" else 0
hs = 1 if output == "hierarchical" else 0
t = time.perf_counter()
model = Word2Vec(LineSentence(corpus), vector_size=100, window=5, min_count=5, sample=1e-3, sg=sg, hs=hs,
                 negative=0 if hs else 5, cbow_mean=1, alpha=0.025 if sg else 0.05, epochs=5, workers=threads, seed=1)
seconds = time.perf_counter() - t
model.wv.save_word2vec_format(out, binary=False)
print(json.dumps({"tool": "gensim", "seconds": seconds, "words": words * 5, "words_per_second": words * 5 / seconds,
                  "vocabulary": len(model.wv)}))
