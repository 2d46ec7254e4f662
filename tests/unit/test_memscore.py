"""Feldman & Zhang's subsampled estimator, the exact 1-NN memorization, RetroPrompt's datastore, the
stage's datasets, tables and claim tests."""

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from memtrade.memscore import data, experiments
from memtrade.memscore.estimator import (
    Factory,
    RetroFactory,
    fit_subsets,
    influence,
    knn1_exact,
    memorization,
    precision_at,
    subset_masks,
    subset_size,
)
from memtrade.memscore.retro import RetroClassifier, knn_proba
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier


def blobs(n=120, d=5, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    centres = 3.0 * rng.standard_normal((classes, d))
    y = rng.integers(0, classes, n)
    return centres[y] + rng.standard_normal((n, d)), y


def test_masks_hold_uniform_subsets_of_the_right_size():
    masks = subset_masks(50, 400, 0.7, np.random.default_rng(1))
    assert subset_size(50, 0.7) == 35 and masks.shape == (400, 50) and (masks.sum(1) == 35).all()
    # every example is in a subset with probability 0.7 (binomial s.e. about 0.023 at 400 models)
    assert np.abs(masks.mean(0) - 0.7).max() < 0.1
    assert (subset_masks(50, 400, 0.7, np.random.default_rng(1)) == masks).all()


def test_vectorised_scores_equal_the_per_example_definition():
    rng = np.random.default_rng(2)
    masks = subset_masks(30, 60, 0.6, rng)
    train = rng.random((60, 30)) < 0.8
    test = rng.random((60, 7)) < 0.6
    est = memorization(masks, train)
    infl, se = influence(masks, test)
    for i in range(30):
        a, b = train[masks[:, i], i], train[~masks[:, i], i]
        assert est["mem"][i] == pytest.approx(a.mean() - b.mean(), abs=1e-12)
        v = a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b)
        assert est["mem_se"][i] == pytest.approx(np.sqrt(v), abs=1e-12)
        for j in range(7):
            assert infl[i, j] == pytest.approx(test[masks[:, i], j].mean() - test[~masks[:, i], j].mean(), abs=1e-12)


def test_too_few_models_leave_no_score_instead_of_a_wrong_one():
    masks = np.array([[True, False], [True, True], [False, True]])
    est = memorization(masks, np.ones((3, 2), bool))
    assert np.isnan(est["mem"]).all() and (est["n_in"] == 2).all()


def test_knn1_exact_equals_enumeration_of_every_subset():
    """The closed form against the definition: every k-subset of a tiny training set, fitted and asked."""
    X, y = blobs(n=8, d=2, classes=2, seed=3)
    fraction = 0.5
    k = subset_size(8, fraction)
    hits_in, hits_out = np.zeros(8), np.zeros(8)
    count_in, count_out = np.zeros(8), np.zeros(8)
    for subset in itertools.combinations(range(8), k):
        idx = np.array(subset)
        pred = KNeighborsClassifier(1, algorithm="brute").fit(X[idx], y[idx]).predict(X)
        inside = np.isin(np.arange(8), idx)
        hits_in += inside * (pred == y)
        count_in += inside
        hits_out += ~inside * (pred == y)
        count_out += ~inside
    assert knn1_exact(X, y, fraction) == pytest.approx(hits_in / count_in - hits_out / count_out, abs=1e-12)


def test_estimator_agrees_with_the_exact_1nn_memorization():
    X, y = blobs(n=150, d=3, classes=3, seed=4)
    y[:6] = (y[:6] + 1) % 3  # a few mislabeled points with memorization near 1
    masks = subset_masks(150, 400, 0.7, np.random.default_rng(5))
    heads, _, _, _ = fit_subsets(Factory("sklearn.neighbors.KNeighborsClassifier", {"n_neighbors": 1}),
                              X, y, X[:0], y[:0], masks, 0, ("t",))  # fmt: skip
    est = memorization(masks, heads["model"][0])
    exact = knn1_exact(X, y, 0.7)
    sd = np.sqrt(exact * (1 - exact) / est["n_out"])
    within = np.abs(est["mem"] - exact) <= 4 * sd + 1e-12
    assert np.isfinite(exact).all() and within.mean() >= 0.98, np.abs(est["mem"] - exact).max()
    assert exact[:6].min() > 0.5  # the mislabeled points


