"""scikit-learn's MLP update on a fixed batch, for MLPTests.adamStepsMatchScikitLearn (issue 25).

scikit-learn 1.9.1's own code computes everything: `MLPClassifier._backprop` (softmax cross-entropy plus
`alpha / 2 * |W|^2 / n`, and its gradient with the L2 term `alpha * W / n`) and `AdamOptimizer.update_params`
(beta1 0.9, beta2 0.999, epsilon 1e-8, bias-corrected step). Starting from the weights below, it takes STEPS Adam
steps on one full batch and writes the loss before each step and the weights after the last.

Usage: source scripts/venv.sh; $PY scripts/reference/mlp_adam_steps.py > Tests/ClassifyTests/Fixtures/mlp_adam_steps.json
"""
import json

import numpy as np
import sklearn
from sklearn.neural_network import MLPClassifier
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer

STEPS = 6
rng = np.random.RandomState(7)
n, d, h, k = 24, 7, 5, 3
X = rng.normal(size=(n, d))
X[X < -0.4] = 0  # some zeros, as in sparse text features
y = np.arange(n) % k
rng.shuffle(y)
W1 = rng.uniform(-0.6, 0.6, size=(d, h))
b1 = rng.uniform(-0.6, 0.6, size=h)
W2 = rng.uniform(-0.6, 0.6, size=(h, k))
b2 = rng.uniform(-0.6, 0.6, size=k)

cases = []
for activation, alpha, lr in [("tanh", 0.5, 0.01), ("relu", 0.05, 0.003)]:
    clf = MLPClassifier(hidden_layer_sizes=(h,), activation=activation, alpha=alpha, solver="adam",
                        learning_rate_init=lr)
    clf.n_outputs_ = k
    clf.n_layers_ = 3
    clf.out_activation_ = "softmax"
    clf.coefs_ = [W1.copy(), W2.copy()]
    clf.intercepts_ = [b1.copy(), b2.copy()]
    Y = np.eye(k)[y]
    params = clf.coefs_ + clf.intercepts_
    optimizer = AdamOptimizer(params, lr, 0.9, 0.999, 1e-8)
    losses = []
    for _ in range(STEPS):
        activations = [X] + [None] * 2
        deltas = [None] * 2
        coef_grads = [np.empty_like(w) for w in clf.coefs_]
        intercept_grads = [np.empty_like(b) for b in clf.intercepts_]
        loss, coef_grads, intercept_grads = clf._backprop(X, Y, None, activations, deltas, coef_grads, intercept_grads)
        losses.append(float(loss))
        optimizer.update_params(params, coef_grads + intercept_grads)
    cases.append({
        "activation": activation, "alpha": alpha, "lr": lr, "losses": losses,
        "weights": [clf.coefs_[0].ravel().tolist(), clf.coefs_[1].ravel().tolist()],
        "biases": [clf.intercepts_[0].tolist(), clf.intercepts_[1].tolist()],
    })

print(json.dumps({
    "sklearn": sklearn.__version__, "steps": STEPS, "sizes": [d, h, k], "x": X.ravel().tolist(), "y": y.tolist(),
    "weights": [W1.ravel().tolist(), W2.ravel().tolist()], "biases": [b1.tolist(), b2.tolist()], "cases": cases,
}))
