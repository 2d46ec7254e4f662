"""Black-box learners, reconstruction attacks and certified bounds."""

import json

import numpy as np
import pandas as pd
import pytest
from memtrade import seeds
from memtrade.blackbox.attack import attacks_for, run_learner, save_models
from memtrade.blackbox.certify import blackbox_table, certified_bits, certify_table
from memtrade.blackbox.learners import LEARNERS, make_learner
from memtrade.datasets import load_dataset, problem_dataset, save_dataset, stream_meta
from memtrade.exact import memorization_bits
from memtrade.info import h2
from memtrade.learners import REFERENCE
from memtrade.problems import make_problem


def _data(problem, n_train, n_test, index):
    return problem_dataset(problem, n_train, n_test, seeds.generator(11, "test", problem.name, index))


def _stats(problem, spec, n_grid, n_seeds, n_test=200):
    frames = [
        run_learner(problem, spec, _data(problem, max(n_grid), n_test, s), n_grid, 11, spec["family"], s)[1]
        for s in range(n_seeds)
    ]
    return pd.concat(frames, ignore_index=True)


@pytest.mark.parametrize("name", ["boolean", "sparse", "gaussian"])
def test_certified_bound_never_exceeds_exact_memorization(name):
    """The natural structured learner: its exact memorization is known; the attack certifies less."""
    problem = make_problem(name, 60, {"c": 1.0})
    spec = {"family": "natural", "problem": name}
    table = blackbox_table(problem, {"natural": _stats(problem, spec, [1, 2, 3, 6], 40)}, 200, 0)
    exact = [memorization_bits(REFERENCE[name](problem, n, problem.d)) for n in table["n"]]
    np.testing.assert_allclose(table["exact_bits"], exact)
    assert (table["certified_bits"] <= table["exact_bits"]).all(), table
    assert (table["certified_bits"] <= table["certified_bits_estimate"]).all()
    assert (table["certified_bits_estimate"] <= table["certified_bits_hi"]).all()  # the point lies in its interval
    if name != "gaussian":  # at n = 1 the stored signs are the example itself: the attack is exact
        first = table[table["n"] == 1].iloc[0]
        assert first["attack_error"] == 0
        # sparse: the number of free coordinates varies between seeds, so the estimate is close, not equal
        assert first["certified_bits_estimate"] == pytest.approx(first["exact_bits"], rel=0.05)


def test_certified_bits_formula():
    boolean = make_problem("boolean", 100, {"c": 1.0})
    H = float(h2((1 + boolean.r) / 2))
    assert boolean.group_constants() == {0: pytest.approx(H)}
    assert certified_bits(boolean, np.array([1000.0]), np.array([0.0])) == pytest.approx(1000 * H)
    assert certified_bits(boolean, np.array([1000.0]), np.array([500.0])) == 0.0  # chance certifies nothing
    gaussian = make_problem("gaussian", 100, {"c": 1.0})
    v = gaussian.sigma2
    assert certified_bits(gaussian, np.array([10.0]), np.array([10 * v / 4])) == pytest.approx(10 * 0.5 * np.log2(4))
    sparse = make_problem("sparse", 100, {"c": 1.0})  # fixed coordinates (group 0) carry nothing
    assert certified_bits(sparse, np.array([50.0, 200.0]), np.array([0.0, 0.0])) == pytest.approx(200.0)
    # broadcasting over bootstrap replicates gives each replicate's value
    reps = certified_bits(boolean, np.array([[1000.0], [1000.0]]), np.array([[0.0], [500.0]]))
    np.testing.assert_allclose(reps, [1000 * H, 0.0])


def test_knn_attack_reads_the_stored_examples():
    problem = make_problem("sparse", 80, {"c": 1.0})
    stats = _stats(problem, {"family": "knn", "k": 1}, [3], 4)
    stats = stats[stats["attack"] == "stored_examples"]
    assert stats["errors_g1"].sum() == 0 and stats["errors_g0"].sum() == 0
    table = certify_table(problem, stats, 50, np.random.default_rng(0))
    free = stats["components_g1"].sum() / len(stats)  # free coordinates x examples, per model
    assert table["certified_bits_estimate"].iloc[0] == pytest.approx(free)
    assert table["certified_bits"].iloc[0] <= free


@pytest.mark.parametrize(
    "spec",
    [
        {"family": "logistic", "C": 1.0},
        {"family": "ridge", "alpha": 1.0},
        {"family": "mlp", "hidden": 8, "alpha": 1e-4, "max_iter": 300},
    ],
)
def test_learners_learn_and_side_metric_is_a_probability(spec):
    problem = make_problem("boolean", 100, {"c": 1.0})
    stats = _stats(problem, spec, [1, 8], 3, n_test=400)
    assert (stats["membership_advantage"].between(0, 1)).all()
    assert stats.groupby("n")["test_error"].mean().loc[8] < 0.3  # better than chance with 8 examples


