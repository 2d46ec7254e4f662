"""Mixtures of clusters: exact expectations, Monte Carlo agreement, Feldman's tau_1, the bound."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from conftest import SCHEMA
from memtrade.config import ConfigError, validate
from memtrade.mixture import tradeoff as X
from memtrade.problems import make_problem


@pytest.fixture(scope="module")
def curves():
    return X.cluster_curves(make_problem("sparse", 100, {"c": 1.0}), 1.0, 60)


def test_tau1_by_hand():
    """p = (0.5, 0.3, 0.2), n = 3: (0.0625 + 0.0441 + 0.0256) / (0.125 + 0.147 + 0.128) = 0.3305."""
    assert X.feldman_tau1(np.array([0.5, 0.3, 0.2]), 3) == pytest.approx(0.1322 / 0.4, rel=1e-12)


def test_zipf_frequencies():
    p = X.frequencies({"family": "zipf", "a": 1.0}, 4)
    np.testing.assert_allclose(p, np.array([1, 1 / 2, 1 / 3, 1 / 4]) / (25 / 12))


@pytest.mark.parametrize("threshold", [1, 2, 3])
def test_exact_expectations_by_enumerating_count_vectors(curves, threshold):
    p, n = np.array([0.5, 0.3, 0.2]), 5
    exact = X.exact_expectations(p, n, curves, threshold)
    mem = curves["memorization_bits"].to_numpy()
    err = curves["test_error"].to_numpy()
    lb = curves["lower_bound_bits"].to_numpy()
    e_mem = e_err = e_lb = 0.0
    for counts in itertools.product(range(n + 1), repeat=3):
        if sum(counts) != n:
            continue
        prob = math.factorial(n) / np.prod([math.factorial(c) for c in counts]) * np.prod(p ** np.array(counts))
        learned = [c >= threshold for c in counts]
        e_mem += prob * sum(mem[c] for c, ok in zip(counts, learned, strict=True) if ok)
        e_err += prob * sum(pc * (err[c] if ok else 0.5) for pc, c, ok in zip(p, counts, learned, strict=True))
        e_lb += prob * sum(lb[c] for c, ok in zip(counts, learned, strict=True) if ok)
    assert exact["memorization_bits"] == pytest.approx(e_mem, rel=1e-10)
    assert exact["test_error"] == pytest.approx(e_err, rel=1e-10)
    assert exact["lower_bound_bits"] == pytest.approx(e_lb, rel=1e-10)


def test_monte_carlo_agrees_with_exact_and_feldman(curves):
    trade, split, feld = X.prior_tables("zipf_1", {"family": "zipf", "a": 1.0}, 80, [40], [1, 2, 4], curves, 3, 4000, 1)
    for key in ("memorization_bits", "test_error", "lower_bound_bits"):
        z = (trade[f"{key}_mc"] - trade[key]).abs() / trade[f"{key}_mc_se"].clip(lower=1e-12)
        assert (z < 4).all(), trade[[key, f"{key}_mc", f"{key}_mc_se"]]
    row = feld.iloc[0]
    assert abs(row["predicted_excess_error"] - row["simulated_excess_error"]) < 4 * row["simulated_excess_error_se"]
    assert split["share"].sum() == pytest.approx(1.0)
    # the learner never beats the bound: in expectation and on every simulated count vector
    assert (trade["memorization_bits"] >= trade["lower_bound_bits"]).all() and trade["holds_every_draw"].all()
    # skipping rare clusters saves memorization and costs error
    t = trade.sort_values("threshold")
    assert t["memorization_bits"].is_monotonic_decreasing and t["test_error"].is_monotonic_increasing


def test_random_frequency_prior_is_seeded(curves):
    prior = {"family": "discrete", "levels": [1, 20], "weights": [0.9, 0.1]}
    a = X.prior_tables("two", prior, 50, [30], [1, 2], curves, 11, 50, 3)[0]
    b = X.prior_tables("two", prior, 50, [30], [1, 2], curves, 11, 50, 3)[0]
    pd.testing.assert_frame_equal(a, b)


def test_per_cluster_curves_respect_the_single_cluster_bound(curves):
    assert (curves["memorization_bits"] >= curves["lower_bound_bits"]).all()
    assert curves.loc[0, "test_error"] == 0.5 and curves.loc[0, "memorization_bits"] == 0


def test_best_at_target_picks_least_memorization_within_slack(curves):
    trade = X.prior_tables("zipf_1", {"family": "zipf", "a": 1.0}, 80, [40], [1, 2, 3, 4], curves, 3, 50, 1)[0]
    best = X.best_at_target(trade, 0.05).iloc[0]
    ok = trade[trade["test_error"] <= best["target_error"]]
    assert best["memorization_bits"] == ok["memorization_bits"].min()


@pytest.mark.parametrize(
    ("mutate", "key"),
    [
        (lambda m: m.__setitem__("zipf_exponents", [1.0, -0.5]), "mixture.zipf_exponents[1]"),
        (lambda m: m.__setitem__("zipf_exponents", [0]), "mixture.zipf_exponents[0]"),
        (
            lambda m: m["priors"].__setitem__("bad", {"family": "pareto", "levels": [1], "weights": [1]}),
            "mixture.priors.bad.family",
        ),
        (lambda m: m["priors"]["two_level"].__setitem__("weights", [0.5, 0.2]), "mixture.priors.two_level.weights"),
        (lambda m: m.__setitem__("thresholds", [2, 3]), "mixture.thresholds"),
    ],
)
def test_bad_mixture_config_is_rejected(quick_config, mutate, key):
    mutate(quick_config["mixture"])
    with pytest.raises(ConfigError, match=key.replace("[", r"\[").replace("]", r"\]")):
        validate(quick_config, SCHEMA)
