"""Membership inference from the subset fits (memtrade.memscore.lira) and against one model (mia)."""

import numpy as np
import pytest
from memtrade.memscore import lira, mia
from memtrade.memscore.estimator import Factory, fit_subsets, memorization_interval, subset_masks
from scipy.stats import norm
from sklearn.linear_model import LogisticRegression


def test_signal_is_the_label_logit_kept_near_one_and_clipped():
    proba = np.array([[0.1, 0.9, 0.0], [0.5, 0.25, 0.25], [1 - 1e-13, 1e-13, 0.0], [0.3, 0.7, 0.0]])
    p, phi = lira.signal(proba, np.array([3, 5, 7]), np.array([5, 3, 3, 7]))
    assert p == pytest.approx([0.9, 0.5, 1 - 1e-13, 0.0])
    assert phi[:2] == pytest.approx([np.log(9.0), 0.0])
    assert phi[2] == pytest.approx(np.log((1 - 1e-13) / 1e-13), abs=1e-6)  # the wrong mass summed, not 1 - p
    assert phi[3] == -lira.PHI_CLIP  # a label the model never predicts


def test_roc_auc_and_tpr_at_fpr_on_a_hand_computed_example():
    # scores, high to low: 0.9 m, 0.8 m, 0.8 non, 0.7 non, 0.5 m, 0.2 non, 0.1 non  (3 members, 4 non)
    scores = np.array([0.5, 0.8, 0.1, 0.9, 0.8, 0.2, 0.7])
    truth = np.array([1, 1, 0, 1, 0, 0, 0], bool)
    fpr, tpr, thr = lira.roc(scores, truth)
    assert fpr.tolist() == pytest.approx([0, 0, 1 / 4, 2 / 4, 2 / 4, 3 / 4, 1])
    assert tpr.tolist() == pytest.approx([0, 1 / 3, 2 / 3, 2 / 3, 1, 1, 1])
    assert thr.tolist() == [np.inf, 0.9, 0.8, 0.7, 0.5, 0.2, 0.1]
    # trapezoids: 0.25 * (1/3 + 2/3) / 2 + 0.25 * 2/3 + 0.5 * 1 = 0.125 + 1/6 + 0.5
    assert lira.auc(fpr, tpr) == pytest.approx(0.125 + 1 / 6 + 0.5)
    # the same as the Mann-Whitney count with ties half: 9.5 of 12 pairs... by enumeration
    pairs = [(a > b) + 0.5 * (a == b) for a in scores[truth] for b in scores[~truth]]
    assert lira.auc(fpr, tpr) == pytest.approx(np.mean(pairs))
    assert lira.tpr_at(fpr, tpr, 0.0) == pytest.approx(1 / 3) and lira.tpr_at(fpr, tpr, 0.3) == pytest.approx(2 / 3)
    assert lira.threshold_at(fpr, thr, 0.5) == 0.5  # FPR 2/4 holds down to the score 0.5
    grid, at = lira.roc_grid(fpr, tpr, points=5)
    assert grid[0] == 0 and grid[-1] == 1 and at[0] == pytest.approx(1 / 3) and (np.diff(at) >= 0).all()


def test_leave_one_out_gaussians_equal_the_direct_computation():
    rng = np.random.default_rng(0)
    masks = rng.random((11, 7)) < 0.6
    phi = rng.normal(size=(11, 7))
    for fixed in (False, True):
        s = lira.attack_scores(masks, phi, fix_variance=fixed)
        for t in range(11):
            others = np.arange(11) != t
            sd_in, sd_out = np.std(phi[others][masks[others]]), np.std(phi[others][~masks[others]])
            for i in range(7):
                a, b = phi[others & masks[:, i], i], phi[others & ~masks[:, i], i]
                if len(a) < 2 or len(b) < 2:
                    continue  # one shadow: a variance of 0 up to rounding, its score decided by plot.py's 1e-30
                si, so = (sd_in, sd_out) if fixed else (np.std(a), np.std(b))
                si, so = si + 1e-30, so + 1e-30
                online = norm.logpdf(phi[t, i], np.median(a), si) - norm.logpdf(phi[t, i], np.median(b), so)
                assert s["lira_online"][t, i] == pytest.approx(online, rel=1e-9, abs=1e-9)
                assert s["lira_offline"][t, i] == pytest.approx((phi[t, i] - np.median(b)) / so, rel=1e-9)
        assert (s["loss"] == phi).all()


def synthetic(separation, m=128, n=300, seed=1):
    """phi of m fits on n examples: example i's out-fits centred at its own level, in-fits shifted."""
    rng = np.random.default_rng(seed)
    masks = subset_masks(n, m, 0.5, rng)
    level = 3.0 * rng.standard_normal(n)  # examples differ: a global threshold is a poor test
    return masks, level + separation * masks + 0.5 * rng.standard_normal((m, n))


def test_lira_separates_separable_members_and_not_inseparable_ones():
    masks, phi = synthetic(separation=3.0)
    _, records, curves = lira.evaluate(masks, phi)
    r = {x["attack"]: x for x in records}
    assert r["lira_online"]["auc"] > 0.99 and r["lira_offline"]["auc"] > 0.99 and r["lira_online"]["targets"] == 128
    assert r["lira_online"]["tpr_at_1pct_fpr"] > 0.9
    assert r["loss"]["auc"] < 0.85  # the per-example levels hide membership from one global threshold
    masks, phi = synthetic(separation=0.0)
    columns, records, _ = lira.evaluate(masks, phi)
    for x in records:
        assert abs(x["auc"] - 0.5) < 0.02, x  # 38,400 pairs: the AUC's s.e. is about 0.003
        assert x["tpr_at_1pct_fpr"] < 0.03
    assert set(curves["attack"]) == set(lira.ATTACKS) and np.isfinite(columns["lira_online_auc"]).all()


