"""Black-box learners, reconstruction attacks and certified bounds."""

import json

import numpy as np
import pandas as pd
import pytest
from memtrade import blackbox as B
from memtrade.estimators import memorization_bits
from memtrade.info import h2
from memtrade.learners import REFERENCE
from memtrade.problems import make_problem


def _stats(problem, kind, params, n_grid, seeds, n_test=200):
    frames = []
    for seed in range(seeds):
        data = B.make_dataset(problem, max(n_grid), n_test, [11, seed])
        frames.append(B.run_learner(problem, kind, params, data, n_grid, seed)[1])
    return pd.concat(frames, ignore_index=True)


@pytest.mark.parametrize("name", ["boolean", "sparse", "gaussian"])
def test_certified_bound_never_exceeds_exact_memorization(name):
    """The natural structured learner: its exact memorization is known; the attack certifies less."""
    problem = make_problem(name, 60, {"c": 1.0})
    params = {"kind": "natural", "problem": name}
    table = B.blackbox_table(problem, {"natural": _stats(problem, "natural", params, [1, 2, 3, 6], 40)}, 200, 0)
    exact = [memorization_bits(REFERENCE[name](problem, n, problem.d)) for n in table["n"]]
    np.testing.assert_allclose(table["exact_bits"], exact)
    assert (table["certified_bits"] <= table["exact_bits"]).all(), table
    if name != "gaussian":  # at n = 1 the stored signs are the example itself: the attack is exact
        first = table[table["n"] == 1].iloc[0]
        assert first["attack_error"] == 0
        # sparse: the number of free coordinates varies between seeds, so the estimate is close, not equal
        assert first["certified_bits_estimate"] == pytest.approx(first["exact_bits"], rel=0.05)


def test_certified_bits_formula():
    boolean = make_problem("boolean", 100, {"c": 1.0})
    H = float(h2((1 + boolean.r) / 2))
    assert B.certified_bits(boolean, {0: (1000, 0.0)}, {0: H}) == pytest.approx(1000 * H)
    assert B.certified_bits(boolean, {0: (1000, 500.0)}, {0: H}) == 0.0  # chance guessing certifies nothing
    gaussian = make_problem("gaussian", 100, {"c": 1.0})
    v = gaussian.sigma2
    assert B.certified_bits(gaussian, {0: (10, 10 * v / 4)}, {0: v}) == pytest.approx(10 * 0.5 * np.log2(4))


def test_knn_attack_reads_the_stored_examples():
    problem = make_problem("sparse", 80, {"c": 1.0})
    stats = _stats(problem, "knn", {"kind": "knn", "k": 1}, [3], 4)
    stats = stats[stats["attack"] == "stored_examples"]
    assert stats["errors_g1"].sum() == 0 and stats["errors_g0"].sum() == 0
    table = B.certify_table(problem, stats, 50, 0)
    free = stats["components_g1"].sum() / len(stats)  # free coordinates x examples, per model
    assert table["certified_bits_estimate"].iloc[0] == pytest.approx(free)
    assert table["certified_bits"].iloc[0] <= free


@pytest.mark.parametrize(
    "kind,params",
    [("logistic", {"C": 1.0}), ("ridge", {"alpha": 1.0}), ("mlp", {"hidden": 8, "alpha": 1e-4, "max_iter": 300})],
)
def test_learners_learn_and_side_metric_is_a_probability(kind, params):
    problem = make_problem("boolean", 100, {"c": 1.0})
    stats = _stats(problem, kind, params, [1, 8], 3, n_test=400)
    assert (stats["membership_advantage"].between(0, 1)).all()
    assert stats.groupby("n")["test_error"].mean().loc[8] < 0.3  # better than chance with 8 examples


def test_datasets_are_deterministic_and_documented(tmp_path):
    problem = make_problem("gaussian", 30, {"c": 1.0})
    a, b = B.make_dataset(problem, 5, 20, [3, 1]), B.make_dataset(problem, 5, 20, [3, 1])
    assert all(np.array_equal(a[k], b[k]) for k in a)
    B.save_dataset(tmp_path / "d.npz", a, {"seed_sequence": [3, 1], "problem": "gaussian"})
    loaded = B.load_dataset(tmp_path / "d.npz")
    assert all(np.array_equal(a[k], loaded[k]) for k in a)
    assert json.loads((tmp_path / "d.npz.json").read_text())["seed_sequence"] == [3, 1]
    assert not list(tmp_path.glob(".*tmp*"))


def test_models_are_saved_with_everything_an_attack_needs(tmp_path):
    problem = make_problem("boolean", 40, {"c": 1.0})
    data = B.make_dataset(problem, 4, 50, [0])
    models, _ = B.run_learner(problem, "logistic", {"C": 1.0}, data, [2, 4], 0)
    B.save_models(tmp_path / "m.npz", {0: models})
    with np.load(tmp_path / "m.npz") as z:
        w = z["seed0/n4/w"]
    np.testing.assert_array_equal(w, models[4]["w"])


def test_query_attacks_run_on_every_learner_with_probabilities_and_are_named():
    boolean, gaussian = make_problem("boolean", 60, {"c": 1.0}), make_problem("gaussian", 60, {"c": 1.0})
    assert B.attacks_for(boolean, "logistic") == ["direction", "sign", "coordinate_ascent"]
    assert B.attacks_for(boolean, "knn") == ["stored_examples", "sign", "coordinate_ascent"]
    assert B.attacks_for(boolean, "ridge") == ["direction"]  # no class probabilities
    assert B.attacks_for(gaussian, "logistic") == ["direction"]  # real inputs: no +-1 queries
    stats = _stats(boolean, "logistic", {"C": 1.0}, [1, 4], 4)
    table = B.certify_table(boolean, stats, 50, 0)
    assert set(table["attack"]) == {"direction", "sign", "coordinate_ascent"} and len(table) == 6
    # at n = 1 the logistic model's weights are the example's signs: the query attacks read them exactly
    first = table[table["n"] == 1].set_index("attack")
    assert first.loc["sign", "attack_error"] == 0 and first.loc["coordinate_ascent", "attack_error"] == 0


def test_log_proba_is_normalised_and_matches_predictions():
    problem = make_problem("sparse", 50, {"c": 1.0})
    data = B.make_dataset(problem, 6, 40, [5])
    for kind, params in [
        ("logistic", {"C": 1.0}),
        ("mlp", {"hidden": 6, "alpha": 1e-4, "max_iter": 200}),
        ("knn", {"k": 3}),
    ]:
        model = B.fit(kind, params, data["x_train"], data["y_train"], 0)
        lp = B.log_proba(model, data["x_test"])
        np.testing.assert_allclose(np.exp(lp).sum(axis=1), 1.0, atol=1e-12)
        agree = np.where(lp[:, 1] >= lp[:, 0], 1.0, -1.0) == B.predict(model, data["x_test"])
        assert agree.mean() > 0.97  # equal up to ties at exactly 1/2
    with pytest.raises(ValueError, match="no class probabilities"):
        B.log_proba({"kind": "ridge"}, data["x_test"])
