"""Black-box learners on generated datasets, reconstruction attacks, certified memorization bounds.

For learners whose memorization has no closed form, I(S; M | theta) is certified from below by an
attack that reconstructs each training example's coordinates from (M, theta) (docs/science.md section 1):

- binary coordinates: Fano per component, I(S_k; M | theta) >= H(S_k | theta) - h2(p_k);
- Gaussian coordinates: I(S_k; M | theta) >= 1/2 log2(v / mse_k), v = Var(S_k | theta);
- superadditivity over the independent components, and concavity (Jensen) within each group of
  components with the same H(S_k | theta), so pooled error rates (or MSEs) give a valid bound.

The bound holds whatever the learner is; it is only as tight as the attack. Error rates are
pooled over components and seeds; confidence intervals come from a bootstrap over seeds.

Attacks (the ``attack`` column of the tables):

- ``stored_examples`` (kNN): the stored training examples read back;
- ``direction`` (white-box): every example guessed from the model's direction (weights, or the
  MLP's input gradient at 0);
- ``sign`` and ``coordinate_ascent`` (query-only, binary problems, every learner with class
  probabilities): Brown et al.'s attacks (:mod:`memtrade.attacks`) on the score log p(y | x), run
  once per label value; each training example's guess is the output for its own label.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .attacks import coordinate_ascent, sign_attack
from .info import h2

QUERY_ATTACKS = ("sign", "coordinate_ascent")

# ----------------------------------------------------------------------------------- datasets


def make_dataset(problem, n_max: int, n_test: int, seed) -> dict:
    """theta, n_max training and n_test test examples of one problem instance, from ``seed`` (int or sequence)."""
    rng = np.random.default_rng(seed)
    theta, x, y = problem.simulate(rng, n_max + n_test, 1)
    return {
        "theta": theta[0],
        "x_train": x[0, :n_max],
        "y_train": y[0, :n_max],
        "x_test": x[0, n_max:],
        "y_test": y[0, n_max:],
    }


# ----------------------------------------------------------------------------------- learners


def check_estimator(path: str, params: dict, need_scores: bool = True):
    """The class at import path ``module.Class``: it imports, takes ``params``, has fit and predict, and
    (for the query-only attacks) predict_proba or decision_function. Raises ValueError naming the problem."""
    import importlib
    import inspect

    module, _, name = str(path).rpartition(".")
    if not module:
        raise ValueError(f"estimator {path!r}: expected an import path module.Class")
    try:
        cls = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as err:
        raise ValueError(f"estimator {path!r} does not import: {err}") from None
    if not inspect.isclass(cls):
        raise ValueError(f"estimator {path!r} is not a class")
    missing = [m for m in ("fit", "predict") if not callable(getattr(cls, m, None))]
    if missing:
        raise ValueError(f"estimator {path!r} has no {' or '.join(missing)}")
    if need_scores and not any(callable(getattr(cls, m, None)) for m in ("predict_proba", "decision_function")):
        raise ValueError(
            f"estimator {path!r} has neither predict_proba nor decision_function: the query-only attacks need one"
        )
    try:
        cls(**params)
    except TypeError as err:
        raise ValueError(f"estimator {path!r} rejects its parameters {params}: {err}") from None
    return cls


class NaturalClassifier:
    """The problem's natural structured learner as a scikit-learn-compatible estimator (exact memorization known).

    Stores the sign of the mean (Gaussian), the majority (Boolean, tie -> +1) or the agreement pattern
    (sparse) of the signed examples y x on every coordinate, and scores x @ w. ``memtrade audit`` on it
    checks that a certified bound never exceeds the exact memorization.
    """

    def __init__(self, problem: str = "boolean"):
        self.problem = problem

    def get_params(self, deep=True):
        return {"problem": self.problem}

    def fit(self, x, y):
        self.w_ = fit("natural", {"problem": self.problem}, np.asarray(x, float), np.asarray(y, float), 0)["w"]
        self.classes_ = np.array([-1.0, 1.0])
        return self

    def decision_function(self, x):
        return np.asarray(x, float) @ self.w_

    def predict(self, x):
        return np.where(self.decision_function(x) >= 0, 1.0, -1.0)


def fit(kind: str, params: dict, x: np.ndarray, y: np.ndarray, seed: int) -> dict:
    """Train one learner; return its model as arrays (enough to evaluate and to attack it).

    Every problem is symmetric under (x, y) -> (-x, -y), so the learners train on the training set
    together with its mirror image: no information is added, and a single example already shows
    both classes. kNN stores the n training examples themselves (first) and their mirrors.
    """
    from sklearn.linear_model import LogisticRegression, RidgeClassifier
    from sklearn.neural_network import MLPClassifier

    if kind == "sklearn":  # any scikit-learn-compatible estimator, by import path (trained on the mirrored set)
        cls = check_estimator(params["estimator"], params.get("params", {}))
        est_params = dict(params.get("params", {}))
        if "random_state" in getattr(cls(**est_params), "get_params", dict)() and "random_state" not in est_params:
            est_params["random_state"] = int(seed)  # seeded from the run, like every other draw
        est = cls(**est_params).fit(np.concatenate([x, -x]), np.concatenate([y, -y]))
        return {"kind": kind, "estimator": est}
    if kind == "natural":  # the problem's structured learner on all d coordinates (exact memorization known)
        u = y[:, None] * x
        if params["problem"] == "sparse":
            agree = np.all(u == u[:1], axis=0)
            w = np.where(agree, u[0], 0.0)
        elif params["problem"] == "boolean":
            w = np.where(u.sum(axis=0) >= 0, 1.0, -1.0)  # majority, tie -> +1
        else:
            w = np.where(u.mean(axis=0) >= 0, 1.0, -1.0)  # sign of the mean
        return {"kind": kind, "w": w, "b": np.zeros(1)}
    x, y = np.concatenate([x, -x]), np.concatenate([y, -y])
    labels = (y > 0).astype(int)
    if kind == "logistic":
        m = LogisticRegression(C=params["C"], max_iter=params.get("max_iter", 1000)).fit(x, labels)
        return {"kind": kind, "w": m.coef_[0], "b": m.intercept_}
    if kind == "ridge":
        m = RidgeClassifier(alpha=params["alpha"]).fit(x, labels)
        return {"kind": kind, "w": np.atleast_2d(m.coef_)[-1], "b": np.atleast_1d(m.intercept_)[-1:]}
    if kind == "knn":
        return {"kind": kind, "x": x.copy(), "y": y.copy(), "k": np.array([params["k"]])}
    if kind == "mlp":
        m = MLPClassifier(
            hidden_layer_sizes=(params["hidden"],),
            activation="logistic",
            alpha=params["alpha"],
            max_iter=params["max_iter"],
            random_state=seed,
        ).fit(x, labels)
        return {
            "kind": kind,
            "W1": m.coefs_[0],
            "b1": m.intercepts_[0],
            "W2": m.coefs_[1][:, 0],
            "b2": m.intercepts_[1],
        }
    raise ValueError(f"unknown black-box learner kind {kind!r}")


def predict(model: dict, x: np.ndarray) -> np.ndarray:
    """Labels in {-1, +1} (ties -> +1)."""
    kind = model["kind"]
    if kind == "sklearn":
        return np.where(np.asarray(model["estimator"].predict(x), float) > 0, 1.0, -1.0)
    if kind in ("logistic", "ridge", "natural"):
        score = x @ model["w"] + model["b"][0]
    elif kind == "knn":
        k = int(model["k"][0])
        dist = ((x[:, None, :] - model["x"][None, :, :]) ** 2).sum(axis=2)
        near = np.argsort(dist, axis=1, kind="stable")[:, :k]
        score = model["y"][near].sum(axis=1)
    else:
        hidden = 1.0 / (1.0 + np.exp(-(x @ model["W1"] + model["b1"])))
        score = hidden @ model["W2"] + model["b2"][0]
    return np.where(score >= 0, 1.0, -1.0)


def log_proba(model: dict, x: np.ndarray) -> np.ndarray:
    """Class log-probabilities, columns (y = -1, y = +1), of the learners that have them (else ValueError)."""
    kind = model["kind"]
    x = np.asarray(x, float)
    if kind == "sklearn":
        est = model["estimator"]
        order = [int(np.flatnonzero(np.asarray(est.classes_, float) == c)[0]) for c in (-1.0, 1.0)]
        if hasattr(est, "predict_proba"):
            with np.errstate(divide="ignore"):
                return np.log(np.asarray(est.predict_proba(x), float)[:, order])
        z = np.asarray(est.decision_function(x), float)  # a monotone score: the logistic link of it
        return np.stack([-np.logaddexp(0, z), -np.logaddexp(0, -z)], axis=1)
    if kind == "logistic":
        z = x @ model["w"] + model["b"][0]
    elif kind == "mlp":
        z = (1.0 / (1.0 + np.exp(-(x @ model["W1"] + model["b1"])))) @ model["W2"] + model["b2"][0]
    elif kind == "knn":  # the fraction of the k nearest stored examples with label +1 (scikit-learn's)
        k = int(model["k"][0])
        dist = ((x[:, None, :] - model["x"][None, :, :]) ** 2).sum(axis=2)
        near = np.argsort(dist, axis=1, kind="stable")[:, :k]
        p = (model["y"][near] > 0).mean(axis=1)
        with np.errstate(divide="ignore"):
            return np.log(np.stack([1 - p, p], axis=1))
    else:
        raise ValueError(f"learner kind {kind!r} has no class probabilities")
    return np.stack([-np.logaddexp(0, z), -np.logaddexp(0, -z)], axis=1)


def attacks_for(problem, kind: str) -> list[str]:
    """The attacks that apply to a learner kind on a problem (query-only ones need probabilities and +-1 inputs)."""
    if kind == "sklearn":  # query access only
        return list(QUERY_ATTACKS) if problem.name != "gaussian" else []
    out = ["stored_examples" if kind == "knn" else "direction"]
    if problem.name != "gaussian" and kind in ("logistic", "mlp", "knn"):
        out += list(QUERY_ATTACKS)
    return out


def query_reconstruct(model: dict, y_train: np.ndarray, n: int, d: int, attack: str, rng) -> np.ndarray:
    """Guess every training example's signed coordinates by a query-only attack on log p(y | x): shape (n, d)."""
    labels = np.array([0, 1])  # columns of log_proba: y = -1, y = +1
    score = lambda x: log_proba(model, x)  # noqa: E731 - the attacks see this callable only
    if attack == "sign":
        guess = sign_attack(score, labels, d, rng)
    else:
        guess = coordinate_ascent(score, labels, d, rng)[0]
    y = y_train[:n]
    x_guess = guess[(y > 0).astype(int)]
    return y[:, None] * x_guess


