"""scikit-learn's CountVectorizer and TfidfVectorizer on a few sentences, for the n-gram featurizer tests.

Run:  source scripts/venv.sh && $PY scripts/reference/make_tfidf_fixture.py > Tests/FeaturizeTests/Fixtures/sklearn_tfidf.json
"""
import json
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
import sklearn

docs = [
    "the rock is destined to be the 21st century's new conan",
    "a gorgeously elaborate continuation of the lord of the rings",
    "effective but too-tepid biopic",
    "the film is not good , not good at all",
    "simplistic , silly and tedious",
    "it's so laddish and juvenile , only teenage boys could possibly find it funny",
    "the story is good and the acting is good",
    "not a bad film at all",
]
pattern = r"(?u)\b\w+\b"  # textpipe keeps one-character words
out = {"sklearn_version": sklearn.__version__, "documents": docs, "cases": []}
for kind, vec in [
    ("tf_1_2", CountVectorizer(ngram_range=(1, 2), token_pattern=pattern)),
    ("tfidf_1_2", TfidfVectorizer(ngram_range=(1, 2), token_pattern=pattern)),
    ("tfidf_1_1_min_df_2", TfidfVectorizer(ngram_range=(1, 1), token_pattern=pattern, min_df=2)),
    ("binary_1_1_max_features_10", CountVectorizer(token_pattern=pattern, binary=True, max_features=10)),
]:
    x = vec.fit_transform(docs).toarray()
    out["cases"].append({"name": kind, "vocabulary": list(vec.get_feature_names_out()),
                         "matrix": [[round(float(v), 7) for v in row] for row in x]})
print(json.dumps(out, indent=0))
