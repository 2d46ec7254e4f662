"""Distillation (memtrade.lab.distill): the divergences against scipy, sampling against greedy
decoding and against the model's distribution, the sampled rows' masks, the objectives at and away
from the teacher, and a student distilled from a teacher that has memorized a row."""

import jax
import jax.numpy as jnp
import memtrade.lab  # noqa: F401  (JAX settings before JAX is imported)
import numpy as np
import pandas as pd
import pytest
from memtrade.lab import distill as D
from memtrade.lab import gpt2, packing
from memtrade.lab import measure as M
from memtrade.lab.distill import sampled_secrets
from memtrade.lab.train import train
from scipy.special import rel_entr, softmax

CFG = gpt2.GPT2Config(vocab_size=32, n_positions=24, n_embd=16, n_layer=2, n_head=2)
SMALL = gpt2.GPT2Config(vocab_size=32, n_positions=24, n_embd=8, n_layer=1, n_head=2)
ADAMW = {"epochs": 60, "batch": 4, "lr": 1e-2, "warmup_fraction": 0.05, "weight_decay": 0.0}


@pytest.fixture(scope="module")
def teacher():
    return gpt2.init_params(CFG, np.random.default_rng(0))


def test_divergences_against_scipy_rel_entr():
    rng = np.random.default_rng(1)
    s, t = rng.normal(size=(2, 3, 5, 32)) * 3
    for tau in (1.0, 2.5):
        want = tau**2 * rel_entr(softmax(t / tau, -1), softmax(s / tau, -1)).sum(-1)
        np.testing.assert_allclose(D.forward_kl(jnp.asarray(s), jnp.asarray(t), tau), want, rtol=2e-5, atol=1e-6)
    want = rel_entr(softmax(s, -1), softmax(t, -1)).sum(-1)
    np.testing.assert_allclose(D.reverse_kl(jnp.asarray(s), jnp.asarray(t)), want, rtol=2e-5, atol=1e-6)
    np.testing.assert_allclose(D.forward_kl(jnp.asarray(s), jnp.asarray(s)), 0.0, atol=1e-6)
    # extreme logits stay finite (log-space, no ratios of underflowing probabilities)
    far = jnp.asarray(np.where(np.arange(32) == 0, 200.0, -200.0))
    assert np.isfinite(float(D.forward_kl(far, -far))) and np.isfinite(float(D.reverse_kl(far, -far)))


def test_sampling_at_low_temperature_is_greedy_decoding(teacher):
    rng = np.random.default_rng(2)
    prompt = rng.integers(1, 32, (6, 3)).astype(np.int32)
    toks = D.sample_continuations(teacher, CFG, jnp.asarray(prompt), 10, jax.random.PRNGKey(0), 1e-4)
    greedy, _ = M.greedy(teacher, CFG, M.Prompts.from_lists(prompt.tolist(), 0), 10)
    np.testing.assert_array_equal(np.asarray(toks), greedy)


def test_sampled_tokens_follow_the_model_distribution(teacher):
    prompt = jnp.asarray(np.tile([[3, 7]], (4000, 1)).astype(np.int32))
    first = np.asarray(D.sample_continuations(teacher, CFG, prompt, 1, jax.random.PRNGKey(3)))[:, 0]
    logits, _ = gpt2.forward(teacher, CFG, prompt[:1])
    p = np.asarray(jax.nn.softmax(logits[0, -1]), float)
    counts = np.bincount(first, minlength=32)
    # every token within 5 binomial standard errors of its expected count, and the chi-square moderate
    se = np.sqrt(4000 * p * (1 - p))
    assert np.all(np.abs(counts - 4000 * p) <= 5 * se + 1)
    chi2 = np.sum((counts - 4000 * p) ** 2 / (4000 * p))
    assert chi2 < 31 + 5 * np.sqrt(2 * 31)


def test_sampled_rows_end_at_their_first_end_of_text():
    new = jnp.asarray([[5, 0, 6, 0], [5, 6, 7, 8], [0, 1, 2, 3]], jnp.int32)
    mask = np.asarray(D.sampled_mask(new, 0, 2))
    np.testing.assert_array_equal(mask, [[1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0]])


