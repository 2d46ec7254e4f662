"""Exact SDPI constants eta_KL: oracles, sanity bounds, and the two methods against each other."""

import itertools

import numpy as np
import pytest
from memtrade.eta import _tilt_ratio, dobrushin, eta_kl, maximal_correlation2
from memtrade.problems import BooleanClustering, SparseHypercube
from memtrade.sdpi import constants, statistic_channels
from scipy.special import rel_entr
from scipy.stats import norm


def dsbs(r):
    return [0.5, 0.5], [[(1 + r) / 2, (1 - r) / 2], [(1 - r) / 2, (1 + r) / 2]]


@pytest.mark.parametrize("r", [1e-3, 0.05, 0.3, 0.7, 0.95])
def test_doubly_symmetric_binary_pair_gives_r_squared(r):
    assert eta_kl(*dsbs(r)).eta == pytest.approx(r**2, rel=1e-6)


@pytest.mark.parametrize("s", [0.05, 0.4, 0.9])
@pytest.mark.parametrize("p_b", [[0.5, 0.5], [0.15, 0.85], [0.2, 0.3, 0.5]])
def test_erasure_with_survival_s_gives_s(s, p_b):
    k = len(p_b)
    w = np.hstack([s * np.eye(k), np.full((k, 1), 1 - s)])  # A = B w.p. s, else '?'
    assert eta_kl(p_b, w).eta == pytest.approx(s, rel=1e-6)


@pytest.mark.parametrize("s", [0.1, 0.2, 0.3, 0.45, 0.6, 0.8])
def test_reverse_erasure(s):
    """B = erasure of A (uniform bit): P(A | B) is 0/1 when B survives, uniform when erased.

    The constant is not symmetric: here it is max(s, log 2 / log(2/s)) (a point mass on a
    surviving letter), which exceeds s for s < 1/2; both methods agree on it.
    """
    from memtrade.eta import _clean, _eta_general

    p_b = [s / 2, s / 2, 1 - s]
    w = [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]
    expected = max(s, np.log(2) / np.log(2 / s))
    assert eta_kl(p_b, w).eta == pytest.approx(expected, rel=1e-6)
    assert _eta_general(*_clean(p_b, w), restarts=8, seed=0)[0] == pytest.approx(expected, rel=1e-6)
    if s < 0.5:
        assert eta_kl(p_b, w).eta > s * (1 + 1e-3)


def test_discretised_gaussian_pair_is_below_r_squared():
    """Discretising both ends can only lose: eta <= r^2, and fine bins come close."""
    r, bins = 0.6, 8
    edges = norm.ppf(np.linspace(0, 1, bins + 1))
    rng = np.random.default_rng(0)
    a = rng.standard_normal(2_000_000)
    b = r * a + np.sqrt(1 - r * r) * rng.standard_normal(a.size)
    joint = np.histogram2d(np.digitize(b, edges[1:-1]), np.digitize(a, edges[1:-1]), bins=bins)[0]
    joint /= joint.sum()
    p_b = joint.sum(axis=1)
    result = eta_kl(p_b, joint / p_b[:, None])
    assert 0.8 * r**2 < result.eta <= r**2


def _brute_force(p_b, w, steps=300):
    """max of the ratio over a grid on the 2-simplex (a lower bound on eta)."""
    p_a = p_b @ w
    best = 0.0
    for i, j in itertools.product(range(steps + 1), repeat=2):
        if i + j > steps:
            continue
        q = np.array([i, j, steps - i - j]) / steps
        den = rel_entr(q, p_b).sum()
        if den > 1e-12:
            best = max(best, rel_entr(q @ w, p_a).sum() / den)
    return best


@pytest.mark.parametrize("seed", range(4))
def test_simplex_optimiser_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    p_b = rng.dirichlet(np.ones(3))
    w = rng.dirichlet(np.ones(3) * 0.7, size=3)
    result = eta_kl(p_b, w)
    assert result.method in ("simplex", "pinned")
    brute = _brute_force(p_b, w)
    assert brute - 1e-9 <= result.eta <= brute * 1.01 + 1e-9
    assert result.maxcorr2 <= result.eta * (1 + 1e-9) and result.eta <= result.dobrushin * (1 + 1e-9)