def test_learner_scores_are_scikit_learns():
    """Each class reproduces its scikit-learn model's own outputs from the stored arrays."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    problem = make_problem("boolean", 30, {"c": 1.0})
    data = _data(problem, 12, 50, 0)
    x, y, xt = data["x_train"], data["y_train"], data["x_test"]
    xm, ym = np.concatenate([x, -x]), (np.concatenate([y, -y]) > 0).astype(int)
    lr = make_learner({"family": "logistic", "C": 0.5}, 0).fit(x, y)
    ref = LogisticRegression(C=0.5, max_iter=1000).fit(xm, ym)
    np.testing.assert_allclose(np.exp(lr.log_proba(xt)), ref.predict_proba(xt), rtol=1e-10)
    mlp = make_learner({"family": "mlp", "hidden": 5, "alpha": 1e-3, "max_iter": 200}, 7).fit(x, y)
    ref = MLPClassifier((5,), activation="logistic", alpha=1e-3, max_iter=200, random_state=7).fit(xm, ym)
    np.testing.assert_allclose(np.exp(mlp.log_proba(xt)), ref.predict_proba(xt), rtol=1e-9)


def test_datasets_are_deterministic_and_documented(tmp_path):
    problem = make_problem("gaussian", 30, {"c": 1.0})
    stream = ("blackbox", "dataset", "gaussian", 1)
    a = problem_dataset(problem, 5, 20, seeds.generator(3, *stream))
    b = problem_dataset(problem, 5, 20, seeds.generator(3, *stream))
    assert all(np.array_equal(a[k], b[k]) for k in a)
    save_dataset(tmp_path / "d.npz", a, {"problem": "gaussian", **stream_meta(3, stream)})
    loaded = load_dataset(tmp_path / "d.npz")
    assert all(np.array_equal(a[k], loaded[k]) for k in a)
    meta = json.loads((tmp_path / "d.npz.json").read_text())
    assert meta["seed_entropy"] == seeds.entropy(3, *stream) and meta["seed_stream"] == list(stream)
    assert not list(tmp_path.glob(".*tmp*"))


def test_models_are_saved_with_everything_an_attack_needs(tmp_path):
    problem = make_problem("boolean", 40, {"c": 1.0})
    models, _ = run_learner(problem, {"family": "logistic", "C": 1.0}, _data(problem, 4, 50, 0), [2, 4], 0, "lr", 0)
    save_models(tmp_path / "m.npz", {0: models})
    with np.load(tmp_path / "m.npz") as z:
        np.testing.assert_array_equal(z["seed0/n4/w"], models[4].w_)
        assert str(z["seed0/n4/family"]) == "logistic"


def test_query_attacks_run_on_every_learner_with_probabilities_and_are_named():
    boolean, gaussian = make_problem("boolean", 60, {"c": 1.0}), make_problem("gaussian", 60, {"c": 1.0})

    def names(problem, spec):
        return attacks_for(problem, make_learner(spec, 0))

    assert names(boolean, {"family": "logistic", "C": 1.0}) == ["direction", "sign", "coordinate_ascent"]
    assert names(boolean, {"family": "knn", "k": 1}) == ["stored_examples", "sign", "coordinate_ascent"]
    assert names(boolean, {"family": "ridge", "alpha": 1.0}) == ["direction"]  # no class probabilities
    assert names(gaussian, {"family": "logistic", "C": 1.0}) == ["direction"]  # real inputs: no +-1 queries
    sk = {"family": "sklearn", "estimator": "sklearn.linear_model.LogisticRegression", "params": {}}
    assert names(boolean, sk) == ["sign", "coordinate_ascent"] and names(gaussian, sk) == []
    stats = _stats(boolean, {"family": "logistic", "C": 1.0}, [1, 4], 4)
    table = certify_table(boolean, stats, 50, np.random.default_rng(0))
    assert set(table["attack"]) == {"direction", "sign", "coordinate_ascent"} and len(table) == 6
    # at n = 1 the logistic model's weights are the example's signs: the query attacks read them exactly
    first = table[table["n"] == 1].set_index("attack")
    assert first.loc["sign", "attack_error"] == 0 and first.loc["coordinate_ascent", "attack_error"] == 0


def test_log_proba_is_normalised_and_matches_predictions():
    problem = make_problem("sparse", 50, {"c": 1.0})
    data = _data(problem, 6, 40, 5)
    for spec in [
        {"family": "logistic", "C": 1.0},
        {"family": "mlp", "hidden": 6, "alpha": 1e-4, "max_iter": 200},
        {"family": "knn", "k": 3},
        {"family": "sklearn", "estimator": "sklearn.tree.DecisionTreeClassifier", "params": {}},
    ]:
        learner = make_learner(spec, 0).fit(data["x_train"], data["y_train"])
        lp = learner.log_proba(data["x_test"])
        np.testing.assert_allclose(np.exp(lp).sum(axis=1), 1.0, atol=1e-12)
        agree = np.where(lp[:, 1] >= lp[:, 0], 1.0, -1.0) == learner.predict(data["x_test"])
        assert agree.mean() > 0.97, spec  # equal up to ties at exactly 1/2
    for family in ("ridge", "natural"):
        spec = {"family": family, "alpha": 1.0, "problem": "sparse"}
        learner = make_learner(spec, 0).fit(data["x_train"], data["y_train"])
        with pytest.raises(ValueError, match="no class probabilities"):
            learner.log_proba(data["x_test"])
    assert set(LEARNERS) == {"natural", "logistic", "ridge", "knn", "mlp", "sklearn"}


def test_training_and_attacking_is_deterministic_given_the_run_seed():
    """The fits and the query attacks draw only from the named seed streams: a repeat is identical."""
    problem = make_problem("boolean", 40, {"c": 1.0})
    data = _data(problem, 4, 50, 0)
    spec = {"family": "logistic", "C": 1.0}
    a = run_learner(problem, spec, data, [4], 0, "lr", 0)[1]
    b = run_learner(problem, spec, data, [4], 0, "lr", 0)[1]
    pd.testing.assert_frame_equal(a, b)
