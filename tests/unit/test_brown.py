"""Brown et al. reproduction: data model, PyTorch-equivalent models and optimiser, query-only attacks, summaries."""

import numpy as np
import pandas as pd
import pytest
from memtrade import seeds
from memtrade.attacks import coordinate_ascent, sign_attack
from memtrade.brown import experiment as Br
from memtrade.brown.nets import NesterovSGD, SoftmaxNet, torch_linear_init
from memtrade.info import fano_bits

DATA = {"n": 60, "d": 120, "subpopulations": 60, "a": 50000, "test_size": 100}
FAITHFUL = {"labels": "subpopulation", "frequencies": "uniform"}
ABLATION = {"labels": 10, "frequencies": {"zipf": 1.0}}
LOGISTIC = {
    "hidden": 0,
    "upsample": True,
    "lr": 0.1,
    "momentum": 0.99,
    "steps": 50,
    "lr_decay": None,
    "eval_every": 2,
    "eval_after_step": False,
    "attack": "sign",
    "repeats": 5,
    "attack_singletons": "all",
    "attack_every": 1,
}
MLP = {
    "hidden": 64,
    "upsample": False,
    "lr": 3e-4,
    "momentum": 0.999,
    "steps": 1000,
    "lr_decay": {"from_step": 450, "factor": 0.3},
    "eval_every": 50,
    "eval_after_step": True,
    "attack": "coordinate_ascent",
    "max_sweeps": 10,
    "attack_singletons": 10,
    "attack_every": 5,
}


def test_fixing_rate_of_brown_et_al():
    n, d, a = 500, 1000, 50000
    expected = np.sqrt((2 * np.log(a * 0.368 * n) - np.log(np.log(n))) / d)
    assert Br.subcube_rate(n, d, a) == pytest.approx(expected)
    assert 0.17 < Br.subcube_rate(n, d, a) < 0.18


def test_dataset_statistics_match_their_protocol_over_seeds():
    cfg = {"n": 500, "d": 1000, "subpopulations": 500, "a": 50000, "test_size": 500}
    singles, fixed_frac = [], []
    for seed in range(20):
        data = Br.make_dataset(cfg, FAITHFUL, seeds.generator(0, *Br.dataset_stream("test", seed)))
        assert np.array_equal(data["y"], data["sub"])  # the label is the subpopulation
        assert int(data["classes"][0]) == 500
        sub = data["sub"]
        fixed, values = data["fixed"][sub], data["values"][sub]
        assert np.all(data["x"][fixed] == values[fixed])
        singles.append(data["singleton"].sum() / cfg["n"])
        fixed_frac.append(data["fixed"].mean())
        assert np.array_equal(data["singleton"], np.bincount(sub, minlength=500)[sub] == 1)
        for name in ("fresh", "represented", "singletons"):
            assert data[f"x_{name}"].shape == (500, 1000)
        counts = np.bincount(sub, minlength=500)
        assert np.all(counts[data["y_singletons"]] == 1) and np.all(counts[data["y_represented"]] > 0)
    expected = (1 - 1 / 500) ** 499  # about 0.368
    assert abs(np.mean(singles) - expected) < 0.01
    assert abs(np.mean(fixed_frac) - Br.subcube_rate(500, 1000, 50000)) < 0.002
    stream = Br.dataset_stream("test", 3)
    again = Br.make_dataset(cfg, FAITHFUL, seeds.generator(0, *stream))
    assert all(np.array_equal(again[k], Br.make_dataset(cfg, FAITHFUL, seeds.generator(0, *stream))[k]) for k in again)


def test_ablation_shares_labels_and_has_a_long_tail():
    data = Br.make_dataset(
        {**DATA, "n": 400, "subpopulations": 400}, ABLATION, seeds.generator(0, *Br.dataset_stream("test", 1))
    )
    assert int(data["classes"][0]) == 10 and set(np.unique(data["labels"])) <= set(range(10))
    counts = np.bincount(data["sub"], minlength=400)
    assert counts[:10].sum() > counts[-100:].sum()  # Zipf: the head is heavier than the tail


def test_pytorch_default_initialisation():
    w, b = torch_linear_init(np.random.default_rng(0), 400, 300, np.float64)
    bound = 1 / np.sqrt(400)
    assert w.shape == (300, 400) and b.shape == (300,)
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    assert w.var() == pytest.approx(bound**2 / 3, rel=0.02)  # uniform on [-bound, bound]


@pytest.mark.parametrize("hidden", [0, 7])
def test_gradients_match_finite_differences(hidden):
    rng = np.random.default_rng(1)
    net = SoftmaxNet(6, 4, hidden, rng, dtype=np.float64)
    X = np.where(rng.random((9, 6)) < 0.5, -1.0, 1.0)
    y = rng.integers(0, 4, 9)
    _, grads = net.loss_and_grads(X, y)
    for name, p in net.params.items():
        numeric = np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            old = p[idx]
            p[idx] = old + 1e-6
            up = net.loss_and_grads(X, y)[0]
            p[idx] = old - 1e-6
            down = net.loss_and_grads(X, y)[0]
            p[idx] = old
            numeric[idx] = (up - down) / 2e-6
        rel = np.linalg.norm(numeric - grads[name]) / np.linalg.norm(grads[name])
        assert rel < 1e-6, (name, rel)