def direction(model: dict, d: int) -> np.ndarray:
    """The model's direction in feature space: weights, or the input gradient of the MLP's score at 0."""
    if model["kind"] in ("logistic", "ridge", "natural"):
        return model["w"]
    if model["kind"] == "mlp":
        a = 1.0 / (1.0 + np.exp(-model["b1"]))
        return model["W1"] @ (model["W2"] * a * (1 - a))
    raise ValueError("no direction for a stored-example model")


# ------------------------------------------------------------------------------------ attacks


def reconstruct(problem, model: dict, theta: np.ndarray, n: int) -> np.ndarray:
    """Guess every training example's signed coordinates u_ij from (model, theta): shape (n, d).

    Stored examples are read back. Otherwise the guess uses the model's direction w: binary
    problems guess sign(w_j) (theta's value where theta fixes the coordinate, and where w_j = 0);
    the Gaussian problem rescales w onto theta (w ~ a ubar, a fitted by least squares on theta)
    and guesses ubar_j for every example.
    """
    d = len(theta)
    if model["kind"] == "knn":
        return model["y"][:n, None] * model["x"][:n]
    w = direction(model, d)
    if problem.name == "gaussian":
        a = float(w @ theta) / float(theta @ theta)
        guess = np.where(w != 0, w / a, theta) if a != 0 else theta
        return np.broadcast_to(guess, (n, d)).copy()
    prior_guess = np.where(theta != 0, theta, 1.0)  # boolean: theta; sparse: the fixed value (free: +1)
    guess = np.where(w != 0, np.sign(w), prior_guess)
    if problem.name == "sparse":
        guess = np.where(theta != 0, theta, guess)
    return np.broadcast_to(guess, (n, d)).copy()


