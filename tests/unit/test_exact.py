"""Exact memorization and test error of the Gaussian structured learners, checked independently."""

import numpy as np
import pytest
from memtrade import exact as E
from memtrade.exact import continuous as C
from memtrade.info import h2
from memtrade.learners import gaussian as L
from memtrade.learners.base import LinearRule
from memtrade.problems import GaussianClustering
from memtrade.quadrature import standard_normal_grid
from scipy import integrate
from scipy.special import ndtr
from scipy.stats import norm


@pytest.mark.parametrize("s", [0.05, 1.0, 8.0])
@pytest.mark.parametrize("c", [-2.0, -0.3, 0.0, 0.9])
def test_closed_form_characteristic_function(s, c):
    """G(tau, c) = E[Phi(s(theta - c)) e^{i tau theta}] against direct quadrature."""
    tau = np.array([-4.0, -0.7, 0.0, 0.3, 2.5, 9.0])
    x, w = standard_normal_grid(1.0 / s)
    direct = (w * ndtr(s * (x - c))) @ np.exp(1j * np.outer(x, tau))
    np.testing.assert_allclose(C._upper_indicator_char(tau, c, s), direct, atol=1e-13)


def test_expected_entropy_matches_adaptive_quadrature():
    s = 3.0
    law = L.ThresholdLaw(s=s, cuts=(0.0,), levels=(-1.0, 1.0))
    ref, _ = integrate.quad(lambda t: norm.pdf(t) * h2(ndtr(s * t)), -12, 12, points=[0.0], epsabs=1e-13, limit=200)
    assert E.expected_entropy(law) == pytest.approx(ref, rel=1e-9)


def _single_coordinate_error(law, sigma2):
    """k = 1: P(w u < 0) = E_theta sum_l P(l | theta) Phi(-w_l theta / (|w_l| sigma)), by adaptive quadrature."""
    levels = np.asarray(law.levels)

    def f(t):
        p = law.probs(np.array([t]))[0]
        return norm.pdf(t) * np.sum(p * ndtr(-np.sign(levels) * t / np.sqrt(sigma2)))

    return integrate.quad(f, -12, 12, epsabs=1e-12, limit=400)[0]


@pytest.mark.parametrize("bits", [1, 2, 3])
@pytest.mark.parametrize("n", [1, 9])
def test_gil_pelaez_error_equals_direct_integral_for_one_coordinate(bits, n):
    p = GaussianClustering(d=16, c=0.5)
    learner = L.quantized_mean(p, n, bits, 2.0)
    rule = LinearRule(learner.rule.law, 1)
    err, tol = C.linear_rule_error(rule, p.sigma2)
    assert tol < 1e-8
    assert err == pytest.approx(_single_coordinate_error(learner.rule.law, p.sigma2), abs=1e-9)


def test_one_bit_quantized_mean_is_sign_subset_of_all_coordinates():
    p = GaussianClustering(d=300, c=1.0)
    a = E.evaluate(L.quantized_mean(p, 3, 1, 2.0), p)
    b = E.evaluate(L.sign_subset(p, 3, 300), p)
    assert a["memorization_bits"] == pytest.approx(b["memorization_bits"], rel=1e-12)
    assert a["test_error"] == pytest.approx(b["test_error"], abs=1e-10)


def test_store_all_memorization_counts_labels_and_quantised_features():
    p = GaussianClustering(d=40, c=1.0)
    n, bits = 3, 2
    learner = L.store_all(p, n, bits, 2.0)
    cuts, levels, _ = L.uniform_quantizer(bits, np.sqrt(1 + p.sigma2), 2.0)
    per_feature = E.expected_entropy(L.ThresholdLaw(1 / np.sqrt(p.sigma2), tuple(cuts), tuple(levels)))
    assert E.memorization_bits(learner) == pytest.approx(n + n * p.d * per_feature, rel=1e-12)
    assert per_feature <= bits


def test_memorization_is_monotone_and_bounded():
    p = GaussianClustering(d=100, c=1.0)
    mems = [E.memorization_bits(L.sign_subset(p, n, 50)) for n in (1, 2, 4, 8, 64)]
    assert all(a > b for a, b in zip(mems, mems[1:], strict=False))
    assert 0 < mems[-1] and mems[0] < 50  # at most one bit per stored sign