def test_only_a_euclidean_1nn_gets_the_exact_value():
    knn = "sklearn.neighbors.KNeighborsClassifier"
    assert Factory(knn, {"n_neighbors": 1}).one_nn
    assert not Factory(knn, {}).one_nn and not Factory(knn, {"n_neighbors": 1, "p": 1}).one_nn
    assert not Factory("sklearn.linear_model.LogisticRegression", {}).one_nn


def test_fits_do_not_depend_on_the_number_of_processes():
    X, y = blobs(seed=6)
    masks = subset_masks(len(y), 12, 0.7, np.random.default_rng(7))
    f = Factory("sklearn.ensemble.RandomForestClassifier", {"n_estimators": 5})
    one, _, _, _ = fit_subsets(f, X, y, X[:20], y[:20], masks, 3, ("t",), n_jobs=1)
    two, _, _, _ = fit_subsets(f, X, y, X[:20], y[:20], masks, 3, ("t",), n_jobs=2)
    assert all((one["model"][i] == two["model"][i]).all() for i in (0, 1))


def test_flipped_labels_are_found_by_a_learner_that_fits_them():
    X, y = blobs(n=200, d=4, classes=3, seed=8)
    flipped = np.zeros(200, bool)
    flipped[::25] = True
    y = np.where(flipped, (y + 1) % 3, y)
    masks = subset_masks(200, 200, 0.7, np.random.default_rng(9))
    heads, _, _, _ = fit_subsets(Factory("sklearn.neighbors.KNeighborsClassifier", {"n_neighbors": 1}),
                              X, y, X[:0], y[:0], masks, 0, ("t",))  # fmt: skip
    precision, recall = precision_at(memorization(masks, heads["model"][0])["mem"], flipped, int(flipped.sum()))
    assert precision >= 0.75 and recall == precision


def test_knn_proba_is_a_distribution_and_prefers_the_nearest():
    p = knn_proba(np.array([[0.0, 4.0, 9.0]]), np.array([[2, 0, 0]]), 3, 1.0)
    assert p.sum() == pytest.approx(1.0) and p[0].argmax() == 2


def test_retro_weights_follow_their_formula_and_lam_0_is_the_weighted_base():
    X, y = blobs(n=100, seed=10)
    r = RetroClassifier(LogisticRegression(max_iter=500), topk=8, lam=0.0, beta=0.5).fit(X, y)
    nb = r.index_.kneighbors(X, 9)
    p = knn_proba(nb[0][:, 1:] ** 2, r.store_labels_[nb[1][:, 1:]], 3, r.scale_)
    own = np.clip(p[np.arange(100), r.store_labels_], np.exp(-100), 1)
    assert r.sample_weight_ == pytest.approx(1 + 0.5 * -np.log(own))
    base = LogisticRegression(max_iter=500).fit(X, y, sample_weight=r.sample_weight_)
    assert (r.predict(X) == base.predict(X)).all()
    heads = r.predict_heads(X)
    assert (heads["retro"] == heads["retro_parametric"]).all()
    plain = RetroClassifier(LogisticRegression(max_iter=500), topk=8, lam=0.0, beta=0.0).fit(X, y)
    assert (plain.predict(X) == LogisticRegression(max_iter=500).fit(X, y).predict(X)).all()


def test_retro_with_lam_1_is_the_datastore():
    X, y = blobs(n=80, seed=11)
    r = RetroFactory(Factory("sklearn.linear_model.LogisticRegression", {}), 1, 1.0, 0.5, 1.0)(0).fit(X, y)
    assert (r.predict(X) == y).all()  # the nearest key of a stored point is itself


def test_digits_flip_a_known_fraction_and_groups_count_the_training_set():
    d = data.digits(0, 0.3, 0.02, 4)
    assert len(d["y"]) + len(d["y_test"]) == 1797 and d["X"].max() <= 1.0
    assert d["flipped"].sum() == round(0.02 * len(d["y"]))
    assert (d["y"][d["flipped"]] != d["y_true"][d["flipped"]]).all()
    assert (d["y"][~d["flipped"]] == d["y_true"][~d["flipped"]]).all()
    assert (np.bincount(d["group"])[d["group"]] == d["group_count"]).all()


