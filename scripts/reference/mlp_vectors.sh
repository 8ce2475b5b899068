# Sourced by bench/mlp.sh and scripts/reference/make_mlp_fixture.sh (from the repository root, with $bin and $spec
# set): runs Tests/PipelineTests/Fixtures/mlp/polarity-minilm.yaml in a fresh $root sharing data/cache and models/,
# and writes the MiniLM vectors scikit-learn reads to $root/vectors.jsonl (`textpipe stream encode`, same spec).
root=$(mktemp -d /tmp/textpipe-mlp-XXXXXX); mkdir -p "$root/data" data/cache models
ln -s "$PWD/data/cache" "$root/data/cache"; ln -s "$PWD/models" "$root/models"
"$bin" run "$spec" --root "$root" --quiet > /dev/null
"$bin" run "$spec" --root "$root" --only ingest --quiet > /dev/null
python3 -c "
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l); print(json.dumps({'id': r['source'], 'text': r['text']}))
" "$root/reports/mlp-polarity/inspect/ingested.jsonl" > "$root/records.jsonl"
"$bin" stream encode --spec "$spec" --features minilm --root "$root" < "$root/records.jsonl" > "$root/vectors.jsonl"
