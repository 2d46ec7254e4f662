"""Black-box learners: one scikit-learn-style class per config ``family``.

Every learner has ``fit(x, y)``, ``predict(x)`` (labels in {-1, +1}, a tie -> +1),
``decision_function(x)`` (a score whose sign is the prediction) and, where the query-only attacks
can use it, ``log_proba(x)``: class log-probabilities with columns (y = -1, y = +1). ``margin(x, y)``
is the membership-inference score, ``arrays()`` the fitted model as arrays (saved with the
stage's models), and white-box learners have ``direction()``, their direction in feature space.

Every problem is symmetric under (x, y) -> (-x, -y), so the learners (all but the natural one,
which reads the signed examples y x directly) train on the training set together with its
mirror image: no information is added, and a single example already shows both classes.

Classes, by config ``family``: ``natural`` (:class:`NaturalClassifier`), ``logistic``, ``ridge``,
``knn``, ``mlp``, and ``sklearn`` (any scikit-learn-compatible estimator by import path).
"""

from __future__ import annotations

import numpy as np

from ..estimators import check_estimator
from ..problems import PROBLEMS


def _labels01(y) -> np.ndarray:
    return (np.asarray(y) > 0).astype(int)


def _mirrored(x, y):
    x, y = np.asarray(x, float), np.asarray(y, float)
    return np.concatenate([x, -x]), np.concatenate([y, -y])


def _logistic_columns(z: np.ndarray) -> np.ndarray:
    """(log p(y = -1), log p(y = +1)) of a logistic link on the score z, computed stably."""
    return np.stack([-np.logaddexp(0, z), -np.logaddexp(0, -z)], axis=1)


def _sign(score) -> np.ndarray:
    return np.where(np.asarray(score) >= 0, 1.0, -1.0)


class _Learner:
    """Shared behaviour: labels from the sign of the score, logistic log-probabilities, the margin."""

    family = ""
    #: the white-box attack that applies (None for query access only)
    white_box = "direction"
    #: whether ``log_proba`` exists (the query-only attacks need it)
    has_proba = False

    def predict(self, x) -> np.ndarray:
        """Labels in {-1, +1} (a zero score -> +1)."""
        return _sign(self.decision_function(np.asarray(x, float)))

    def log_proba(self, x) -> np.ndarray:
        """Class log-probabilities (n, 2), columns (y = -1, y = +1): the logistic link of the score."""
        if not self.has_proba:
            raise ValueError(f"learner family {self.family!r} has no class probabilities")
        return _logistic_columns(self.decision_function(np.asarray(x, float)))

    def margin(self, x, y) -> np.ndarray:
        """Membership score of labelled examples: y times the score (higher looks more like a member)."""
        return np.asarray(y, float) * self.decision_function(np.asarray(x, float))

    def arrays(self) -> dict:
        """The fitted model as arrays, with its ``family``."""
        return {"family": self.family, **{k: getattr(self, k + "_") for k in self._state}}

    _state: tuple[str, ...] = ()
    #: the config entry's keys, in constructor order (optional ones may be absent)
    _spec_keys: tuple[str, ...] = ()

    @classmethod
    def from_spec(cls, spec: dict, random_state: int):
        """An unfitted learner from its config entry (``family`` and parameters)."""
        return cls(**{k: spec[k] for k in cls._spec_keys if k in spec})


class _Linear(_Learner):
    """A linear score x @ w + b."""

    _state = ("w", "b")

    def decision_function(self, x) -> np.ndarray:
        return np.asarray(x, float) @ self.w_ + self.b_[0]

    def direction(self) -> np.ndarray:
        """The weight vector w."""
        return self.w_


class NaturalClassifier(_Linear):
    """The problem's natural structured learner, as a scikit-learn-compatible estimator (exact memorization known).

    Stores the sign of the mean (Gaussian), the majority (Boolean, tie -> +1) or the agreement pattern
    (sparse) of the signed examples y x on every coordinate, and scores x @ w. ``memtrade audit`` on it
    checks that a certified bound never exceeds the exact memorization.

    Parameters
    ----------
    problem : {"gaussian", "boolean", "sparse"}
    """

    family = "natural"
    _spec_keys = ("problem",)

    def __init__(self, problem: str = "boolean"):
        self.problem = problem

    def get_params(self, deep=True):
        """Constructor parameters (scikit-learn's protocol)."""
        return {"problem": self.problem}

    def fit(self, x, y):
        """Store the problem's natural weights of the signed examples y x; returns self."""
        u = np.asarray(y, float)[:, None] * np.asarray(x, float)
        self.w_ = PROBLEMS[self.problem].natural_weights(u)
        self.b_ = np.zeros(1)
        self.classes_ = np.array([-1.0, 1.0])
        return self


