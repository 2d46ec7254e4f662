"""Sequence packing (memtrade.lab.packing): each step's rows laid end to end, in microbatches, give
the same loss and gradient as the padded batch, and training on them the same model."""

import jax
import jax.numpy as jnp
import memtrade.lab  # noqa: F401  (JAX settings before JAX is imported)
import numpy as np
import optax
import pytest
from memtrade import optim
from memtrade.lab import gpt2, packing
from memtrade.lab import train as T

CFG = gpt2.GPT2Config(vocab_size=40, n_positions=24, n_embd=16, n_layer=2, n_head=2)


def _rows(n=30, width=24, seed=1):
    """Rows in the padded layout, with the awkward cases: an empty row, a row of the full width, a
    row of the leading token only, and masks with holes (tokens inside a row that are not scored)."""
    rng = np.random.default_rng(seed)
    span = rng.integers(2, width + 1, n)
    ids = rng.integers(1, CFG.vocab_size, (n, width)).astype(np.int32)
    ids[:, 0] = 0
    mask = (np.arange(width)[None] < span[:, None]).astype(np.float32)
    mask[0] = 0.0  # empty
    mask[1] = 1.0  # the full width
    mask[2] = 0.0
    mask[2, 0] = 1.0  # the leading token only
    mask[3:8, 3] = 0.0  # holes inside the span
    mask[8, [2, 5, 9]] = 0.0
    ids[np.arange(width)[None] >= packing.lengths(mask)[:, None]] = 0
    return ids, mask


def test_the_plan_places_every_token_once_inside_its_row():
    ids, mask = _rows()
    order = T._batches(np.random.default_rng(0), len(ids), 8, 3)
    where = packing.plan(packing.lengths(mask), order, ids.shape[1], 2)
    end = where.offset + where.length
    assert (end <= ids.shape[1]).all()
    for s in range(len(order)):  # no two documents of a step overlap in a row
        cover = np.zeros((where.row.max() + 1, ids.shape[1]), int)
        for r, o, n in zip(where.row[s], where.offset[s], where.length[s], strict=True):
            cover[r, o : o + n] += 1
        assert cover.max() == 1
        assert cover.sum() == packing.lengths(mask)[order[s]].sum()  # every token of each span, holes included
    assert where.chunk_rows <= 2 and where.chunks * where.chunk_rows >= where.row.max() + 1
    assert where.row.max() + 1 < order.shape[1]  # first fit, longest first, saves rows


def test_packed_loss_and_gradient_equal_the_padded_ones():
    """One step on packed microbatches against one on the padded batch: with plain gradient descent
    at rate 1 the new parameters are the old ones minus the gradient, so the gradients are compared
    entry by entry, in the multi-chunk branch (a scan) and the one-chunk branch."""
    ids, mask = _rows()
    params = {k: 4 * v for k, v in gpt2.init_params(CFG, np.random.default_rng(0)).items()}
    order = T._batches(np.random.default_rng(0), len(ids), 8, 4)
    opt = optax.sgd(1.0)
    state = opt.init(params)
    padded = jax.jit(optim.step(lambda p, x, m: T.mean_nll(p, CFG, x, m), opt))
    packed = jax.jit(optim.accumulated_step(lambda p, c: T.packed_nll_sum(p, c, CFG), opt))
    for most_rows in (1, 2, 64):
        where = packing.plan(packing.lengths(mask), order, ids.shape[1], most_rows)
        assert (where.chunks > 1) == (most_rows < 8)
        for s, rows in enumerate(order):
            count = np.float32(max(mask[rows, 1:].sum(), 1.0))
            a = packed(params, state, packing.pack(ids, mask, rows, where, s), count)
            b = padded(params, state, ids[rows], mask[rows])
            np.testing.assert_allclose(float(a[2]), float(b[2]), rtol=1e-5)  # loss
            np.testing.assert_allclose(float(a[3]), float(b[3]), rtol=1e-5)  # gradient norm
            assert float(b[3]) > 0.1
            for k in params:  # params - gradient, entry by entry
                np.testing.assert_allclose(a[0][k], b[0][k], rtol=1e-4, atol=1e-5)


def test_attention_stays_inside_each_document():
    """Without the segments the packed loss differs: a document would see the one before it."""
    ids, mask = _rows()
    # weights large enough that attention is far from uniform
    params = {k: 8 * v for k, v in gpt2.init_params(CFG, np.random.default_rng(0)).items()}
    order = T._batches(np.random.default_rng(0), len(ids), 8, 1)
    where = packing.plan(packing.lengths(mask), order, ids.shape[1], 8)
    b = {k: v[0] for k, v in packing.pack(ids, mask, order[0], where, 0).items()}
    assert (b["segments"][:, 1:] != b["segments"][:, :-1]).any()
    same = gpt2.packed_nll(params, CFG, b["ids"], b["pos"], b["segments"], b["target"]).sum()
    blind = gpt2.packed_nll(params, CFG, b["ids"], b["pos"], jnp.zeros_like(b["segments"]), b["target"]).sum()
    padded = gpt2.token_nll(params, CFG, ids[order[0]], mask[order[0]]).sum()
    np.testing.assert_allclose(float(same), float(padded), rtol=1e-5)
    assert abs(float(blind) - float(padded)) > 1.0  # nats, summed over the batch


@pytest.mark.parametrize("micro", [10**9, 24 * 16 * 2])  # one chunk a step; two-row chunks (the scan)
def test_training_on_packed_rows_gives_the_padded_model(monkeypatch, micro):
    monkeypatch.setattr(packing, "MICRO_ELEMENTS", micro)
    ids, mask = _rows()
    params = gpt2.init_params(CFG, np.random.default_rng(0))
    settings = {"epochs": 3, "batch": 8, "lr": 1e-2, "warmup_fraction": 0.1, "weight_decay": 0.1}
    a, la = T.train(params, CFG, ids, mask, np.random.default_rng(3), **settings)
    b, lb = T.train(
        params,
        CFG,
        ids,
        mask,
        np.random.default_rng(3),
        objective=lambda p, x, m, key, aux: T.mean_nll(p, CFG, x, m),
        **settings,
    )
    assert la.tokens == lb.tokens and la.steps == lb.steps
    np.testing.assert_allclose(la.final_loss, lb.final_loss, rtol=1e-5)
    # the same model up to float rounding (Adam divides by small second moments, so not bit for bit)
    assert max(float(jnp.abs(a[k] - b[k]).max()) for k in a) < 1e-4
