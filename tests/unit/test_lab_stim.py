"""STIM (memtrade.lab.stim): the task's rows, exact n-gram and co-occurrence counts against brute
force, the longest-context rule, Spearman rows against scipy, saliency against finite differences
of the model, and step parsing with wrong tokens marked."""

from collections import Counter

import jax
import jax.numpy as jnp
import memtrade.lab  # noqa: F401  (JAX settings before JAX is imported)
import numpy as np
import pytest
from memtrade.lab import gpt2
from memtrade.lab import stim as ST
from memtrade.lab import tokenizer as T
from scipy.stats import spearmanr

CFG = gpt2.GPT2Config(vocab_size=40, n_positions=16, n_embd=16, n_layer=2, n_head=2)


def _rows(seed=0, n=30, vocab=6):
    rng = np.random.default_rng(seed)
    return [rng.integers(0, vocab, rng.integers(1, 15)) for _ in range(n)]


def test_chain_rows_are_correct_sums():
    assert ST.chain_text([7, 52, 9]) == "sum 7 52 9 | 7+52=59 | 59+9=68 | answer 68"
    assert ST.chain_text([7, 52, 9]).startswith(ST.question_text([7, 52, 9]))
    law = ST.operand_law(np.random.default_rng(1), 99, 1.0)
    assert law.shape == (100,) and abs(law.sum() - 1) < 1e-12 and law.max() / law.min() > 50
    q = ST.questions(np.random.default_rng(2), law, 2000, 3)
    counts = np.bincount(q.ravel(), minlength=100)
    assert np.argmax(counts) == np.argmax(law)


def test_ngram_counts_are_exact_and_stay_within_rows():
    rows = _rows()
    index = ST.NgramIndex(rows, 5)
    for n in (1, 2, 3, 5):
        brute = Counter(tuple(r[i : i + n]) for r in rows for i in range(len(r) - n + 1))
        grams = np.array(sorted(brute) + [(5,) * n, (0, 1, 2, 3, 4, 5)[:n]])
        want = [brute.get(tuple(g), 0) for g in grams]
        np.testing.assert_array_equal(index.count(grams), want)
    # a bigram that only exists across a row boundary is not counted
    index = ST.NgramIndex([np.array([1, 2]), np.array([3, 4])], 2)
    assert index.count(np.array([[2, 3]]))[0] == 0 and index.count(np.array([[1, 2]]))[0] == 1


def test_local_counts_use_the_longest_context_followed_by_the_generated_token():
    """INK-USC/STIM's get_fre: the context is the longest suffix such that context + the generated
    token occurs in the corpus (not the longest context that occurs by itself)."""
    rows = _rows(3)
    index = ST.NgramIndex(rows, 4)
    brute = Counter(tuple(r[i : i + n]) for r in rows for n in range(1, 5) for i in range(len(r) - n + 1))
    rng = np.random.default_rng(4)
    contexts = rng.integers(0, 6, (40, 3))
    contexts[:5, 0] = -1  # rows whose context is shorter
    contexts[5:8] = 9  # never in the corpus: falls back to unigram counts
    cand = rng.integers(0, 6, (40, 4))
    generated = cand[:, 0]
    counts, ell = ST.local_counts(index, contexts, cand, generated)
    for t in range(40):
        ctx = [int(c) for c in contexts[t] if c >= 0]
        g = int(generated[t])
        best = next((n for n in range(len(ctx), 0, -1) if brute.get((*ctx[-n:], g), 0) > 0), 0)
        assert ell[t] == best
        suffix = tuple(ctx[len(ctx) - best :]) if best else ()
        np.testing.assert_array_equal(counts[t], [brute.get((*suffix, int(c)), 0) for c in cand[t]])


def test_local_context_differs_from_the_context_alone_rule():
    """A context that occurs but is never followed by the generated token is not the local context:
    under the rule "longest context that occurs", the generated token's own count would be 0."""
    index = ST.NgramIndex([np.array([1, 2, 3]), np.array([2, 4])], 3)
    counts, ell = ST.local_counts(index, np.array([[1, 2]]), np.array([[4, 3]]), np.array([4]))
    assert ell[0] == 1  # "1 2 4" never occurs; "2 4" does
    np.testing.assert_array_equal(counts[0], [1, 1])  # "2 4" and "2 3"


