"""The scikit-learn side of the featurize benchmark: the same texts through what a Python user would write.

Plain text: CountVectorizer(ngram_range=(1, 2)). HTML: lxml.html text extraction (script/style/nav/footer
dropped with lxml's Cleaner-free xpath removal), whitespace normalised, then the same CountVectorizer.
Prints JSON with seconds per repeat. Usage: python sklearn_featurize.py FILE.jsonl REPEATS html|plain
"""
import json, re, sys, time
from sklearn.feature_extraction.text import CountVectorizer

path, repeats, kind = sys.argv[1], int(sys.argv[2]), sys.argv[3]
texts = [json.loads(line)["text"] for line in open(path, encoding="utf-8") if line.strip()]
nbytes = sum(len(t.encode("utf-8")) for t in texts)
space = re.compile(r"\s+")


def clean_html(doc):
    import lxml.html
    root = lxml.html.fromstring(doc)
    for bad in root.xpath("//script|//style|//noscript|//template|//nav|//footer|//head"):
        bad.drop_tree()
    return space.sub(" ", root.text_content()).strip()


runs = []
for _ in range(repeats):
    t0 = time.perf_counter()
    cleaned = [clean_html(t) for t in texts] if kind == "html" else texts
    t1 = time.perf_counter()
    x = CountVectorizer(ngram_range=(1, 2)).fit_transform(cleaned)
    t2 = time.perf_counter()
    runs.append({"clean": t1 - t0, "featurize": t2 - t1, "total": t2 - t0})
print(json.dumps({"documents": len(texts), "bytes": nbytes, "columns": x.shape[1], "runs": runs}))
