"""The training record of the language-model laboratory: the loss and gradient norm over the first
and last tenth of the steps (TrainLog.record), written to train.json and summarised per model in
lab_models.csv."""

from functools import partial

import jax.numpy as jnp
import memtrade.lab  # noqa: F401  (JAX settings before JAX is imported)
import numpy as np
import pandas as pd
import pytest
from memtrade.lab import gpt2
from memtrade.lab import tables as LT
from memtrade.lab import train as T
from memtrade.lab.models import train_log

CFG = gpt2.GPT2Config(vocab_size=40, n_positions=24, n_embd=16, n_layer=1, n_head=2)


def test_record_averages_the_first_and_last_tenth():
    log = T.TrainLog()
    losses = [jnp.float32(v) for v in np.arange(30, 0, -1)]  # 30 steps: tenth = 3
    norms = [jnp.float32(v) for v in np.arange(1, 31)]
    log.record(losses, norms)
    assert log.loss_start == pytest.approx(29.0) and log.loss_end == pytest.approx(2.0)
    assert log.grad_norm_start == pytest.approx(2.0) and log.grad_norm_end == pytest.approx(29.0)
    short = T.TrainLog()
    short.record([jnp.float32(5.0), jnp.float32(1.0)], [jnp.float32(3.0), jnp.float32(0.5)])  # one step each end
    assert (short.loss_start, short.loss_end, short.grad_norm_start, short.grad_norm_end) == (5.0, 1.0, 3.0, 0.5)
    empty = T.TrainLog()
    empty.record([], [])
    assert np.isnan(empty.loss_start)


@pytest.mark.parametrize("objective", [None, partial(T.mean_nll, cfg=CFG)])
def test_training_records_a_falling_loss_in_train_json(objective):
    """A real run, packed and padded: the recorded loss falls, the gradient norm is finite and
    positive, and train.json carries the four numbers."""
    rng = np.random.default_rng(0)
    ids = np.tile(rng.integers(1, CFG.vocab_size, (4, 20)).astype(np.int32), (8, 1))  # 4 rows, repeated
    ids[:, 0] = 0
    mask = np.ones_like(ids, dtype=np.float32)
    params = gpt2.init_params(CFG, np.random.default_rng(1))
    _, log = T.train(
        params, CFG, ids, mask, np.random.default_rng(2), epochs=10, batch=8, lr=1e-2,
        warmup_fraction=0.05, weight_decay=0.0, objective=objective,
    )  # fmt: skip
    assert log.loss_end < 0.5 * log.loss_start
    assert 0 < log.grad_norm_end < np.inf and 0 < log.grad_norm_start < np.inf
    record = train_log(log)
    assert {k: record[k] for k in ("loss_start", "loss_end")} == {
        "loss_start": log.loss_start,
        "loss_end": log.loss_end,
    }
    assert record["grad_norm_end"] == log.grad_norm_end


def test_model_table_summarises_the_training_columns():
    models = pd.DataFrame(
        {
            "seed": [0, 1, 0, 1],
            "size": ["s"] * 4,
            "params": [10] * 4,
            "variant": ["undefended", "undefended", "dpsgd", "dpsgd"],
            "heldout_bits_per_word": [5.0, 5.2, 6.0, 6.2],
            "document_entropy_bits_per_word": [4.0] * 4,
            "train_loss_start": [3.0, 3.2, np.nan, np.nan],
            "train_loss_end": [1.0, 1.2, np.nan, np.nan],
            "train_grad_norm_start": [2.0, 2.2, np.nan, np.nan],
            "train_grad_norm_end": [0.2, 0.4, np.nan, np.nan],
        }
    )
    records = pd.DataFrame(
        {
            "seed": [0, 1, 0, 1],
            "size": ["s"] * 4,
            "variant": models["variant"],
            "extracted": [1, 0, 0, 0],
            "mem_score": 0.5,
        }
    )
    out = LT.model_table(models, records, 0.95).set_index("variant")
    assert out.loc["undefended", "train_loss_end"] == pytest.approx(1.1)
    assert out.loc["undefended", "train_grad_norm_end_lo"] < 0.3 < out.loc["undefended", "train_grad_norm_end_hi"]
    assert np.isnan(out.loc["dpsgd", "train_loss_start"]) and out.loc["dpsgd", "seeds"] == 2


def test_the_step_is_traced_once_per_setting_and_trains_as_a_fresh_trace():
    """train's compiled step is cached by (config, objective, AdamW settings): a second seed reuses
    it and ends where a freshly traced step ends (bit for bit); other epochs (so another schedule
    length) get a step of their own."""
    rng = np.random.default_rng(3)
    ids = rng.integers(1, CFG.vocab_size, (24, 12)).astype(np.int32)
    mask = np.ones(ids.shape, np.float32)
    start = gpt2.init_params(CFG, np.random.default_rng(4))
    kw = dict(batch=8, lr=1e-2, warmup_fraction=0.1, weight_decay=0.1)

    def run(epochs):
        return T.train(start, CFG, ids, mask, np.random.default_rng(5), epochs=epochs, **kw)[0]

    T._compiled_step.cache_clear()
    fresh = run(2)
    cached = run(2)
    assert T._compiled_step.cache_info().hits == 1 and T._compiled_step.cache_info().misses == 1
    for name in fresh:
        np.testing.assert_array_equal(np.asarray(fresh[name]), np.asarray(cached[name]))
    run(3)
    assert T._compiled_step.cache_info().misses == 2


def test_a_packed_objective_needs_its_aux():
    def loss_sum(params, chunk, aux):
        return jnp.zeros(())

    ids = np.ones((4, 6), np.int32)
    with pytest.raises(ValueError, match="aux is None"):
        T.train(
            gpt2.init_params(CFG, np.random.default_rng(0)), CFG, ids, np.ones(ids.shape, np.float32),
            np.random.default_rng(1), epochs=1, batch=2, lr=1e-3, warmup_fraction=0.1, weight_decay=0.0,
            objective=T.Packed(loss_sum),
        )  # fmt: skip


def test_the_training_record_columns_of_a_train_json():
    from memtrade.lab.record import TRAINING, training_record

    log = {"loss_start": 4.0, "loss_end": 0.5, "grad_norm_start": 2.0, "grad_norm_end": 0.7, "steps": 9}
    assert training_record(log) == dict(zip(TRAINING, (4.0, 0.5, 2.0, 0.7), strict=True))
    assert all(np.isnan(v) for v in training_record({"epsilon": 2.2}).values())  # DP-SGD writes none