def test_nesterov_step_is_pytorchs_formula_on_a_hand_worked_example():
    # buf = g (first step), then buf = mu buf + g; g' = g + mu buf; p = p - lr g'
    params = {"p": np.array([1.0])}
    opt = NesterovSGD(params, lr=0.1, momentum=0.9)
    opt.step({"p": np.array([2.0])})  # buf = 2, g' = 2 + 1.8 = 3.8, p = 1 - 0.38
    assert params["p"][0] == pytest.approx(0.62, abs=1e-15)
    opt.step({"p": np.array([1.0])}, lr_factor=0.5)  # buf = 2.8, g' = 1 + 2.52 = 3.52, p = 0.62 - 0.176
    assert params["p"][0] == pytest.approx(0.444, abs=1e-15)
    assert opt.buf["p"][0] == pytest.approx(2.8, abs=1e-15)


def _template_matcher(template, beta=3.0):
    """A plain callable: a two-class model that has stored one example exactly (class 1 = near the template)."""
    d = len(template)

    def log_proba(X):
        z = beta * (np.asarray(X, float) @ template - (d - 1))
        return np.stack([-np.logaddexp(0, z), -np.logaddexp(0, -z)], axis=1)

    return log_proba


def test_attacks_recover_an_exactly_stored_example_with_a_plain_callable():
    rng = np.random.default_rng(2)
    template = np.where(rng.random(40) < 0.5, -1, 1)
    score = _template_matcher(template)
    assert not hasattr(score, "flipped")  # only the score function is available
    assert np.array_equal(sign_attack(score, [1], 40, rng, repeats=5)[0], template)
    guess, history, sweeps = coordinate_ascent(score, [1, 1, 1], 40, rng)
    assert np.all(guess == template) and np.all(sweeps == 2)  # one sweep to reach it, one to stop
    for h in history:
        assert np.all(np.diff(h) > 0)


def test_coordinate_ascent_never_lowers_the_score_and_fast_queries_equal_plain_queries():
    rng = np.random.default_rng(3)
    net = SoftmaxNet(30, 5, 12, rng, dtype=np.float64)
    for p in net.params.values():
        p *= 8  # a sharper model: many flips change the score
    fast = coordinate_ascent(net.queries(), np.arange(5), 30, np.random.default_rng(4))
    plain = coordinate_ascent(net.log_proba, np.arange(5), 30, np.random.default_rng(4))
    assert np.array_equal(fast[0], plain[0]) and np.array_equal(fast[2], plain[2])
    final = net.log_proba(fast[0].astype(float))[np.arange(5), np.arange(5)]
    for label, h in enumerate(fast[1]):
        assert np.all(np.diff(h) > 0) and len(h) > 1
        assert h[-1] == pytest.approx(final[label], abs=1e-9)
    a = sign_attack(net.queries(), np.arange(5), 30, np.random.default_rng(5))
    b = sign_attack(net.log_proba, np.arange(5), 30, np.random.default_rng(5))
    assert np.array_equal(a, b)


def _runs(mcfg, protocol, n_seeds=3):
    frames = []
    for seed in range(n_seeds):
        stats = Br.train_and_attack(
            mcfg,
            Br.make_dataset(DATA, protocol, seeds.generator(0, *Br.dataset_stream("test", seed))),
            0,
            ("brown", "test", seed),
        )
        stats.insert(0, "seed", seed)
        stats.insert(0, "attack", mcfg["attack"])
        stats.insert(0, "model", "m")
        stats.insert(0, "protocol", "p")
        frames.append(stats)
    return pd.concat(frames, ignore_index=True)


@pytest.mark.parametrize("mcfg", [LOGISTIC, MLP], ids=["logistic", "mlp"])
def test_their_protocol_fits_and_the_attack_recovers_singletons(mcfg):
    stats = _runs(mcfg, FAITHFUL)
    steps = sorted(stats["step"].unique())
    assert steps[:2] == ([0, 2] if mcfg is LOGISTIC else [1, 51])  # their evaluation points
    last = stats[stats["step"] == steps[-1]]
    assert (last["train_error"] == 0).all()
    first = stats[stats["step"] == steps[0]]
    assert ((first["free_correct"] / first["free_total"]).between(0.4, 0.6)).all()  # untrained: chance
    assert (last["free_correct"] / last["free_total"] > 0.8).all()
    table = Br.summarize(stats)
    final = table[table["step"] == steps[-1]].iloc[0]
    assert final["recovery_all_lo"] <= final["recovery_all"] <= final["recovery_all_hi"] <= 1
    assert 0 < final["certified_bits_per_singleton"] <= final["certified_bits_per_singleton_estimate"]
    assert final["certified_bits_per_singleton_estimate"] < final["free_coordinates_per_singleton"]
    attacked = table.dropna(subset=["recovery_all"])["step"].tolist()
    assert attacked == steps[:: mcfg["attack_every"]] + ([steps[-1]] if (len(steps) - 1) % mcfg["attack_every"] else [])


def test_certified_bits_are_symmetric_and_zero_at_chance():
    assert fano_bits(10, 0.5) == 0
    assert fano_bits(10, 0.1) == pytest.approx(fano_bits(10, 0.9))
    assert fano_bits(10, 0.0) == 10
