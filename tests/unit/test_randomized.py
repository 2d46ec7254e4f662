"""Randomized learners: exact memorization I(S; M | theta) = H(M | theta) - H(M | S, theta) and exact error,
checked against simulations of the learners on generated data sets."""

import numpy as np
import pytest
from memtrade import exact as E
from memtrade.info import h2
from memtrade.learners import discrete as D
from memtrade.learners import gaussian as G
from memtrade.problems import make_problem

K = 8  # coordinates of the error simulations


def _stats(problem, n, rng, shape):
    """theta and one coordinate's training statistic: ubar (Gaussian), the +1 count (Boolean), {+-1, 0} (sparse)."""
    if problem.name == "gaussian":
        theta = rng.standard_normal(shape[0])[:, None] * np.ones(shape)
        u = theta[..., None] + np.sqrt(problem.sigma2) * rng.standard_normal((*shape, n))
        return theta, u.mean(axis=-1)
    if problem.name == "boolean":
        theta = np.where(rng.random(shape[0]) < 0.5, -1.0, 1.0)[:, None] * np.ones(shape)
        agree = rng.random((*shape, n)) < (1 + problem.r) / 2
        return theta, (np.where(agree, theta[..., None], -theta[..., None]) > 0).sum(axis=-1)  # count of +1s
    fixed = rng.random(shape[0]) < problem.q
    value = np.where(rng.random(shape[0]) < 0.5, -1.0, 1.0)
    theta = (np.where(fixed, value, 0.0))[:, None] * np.ones(shape)
    bits = np.where(rng.random((*shape, n)) < 0.5, -1.0, 1.0)
    u = np.where(theta[..., None] != 0, theta[..., None], bits)
    agree = np.all(u == u[..., :1], axis=-1)
    return theta, np.where(agree, u[..., 0], 0.0)


def _output(problem, stat, noise, n, rng):
    """The randomized learner's stored value from the statistic (fresh noise each call)."""
    if problem.name == "gaussian":
        return np.where(stat + noise * rng.standard_normal(stat.shape) >= 0, 1.0, -1.0)
    base = np.where(2 * stat >= n, 1.0, -1.0) if problem.name == "boolean" else stat
    return np.where(rng.random(stat.shape) < noise, -base, base)


def _learner(problem, n, k, noise):
    build = {
        "gaussian": G.noisy_sign_subset,
        "boolean": D.randomized_majority_subset,
        "sparse": D.randomized_agreement_subset,
    }[problem.name]
    return build(problem, n, k, noise)


def _plugin(counts):
    """Plug-in entropy (bits) with the Miller-Madow correction, per row of symbol counts."""
    total = counts.sum(axis=1, keepdims=True)
    p = counts / total
    with np.errstate(divide="ignore", invalid="ignore"):
        H = -np.nansum(np.where(p > 0, p * np.log2(p), 0.0), axis=1)
    return H + ((counts > 0).sum(axis=1) - 1) / (2 * total[:, 0] * np.log(2))


CASES = [("gaussian", 1.0, 4, 1.0), ("gaussian", 1.0, 16, 3.0), ("boolean", 1.0, 3, 0.1), ("sparse", 1.0, 2, 0.2)]


@pytest.mark.parametrize("name,c,n,noise", CASES)
def test_memorization_matches_plug_in_simulation(name, c, n, noise):
    """Per theta: H(M | theta) from one output per data set, H(M | S, theta) from repeated outputs per data set."""
    problem = make_problem(name, 100, {"c": c})
    rng = np.random.default_rng(7)
    thetas, datasets, repeats = 400, 300, 60
    theta, stat = _stats(problem, n, rng, (thetas, datasets))
    levels = np.array([-1.0, 0.0, 1.0])
    one = _output(problem, stat, noise, n, rng)
    h_theta = _plugin((one[..., None] == levels).sum(axis=1))
    rep = _output(problem, np.repeat(stat[..., None], repeats, axis=-1), noise, n, rng)
    counts = (rep[..., None] == levels).sum(axis=2).reshape(-1, 3)
    h_s = _plugin(counts).reshape(thetas, datasets).mean(axis=1)
    per_theta = h_theta - h_s
    est, se = per_theta.mean(), per_theta.std(ddof=1) / np.sqrt(thetas)
    exact = E.memorization_bits(_learner(problem, n, 1, noise))
    assert abs(est - exact) < 4 * se + 2e-3, (est, se, exact)


@pytest.mark.parametrize("name,c,n,noise", CASES)
def test_exact_error_matches_simulation(name, c, n, noise):
    problem = make_problem(name, 100, {"c": c})
    rng = np.random.default_rng(11)
    trials = 40_000
    theta, stat = (a.reshape(trials, K) for a in _stats(problem, n, rng, (trials * K, 1)))  # independent coordinates
    m = _output(problem, stat, noise, n, rng)
    if problem.name == "gaussian":
        u = theta + np.sqrt(problem.sigma2) * rng.standard_normal((trials, K))
    elif problem.name == "boolean":
        u = np.where(rng.random((trials, K)) < (1 + problem.r) / 2, theta, -theta)
    else:
        u = np.where(theta != 0, theta, np.where(rng.random((trials, K)) < 0.5, -1.0, 1.0))
    score = (m * u).sum(axis=1)  # y x = u, so the prediction is right when the score is positive
    errors = np.where(score > 0, 0.0, np.where(score < 0, 1.0, 0.5))
    exact = E.evaluate(_learner(problem, n, K, noise), problem)["test_error"]
    assert abs(errors.mean() - exact) < 4 * errors.std() / np.sqrt(trials) + 1e-3, (errors.mean(), exact)


@pytest.mark.parametrize("name", ["gaussian", "boolean", "sparse"])
def test_zero_noise_is_the_deterministic_family_exactly(name):
    problem = make_problem(name, 300, {"c": 1.0})
    deterministic = {"gaussian": G.sign_subset, "boolean": D.majority_subset, "sparse": D.agreement_subset}[name]
    for n in (1, 4, 16):
        a, b = E.evaluate(_learner(problem, n, 50, 0.0), problem), E.evaluate(deterministic(problem, n, 50), problem)
        assert a["memorization_bits"] == b["memorization_bits"] and a["test_error"] == b["test_error"]


@pytest.mark.parametrize("name,grid", [("gaussian", [0, 0.5, 1, 2, 4, 10]), ("boolean", [0, 0.05, 0.1, 0.2, 0.4])])
def test_memorization_decreases_with_noise_at_fixed_k(name, grid):
    problem = make_problem(name, 300, {"c": 1.0})
    for n in (1, 8, 64):
        mem = [E.memorization_bits(_learner(problem, n, 100, t)) for t in grid]
        err = [E.evaluate(_learner(problem, n, 100, t), problem)["test_error"] for t in grid]
        assert np.all(np.diff(mem) < 0) and np.all(np.diff(err) > 0), (n, mem, err)


def test_sparse_memorization_decreases_with_noise():
    problem = make_problem("sparse", 300, {"c": 1.0})
    for n in (1, 3, 8):
        mem = [E.memorization_bits(_learner(problem, n, 100, e)) for e in (0, 0.05, 0.1, 0.2, 0.4)]
        assert np.all(np.diff(mem) < 0)


def test_noisy_sign_noise_entropy_limits():
    problem = make_problem("gaussian", 100, {"c": 1.0})
    assert G.noisy_sign_noise_bits(problem, 4, 0.0) == 0.0
    assert G.noisy_sign_noise_bits(problem, 4, 1e6) == pytest.approx(1.0, abs=1e-6)  # pure noise: a fair coin
    assert float(h2(0.5)) == 1.0
