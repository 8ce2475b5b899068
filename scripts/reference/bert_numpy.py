"""A numpy BERT forward pass (safetensors read by the `safetensors` package), the reference for textpipe's encoder.

1. A tiny randomly initialised BERT (2 layers, hidden 32, 4 heads) is written to Tests/FeaturizeTests/Fixtures/tiny-bert/
   with its expected [CLS], mean and pooler outputs for a few id sequences (the test suite runs on it without the 83 MB model).
2. For all-MiniLM-L6-v2 (`textpipe models fetch minilm`), the [CLS] and mean vectors of the first 24 texts of the
   WordPiece fixture go to Tests/FeaturizeTests/Fixtures/minilm_reference.json.
Run: source scripts/venv.sh && $PY -m pip install -q safetensors && $PY scripts/reference/bert_numpy.py
"""
import json, math, os
import numpy as np
from safetensors.numpy import load_file, save_file

here = os.path.dirname(__file__)
fixtures = os.path.join(here, "..", "..", "Tests", "FeaturizeTests", "Fixtures")
erf = np.vectorize(math.erf)


def layer_norm(x, w, b, eps):
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * w + b


def forward(t, c, ids, types=None):
    ids = np.array(ids)
    types = np.zeros_like(ids) if types is None else np.array(types)
    h, heads = c["hidden_size"], c["num_attention_heads"]
    dh = h // heads
    x = t["embeddings.word_embeddings.weight"][ids] + t["embeddings.position_embeddings.weight"][: len(ids)] \
        + t["embeddings.token_type_embeddings.weight"][types]
    x = layer_norm(x, t["embeddings.LayerNorm.weight"], t["embeddings.LayerNorm.bias"], c["layer_norm_eps"])
    lin = lambda z, p: z @ t[p + ".weight"].T + t[p + ".bias"]
    for n in range(c["num_hidden_layers"]):
        p = "encoder.layer.%d." % n
        q, k, v = lin(x, p + "attention.self.query"), lin(x, p + "attention.self.key"), lin(x, p + "attention.self.value")
        ctx = np.zeros_like(x)
        for hd in range(heads):
            s = slice(hd * dh, (hd + 1) * dh)
            sc = q[:, s] @ k[:, s].T / math.sqrt(dh)
            sc = np.exp(sc - sc.max(-1, keepdims=True))
            sc /= sc.sum(-1, keepdims=True)
            ctx[:, s] = sc @ v[:, s]
        a = layer_norm(lin(ctx, p + "attention.output.dense") + x, t[p + "attention.output.LayerNorm.weight"],
                       t[p + "attention.output.LayerNorm.bias"], c["layer_norm_eps"])
        i = lin(a, p + "intermediate.dense")
        i = 0.5 * i * (1 + erf(i / math.sqrt(2)))
        x = layer_norm(lin(i, p + "output.dense") + a, t[p + "output.LayerNorm.weight"], t[p + "output.LayerNorm.bias"], c["layer_norm_eps"])
    out = {"cls": x[0].tolist(), "mean": x.mean(0).tolist()}
    if "pooler.dense.weight" in t:
        out["pooler"] = np.tanh(lin(x[0:1], "pooler.dense")[0]).tolist()
    return out


# 1. tiny random BERT
rng = np.random.default_rng(7)
c = {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 64, "max_position_embeddings": 64,
     "type_vocab_size": 2, "vocab_size": 50, "layer_norm_eps": 1e-12, "hidden_act": "gelu", "model_type": "bert"}
h, f = c["hidden_size"], c["intermediate_size"]
shapes = {"embeddings.word_embeddings.weight": (50, h), "embeddings.position_embeddings.weight": (64, h),
          "embeddings.token_type_embeddings.weight": (2, h), "embeddings.LayerNorm.weight": (h,), "embeddings.LayerNorm.bias": (h,),
          "pooler.dense.weight": (h, h), "pooler.dense.bias": (h,)}
for n in range(2):
    p = "encoder.layer.%d." % n
    for name, shape in [("attention.self.query", (h, h)), ("attention.self.key", (h, h)), ("attention.self.value", (h, h)),
                        ("attention.output.dense", (h, h)), ("intermediate.dense", (f, h)), ("output.dense", (h, f))]:
        shapes[p + name + ".weight"] = shape
        shapes[p + name + ".bias"] = (shape[0],)
    for ln in ["attention.output.LayerNorm", "output.LayerNorm"]:
        shapes[p + ln + ".weight"] = (h,)
        shapes[p + ln + ".bias"] = (h,)
tensors = {}
for name, shape in shapes.items():
    if name.endswith("LayerNorm.weight"):
        tensors[name] = (1 + 0.1 * rng.standard_normal(shape)).astype(np.float32)
    else:
        tensors[name] = (0.2 * rng.standard_normal(shape)).astype(np.float32)
tiny = os.path.join(fixtures, "tiny-bert")
os.makedirs(tiny, exist_ok=True)
save_file(tensors, os.path.join(tiny, "model.safetensors"))
json.dump(c, open(os.path.join(tiny, "config.json"), "w"), indent=1)
sequences = [[2, 5, 7, 3], [2, 10, 11, 12, 13, 14, 15, 16, 3], [2, 3], list(range(2, 50)) + [3]]
expected = [{"ids": s, **forward({k: v.astype(np.float64) for k, v in tensors.items()}, c, s)} for s in sequences]
json.dump({"cases": expected}, open(os.path.join(tiny, "expected.json"), "w"))

# 2. MiniLM, when fetched
model = os.path.join(here, "..", "..", "models/minilm")
if os.path.exists(model):
    t = {k: v.astype(np.float64) for k, v in load_file(os.path.join(model, "model.safetensors")).items()}
    mc = json.load(open(os.path.join(model, "config.json")))
    cases = json.load(open(os.path.join(fixtures, "..", "..", "TokenizeTests", "Fixtures", "wordpiece_minilm.json")))["cases"][:24]
    out = [{"ids": cs["ids"], **{k: [round(x, 6) for x in v] for k, v in forward(t, mc, cs["ids"]).items() if k != "pooler"}} for cs in cases]
    json.dump({"cases": out}, open(os.path.join(fixtures, "minilm_reference.json"), "w"))
    print("minilm reference:", len(out), "texts")