class LogisticLearner(_Linear):
    """L2-regularised logistic regression (scikit-learn's ``LogisticRegression(C)``) on the mirrored set."""

    family = "logistic"
    has_proba = True
    _spec_keys = ("C", "max_iter")

    def __init__(self, C: float, max_iter: int = 1000):
        self.C, self.max_iter = C, max_iter

    def fit(self, x, y):
        """Fit on the mirrored set; returns self."""
        from sklearn.linear_model import LogisticRegression

        x, y = _mirrored(x, y)
        m = LogisticRegression(C=self.C, max_iter=self.max_iter).fit(x, _labels01(y))
        self.w_, self.b_ = m.coef_[0], m.intercept_
        return self


class RidgeLearner(_Linear):
    """Ridge classification (scikit-learn's ``RidgeClassifier(alpha)``) on the mirrored set; no probabilities."""

    family = "ridge"
    _spec_keys = ("alpha",)

    def __init__(self, alpha: float):
        self.alpha = alpha

    def fit(self, x, y):
        """Fit on the mirrored set; returns self."""
        from sklearn.linear_model import RidgeClassifier

        x, y = _mirrored(x, y)
        m = RidgeClassifier(alpha=self.alpha).fit(x, _labels01(y))
        self.w_, self.b_ = np.atleast_2d(m.coef_)[-1], np.atleast_1d(m.intercept_)[-1:]
        return self


class KNNLearner(_Learner):
    """k nearest neighbours by Euclidean distance; stores the n training examples first, then their mirrors."""

    family = "knn"
    white_box = "stored_examples"
    has_proba = True
    _spec_keys = ("k",)

    def __init__(self, k: int):
        self.k = k

    def fit(self, x, y):
        """Store the examples, then their mirrors; returns self."""
        self.x_, self.y_ = _mirrored(x, y)
        return self

    def _distances(self, x) -> np.ndarray:
        return ((np.asarray(x, float)[:, None, :] - self.x_[None, :, :]) ** 2).sum(axis=2)

    def _neighbour_labels(self, x) -> np.ndarray:
        near = np.argsort(self._distances(x), axis=1, kind="stable")[:, : int(self.k)]
        return self.y_[near]

    def decision_function(self, x) -> np.ndarray:
        """The sum of the k nearest stored labels."""
        return self._neighbour_labels(x).sum(axis=1)

    def log_proba(self, x) -> np.ndarray:
        """log of the fraction of the k nearest stored examples with each label (scikit-learn's)."""
        p = (self._neighbour_labels(x) > 0).mean(axis=1)
        with np.errstate(divide="ignore"):
            return np.log(np.stack([1 - p, p], axis=1))

    def margin(self, x, y) -> np.ndarray:
        """Minus the distance to the nearest stored example."""
        return -self._distances(x).min(axis=1)

    def stored_examples(self, n: int) -> np.ndarray:
        """The n stored training examples, signed (y x): shape (n, d)."""
        return self.y_[:n, None] * self.x_[:n]

    def arrays(self) -> dict:
        """Stored examples, labels and k."""
        return {"family": self.family, "x": self.x_, "y": self.y_, "k": np.array([self.k])}


