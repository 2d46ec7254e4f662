"""Boolean and sparse learners: exact memorization and error against closed forms and simulation."""

import itertools

import numpy as np
import pytest
from memtrade import exact as E
from memtrade.exact import discrete as DE
from memtrade.exact.discrete import trinomial_error
from memtrade.info import h2
from memtrade.learners import discrete as D
from memtrade.learners import reference_learner
from memtrade.problems import BooleanClustering, SparseHypercube
from scipy.stats import binom


@pytest.mark.parametrize("n", [1, 2, 3, 7])
def test_agreement_subset_memorization_closed_form(n):
    """docs/science.md section 4.3: (1 - q) k (h2(2^(1-n)) + 2^(1-n)) bits."""
    p = SparseHypercube(d=400, c=2.0)
    k = 150
    expected = (1 - p.q) * k * (h2(2.0 ** (1 - n)) + 2.0 ** (1 - n))
    assert E.memorization_bits(D.agreement_subset(p, n, k)) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("n", [1, 2, 5, 6])
def test_majority_memorization_from_binomial_tails(n):
    p = BooleanClustering(d=256, c=1.0)
    a = (1 + p.r) / 2
    # P(output +1 | theta) with ties (n even) going to +1
    up = binom.sf(np.ceil(n / 2) - 1, n, a)  # theta = +1: P(m >= n/2)
    down = binom.sf(np.ceil(n / 2) - 1, n, 1 - a)  # theta = -1
    expected = 10 * 0.5 * (h2(up) + h2(down))
    assert E.memorization_bits(D.majority_subset(p, n, 10)) == pytest.approx(expected, rel=1e-12)


def test_store_all_memorization():
    b, s = BooleanClustering(d=64, c=1.0), SparseHypercube(d=64, c=1.0)
    assert E.memorization_bits(D.store_all(b, 3)) == pytest.approx(3 + 3 * 64 * h2((1 + b.r) / 2), rel=1e-12)
    assert E.memorization_bits(D.store_all(s, 3)) == pytest.approx(3 + 3 * 64 * (1 - s.q), rel=1e-12)


@pytest.mark.parametrize(("k", "p_pos", "p_neg"), [(1, 0.3, 0.5), (4, 0.5, 0.5), (7, 0.2, 0.1), (6, 0.45, 0.4)])
def test_trinomial_error_by_enumeration(k, p_pos, p_neg):
    outcomes = {1: p_pos, -1: p_neg, 0: 1 - p_pos - p_neg}
    err = 0.0
    for draw in itertools.product([1, -1, 0], repeat=k):
        prob = np.prod([outcomes[v] for v in draw])
        total = sum(draw)
        err += prob * (1.0 if total < 0 else 0.5 if total == 0 else 0.0)
    assert trinomial_error(k, p_pos, p_neg) == pytest.approx(err, abs=1e-13)


def _train(problem, n, family, rng, trials, k):
    theta, x, y = problem.simulate(rng, n, trials, d=k)
    u = y[:, :, None] * x
    if family == "majority_subset":
        return theta, np.where(u.sum(axis=1) >= 0, 1.0, -1.0)  # tie -> +1
    agree = np.all(u == u[:, :1, :], axis=1)
    return theta, np.where(agree, u[:, 0, :], 0.0)


@pytest.mark.parametrize(
    ("problem", "family", "n", "k"),
    [
        (BooleanClustering(d=400, c=1.0), "majority_subset", 1, 400),
        (BooleanClustering(d=400, c=1.0), "majority_subset", 4, 120),
        (SparseHypercube(d=100, c=1.0), "agreement_subset", 2, 100),
        (SparseHypercube(d=100, c=1.5), "agreement_subset", 5, 60),
    ],
)
def test_exact_error_matches_simulation(problem, family, n, k):
    """Train on simulated data, test on a fresh example: the exact error is inside the 99.9% interval."""
    rng = np.random.default_rng(99 + n)
    learner = getattr(D, family)(problem, n, k)
    exact = E.evaluate(learner, problem)["test_error"]
    trials = 20_000
    theta, w = _train(problem, n, family, rng, trials, k)
    # a fresh example of the same instance theta
    if problem.name == "boolean":
        agree = rng.random((trials, k)) < (1 + problem.r) / 2
        u_test = np.where(agree, theta, -theta)
    else:
        u_test = np.where(theta != 0, theta, rng.choice([-1.0, 1.0], size=(trials, k)))
    score = np.sum(w * u_test, axis=1)
    errors = (score < 0) + 0.5 * (score == 0)
    se = errors.std(ddof=1) / np.sqrt(trials)
    assert abs(errors.mean() - exact) < 3.3 * se + 1e-3


@pytest.mark.parametrize(
    ("problem", "family", "n"),
    [
        (BooleanClustering(d=100, c=1.0), "majority_subset", 3),
        (BooleanClustering(d=100, c=1.0), "majority_subset", 4),
        (SparseHypercube(d=100, c=2.0), "agreement_subset", 2),
    ],
)
def test_memorization_matches_plug_in_entropy(problem, family, n):
    """Per-coordinate H(M_j | theta_j) from simulated data sets: plug-in entropy per theta value."""
    rng = np.random.default_rng(5)
    exact = E.memorization_bits(getattr(D, family)(problem, n, 1))
    trials = 400_000
    theta, w = _train(problem, n, family, rng, trials, 1)
    est = 0.0
    for value, prior in zip(problem.theta_values, problem.theta_prior, strict=True):
        out = w[theta[:, 0] == value, 0]
        freqs = np.array([np.mean(out == o) for o in (-1.0, 0.0, 1.0)])
        symbols = np.count_nonzero(freqs)
        plug_in = -np.sum(freqs[freqs > 0] * np.log2(freqs[freqs > 0])) + (symbols - 1) / (2 * len(out) * np.log(2))
        est += prior * plug_in
    assert est == pytest.approx(exact, abs=0.01)


def test_reference_learners_define_default_targets():
    for problem in (BooleanClustering(d=100, c=1.0), SparseHypercube(d=100, c=1.0)):
        learner = reference_learner(problem)
        assert learner.rule.k == problem.d
        err = E.reference_error(problem)
        assert 0.05 < err < 0.45


@pytest.mark.parametrize("k", [1, 7, 100, 2_000, 100_000])
@pytest.mark.parametrize("p_pos,p_neg", [(0.5, 0.3), (0.02, 0.01), (0.3, 0.3), (0.9, 0.05), (1e-4, 2e-4)])
def test_truncated_error_sum_equals_the_full_sum(k, p_pos, p_neg):
    """The sum over N+ keeps O(sqrt(k)) terms; against the sum over every N+ = 0..k, to 1e-9."""
    a = np.arange(k + 1)
    cond = p_neg / (1 - p_pos)
    full = np.sum(binom.pmf(a, k, p_pos) * (binom.sf(a, k - a, cond) + 0.5 * binom.pmf(a, k - a, cond)))
    err, tail = DE.trinomial_error_and_tail(k, p_pos, p_neg)
    assert abs(err - full) < 1e-9 and -1e-12 <= full - err <= tail + 1e-12  # round-off either way
    assert tail < 1e-12