def _simulate_weights(family, problem, n, bits, rng, theta):
    """Run the learner on simulated training sets; theta has shape (trials, k)."""
    trials, k = theta.shape
    y = rng.choice([-1.0, 1.0], size=(trials, n, 1))
    x = y * (theta[:, None, :] + np.sqrt(problem.sigma2) * rng.standard_normal((trials, n, k)))
    u = y * x  # the learner signs each example by its label
    if family == "sign_subset":
        return np.sign(u.mean(axis=1))
    if family == "quantized_mean":
        cuts, levels, _ = L.uniform_quantizer(bits, np.sqrt(1 + problem.sigma2 / n), 2.0)
        return levels[np.searchsorted(cuts, u.mean(axis=1), side="right")]
    cuts, levels, step = L.uniform_quantizer(bits, np.sqrt(1 + problem.sigma2), 2.0)
    idx_sum = np.searchsorted(cuts, u, side="right").sum(axis=1)
    return np.sign(2 * idx_sum - n * (len(levels) - 1))


@pytest.mark.parametrize(
    ("family", "n", "param"),
    [
        ("sign_subset", 1, 60),
        ("sign_subset", 5, 15),
        ("quantized_mean", 2, 2),
        ("store_all", 4, 1),
        ("store_all", 3, 2),
    ],
)
def test_exact_error_matches_simulation(family, n, param):
    """Train on simulated data, test on fresh examples: the exact error lies in the 99.9% interval."""
    rng = np.random.default_rng(12345)
    p = GaussianClustering(d=60, c=1.0)
    learner = {
        "sign_subset": lambda: L.sign_subset(p, n, param),
        "quantized_mean": lambda: L.quantized_mean(p, n, param, 2.0),
        "store_all": lambda: L.store_all(p, n, param, 2.0),
    }[family]()
    exact = E.evaluate(learner, p)["test_error"]
    trials, k = 40_000, learner.rule.k
    theta = rng.standard_normal((trials, k))
    w = _simulate_weights(family, p, n, param, rng, theta)
    score = np.sum(w * (theta + np.sqrt(p.sigma2) * rng.standard_normal((trials, k))), axis=1)
    errors = (score < 0) + 0.5 * (score == 0)
    se = errors.std(ddof=1) / np.sqrt(trials)
    assert abs(errors.mean() - exact) < 3.3 * se + 2e-3


@pytest.mark.parametrize(("n", "c"), [(1, 1.0), (4, 0.5), (16, 2.0)])
def test_sign_subset_memorization_matches_monte_carlo(n, c):
    """H(M_j | theta_j) from simulated data sets: plug-in entropy per theta, Miller-Madow corrected."""
    rng = np.random.default_rng(2025 + n)
    p = GaussianClustering(d=64, c=c)
    k = 5
    exact = E.memorization_bits(L.sign_subset(p, n, k)) / k
    thetas, datasets = 600, 3000
    theta = rng.standard_normal(thetas)
    y = rng.choice([-1.0, 1.0], size=(thetas, datasets, n))
    x = y * (theta[:, None, None] + np.sqrt(p.sigma2) * rng.standard_normal((thetas, datasets, n)))
    m = np.sign((y * x).mean(axis=2))  # the learner's stored sign, one per data set
    phat = (m > 0).mean(axis=1)
    symbols = (phat > 0).astype(int) + (phat < 1).astype(int)
    per_theta = h2(phat) + (symbols - 1) / (2 * datasets * np.log(2))
    est, se = per_theta.mean(), per_theta.std(ddof=1) / np.sqrt(thetas)
    assert abs(est - exact) < 4 * se, (est, se, exact)


def test_error_resolution_is_reported():
    p = GaussianClustering(d=10_000, c=1.0)
    out = E.evaluate(L.sign_subset(p, 16, 2000), p)
    assert 0 < out["test_error_tol"] < C.ERROR_TOLERANCE
    assert 0.0 <= out["test_error"] <= 0.5