class MLPLearner(_Learner):
    """One hidden layer of sigmoid units (scikit-learn's ``MLPClassifier``, logistic activation) on the mirrored set."""

    family = "mlp"
    has_proba = True
    _spec_keys = ("hidden", "alpha", "max_iter")

    @classmethod
    def from_spec(cls, spec: dict, random_state: int):
        """An unfitted MLP from its config entry, its initialisation seeded by ``random_state``."""
        return cls(spec["hidden"], spec["alpha"], spec["max_iter"], random_state)

    def __init__(self, hidden: int, alpha: float, max_iter: int, random_state: int = 0):
        self.hidden, self.alpha, self.max_iter, self.random_state = hidden, alpha, max_iter, random_state

    def fit(self, x, y):
        """Fit on the mirrored set (seeded by ``random_state``); returns self."""
        from sklearn.neural_network import MLPClassifier

        x, y = _mirrored(x, y)
        m = MLPClassifier(
            hidden_layer_sizes=(self.hidden,),
            activation="logistic",
            alpha=self.alpha,
            max_iter=self.max_iter,
            random_state=self.random_state,
        ).fit(x, _labels01(y))
        self.W1_, self.b1_, self.W2_, self.b2_ = m.coefs_[0], m.intercepts_[0], m.coefs_[1][:, 0], m.intercepts_[1]
        return self

    def decision_function(self, x) -> np.ndarray:
        """The output unit's pre-activation (log-odds of y = +1)."""
        hidden = 1.0 / (1.0 + np.exp(-(np.asarray(x, float) @ self.W1_ + self.b1_)))
        return hidden @ self.W2_ + self.b2_[0]

    def direction(self) -> np.ndarray:
        """The input gradient of the score at x = 0."""
        a = 1.0 / (1.0 + np.exp(-self.b1_))
        return self.W1_ @ (self.W2_ * a * (1 - a))

    _state = ("W1", "b1", "W2", "b2")


class SklearnLearner(_Learner):
    """Any scikit-learn-compatible estimator by import path, trained on the mirrored set; query access only.

    Parameters
    ----------
    estimator : str
        Import path ``module.Class`` (checked by :func:`check_estimator`).
    params : dict
        Its constructor parameters. ``random_state`` is set from the run's seed stream when the
        estimator takes one and ``params`` does not set it.
    random_state : int
    """

    family = "sklearn"
    white_box = None
    has_proba = True

    @classmethod
    def from_spec(cls, spec: dict, random_state: int):
        """The estimator of a config entry ``{estimator, params}``, seeded by ``random_state`` if it takes one."""
        return cls(spec["estimator"], spec.get("params", {}), random_state)

    def __init__(self, estimator: str, params: dict | None = None, random_state: int = 0):
        self.estimator, self.params, self.random_state = estimator, dict(params or {}), random_state

    def fit(self, x, y):
        """Import and fit the estimator on the mirrored set; returns self."""
        cls = check_estimator(self.estimator, self.params)
        params = dict(self.params)
        if "random_state" in getattr(cls(**params), "get_params", dict)() and "random_state" not in params:
            params["random_state"] = int(self.random_state)
        self.estimator_ = cls(**params).fit(*_mirrored(x, y))
        return self

    def predict(self, x) -> np.ndarray:
        """The estimator's labels, as {-1, +1}."""
        return np.where(np.asarray(self.estimator_.predict(np.asarray(x, float)), float) > 0, 1.0, -1.0)

    def log_proba(self, x) -> np.ndarray:
        """predict_proba's log, or the logistic link of decision_function."""
        est, x = self.estimator_, np.asarray(x, float)
        if hasattr(est, "predict_proba"):
            order = [int(np.flatnonzero(np.asarray(est.classes_, float) == c)[0]) for c in (-1.0, 1.0)]
            with np.errstate(divide="ignore"):
                return np.log(np.asarray(est.predict_proba(x), float)[:, order])
        return _logistic_columns(np.asarray(est.decision_function(x), float))

    def margin(self, x, y) -> np.ndarray:
        """y times the log-odds (infinite values clipped to +-1e300)."""
        lp = self.log_proba(x)
        with np.errstate(invalid="ignore"):
            return np.nan_to_num(np.asarray(y, float) * (lp[:, 1] - lp[:, 0]), nan=0.0, posinf=1e300, neginf=-1e300)

    def arrays(self) -> dict:
        """The fitted estimator, pickled in a 0-d object array (load with ``allow_pickle=True``)."""
        return {"family": self.family, "estimator": np.array([self.estimator_], dtype=object)}


LEARNERS = {
    cls.family: cls
    for cls in (NaturalClassifier, LogisticLearner, RidgeLearner, KNNLearner, MLPLearner, SklearnLearner)
}


def make_learner(spec: dict, random_state: int):
    """An unfitted learner from its config entry ``{family: ..., <parameters>}``; ``random_state`` seeds its fit."""
    if spec["family"] not in LEARNERS:
        raise ValueError(f"unknown black-box learner family {spec['family']!r}; known: {sorted(LEARNERS)}")
    return LEARNERS[spec["family"]].from_spec(spec, random_state)