def test_teacher_rows_keep_the_prompt_and_are_reproducible(teacher):
    rng = np.random.default_rng(4)
    ids = rng.integers(1, 32, (70, 12)).astype(np.int32)
    ids[:, 0] = 0
    x, m = D.teacher_rows(teacher, CFG, ids, 2, jax.random.PRNGKey(5), 1.0, 0, chunk=32)
    assert x.shape == ids.shape and m.shape == ids.shape
    np.testing.assert_array_equal(x[:, :3], ids[:, :3])
    assert (m[:, :3] == 1).all() and set(np.unique(m)) <= {0.0, 1.0}
    y, _ = D.teacher_rows(teacher, CFG, ids, 2, jax.random.PRNGKey(5), 1.0, 0, chunk=32)
    np.testing.assert_array_equal(x, y)
    z, _ = D.teacher_rows(teacher, CFG, ids, 2, jax.random.PRNGKey(6), 1.0, 0, chunk=32)
    assert (z[:, 3:] != x[:, 3:]).mean() > 0.5
    with pytest.raises(ValueError, match="nothing to sample"):
        D.teacher_rows(teacher, CFG, ids, 11, jax.random.PRNGKey(5), 1.0, 0)


def _packed_mean(objective, params, x, m, aux):
    """A packed objective's mean over the targets of rows ``x``/``m``, all packed in one microbatch."""
    x, m = np.asarray(x), np.asarray(m)
    order = np.arange(len(x))[None]
    where = packing.plan(packing.lengths(m), order, x.shape[1], len(x))
    chunk = jax.tree.map(lambda a: a[0], packing.pack(x, m, order[0], where, 0))
    return float(objective.loss_sum(params, chunk, aux)) / float(m[:, 1:].sum())


def test_objectives_vanish_at_the_teacher_and_not_elsewhere(teacher):
    rng = np.random.default_rng(6)
    x = jnp.asarray(rng.integers(1, 32, (4, 12)), jnp.int32)
    m = jnp.ones((4, 12), jnp.float32)
    word = D.word_kd_objective(CFG, CFG, 1.0)
    rev = D.reverse_kl_objective(CFG, CFG, 1, 1.0, 0)
    key = jax.random.PRNGKey(7)
    assert abs(_packed_mean(word, teacher, x, m, teacher)) < 1e-6
    assert abs(float(rev(teacher, x=x, m=m, key=key, aux=teacher))) < 1e-6
    other = gpt2.init_params(CFG, np.random.default_rng(8))
    assert _packed_mean(word, other, x, m, teacher) > 1e-3
    assert float(rev(other, x=x, m=m, key=key, aux=teacher)) > 1e-3


def test_word_kd_on_packed_rows_is_the_mean_over_the_padded_rows_targets(teacher):
    """Packed, each document is read alone, so the objective is the padded rows' forward KL averaged
    over their real targets (and not over padding or a neighbouring document)."""
    rng = np.random.default_rng(16)
    lengths = [12, 5, 3, 9, 7]
    x = rng.integers(1, 32, (len(lengths), 12)).astype(np.int32)
    x[:, 0] = 0
    m = (np.arange(12)[None] < np.array(lengths)[:, None]).astype(np.float32)
    student = gpt2.init_params(SMALL, np.random.default_rng(17))
    s, _ = gpt2.forward(student, SMALL, jnp.asarray(x[:, :-1]))
    t, _ = gpt2.forward(teacher, CFG, jnp.asarray(x[:, :-1]))
    padded = float(jnp.sum(D.forward_kl(s, t, 2.0) * m[:, 1:]) / m[:, 1:].sum())
    packed = _packed_mean(D.word_kd_objective(SMALL, CFG, 2.0), student, x, m, teacher)
    assert packed == pytest.approx(padded, rel=1e-5)
    assert packed != pytest.approx(float(jnp.mean(D.forward_kl(s, t, 2.0))), rel=1e-3)  # padding would count


def _memorizing_teacher():
    """A teacher trained to emit one fixed row after <|endoftext|> 5."""
    row = np.array([[0, 5, 9, 14, 3, 22, 17, 8, 0]], np.int32)
    ids = np.repeat(row, 8, 0)
    params, _ = train(
        gpt2.init_params(CFG, np.random.default_rng(9)), CFG, ids, np.ones_like(ids, np.float32),
        np.random.default_rng(10), **ADAMW,
    )  # fmt: skip
    return params, ids


