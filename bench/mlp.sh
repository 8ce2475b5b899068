#!/usr/bin/env bash
# Issue 16: textpipe's `mlp` against scikit-learn's MLPClassifier with the same architecture and settings on MiniLM
# [CLS] vectors of the Pang & Lee sentences, the same 75/25 split (Tests/PipelineTests/Fixtures/mlp/polarity-minilm.yaml:
# 100 ReLU units; 100 + 50 tanh units; Adam 0.001, alpha 0.0001, batches of 200, at most 200 epochs, scikit-learn's
# training-loss stopping rule). The vectors scikit-learn reads come from `textpipe stream encode` with the same spec.
# Training seconds: textpipe's from metrics.json (fit alone), scikit-learn's around fit; 3 runs each, medians.
# Usage: bash bench/mlp.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
swift build -c release --product textpipe >/dev/null
bin="$PWD/.build/release/textpipe"
spec=Tests/PipelineTests/Fixtures/mlp/polarity-minilm.yaml
source scripts/reference/mlp_vectors.sh
for i in 1 2 3; do
  "$bin" run "$spec" --root "$root" --force --quiet > /dev/null
  cp "$root/reports/mlp-polarity/latest/metrics.json" "$root/textpipe-$i.json"
  "$PY" scripts/reference/mlp_sklearn.py "$root/vectors.jsonl" "$root/reports/mlp-polarity/inspect/ingested.jsonl" \
    "$root/reports/mlp-polarity/latest/folds.tsv" > "$root/sklearn-$i.json"
done
python3 - "$root" <<'PY'
import json, statistics, sys
root = sys.argv[1]
for name in ("mlp", "mlp-2"):
    ours = [next(r for r in json.load(open(f"{root}/textpipe-{i}.json"))["results"] if r["classifier"] == name) for i in (1, 2, 3)]
    ref = [json.load(open(f"{root}/sklearn-{i}.json"))["models"][name] for i in (1, 2, 3)]
    t, s = statistics.median(r["train_seconds"] for r in ours), statistics.median(r["train_seconds"] for r in ref)
    print(f"{name}: textpipe accuracy {100 * ours[0]['accuracy']:.2f}%, train {t:.2f} s (median of 3) | "
          f"scikit-learn accuracy {100 * ref[0]['accuracy']:.2f}%, train {s:.2f} s ({s / t:.2f}x)")
PY