def test_mixture_frequencies_are_zipf_and_labels_are_per_subpopulation():
    m = data.mixture(0, K=50, zipf=1.0, n=2000, n_test=10, d=4, classes=3, noise=0.1)
    p = data.zipf_frequencies(50, 1.0)
    assert m["frequency"] == pytest.approx(p[m["group"]])
    counts = np.bincount(m["group"], minlength=50)
    assert abs(counts[0] / 2000 - p[0]) < 4 * np.sqrt(p[0] * (1 - p[0]) / 2000)
    labels = pd.Series(m["y"]).groupby(m["group"]).nunique()
    assert (labels == 1).all()


def test_by_frequency_bins_and_removal_interval():
    t = pd.DataFrame({"dataset": "m", "learner": "l", "head": "model", "group_count": [1, 1, 2, 3, 4, 20],
                      "mem": [1.0, 0.8, 0.5, 0.2, 0.1, 0.0], "frequency": 0.1})  # fmt: skip
    b = experiments.by_frequency(t)
    assert list(b["count_lo"]) == [1, 2, 3, 17] and b["mean_mem"].iloc[0] == pytest.approx(0.9)
    runs = pd.DataFrame({"learner": "l", "k": 5, "seed": [0, 0, 1, 1, 2, 2], "removed": ["top", "random"] * 3,
                         "test_accuracy": [0.90, 0.95, 0.91, 0.95, 0.89, 0.96]})  # fmt: skip
    s = experiments.removal_summary(runs, 0.95).iloc[0]
    assert s["difference"] == pytest.approx(0.0533333, abs=1e-6)
    assert s["difference_lo"] < s["difference"] < s["difference_hi"]


def test_loss_weights_per_example_and_their_batch_form_and_normalised():
    from memtrade.memscore.retro import loss_weights

    own = np.exp(-np.arange(1.0, 21.0))  # F = 1, ..., 20
    assert loss_weights(own, 0.5) == pytest.approx(1 + 0.5 * np.arange(1.0, 21.0))
    w = loss_weights(own, 0.5, "batch", 8, rng=np.random.default_rng(3))
    values = np.unique(w)
    assert len(values) == 3  # three batches (8, 8, 4 examples), one weight each
    assert sorted(np.unique(w, return_counts=True)[1]) == [4, 8, 8]
    for v in values:  # each batch's weight is 1 + beta times its mean F
        assert v == pytest.approx(1 + 0.5 * np.arange(1.0, 21.0)[w == v].mean())
    again = loss_weights(own, 0.5, "batch", 8, rng=np.random.default_rng(3))
    assert (w == again).all()
    for form in ("example", "batch"):
        n = loss_weights(own, 5.0, form, 8, normalise=True, rng=np.random.default_rng(0))
        assert n.mean() == pytest.approx(1.0) and n.std() > 0
    assert loss_weights(own, 0.0, "batch", 8, normalise=True, rng=np.random.default_rng(0)) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="form"):
        loss_weights(own, 0.5, "epoch")


def test_normalised_retro_weights_leave_the_base_model_its_regularisation():
    """With weights of mean 1 and beta 0, the parametric part is the plain base model; unnormalised
    weights of mean w act on LogisticRegression as C w (the shift issue 30 found)."""
    X, y = blobs(n=90, seed=12)
    base = Factory("sklearn.linear_model.LogisticRegression", {"max_iter": 500})
    plain = LogisticRegression(max_iter=500).fit(X, y)
    for form in ("example", "batch"):
        r = RetroFactory(base, 8, 0.0, 0.0, 1.0, form, 8, True)(5).fit(X, y)
        assert r.sample_weight_ == pytest.approx(1.0)
        assert r.model_.coef_ == pytest.approx(plain.coef_, rel=1e-4, abs=1e-6)
    raw = RetroFactory(base, 8, 0.0, 2.0, 1.0)(5).fit(X, y)
    rescaled = LogisticRegression(max_iter=500, C=raw.sample_weight_.mean())
    rescaled = rescaled.fit(X, y, sample_weight=raw.sample_weight_ / raw.sample_weight_.mean())
    assert raw.model_.coef_ == pytest.approx(rescaled.coef_, rel=1e-3, abs=1e-5)
    normalised = RetroFactory(base, 8, 0.0, 2.0, 1.0, "example", 8, True)(5).fit(X, y)
    assert normalised.sample_weight_ == pytest.approx(raw.sample_weight_ / raw.sample_weight_.mean())