def test_cooccurrence_against_brute_force():
    rows = _rows(5, n=12)
    for window in (1, 3):
        want = np.zeros((6, 6), int)
        for r in rows:
            for i in range(len(r)):
                for j in range(i + 1, min(len(r), i + window + 1)):
                    want[r[i], r[j]] += 1
        np.testing.assert_array_equal(ST.cooccurrence(rows, 6, window), want)


def test_spearman_rows_against_scipy_and_dominant_sources():
    rng = np.random.default_rng(6)
    x = rng.random((20, 8))
    y = rng.integers(0, 4, (20, 8)).astype(float)  # ties
    y[3] = 2.0  # constant: undefined
    got = ST.spearman_rows(x, y)
    for i in range(20):
        if i == 3:
            assert np.isnan(got[i])
        else:
            np.testing.assert_allclose(got[i], spearmanr(x[i], y[i]).statistic, atol=1e-12)
    score, dom = ST.dominant(np.array([[0.1, 0.5, np.nan], [np.nan, np.nan, np.nan], [0.9, -1.0, 0.2]]))
    np.testing.assert_allclose(score[[0, 2]], [0.5, 0.9])
    assert np.isnan(score[1]) and list(dom) == ["mid", "undefined", "local"]


def test_saliency_is_the_derivative_of_the_log_probability_along_each_embedding():
    params = gpt2.init_params(CFG, np.random.default_rng(7))
    ids = np.array([[3, 11, 5, 20, 8, 31]], np.int32)
    t = ids.shape[1]
    sal = np.asarray(ST.saliency(params, CFG, jnp.asarray(ids)))[0]

    def logp(j, a):
        """Next-token log-probabilities with the input embedding of position j scaled by 1 + a (the
        tied output embedding left alone), through the model's blocks."""
        emb = params["wte.weight"][ids[0]].at[j].multiply(1 + a)
        x = (emb + params["wpe.weight"][:t])[None]
        for i in range(CFG.n_layer):
            x, _, _ = gpt2.block(params, CFG, i, x, gpt2.causal_mask(t, t))
        lp = jax.nn.log_softmax(gpt2.unembed(params, CFG, x)[0], axis=-1)
        return np.asarray(lp[np.arange(t - 1), ids[0, 1:]], np.float64)

    eps = 1e-2
    for j in range(t):
        fd = (logp(j, eps) - logp(j, -eps)) / (2 * eps)  # d/da log p at e_j (1 + a), a = 0: grad . e_j
        np.testing.assert_allclose(sal[:, j], fd, atol=2e-4)
        assert np.all(sal[:j, j] == 0)  # targets predicted before position j do not see it
    assert np.abs(sal).max() > 1e-3


@pytest.fixture(scope="module")
def tok():
    texts = [ST.chain_text(q) for q in np.random.default_rng(8).integers(0, 99, (300, 3))]
    return T.train(texts, 300)


def test_steps_mark_the_first_wrong_token_and_skip_the_rest(tok):
    sep = tok.encode("1 |", add_special_tokens=False).ids[-1]
    ops = [7, 52, 9]
    prompt = tok.encode(ST.question_text(ops), add_special_tokens=False).ids

    def marks(text):
        return ST.step_tokens(tok, np.array(tok.encode(text, add_special_tokens=False).ids[len(prompt) :]), ops, sep)

    right = marks(ST.chain_text(ops))
    digits = sum(c.isdigit() for c in "7+52=59" + "59+9=68")
    assert len(right) == digits and not any(m["wrong"] for m in right) and {m["step"] for m in right} == {0, 1}
    # a wrong result: "59" -> "69"; one wrong token (the 6), nothing after it in that step scored; the
    # next step is checked from the model's own result: 69+9=78 is right
    wrong = marks("sum 7 52 9 | 7+52=69 | 69+9=78 | answer 78")
    first = [m for m in wrong if m["step"] == 0]
    assert [m["wrong"] for m in first] == [False] * 3 + [True]
    assert tok.decode([first[-1]["token"]]) == "6"
    assert [m["wrong"] for m in wrong if m["step"] == 1] == [False] * 5
    # a miscopied operand (9 -> 8 in the second step) is the wrong token
    copied = marks("sum 7 52 9 | 7+52=59 | 59+8=67 | answer 67")
    assert [m["wrong"] for m in copied if m["step"] == 1] == [False, False, True]
    # text that is not a step ends the parse
    assert marks("sum 7 52 9 | answer 5") == []
