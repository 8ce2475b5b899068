"""scikit-learn's decision tree, node by node, on tie-free real data: DecisionTreeTests.structureEqualsScikitLearn.

The data is the `dense` case of Tests/ClassifyTests/Fixtures/sklearn_family.json (20 Newsgroups tf-idf reduced to
20 dimensions by TruncatedSVD; made by make_family_fixtures.py): continuous values without repeats. Even so, two
features can split a small node into the same class counts, a tie that scikit-learn breaks by its random feature
order (at depth 4 with 5 documents per leaf, gini trees differ between seeds). Trees here are cut at depth 4 with 10
documents per leaf, where no two splits tie: the script fits each with 12 seeds and refuses to write a fixture unless
all twelve are identical. For gini and entropy it writes every node (preorder): feature, threshold, weighted
class counts, and the test predictions.

Usage: source scripts/venv.sh; $PY scripts/reference/make_tree_structure_fixture.py > Tests/ClassifyTests/Fixtures/sklearn_tree_structure.json
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.tree import DecisionTreeClassifier

family = json.load(open("Tests/ClassifyTests/Fixtures/sklearn_family.json"))["dense"]
def matrix(m):
    return np.array(m["values"], dtype=np.float32).reshape(m["rows"], m["columns"])
xtr, xte = matrix(family["train"]), matrix(family["test"])
ytr = np.array(family["train_labels"])
assert len(np.unique(xtr, axis=0)) == len(xtr)
for j in range(xtr.shape[1]):
    assert len(np.unique(xtr[:, j])) == len(xtr), f"column {j} has repeated values"

cases = []
for criterion in ["gini", "entropy"]:
    trees = [DecisionTreeClassifier(criterion=criterion, max_depth=4, min_samples_leaf=10, random_state=s).fit(xtr, ytr)
             for s in range(12)]
    t0 = trees[0].tree_
    for t in trees[1:]:
        t = t.tree_
        assert np.array_equal(t.feature, t0.feature) and np.array_equal(t.threshold, t0.threshold), "ties: seeds disagree"
    nodes = []
    def walk(n):
        if t0.children_left[n] == -1:
            nodes.append({"feature": -1, "threshold": 0.0, "counts": t0.value[n][0].tolist()})
            return
        nodes.append({"feature": int(t0.feature[n]), "threshold": float(t0.threshold[n]),
                      "counts": t0.value[n][0].tolist()})
        walk(t0.children_left[n])
        walk(t0.children_right[n])
    walk(0)
    cases.append({"criterion": criterion, "nodes": nodes, "predicted": trees[0].predict(xte).tolist(),
                  "probabilities": trees[0].predict_proba(xte).tolist()})
json.dump({"sklearn_version": sklearn.__version__, "max_depth": 4, "min_samples_leaf": 10, "cases": cases}, sys.stdout)
