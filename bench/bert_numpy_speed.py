"""The numpy side of the BERT speed benchmark: the same forward pass in float32 numpy (OpenBLAS matmuls), one
sequence at a time at its own length (no padding), as textpipe does. Usage: python bert_numpy_speed.py MODEL IDS.json
IDS.json: {"sequences": [[ids...], ...]}. Prints JSON: seconds and sentences per second."""
import json, math, sys, time
import numpy as np
from safetensors.numpy import load_file
from scipy.special import erf

model, ids_file = sys.argv[1], sys.argv[2]
t = load_file(model + "/model.safetensors")
c = json.load(open(model + "/config.json"))
sequences = json.load(open(ids_file))["sequences"]
h, heads, eps = c["hidden_size"], c["num_attention_heads"], c["layer_norm_eps"]
dh = h // heads
W = {k: v.astype(np.float32) for k, v in t.items()}
lin = lambda z, p: z @ W[p + ".weight"].T + W[p + ".bias"]


def ln(x, p):
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * W[p + ".weight"] + W[p + ".bias"]


def forward(ids):
    n = len(ids)
    x = W["embeddings.word_embeddings.weight"][ids] + W["embeddings.position_embeddings.weight"][:n] + W["embeddings.token_type_embeddings.weight"][0]
    x = ln(x, "embeddings.LayerNorm")
    for l in range(c["num_hidden_layers"]):
        p = "encoder.layer.%d." % l
        q = lin(x, p + "attention.self.query").reshape(n, heads, dh).transpose(1, 0, 2)
        k = lin(x, p + "attention.self.key").reshape(n, heads, dh).transpose(1, 0, 2)
        v = lin(x, p + "attention.self.value").reshape(n, heads, dh).transpose(1, 0, 2)
        s = q @ k.transpose(0, 2, 1) / math.sqrt(dh)
        s = np.exp(s - s.max(-1, keepdims=True)); s /= s.sum(-1, keepdims=True)
        ctx = (s @ v).transpose(1, 0, 2).reshape(n, h)
        a = ln(lin(ctx, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
        i = lin(a, p + "intermediate.dense"); i = 0.5 * i * (1 + erf(i / math.sqrt(2)))
        x = ln(lin(i, p + "output.dense") + a, p + "output.LayerNorm")
    return x[0]


start = time.perf_counter()
for s in sequences:
    forward(np.array(s))
seconds = time.perf_counter() - start
print(json.dumps({"tool": "numpy", "seconds": seconds, "sentences_per_second": len(sequences) / seconds, "count": len(sequences)}))
