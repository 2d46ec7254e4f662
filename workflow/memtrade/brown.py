"""Brown et al. (STOC 2021) synthetic experiments: cluster labelling with singletons (SCIENCE.md 4.5).

K subpopulations of the subcube model: each fixes every coordinate independently with probability
r to a random +-1 value (the other coordinates of its examples are uniform bits) and carries a
random class label. Frequencies are long-tailed (Zipf), so many subpopulations appear exactly once
in the n training examples (singletons). Multiclass logistic regression and a one-hidden-layer
sigmoid MLP are trained by full-batch gradient descent with momentum; at checkpoints along training,
attacks reconstruct each singleton's free coordinates from the model and the subpopulation
(theta: its fixed coordinates and label):

- logistic: the sign of the singleton's class row minus the mean row (the sign attack);
- MLP: the sign of the input gradient of log p(label | x) at the subpopulation's centre (fixed
  coordinates set, free ones 0), a one-step gradient attack.

Fano per free coordinate (1 bit each given theta) and superadditivity certify
I(S_i; M | theta) >= N_free (1 - h2(p)) bits per singleton, p the pooled attack error.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .info import h2


def subcube_rate(n: int, d: int, a: float) -> float:
    """r = sqrt((2 ln(a 0.368 n) - ln ln n) / d), the fixing probability of Brown et al.'s code."""
    return float(np.sqrt((2 * np.log(a * 0.368 * n) - np.log(np.log(n))) / d))


def make_dataset(cfg: dict, seed) -> dict:
    rng = np.random.default_rng(seed)
    n, d, K, C = cfg["n"], cfg["d"], cfg["K"], cfg["classes"]
    r = subcube_rate(n, d, cfg["a"])
    fixed = rng.random((K, d)) < r
    values = rng.choice(np.array([-1, 1], dtype=np.int8), size=(K, d))
    labels = rng.integers(0, C, size=K)
    freq = np.arange(1, K + 1, dtype=float) ** -float(cfg["zipf"])
    freq /= freq.sum()
    sub = rng.choice(K, size=n, p=freq)

    def sample(which):
        free_bits = rng.choice(np.array([-1, 1], dtype=np.int8), size=(len(which), d))
        return np.where(fixed[which], values[which], free_bits)

    counts = np.bincount(sub, minlength=K)
    seen = np.flatnonzero(counts > 0)
    test_sub = np.repeat(seen, cfg["test_per_subpop"])
    return {
        "x": sample(sub),
        "y": labels[sub],
        "sub": sub,
        "fixed": fixed,
        "values": values,
        "labels": labels,
        "x_test": sample(test_sub),
        "y_test": labels[test_sub],
        "test_singleton": counts[test_sub] == 1,
        "singleton": counts[sub] == 1,
        "r": np.array([r]),
    }


def _softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


class Model:
    """Multiclass logistic regression or a one-hidden-layer sigmoid MLP, trained by full-batch GD with momentum."""

    def __init__(self, kind: str, d: int, C: int, cfg: dict, rng):
        self.kind, self.cfg = kind, cfg
        if kind == "logistic":
            self.params = {"W": np.zeros((C, d)), "b": np.zeros(C)}
        else:
            h = cfg["hidden"]
            self.params = {
                "W1": rng.standard_normal((h, d)) / np.sqrt(d),
                "b1": np.zeros(h),
                "W2": rng.standard_normal((C, h)) / np.sqrt(h),
                "b2": np.zeros(C),
            }
        self.velocity = {k: np.zeros_like(v) for k, v in self.params.items()}

    def forward(self, x):
        p = self.params
        if self.kind == "logistic":
            return _softmax(x @ p["W"].T + p["b"]), None
        hidden = _sigmoid(x @ p["W1"].T + p["b1"])
        return _softmax(hidden @ p["W2"].T + p["b2"]), hidden

    def step(self, x, onehot):
        prob, hidden = self.forward(x)
        g_out = (prob - onehot) / len(x)
        p, lam = self.params, self.cfg["l2"]
        if self.kind == "logistic":
            grads = {"W": g_out.T @ x + lam * p["W"], "b": g_out.sum(axis=0)}
        else:
            g_hidden = (g_out @ p["W2"]) * hidden * (1 - hidden)
            grads = {
                "W2": g_out.T @ hidden + lam * p["W2"],
                "b2": g_out.sum(axis=0),
                "W1": g_hidden.T @ x + lam * p["W1"],
                "b1": g_hidden.sum(axis=0),
            }
        for k, g in grads.items():
            self.velocity[k] = self.cfg["momentum"] * self.velocity[k] - self.cfg["lr"] * g
            self.params[k] += self.velocity[k]

    def predict(self, x):
        return self.forward(x)[0].argmax(axis=1)

    def attack(self, centre, label):
        """Guess of the free coordinates' signs for each singleton (rows of centre, labels)."""
        p = self.params
        if self.kind == "logistic":
            direction = p["W"][label] - p["W"].mean(axis=0)
        else:
            prob, hidden = self.forward(centre)
            onehot = np.eye(prob.shape[1])[label]
            g_hidden = ((onehot - prob) @ p["W2"]) * hidden * (1 - hidden)
            direction = g_hidden @ p["W1"]  # d log p(label | x) / dx at the centre
        return np.where(direction >= 0, 1, -1)