def test_retro_sweep_row_pairs_the_scores_and_leaves_unscored_examples_out():
    base = np.array([0.1, 0.2, np.nan, 0.4])
    mem = np.array([0.0, 0.2, np.nan, 0.1])
    row = experiments.retro_sweep_row(base, mem, np.ones((2, 3)), np.zeros((2, 3)))
    diff = np.array([-0.1, 0.0, -0.3])
    assert row["mem_minus_parametric"] == pytest.approx(diff.mean())
    assert row["mem_minus_parametric_se"] == pytest.approx(diff.std(ddof=1) / np.sqrt(3))
    assert row["accuracy"] == 0 and row["accuracy_parametric"] == 1
    assert row["mean_mem_parametric"] == pytest.approx(0.7 / 3)


def test_the_sweep_must_run_on_retrieval_datasets_within_their_subsets():
    import copy

    import yaml
    from memtrade.config import ConfigError
    from memtrade.memscore import settings

    config = yaml.safe_load((Path(__file__).resolve().parents[2] / "config.yaml").read_text())
    settings.check(config)
    bad = copy.deepcopy(config)
    bad["memscore"]["retro"]["sweep"]["datasets"] = ["digits_flipped"]
    with pytest.raises(ConfigError, match="retro.sweep.datasets"):
        settings.check(bad)
    bad = copy.deepcopy(config)
    bad["memscore"]["retro"]["sweep"]["models"] = config["memscore"]["retro"]["models"] + 1
    with pytest.raises(ConfigError, match="retro.sweep.models"):
        settings.check(bad)


def test_membership_job_tables_count_the_pairs_and_name_the_variance():
    from memtrade.memscore.jobs import estimate

    X, y = blobs(n=60, seed=13)
    d = {"X": X, "y": y, "X_test": X[:0], "y_test": y[:0], "flipped": np.zeros(60, bool)}
    masks = subset_masks(60, 20, 0.5, np.random.default_rng(0))
    fits = fit_subsets(Factory("sklearn.linear_model.LogisticRegression", {}), X, y, X[:0], y[:0], masks, 0, ("t",),
                       signal=True)  # fmt: skip
    per, attacks, roc = estimate.membership(d, masks, fits.signal["phi"], "toy", "logistic")
    assert list(attacks.columns) == estimate.ATTACK_COLUMNS
    assert set(attacks["nonmember_pairs"]) == {int((~masks).sum())} and set(attacks["variance"]) == {"global"}
    assert len(per) == 60 and per["flipped"].dtype == bool and set(roc["attack"]) == set(attacks["attack"])


def test_roc_panels_draw_one_panel_per_dataset_and_learner():
    from memtrade.memscore import plots

    curves = pd.DataFrame({"attack": "loss", "fpr": [0.0, 0.01, 1.0], "tpr": [0.0, 0.02, 1.0]})
    rows, records = [], []
    for ds in ("digits", "mixture"):
        for learner in ("logistic", "knn1", "forest"):
            rows.append(curves.assign(dataset=ds, learner=learner))
            if learner != "forest":  # no predict_proba: no attack rows, no panel
                records.append({"dataset": ds, "learner": learner, "attack": "loss", "auc": 0.5,
                                "tpr_at_0.1pct_fpr": 0.001, "tpr_at_1pct_fpr": 0.01, "targets": 8})  # fmt: skip
    fig = plots.roc_panels(pd.concat(rows), pd.DataFrame(records))
    axes = fig.axes
    assert len(axes) == 4 and all(ax.axison for ax in axes)
    assert axes[0].get_xscale() == "log" and axes[0].get_yscale() == "log"
    assert "false-positive rate" in axes[3].get_xlabel() and "true-positive rate" in axes[0].get_ylabel()
