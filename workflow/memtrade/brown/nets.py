"""Softmax classifiers in NumPy, as Brown et al.'s PyTorch code builds and trains them.

- ``SoftmaxNet(d, C, hidden=0)`` is multiclass logistic regression (``torch.nn.Linear(d, C)`` then
  log-softmax); ``hidden=h`` adds one layer of h sigmoid units (``Linear(d, h)``, sigmoid,
  ``Linear(h, C)``, log-softmax).
- Initialisation is PyTorch's default for ``nn.Linear(fan_in, fan_out)``: weights and biases
  uniform on [-1/sqrt(fan_in), 1/sqrt(fan_in)] (``kaiming_uniform_(a=sqrt(5))`` gives exactly this
  bound for the weights).
- The loss is ``NLLLoss`` with mean reduction over the batch; ``loss_and_grads`` returns it with
  its exact gradients (tested against finite differences).
- ``NesterovSGD`` is ``torch.optim.SGD(momentum=mu, nesterov=True, dampening=0, weight_decay=0)``:
  ``buf = g`` at the first step, then ``buf = mu * buf + g``; ``g' = g + mu * buf``;
  ``p = p - lr * g'``.

``queries()`` gives query access to the model's log-probabilities for the attacks of
:mod:`memtrade.attacks`, with an exact incremental shortcut for single-coordinate flips: flipping
x_j changes the first layer's pre-activations by ``-2 x_j W1[:, j]`` (O(h)), so scoring one flip
costs O(h C) instead of a forward pass.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, log_softmax

from ..attacks import Queries


def torch_linear_init(rng, fan_in: int, fan_out: int, dtype=np.float32):
    """PyTorch's default ``nn.Linear`` initialisation: W (fan_out, fan_in) and b (fan_out,) ~ U(+-1/sqrt(fan_in))."""
    bound = 1.0 / np.sqrt(fan_in)
    w = rng.uniform(-bound, bound, size=(fan_out, fan_in)).astype(dtype)
    b = rng.uniform(-bound, bound, size=fan_out).astype(dtype)
    return w, b


class SoftmaxNet:
    """Logistic regression (hidden = 0) or a one-hidden-layer sigmoid MLP with log-softmax output."""

    def __init__(self, d: int, C: int, hidden: int, rng, dtype=np.float32):
        self.hidden, self.dtype = int(hidden), dtype
        if self.hidden == 0:
            w, b = torch_linear_init(rng, d, C, dtype)
            self.params = {"W1": w, "b1": b}
        else:
            w1, b1 = torch_linear_init(rng, d, hidden, dtype)
            w2, b2 = torch_linear_init(rng, hidden, C, dtype)
            self.params = {"W1": w1, "b1": b1, "W2": w2, "b2": b2}

    def _logits(self, pre):
        """Logits from the first layer's pre-activations (and the hidden activations, or None)."""
        p = self.params
        if self.hidden == 0:
            return pre, None
        act = expit(pre)
        return act @ p["W2"].T + p["b2"], act

    def log_proba(self, X) -> np.ndarray:
        """log p(c | x) for every row of X and class c: shape (m, C)."""
        X = np.asarray(X, dtype=self.dtype)
        return log_softmax(self._logits(X @ self.params["W1"].T + self.params["b1"])[0], axis=1)

    def predict(self, X) -> np.ndarray:
        """The most probable class of each row of X."""
        return self.log_proba(X).argmax(axis=1)

    def loss_and_grads(self, X, y):
        """Mean negative log-likelihood of labels y and its gradient for every parameter."""
        p = self.params
        X = np.asarray(X, dtype=self.dtype)
        logits, act = self._logits(X @ p["W1"].T + p["b1"])
        logp = log_softmax(logits, axis=1)
        rows = np.arange(len(y))
        loss = -float(logp[rows, y].mean())
        g = np.exp(logp)
        g[rows, y] -= 1
        g /= len(y)
        if self.hidden == 0:
            return loss, {"W1": g.T @ X, "b1": g.sum(axis=0)}
        g_pre = (g @ p["W2"]) * act * (1 - act)
        grads = {"W2": g.T @ act, "b2": g.sum(axis=0), "W1": g_pre.T @ X, "b1": g_pre.sum(axis=0)}
        return loss, grads

    def queries(self) -> FlipQueries:
        """Query access with the exact O(h C) shortcut for single-coordinate flips."""
        return FlipQueries(self)


class FlipQueries(Queries):
    """Query access to a SoftmaxNet with exact O(h C) scoring of single-coordinate flips."""

    def __init__(self, net: SoftmaxNet):
        super().__init__(net.log_proba)
        self.net = net

    def start(self, X):
        """Current inputs and their first-layer pre-activations."""
        X = np.array(X, dtype=self.net.dtype)
        return {"X": X, "pre": X @ self.net.params["W1"].T + self.net.params["b1"]}

    def current(self, state):
        """log p(c | x) of the current inputs, from the stored pre-activations."""
        return log_softmax(self.net._logits(state["pre"])[0], axis=1)

    def flipped(self, state, rows, cols):
        """Scores with coordinate ``cols`` of rows ``rows`` flipped: pre-activations change by -2 x_j W1[:, j]."""
        rows, cols = np.asarray(rows), np.asarray(cols)
        w1 = self.net.params["W1"]
        pre = state["pre"][rows] - 2 * state["X"][rows, cols][:, None] * w1[:, cols].T
        return log_softmax(self.net._logits(pre)[0], axis=1)

    def commit(self, state, row, col):
        """Flip coordinate ``col`` of row ``row``, updating its pre-activations."""
        state["pre"][row] -= 2 * state["X"][row, col] * self.net.params["W1"][:, col]
        state["X"][row, col] *= -1


class NesterovSGD:
    """torch.optim.SGD(lr, momentum=mu, nesterov=True), no dampening and no weight decay, in place."""

    def __init__(self, params: dict, lr: float, momentum: float):
        self.params, self.lr, self.mu = params, float(lr), float(momentum)
        self.buf: dict | None = None

    def step(self, grads: dict, lr_factor: float = 1.0) -> None:
        """One update of every parameter in place; ``lr_factor`` scales the learning rate (step decay)."""
        if self.buf is None:
            self.buf = {k: np.array(g, copy=True) for k, g in grads.items()}
        else:
            for k, g in grads.items():
                self.buf[k] *= self.mu
                self.buf[k] += g
        lr = self.lr * lr_factor
        for k, g in grads.items():
            self.params[k] -= (lr * (g + self.mu * self.buf[k])).astype(self.params[k].dtype)
