"""Retrieval against memorization: RetroPrompt's kNN datastore around a parametric classifier.

Chen et al. (NeurIPS 2022) keep the training set as a datastore of (key, label) pairs. At
inference the output interpolates the model's and the datastore's distributions,
p = (1 - lambda) p_model + lambda p_kNN, where p_kNN puts softmax(-distance^2 / T) weight on the
labels of the ``topk`` nearest keys. In training each example's cross-entropy is multiplied by
1 + beta * F(p_kNN), F = -log p_kNN(y_i | x_i) (their public code clamps the log at -100), so
examples the datastore gets wrong weigh more. Here the keys are the inputs themselves (there is no
pretrained encoder), a training example's own entry is left out of its p_kNN (otherwise every
weight would be about 1), and T is ``temperature`` times the median squared distance from a stored
key to its nearest other key.

Their code (zjunlp/PromptKG, research/RetroPrompt/GLUE_task/src/utils.py, ``knnLoss``) multiplies
the batch's *mean* cross-entropy by 1 + beta * (the batch's mean F): one multiplier per batch. The
``batch`` form reproduces it for a full-batch learner: the training set is split at random into
batches of ``batch`` examples (one epoch's partition), and every example of a batch gets the batch's
weight 1 + beta * mean F, which makes the weighted loss the sum of their per-batch losses. With
``normalise`` the weights are divided by their mean (mean 1): the data term then weighs as much
against the base model's fixed penalty (LogisticRegression's C) as it does unweighted.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.neighbors import NearestNeighbors

from .. import seeds


def knn_proba(dist2: np.ndarray, labels: np.ndarray, n_classes: int, temperature: float) -> np.ndarray:
    """p_kNN (nq, C) from the squared distances (nq, k) of the neighbours and their class indices (nq, k)."""
    logits = -dist2 / temperature
    logits -= logits.max(axis=1, keepdims=True)
    w = np.exp(logits)
    w /= w.sum(axis=1, keepdims=True)
    onehot = labels[:, :, None] == np.arange(n_classes)[None, None, :]
    return np.einsum("qk,qkc->qc", w, onehot)


def own_knn_proba(X: np.ndarray, idx: np.ndarray, n_classes: int, topk: int, temperature: float):
    """Each stored example's p_kNN of its own label, its own entry left out, clamped at e^-100 (their
    ``torch.clamp(log p, min=-100)``). Returns (p, the fitted index, the softmax scale T)."""
    k = min(topk, len(X) - 1)
    index = NearestNeighbors(n_neighbors=k + 1).fit(X)
    dist, nb = index.kneighbors(X, k + 1)
    dist2, nb = dist[:, 1:] ** 2, nb[:, 1:]  # leave the example's own entry out
    scale = float(temperature * max(np.median(dist2[:, 0]), 1e-12))
    p = knn_proba(dist2, idx[nb], n_classes, scale)
    return np.clip(p[np.arange(len(X)), idx], np.exp(-100.0), 1.0), index, scale


def loss_weights(
    own: np.ndarray, beta: float, form: str = "example", batch: int = 8, normalise: bool = False, rng=None
):
    """Each example's loss weight from its own-label p_kNN: 1 + beta F (``example``) or its random batch's
    1 + beta mean F (``batch``, their code's form; ``rng`` draws the partition), F = -log p; divided by
    its mean with ``normalise``."""
    nll = -np.log(own)
    if form == "example":
        w = 1.0 + beta * nll
    elif form == "batch":
        order = rng.permutation(len(own))
        of = np.empty(len(own), dtype=np.int64)
        of[order] = np.arange(len(own)) // batch  # each example's batch
        w = 1.0 + beta * (np.bincount(of, weights=nll) / np.bincount(of))[of]
    else:
        raise ValueError(f"form {form!r}: 'example' or 'batch'")
    return w / w.mean() if normalise else w


class RetroClassifier(ClassifierMixin, BaseEstimator):
    """A parametric classifier with RetroPrompt's datastore, interpolation and kNN-weighted loss.

    ``base`` is any scikit-learn classifier whose ``fit`` takes ``sample_weight`` and that has
    ``predict_proba``. ``predict_heads`` returns both outputs of one fit: the interpolated
    prediction (``retro``) and the parametric part's own (``retro_parametric``). ``form``, ``batch``
    and ``normalise`` choose the loss weights (:func:`loss_weights`); the batch form's partition is
    the stream (``random_state``, "memscore", "retro", "batches") of :mod:`memtrade.seeds`.
    """

    def __init__(
        self,
        base=None,
        topk: int = 16,
        lam: float = 0.2,
        beta: float = 0.5,
        temperature: float = 1.0,
        form: str = "example",
        batch: int = 8,
        normalise: bool = False,
        random_state=None,
    ):
        self.base = base
        self.topk = topk
        self.lam = lam
        self.beta = beta
        self.temperature = temperature
        self.form = form
        self.batch = batch
        self.normalise = normalise
        self.random_state = random_state

    def fit(self, X, y):
        """Store (X, y), weight each example by its leave-one-out p_kNN, fit the base with those weights."""
        X = np.asarray(X, dtype=np.float64)
        self.classes_, idx = np.unique(y, return_inverse=True)
        self.store_labels_ = idx
        own, self.index_, self.scale_ = own_knn_proba(X, idx, len(self.classes_), self.topk, self.temperature)
        state = 0 if self.random_state is None else int(self.random_state)
        rng = seeds.generator(state, "memscore", "retro", "batches")  # the batch form's partition
        self.sample_weight_ = loss_weights(own, self.beta, self.form, self.batch, self.normalise, rng)
        self.model_ = clone(self.base).fit(X, y, sample_weight=self.sample_weight_)
        return self

    def knn_proba(self, X) -> np.ndarray:
        """p_kNN of each row of X over the stored training examples."""
        dist, nb = self.index_.kneighbors(np.asarray(X, dtype=np.float64), min(self.topk, len(self.store_labels_)))
        return knn_proba(dist**2, self.store_labels_[nb], len(self.classes_), self.scale_)

    def predict_proba(self, X) -> np.ndarray:
        """(1 - lam) p_model + lam p_kNN."""
        return (1.0 - self.lam) * self.model_.predict_proba(X) + self.lam * self.knn_proba(X)

    def predict(self, X) -> np.ndarray:
        """The class of highest interpolated probability."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def predict_heads(self, X) -> dict[str, np.ndarray]:
        """Both outputs of this fit: ``retro`` (interpolated) and ``retro_parametric`` (the model alone)."""
        p_model = self.model_.predict_proba(X)
        p = (1.0 - self.lam) * p_model + self.lam * self.knn_proba(X)
        return {"retro": self.classes_[p.argmax(1)], "retro_parametric": self.classes_[p_model.argmax(1)]}