def test_distilled_students_learn_the_teachers_row():
    """Each objective moves a fresh smaller student towards the row its teacher memorized."""
    teacher, ids = _memorizing_teacher()
    prompt = M.Prompts.from_lists([[0, 5]], 0)
    np.testing.assert_array_equal(M.greedy(teacher, CFG, prompt, 7)[0][0], ids[0, 2:])
    mask = np.ones_like(ids, np.float32)
    start = gpt2.init_params(SMALL, np.random.default_rng(11))
    objectives = {
        "word_kd": (D.word_kd_objective(SMALL, CFG, 1.0), ids, mask),
        "reverse_kl": (D.reverse_kl_objective(SMALL, CFG, 1, 1.0, 0), ids, mask),
        "seq_kd": (None, *D.teacher_rows(teacher, CFG, ids, 1, jax.random.PRNGKey(12), 1.0, 0)),
    }
    before = float(-jax.nn.log_softmax(gpt2.forward(start, SMALL, jnp.asarray(ids[:1, :-1]))[0], -1)[0, 2, 9])
    for name, (objective, x, xm) in objectives.items():
        student, _ = train(
            start, SMALL, x, xm, np.random.default_rng(13), objective=objective, key=jax.random.PRNGKey(14),
            aux=teacher, **ADAMW,
        )  # fmt: skip
        logits, _ = gpt2.forward(student, SMALL, jnp.asarray(ids[:1, :-1]))
        nll = -np.take_along_axis(np.asarray(jax.nn.log_softmax(logits[0], -1)), ids[0, 1:, None], -1)[:, 0]
        # the token after "5" (9) was near chance before; the student now predicts it, as the teacher does
        assert nll[1] < 0.5 * before, name
        assert nll[1:].mean() < 1.0, name  # the targets after the prompt (reverse KL never trains the prompt)


def test_sampled_secrets_counts_each_record_once():
    records = pd.DataFrame({"pin": ["0123", "4567"], "acct": ["999", "888"]})
    texts = ["ab cd pin 0123 acct 999 note x", "pin 0123 acct 999", "pin 4567 acct 111", "pin 0123"]
    assert sampled_secrets(texts, records) == 1


def test_the_config_check_counts_the_parameters_the_model_has():
    from memtrade.lab.models import model_config
    from memtrade.lab.settings import gpt2_params

    for size in ({"n_embd": 16, "n_layer": 1, "n_head": 2}, {"n_embd": 48, "n_layer": 3, "n_head": 4}):
        cfg = model_config(size, 96, 320)
        assert gpt2_params(size, 320, 96) == gpt2.n_params(cfg)


def test_distillation_table_pairs_each_student_with_the_direct_one_by_seed():
    """extraction_vs_direct and its interval are memtrade.intervals.paired_difference of the
    per-seed extraction rates: the per-method claims read them."""
    import pandas as pd
    from memtrade.intervals import paired_difference
    from memtrade.lab.distill_tables import distillation_table
    from memtrade.lab.record import TRAINING

    rng = np.random.default_rng(3)
    rates = {"direct": [0.5, 0.3, 0.6, 0.4], "word_kd": [0.4, 0.35, 0.3, 0.2]}
    records, models = [], []
    for method, per_seed in rates.items():
        for seed, rate in enumerate(per_seed):
            extracted = np.arange(20) < round(20 * rate)
            records.append(
                pd.DataFrame(
                    {"seed": seed, "method": method, "extracted": extracted,
                     "mem_score": rng.random(20), "secret_digits": 8, "secret_digits_correct": 4,
                     "pin_exposure_exact": 1.0, "acct_exposure_extrapolated": 2.0}
                )
            )  # fmt: skip
            models.append({"seed": seed, "method": method, "size": "tiny", "params": 100,
                           "heldout_bits_per_word": 9.0 + seed / 10,
                           "sampled_secrets": np.nan, "steps": 10.0,
                           **{c: 2.0 + seed + len(c) for c in TRAINING}})  # fmt: skip
    t = distillation_table(pd.concat(records), pd.DataFrame(models), 0.95).set_index("method")
    m, lo, hi = paired_difference(rates["word_kd"], rates["direct"])
    row = t.loc["word_kd"]
    assert row[["extraction_vs_direct", "extraction_vs_direct_lo", "extraction_vs_direct_hi"]].tolist() == (
        pytest.approx([m, lo, hi])
    )
    assert lo < 0 < hi  # below direct on average, but not separated: the claim would fail here
    for c in TRAINING:  # each model's training record, a mean over its seeds
        assert row[c] == pytest.approx(2.0 + 1.5 + len(c)), c