def group_constants(problem) -> dict:
    """Per component group: H(u_j | theta_j) in bits (binary problems) or Var(u_j | theta_j) (Gaussian)."""
    if problem.name == "boolean":
        return {0: float(h2((1 + problem.r) / 2))}
    if problem.name == "sparse":
        return {0: 0.0, 1: 1.0}  # fixed coordinates carry nothing, free ones one bit
    return {0: float(problem.sigma2)}


def component_groups(problem, theta: np.ndarray) -> np.ndarray:
    """Each coordinate's group label (sparse: 1 where theta leaves the coordinate free)."""
    if problem.name == "sparse":
        return (theta == 0).astype(int)
    return np.zeros(len(theta), int)


def attack_stats(problem, model, theta, x_train, y_train, n: int, guess=None) -> dict:
    """Sufficient statistics of one attack: per group, components and errors (or squared errors).

    ``guess`` is the attack's (n, d) guess of the signed examples; by default the white-box
    reconstruction (stored examples, or the model's direction).
    """
    u = y_train[:n, None] * x_train[:n]
    guess = reconstruct(problem, model, theta, n) if guess is None else guess
    groups = component_groups(problem, theta)
    out = {}
    for g in np.unique(groups):
        cols = groups == g
        if problem.name == "gaussian":
            out[int(g)] = (int(cols.sum() * n), float(((guess[:, cols] - u[:, cols]) ** 2).sum()))
        else:
            out[int(g)] = (int(cols.sum() * n), float((guess[:, cols] != u[:, cols]).sum()))
    return out


