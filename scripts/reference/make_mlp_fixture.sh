#!/usr/bin/env bash
# MLPReferenceTests' fixture: scikit-learn's MLPClassifier, seeds 0-9, on the MiniLM vectors and split of
# Tests/PipelineTests/Fixtures/mlp/polarity-minilm.yaml (vectors from `textpipe stream encode`, as bench/mlp.sh).
# Usage: bash scripts/reference/make_mlp_fixture.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/venv.sh
swift build -c release --product textpipe >/dev/null
bin="$PWD/.build/release/textpipe"
spec=Tests/PipelineTests/Fixtures/mlp/polarity-minilm.yaml
source scripts/reference/mlp_vectors.sh
"$PY" scripts/reference/mlp_sklearn.py "$root/vectors.jsonl" "$root/reports/mlp-polarity/inspect/ingested.jsonl" \
  "$root/reports/mlp-polarity/latest/folds.tsv" 10 > Tests/PipelineTests/Fixtures/mlp/polarity-minilm-sklearn.json
python3 -c "
import json, sys
m = json.load(open(sys.argv[1]))
for r in m['results']: print(r['classifier'], 'textpipe', r['accuracy'])
" "$root/reports/mlp-polarity/latest/metrics.json"
cat Tests/PipelineTests/Fixtures/mlp/polarity-minilm-sklearn.json
