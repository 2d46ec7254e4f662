"""The memorization-score stage's datasets, each with the ground truth its estimator is checked on.

- ``digits``: scikit-learn's shipped ``load_digits`` (1,797 8x8 handwritten digits, UCI), split
  into train and test (stratified). Optionally a known random fraction of the training labels is
  flipped, each to a uniformly chosen other class (``flipped`` marks them).
- ``mixture``: a long-tailed mixture in Feldman's sense. K subpopulations with Zipf frequencies
  p_c proportional to c^(-a); subpopulation c has a centre mu_c ~ N(0, I_d) and a label drawn
  uniformly from the classes, and its examples are mu_c + noise * N(0, I_d). A subpopulation's
  label can only be learned from its own examples, so a singleton's label must be memorized.

Every dataset carries ``group`` (the subpopulation of each example) and ``group_count`` (how many
training examples share it). For the mixture the groups are the true subpopulations; for digits,
which have none recorded, they are k-means clusters within each true class (the way Feldman &
Zhang read subpopulations), and test examples join the nearest centre of their class.
"""

from __future__ import annotations

import numpy as np

from .. import seeds

DATASETS = ("digits", "digits_flipped", "mixture")


def _group_counts(group: np.ndarray, group_test: np.ndarray, n_groups: int):
    counts = np.bincount(group, minlength=n_groups)
    return counts[group], counts[group_test]


def _flip(y: np.ndarray, fraction: float, classes: int, rng: np.random.Generator):
    n_flip = int(round(fraction * len(y)))
    flipped = np.zeros(len(y), dtype=bool)
    flipped[rng.choice(len(y), n_flip, replace=False)] = True
    shift = rng.integers(1, classes, size=len(y))
    return np.where(flipped, (y + shift) % classes, y), flipped


def digits(seed: int, test_fraction: float, flip_fraction: float, per_class: int, name: str = "digits") -> dict:
    """Digits split into train and test, ``flip_fraction`` of the training labels flipped, k-means groups."""
    from sklearn.cluster import KMeans
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X = X / 16.0  # pixel intensities 0..16 to [0, 1]
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, test_size=test_fraction, stratify=y, random_state=seeds.integer(seed, "memscore", "digits", "split")
    )
    y_obs, flipped = _flip(y_tr, flip_fraction, 10, seeds.generator(seed, "memscore", name, "flip"))
    group = np.empty(len(y_tr), dtype=np.int64)
    group_test = np.empty(len(y_te), dtype=np.int64)
    for c in range(10):  # ten classes: a loop over classes, not over examples
        km = KMeans(per_class, n_init=4, random_state=seeds.integer(seed, "memscore", "digits", "kmeans", c))
        group[y_tr == c] = km.fit_predict(X_tr[y_tr == c]) + c * per_class
        group_test[y_te == c] = km.predict(X_te[y_te == c]) + c * per_class
    count, count_test = _group_counts(group, group_test, 10 * per_class)
    return {
        "X": X_tr,
        "y": y_obs,
        "y_true": y_tr,
        "flipped": flipped,
        "X_test": X_te,
        "y_test": y_te,
        "group": group,
        "group_test": group_test,
        "group_count": count,
        "group_count_test": count_test,
        "frequency": count / len(y_tr),
        "image_shape": np.array([8, 8]),
    }


def zipf_frequencies(K: int, a: float) -> np.ndarray:
    """p_c proportional to c^(-a), c = 1..K (the mixture stage's Zipf prior)."""
    w = np.arange(1, K + 1, dtype=float) ** -float(a)
    return w / w.sum()


def mixture(seed: int, K: int, zipf: float, n: int, n_test: int, d: int, classes: int, noise: float) -> dict:
    """A long-tailed mixture of K labelled subpopulations (module docstring); frequencies known exactly."""
    rng = seeds.generator(seed, "memscore", "mixture")
    p = zipf_frequencies(K, zipf)
    centres = rng.standard_normal((K, d))
    labels = rng.integers(0, classes, size=K)
    group = rng.choice(K, size=n, p=p)
    group_test = rng.choice(K, size=n_test, p=p)
    X = centres[group] + noise * rng.standard_normal((n, d))
    X_test = centres[group_test] + noise * rng.standard_normal((n_test, d))
    count, count_test = _group_counts(group, group_test, K)
    return {
        "X": X,
        "y": labels[group],
        "y_true": labels[group],
        "flipped": np.zeros(n, dtype=bool),
        "X_test": X_test,
        "y_test": labels[group_test],
        "group": group,
        "group_test": group_test,
        "group_count": count,
        "group_count_test": count_test,
        "frequency": p[group],
        "image_shape": np.array([0, 0]),
    }


def make(name: str, seed: int, params: dict) -> dict:
    """The dataset ``name`` (one of DATASETS) with the stage's config ``params`` (config key memscore)."""
    if name == "digits":
        return digits(seed, params["digits"]["test_fraction"], 0.0, params["digits"]["groups_per_class"], name)
    if name == "digits_flipped":
        d = params["digits"]
        return digits(seed, d["test_fraction"], d["flip_fraction"], d["groups_per_class"], name)
    if name == "mixture":
        m = params["mixture"]
        return mixture(seed, m["K"], m["zipf"], m["n"], m["n_test"], m["d"], m["classes"], m["noise"])
    raise ValueError(f"unknown memscore dataset {name!r} (known: {', '.join(DATASETS)})")