@pytest.mark.parametrize("seed", range(6))
def test_tilting_and_simplex_agree_for_binary_a(seed):
    from memtrade.eta import _clean, _eta_general

    rng = np.random.default_rng(100 + seed)
    p_b = rng.dirichlet(np.ones(4))
    w = rng.dirichlet(np.ones(2) * 0.5, size=4)
    tilt = eta_kl(p_b, w)
    general = _eta_general(*_clean(p_b, w), restarts=8, seed=1)[0]
    assert tilt.eta == pytest.approx(general, rel=1e-6)


def test_small_tilts_are_computed_without_cancellation():
    p_b, _, w = statistic_channels(BooleanClustering(d=10_000, c=1.0), 7)
    f = np.asarray(w)[:, 1]
    g = f - p_b @ f
    ratios = _tilt_ratio(np.array([1e-9, 1e-7, 1e-5]) / np.ptp(g), p_b, g, float(p_b @ f))
    np.testing.assert_allclose(ratios, maximal_correlation2(p_b, w), rtol=1e-6)


def test_sanity_bounds_on_random_channels():
    rng = np.random.default_rng(7)
    for _ in range(20):
        nb, na = rng.integers(2, 5), rng.integers(2, 4)
        p_b, w = rng.dirichlet(np.ones(nb)), rng.dirichlet(np.ones(na), size=nb)
        e = eta_kl(p_b, w)
        assert e.maxcorr2 <= e.eta * (1 + 1e-9) + 1e-15 and e.eta <= e.dobrushin * (1 + 1e-9) + 1e-15
        assert e.dobrushin == pytest.approx(dobrushin(w))


@pytest.mark.parametrize("c", [0.5, 1.0, 2.0])
@pytest.mark.parametrize("d", [100, 10_000])
def test_sparse_at_one_example(c, d):
    p = SparseHypercube(d=d, c=c)
    k = constants(p, 1)
    assert k["tau"] == pytest.approx(p.q, rel=1e-6)
    assert k["rho"] == pytest.approx(p.q**2, rel=1e-6)


@pytest.mark.parametrize("c", [0.5, 1.0, 2.0])
@pytest.mark.parametrize("d", [100, 10_000])
def test_boolean_at_one_example(c, d):
    p = BooleanClustering(d=d, c=c)
    k = constants(p, 1)
    assert k["tau"] == pytest.approx(p.r**2, rel=1e-6)
    assert k["rho"] == pytest.approx(p.r**4, rel=1e-6)


def test_sparse_factor_halves_per_example():
    """docs/science.md section 4.3: with q = 0.1, F_n = 90, 45, 22.5, 9.8 for n = 1..4 and 1.7 at n = 6."""
    p = SparseHypercube(d=100, c=1.0)
    F = {n: (1 - constants(p, n)["tau"]) / constants(p, n)["rho"] for n in (1, 2, 3, 4, 6)}
    assert F[1] == pytest.approx(90, rel=1e-6) and F[2] == pytest.approx(45, rel=1e-6)
    assert round(F[3], 1) == 22.5 and round(F[4], 1) == 9.8 and round(F[6], 1) == 1.7


def test_boolean_decay_speeds_up_past_the_knee():
    """F_n ~ const/n while n r^2 << 1; much faster once n r^2 >~ 1."""
    p = BooleanClustering(d=10_000, c=1.0)  # r^2 = 0.01: knee near n = 100
    F = {n: (1 - constants(p, n)["tau"]) / constants(p, n)["rho"] for n in (1, 2, 4, 400, 800)}
    assert F[1] / F[2] == pytest.approx(2, rel=0.02) and F[2] / F[4] == pytest.approx(2, rel=0.03)
    assert F[400] / F[800] > 8


@pytest.mark.parametrize("seed", range(6))
def test_the_reported_maximiser_attains_eta(seed):
    """Q_B returned with eta gives the ratio D(QW||PW)/D(Q||P) = eta (or is empty: the Q -> P_B limit)."""
    from memtrade.eta import eta_kl, ratio_at

    rng = np.random.default_rng(seed)
    nb, na = 4, 2 + seed % 2
    p_b = rng.dirichlet(np.ones(nb))
    w = rng.dirichlet(np.ones(na) * 0.5, size=nb)
    res = eta_kl(p_b, w, restarts=6, seed=seed)
    if res.q_b:
        assert sum(res.q_b) == pytest.approx(1.0) and min(res.q_b) >= 0
        assert ratio_at(p_b, w, res.q_b) == pytest.approx(res.eta, rel=1e-6)
    else:
        assert res.eta == pytest.approx(res.maxcorr2, rel=1e-9)
