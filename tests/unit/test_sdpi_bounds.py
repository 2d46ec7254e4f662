"""SDPI constants and the lower bound against independent formulas."""

import numpy as np
import pytest
from memtrade.bounds import factor, fano_information, lower_bound_bits
from memtrade.info import entropy_bits, h2, interval_prob
from memtrade.sdpi import gaussian_tau_rho, sdpi_table


def canonical_corr2(cov: np.ndarray, a: list[int], b: list[int]) -> float:
    """Largest squared canonical correlation between coordinates a and b of a Gaussian vector."""
    saa, sbb, sab = cov[np.ix_(a, a)], cov[np.ix_(b, b)], cov[np.ix_(a, b)]
    m = np.linalg.solve(saa, sab) @ np.linalg.solve(sbb, sab.T)
    return float(np.max(np.linalg.eigvals(m).real))


def joint_cov(n: int, sigma2: float) -> np.ndarray:
    """Covariance of (theta, u_1..u_n, u_test) for one coordinate: u_i = theta + sigma g_i."""
    cov = np.ones((n + 2, n + 2))  # every pair shares Var(theta) = 1
    cov[np.arange(1, n + 2), np.arange(1, n + 2)] += sigma2
    return cov


@pytest.mark.parametrize("n", [1, 2, 3, 7, 20])
@pytest.mark.parametrize("sigma2", [0.3, 1.0, 10.0, 100.0])
def test_gaussian_tau_rho_are_canonical_correlations(n, sigma2):
    """tau_n = max corr^2(theta, S), rho_n = max corr^2(z, S): the Gaussian SDPI constants."""
    cov = joint_cov(n, sigma2)
    train = list(range(1, n + 1))
    tau, rho = gaussian_tau_rho(n, sigma2)
    assert tau == pytest.approx(canonical_corr2(cov, [0], train), rel=1e-10)
    assert rho == pytest.approx(canonical_corr2(cov, [n + 1], train), rel=1e-10)
    assert factor(tau, rho) == pytest.approx(sigma2 * (1 + sigma2) / n, rel=1e-12)


def test_gaussian_constants_match_simulated_correlations():
    rng = np.random.default_rng(1)
    n, sigma2, trials = 4, 3.0, 400_000
    theta = rng.standard_normal(trials)
    ubar = theta + np.sqrt(sigma2 / n) * rng.standard_normal(trials)
    u = theta + np.sqrt(sigma2) * rng.standard_normal(trials)
    tau, rho = gaussian_tau_rho(n, sigma2)
    assert np.corrcoef(theta, ubar)[0, 1] ** 2 == pytest.approx(tau, abs=0.005)
    assert np.corrcoef(u, ubar)[0, 1] ** 2 == pytest.approx(rho, abs=0.005)


def test_sdpi_table_pure_one_over_n_decay():
    t = sdpi_table("gaussian", {"c": 2.0}, [100], [1, 2, 4, 8])
    sigma2 = 2.0 * 10.0
    np.testing.assert_allclose(t["F"] * t["n"], sigma2 * (1 + sigma2), rtol=1e-12)
    np.testing.assert_allclose(t["scale"], sigma2)


def test_binary_entropy_and_fano():
    assert h2(0.0) == 0.0 and h2(1.0) == 0.0
    assert h2(0.5) == pytest.approx(1.0)
    assert h2(0.11) == pytest.approx(-(0.11 * np.log2(0.11) + 0.89 * np.log2(0.89)))
    assert fano_information(0.5) == pytest.approx(0.0)
    assert fano_information(0.0) == pytest.approx(1.0)
    assert fano_information(0.8) == pytest.approx(fano_information(0.2))  # folded
    assert lower_bound_bits(10.0, 0.11) == pytest.approx(10.0 * (1 - h2(0.11)))
    assert entropy_bits([0.25] * 4) == pytest.approx(2.0)


def test_interval_prob_keeps_tail_accuracy():
    from scipy.stats import norm

    assert interval_prob(30.0, 31.0) == pytest.approx(norm.sf(30.0) - norm.sf(31.0), rel=1e-10)
    assert interval_prob(-31.0, -30.0) == pytest.approx(norm.cdf(-30.0) - norm.cdf(-31.0), rel=1e-10)
    assert interval_prob(-np.inf, np.inf) == 1.0
