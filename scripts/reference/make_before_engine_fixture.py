"""Keep what a run computed (not how long it took) from a report folder, as the fixture the engine test compares with.

Usage: python3 scripts/reference/make_before_engine_fixture.py REPORT_FOLDER OUT.json

Made from reports of the shipped sentiment, newsgroups and segmentation pipelines run by textpipe 1b4077f (the last
commit before the plan/executor engine): checkout that commit, `make build`, `.build/release/textpipe run
pipelines/NAME.yaml`, then this script on `reports/NAME/latest`. Standard library only.
"""
import hashlib
import json
import os
import sys

CLASSIFICATION_KEYS = ["features", "classifier", "family", "accuracy", "accuracy_std", "macro_f1", "macro_f1_std", "log_loss",
                       "accuracy_interval", "macro_f1_interval", "folds", "feature_count", "top_features"]
TAGGING_KEYS = ["name", "kind", "family", "metrics", "headline_interval"]


def main(folder, out):
    with open(os.path.join(folder, "metrics.json")) as f:
        metrics = json.load(f)
    tagging = metrics.get("kind") == "tagging"
    keys = TAGGING_KEYS if tagging else CLASSIFICATION_KEYS
    kept = {
        "pipeline": metrics["pipeline"],
        "kind": "tagging" if tagging else "classification",
        "dataset": metrics["dataset"],
        "results": [{k: r[k] for k in keys if k in r} for r in metrics["results"]],
        "significance": {k: metrics["significance"][k] for k in ["models", "p_values"] if k in metrics["significance"]},
    }
    if not tagging:
        # Every test document's right/wrong for every model, in fold order.
        with open(os.path.join(folder, "outcomes.tsv"), "rb") as f:
            kept["outcomes_sha256"] = hashlib.sha256(f.read()).hexdigest()
        with open(os.path.join(folder, "folds.tsv"), "rb") as f:
            kept["folds_sha256"] = hashlib.sha256(f.read()).hexdigest()
    with open(out, "w") as f:
        json.dump(kept, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