def test_global_variance_when_fits_are_few():
    masks, _ = synthetic(0.0, m=40)
    assert not lira.per_example_variance(masks)
    masks, _ = synthetic(0.0, m=128)
    assert lira.per_example_variance(masks)


def test_continuous_score_and_its_standard_error_per_example():
    masks, phi = synthetic(separation=1.0, m=30, n=5)
    est = lira.memorization_phi(masks, phi)
    for i in range(5):
        a, b = phi[masks[:, i], i], phi[~masks[:, i], i]
        assert est["mem_phi"][i] == pytest.approx(a.mean() - b.mean())
        assert est["mem_phi_se"][i] == pytest.approx(np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b)))


def test_newcombe_interval_matches_the_published_examples_and_is_not_zero_at_the_ends():
    # Newcombe (1998), Table II, method 10: 56/70 - 48/80 -> (0.0524, 0.3339); 9/10 - 3/10 -> (0.1705, 0.8090)
    est = {"p_in": np.array([56 / 70, 0.9, 1.0]), "p_out": np.array([48 / 80, 0.3, 1.0]),
           "n_in": np.array([70.0, 10, 40]), "n_out": np.array([80.0, 10, 15])}  # fmt: skip
    lo, hi = memorization_interval(est)
    assert lo[:2] == pytest.approx([0.0524, 0.1705], abs=5e-5) and hi[:2] == pytest.approx([0.3339, 0.8090], abs=5e-5)
    z2 = norm.ppf(0.975) ** 2  # both rates 1: mem 0, yet an interval of positive width (Wilson's n / (n + z^2))
    assert lo[2] == pytest.approx(40 / (40 + z2) - 1) and hi[2] == pytest.approx(1 - 15 / (15 + z2))


def test_fits_keep_the_signal_beside_right_and_wrong():
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((60, 3)), np.arange(60) % 3
    masks = subset_masks(60, 6, 0.5, rng)
    fits = fit_subsets(Factory("sklearn.linear_model.LogisticRegression", {}), X, y, X[:0], y[:0], masks, 0, ("t",),
                       signal=True)  # fmt: skip
    assert fits.signal["phi"].shape == (6, 60) and fits.signal["phi"].dtype == np.float32
    model = LogisticRegression().fit(X[masks[0]], y[masks[0]])
    p = model.predict_proba(X)[np.arange(60), y]
    assert fits.signal["p"][0] == pytest.approx(p, rel=1e-6)
    assert fits.signal["phi"][0] == pytest.approx(np.log(p / (1 - p)), rel=1e-5, abs=1e-5)
    right = fits.heads["model"][0][0]
    assert ((fits.signal["p"][0] > 0.5) <= right).all()  # p > 1/2 means the label is predicted
    assert fit_subsets(Factory("sklearn.linear_model.LogisticRegression", {}), X, y, X[:0], y[:0], masks, 0,
                       ("t",)).signal is None  # fmt: skip


def test_mia_finds_the_members_of_an_overfitted_model():
    rng = np.random.default_rng(4)
    X = rng.standard_normal((600, 5))
    y = (X[:, 0] + rng.standard_normal(600) > 0).astype(int)  # noisy labels: a forest memorizes them
    from sklearn.ensemble import RandomForestClassifier

    members = np.arange(100)
    model = RandomForestClassifier(n_estimators=30, random_state=0).fit(X[members], y[members])
    cand = np.arange(200)  # 100 members, 100 non-members
    table, records, curves = mia.audit(model, X[200:], y[200:], X[cand], y[cand], 16, 0, membership=cand < 100)
    r = {x["attack"]: x for x in records}
    assert r["lira_offline"]["auc"] > 0.8 and r["loss"]["auc"] > 0.6
    assert list(table["index"]) == list(range(200)) and table["member"].sum() == 100
    same, _, _ = mia.audit(model, X[200:], y[200:], X[cand], y[cand], 16, 0)
    assert np.array_equal(same["lira_offline"], table["lira_offline"])  # seeded reference models


def test_membership_tables_carry_the_ground_truth_of_the_workflow_datasets():
    from memtrade.memscore import data, experiments

    d = data.mixture(0, K=20, zipf=1.0, n=60, n_test=10, d=4, classes=3, noise=0.5)
    masks, phi = synthetic(1.0, m=40, n=60)
    per, attacks, roc = experiments.membership(d, masks, phi, "mixture", "toy")
    assert list(per["index"]) == list(range(60)) and (per["group_count"] == d["group_count"]).all()
    columns, records, _ = lira.evaluate(masks, phi)
    assert np.array_equal(per["lira_online_auc"], columns["lira_online_auc"], equal_nan=True)
    assert list(attacks["attack"]) == list(lira.ATTACKS) and attacks["auc"].tolist() == [r["auc"] for r in records]
    assert set(roc.columns) == {"dataset", "learner", "attack", "fpr", "tpr"} and (roc["learner"] == "toy").all()