def certified_bits(problem, per_group: dict, theta_groups: dict) -> float:
    """Certified lower bound on I(S; M | theta) from pooled attack statistics (see module doc).

    ``per_group`` maps group -> (components, errors or squared errors) summed over seeds;
    the bound is scaled to one model: components per model = total / seeds is handled by the caller.
    """
    total = 0.0
    for g, (count, err) in per_group.items():
        if count == 0:
            continue
        if problem.name == "gaussian":
            mse = err / count
            total += count * max(0.0, 0.5 * np.log2(theta_groups[g] / mse)) if mse > 0 else np.inf
        else:
            total += count * max(0.0, theta_groups[g] - float(h2(err / count)))
    return float(total)


def membership_advantage(model: dict, x_in, y_in, x_out, y_out) -> float:
    """Side metric: best TPR - FPR of a threshold on the margin y * score, members against fresh examples."""

    def margin(x, y):
        if model["kind"] == "sklearn":
            lp = log_proba(model, x)
            with np.errstate(invalid="ignore"):
                return np.nan_to_num(y * (lp[:, 1] - lp[:, 0]), nan=0.0, posinf=1e300, neginf=-1e300)
        if model["kind"] == "knn":
            dist = ((x[:, None, :] - model["x"][None, :, :]) ** 2).sum(axis=2)
            return -dist.min(axis=1)  # distance to the nearest stored example
        if model["kind"] == "mlp":
            hidden = 1.0 / (1.0 + np.exp(-(x @ model["W1"] + model["b1"])))
            return y * (hidden @ model["W2"] + model["b2"][0])
        return y * (x @ model["w"] + model["b"][0])  # linear models, including the natural learner

    s_in, s_out = margin(x_in, y_in), margin(x_out, y_out)
    thresholds = np.unique(np.concatenate([s_in, s_out]))
    tpr = (s_in[None, :] >= thresholds[:, None]).mean(axis=1)
    fpr = (s_out[None, :] >= thresholds[:, None]).mean(axis=1)
    return float(np.max(tpr - fpr))


def run_learner(problem, kind: str, params: dict, data: dict, n_grid, seed: int):
    """Train on the first n examples for every n; return the models and one row of statistics per (n, attack)."""
    models, rows = {}, []
    d = data["x_train"].shape[1]
    for n in n_grid:
        model = fit(kind, params, data["x_train"][:n], data["y_train"][:n], seed)
        models[n] = model
        err = float(np.mean(predict(model, data["x_test"]) != data["y_test"]))
        n_out = min(len(data["x_test"]), max(n, 200))
        adv = membership_advantage(
            model, data["x_train"][:n], data["y_train"][:n], data["x_test"][:n_out], data["y_test"][:n_out]
        )
        for i, attack in enumerate(attacks_for(problem, kind)):
            guess = None
            if attack in QUERY_ATTACKS:
                rng = np.random.default_rng([int(seed), int(n), i])
                guess = query_reconstruct(model, data["y_train"], n, d, attack, rng)
            stats = attack_stats(problem, model, data["theta"], data["x_train"], data["y_train"], n, guess)
            row = {"n": int(n), "seed": int(seed), "attack": attack, "test_error": err, "membership_advantage": adv}
            for g, (count, errors) in stats.items():
                row[f"components_g{g}"] = count
                row[f"errors_g{g}"] = errors
            rows.append(row)
    return models, pd.DataFrame(rows)