def run(kind: str, data: dict, cfg: dict, seed) -> pd.DataFrame:
    """Train one model on one dataset; evaluate errors and the singleton attack at every checkpoint."""
    rng = np.random.default_rng(seed)
    x = data["x"].astype(float)
    C = int(data["labels"].max()) + 1 if len(data["labels"]) else 1
    C = max(C, int(cfg.get("classes", C)))
    onehot = np.eye(C)[data["y"]]
    model = Model(kind, x.shape[1], C, cfg[kind], rng)
    steps = cfg[kind]["steps"]
    # log-spaced checkpoints: training moves fastest early
    checkpoints = {0, *np.unique(np.round(np.geomspace(1, steps, cfg[kind]["checkpoints"])).astype(int)).tolist()}
    single = np.flatnonzero(data["singleton"])
    sub = data["sub"][single]
    free = ~data["fixed"][sub]
    centre = np.where(data["fixed"][sub], data["values"][sub], 0).astype(float)
    x_test = data["x_test"].astype(float)
    rows = []
    for step in range(steps + 1):
        if step in checkpoints:
            guess = model.attack(centre, data["y"][single])
            wrong = (guess != data["x"][single]) & free
            test_pred = model.predict(x_test)
            test_wrong = test_pred != data["y_test"]
            rows.append(
                {
                    "step": step,
                    "train_error": float(np.mean(model.predict(x) != data["y"])),
                    "test_error_seen": float(test_wrong[~data["test_singleton"]].mean()),
                    "test_error_singleton": float(test_wrong[data["test_singleton"]].mean()),
                    "singletons": len(single),
                    "free_coordinates": int(free.sum()),
                    "attack_errors": int(wrong.sum()),
                }
            )
        if step < steps:
            model.step(x, onehot)
    return pd.DataFrame(rows)


def summarize(stats: pd.DataFrame, boot: int, seed: int) -> pd.DataFrame:
    """Per (model, step): means with 95 % intervals over seeds; reconstruction error; certified bits per singleton."""
    rng = np.random.default_rng(seed)
    rows = []
    for (model, step), g in stats.groupby(["model", "step"], sort=True):
        seeds = len(g)

        def rate(frame):
            return frame["attack_errors"].sum() / frame["free_coordinates"].sum()

        def bits(frame):
            per = frame["free_coordinates"].sum() / frame["singletons"].sum()
            return per * max(0.0, 1.0 - float(h2(rate(frame))))

        idx = [rng.integers(0, seeds, seeds) for _ in range(boot)]
        row = {"model": model, "step": int(step), "seeds": seeds, "singletons_per_seed": float(g["singletons"].mean())}
        for col in ("train_error", "test_error_seen", "test_error_singleton"):
            half = 1.96 * g[col].std(ddof=1) / np.sqrt(seeds)
            row[col], row[f"{col}_lo"], row[f"{col}_hi"] = g[col].mean(), g[col].mean() - half, g[col].mean() + half
        r_boot = [rate(g.iloc[i]) for i in idx]
        b_boot = [bits(g.iloc[i]) for i in idx]
        row["reconstruction_error"] = rate(g)
        row["reconstruction_error_lo"], row["reconstruction_error_hi"] = np.quantile(r_boot, [0.025, 0.975])
        row["bit_recovery_rate"] = 1.0 - rate(g)
        row["certified_bits_per_singleton"] = min(bits(g), float(np.quantile(b_boot, 0.025)))
        row["certified_bits_per_singleton_estimate"] = bits(g)
        row["free_coordinates_per_singleton"] = g["free_coordinates"].sum() / g["singletons"].sum()
        rows.append(row)
    return pd.DataFrame(rows)
