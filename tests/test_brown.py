"""Brown et al. reproduction: data model, training, attacks, summaries."""

import numpy as np
import pandas as pd
import pytest
from memtrade import brown as Br

CFG = {
    "n": 120,
    "d": 240,
    "K": 120,
    "a": 50000,
    "classes": 10,
    "zipf": 1.0,
    "test_per_subpop": 3,
    "logistic": {"steps": 60, "lr": 0.05, "momentum": 0.9, "checkpoints": 5, "l2": 0.0},
    "mlp": {"hidden": 16, "steps": 60, "lr": 0.2, "momentum": 0.9, "checkpoints": 5, "l2": 0.0},
}


def test_fixing_rate_of_brown_et_al():
    n, d, a = 500, 1000, 50000
    expected = np.sqrt((2 * np.log(a * 0.368 * n) - np.log(np.log(n))) / d)
    assert Br.subcube_rate(n, d, a) == pytest.approx(expected)
    assert 0.17 < Br.subcube_rate(n, d, a) < 0.18


def test_dataset_follows_the_subcube_model():
    data = Br.make_dataset(CFG, [5])
    sub = data["sub"]
    fixed, values = data["fixed"][sub], data["values"][sub]
    assert np.all(data["x"][fixed] == values[fixed])  # fixed coordinates carry the subpopulation's values
    assert abs(np.mean(data["x"][~fixed] == 1) - 0.5) < 0.02  # free ones are fair bits
    counts = np.bincount(sub, minlength=CFG["K"])
    assert np.array_equal(data["singleton"], counts[sub] == 1) and data["singleton"].sum() > 5
    assert np.array_equal(data["y"], data["labels"][sub])
    again = Br.make_dataset(CFG, [5])
    assert all(np.array_equal(data[k], again[k]) for k in data)


@pytest.mark.parametrize("kind", ["logistic", "mlp"])
def test_training_fits_and_the_attack_beats_chance(kind):
    frames = []
    for seed in range(3):
        stats = Br.run(kind, Br.make_dataset(CFG, [seed]), CFG, [seed, 1])
        stats.insert(0, "seed", seed)
        stats.insert(0, "model", kind)
        frames.append(stats)
    stats = pd.concat(frames, ignore_index=True)
    last = stats[stats["step"] == stats["step"].max()]
    assert (last["train_error"] < 0.1).all()
    assert (last["attack_errors"] / last["free_coordinates"] < 0.45).all()  # chance is 0.5
    first = stats[stats["step"] == 0]
    assert (first["attack_errors"] / first["free_coordinates"]).between(0.45, 0.55).all()  # untrained: chance
    table = Br.summarize(stats, 200, 0)
    final = table[table["step"] == table["step"].max()].iloc[0]
    assert 0 < final["certified_bits_per_singleton"] <= final["certified_bits_per_singleton_estimate"]
    assert final["certified_bits_per_singleton"] < final["free_coordinates_per_singleton"]
    assert final["reconstruction_error_lo"] <= final["reconstruction_error"] <= final["reconstruction_error_hi"]