def certify_table(problem, stats: pd.DataFrame, boot: int, seed: int) -> pd.DataFrame:
    """Per (n, attack): mean error, certified bits per model with a bootstrap interval over seeds, side metrics.

    ``certified_bits`` is the conservative value (the smaller of the point estimate and the 2.5 %
    bootstrap quantile over seeds); ``certified_bits_estimate`` the point estimate.
    """
    groups = group_constants(problem)
    rng = np.random.default_rng(seed)
    rows = []
    order = {a: i for i, a in enumerate(dict.fromkeys(stats["attack"]))}
    for (n, attack), g in sorted(stats.groupby(["n", "attack"]), key=lambda kv: (kv[0][0], order[kv[0][1]])):
        seeds = len(g)

        def bound(frame):
            per_group = {}
            for k in groups:
                if f"components_g{k}" in frame:
                    per_group[k] = (frame[f"components_g{k}"].fillna(0).sum(), frame[f"errors_g{k}"].fillna(0).sum())
            return certified_bits(problem, per_group, groups) / len(frame)

        point = bound(g)
        boots = [bound(g.iloc[rng.integers(0, seeds, seeds)]) for _ in range(boot)]
        lower = min(point, float(np.quantile(boots, 0.025)))
        err_rate = {}
        for k in groups:
            if f"components_g{k}" in g and g[f"components_g{k}"].sum() > 0:
                err_rate[k] = g[f"errors_g{k}"].sum() / g[f"components_g{k}"].sum()
        rows.append(
            {
                "n": int(n),
                "attack": attack,
                "seeds": seeds,
                "test_error": float(g["test_error"].mean()),
                "test_error_se": float(g["test_error"].std(ddof=1) / np.sqrt(seeds)) if seeds > 1 else np.nan,
                "certified_bits": lower,
                "certified_bits_estimate": point,
                "certified_bits_hi": float(np.quantile(boots, 0.975)),
                "attack_error": float(err_rate.get(1 if problem.name == "sparse" else 0, np.nan)),
                "membership_advantage": float(g["membership_advantage"].mean()),
            }
        )
    return pd.DataFrame(rows)


def save_models(path, models_by_seed: dict) -> None:
    """All models of one (problem, learner): arrays keyed seed<s>/n<n>/<name>, written atomically."""
    from .io import atomic_path

    arrays = {}
    for seed, models in models_by_seed.items():
        for n, model in models.items():
            for name, value in model.items():
                if name == "estimator":  # a fitted scikit-learn object: pickled (np.load(..., allow_pickle=True))
                    arrays[f"seed{seed}/n{n}/{name}"] = np.array([value], dtype=object)
                else:
                    arrays[f"seed{seed}/n{n}/{name}"] = np.asarray(value) if name != "kind" else np.array(value)
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, **arrays)


def save_dataset(path, data: dict, meta: dict) -> None:
    """One dataset as compressed NumPy, with its seed and parameters in a JSON sidecar (path.json)."""
    import json

    from .io import atomic_path, write_text

    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, **data)
    write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", str(path) + ".json")


def load_dataset(path) -> dict:
    with np.load(path) as z:
        return {k: z[k] for k in z.files}


def blackbox_table(problem, stats_by_learner: dict, boot: int, seed: int) -> pd.DataFrame:
    """One row per (learner, n, attack): certified bits (with interval), error, SDPI bound at that error, side metric.

    For the ``natural`` learner the exact memorization is known and added; a certified bound above
    it is a bug and raises.
    """
    from .aggregate import InvariantViolation
    from .bounds import lower_bound_bits
    from .estimators import memorization_bits
    from .learners import REFERENCE
    from .sdpi import constants

    frames = []
    for i, (learner, stats) in enumerate(stats_by_learner.items()):
        t = certify_table(problem, stats, boot, seed + i)
        t.insert(0, "learner", learner)
        t.insert(0, "d", problem.d)
        t.insert(0, "problem", problem.name)
        t["lower_bound_bits"] = [
            float(lower_bound_bits(constants(problem, int(n))["F"], e))
            for n, e in zip(t["n"], t["test_error"], strict=True)
        ]
        t["exact_bits"] = [
            memorization_bits(REFERENCE[problem.name](problem, int(n), problem.d)) if learner == "natural" else np.nan
            for n in t["n"]
        ]
        frames.append(t)
    table = pd.concat(frames, ignore_index=True)
    bad = table[table["certified_bits"] > table["exact_bits"] * (1 + 1e-12)]
    if len(bad):
        raise InvariantViolation("certified bound above the exact memorization (a bug):\n" + bad.to_string())
    return table
