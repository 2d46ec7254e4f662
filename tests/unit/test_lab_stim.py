"""STIM (memtrade.lab.stim): the task's rows, exact n-gram and document co-occurrence counts
against brute force, the longest-context rule, Spearman rows against scipy, the contrastive
saliency against finite differences of the model, the salient words' filter, step parsing with
wrong tokens marked, and precision@k per wrong step against their random baseline."""

from collections import Counter

import jax.numpy as jnp
import memtrade.lab  # noqa: F401  (JAX settings before JAX is imported)
import numpy as np
import pandas as pd
import pytest
from memtrade.lab import gpt2
from memtrade.lab import stim as ST
from memtrade.lab import stim_counts as SC
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
    index = SC.NgramIndex(rows, 5)
    for n in (1, 2, 3, 5):
        brute = Counter(tuple(r[i : i + n]) for r in rows for i in range(len(r) - n + 1))
        grams = np.array(sorted(brute) + [(5,) * n, (0, 1, 2, 3, 4, 5)[:n]])
        want = [brute.get(tuple(g), 0) for g in grams]
        np.testing.assert_array_equal(index.count(grams), want)
    # a bigram that only exists across a row boundary is not counted
    index = SC.NgramIndex([np.array([1, 2]), np.array([3, 4])], 2)
    assert index.count(np.array([[2, 3]]))[0] == 0 and index.count(np.array([[1, 2]]))[0] == 1


def test_local_counts_use_the_longest_context_followed_by_the_generated_token():
    """INK-USC/STIM's get_fre: the context is the longest suffix such that context + the generated
    token occurs in the corpus (not the longest context that occurs by itself)."""
    rows = _rows(3)
    index = SC.NgramIndex(rows, 4)
    brute = Counter(tuple(r[i : i + n]) for r in rows for n in range(1, 5) for i in range(len(r) - n + 1))
    rng = np.random.default_rng(4)
    contexts = rng.integers(0, 6, (40, 3))
    contexts[:5, 0] = -1  # rows whose context is shorter
    contexts[5:8] = 9  # never in the corpus: falls back to unigram counts
    cand = rng.integers(0, 6, (40, 4))
    generated = cand[:, 0]
    counts, ell = SC.local_counts(index, contexts, cand, generated)
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
    index = SC.NgramIndex([np.array([1, 2, 3]), np.array([2, 4])], 3)
    counts, ell = SC.local_counts(index, np.array([[1, 2]]), np.array([[4, 3]]), np.array([4]))
    assert ell[0] == 1  # "1 2 4" never occurs; "2 4" does
    np.testing.assert_array_equal(counts[0], [1, 1])  # "2 4" and "2 3"


def test_document_cooccurrence_counts_rows_holding_both_words():
    """infini-gram's "a AND b": the documents holding both; token ids map to words first."""
    rows = _rows(5, n=12)
    word_of = np.array([0, 1, 2, 2, 3, 4])  # tokens 2 and 3 are one word (" 7" and "7")
    want = np.zeros((5, 5), int)
    for r in rows:
        present = set(word_of[r])
        for a in present:
            for b in present:
                want[a, b] += 1
    np.testing.assert_array_equal(SC.document_cooccurrence(rows, word_of), want)


def test_word_table_filters_as_stim():
    """Stop words, punctuation other than +-*/=%, the excluded words and empty words never salient;
    tokens that differ only by spaces are one word."""
    texts = [ST.chain_text(q) + " the answer." for q in np.random.default_rng(9).integers(0, 99, (200, 3))]
    tok = T.train(texts, 300)
    words, eligible = SC.word_table(tok)
    want = dict.fromkeys(["sum", "+", "=", "answer", "7"], True) | dict.fromkeys(["|", ".", "the", ""], False)
    seen = set()
    for i in range(tok.get_vocab_size()):
        w = tok.decode([i]).strip()
        if w in want:
            assert eligible[i] == want[w], w
            seen.add(w)
        assert (words == words[i]).sum() == sum(tok.decode([j]).strip() == w for j in range(tok.get_vocab_size()))
    assert seen == set(want)
    assert SC.is_stop_word("the") and SC.is_stop_word(",") and SC.is_stop_word("")
    assert not SC.is_stop_word("+") and not SC.is_stop_word("=") and not SC.is_stop_word("sum")


def test_salient_words_rank_filter_and_deduplicate():
    """get_top_attr_mid: largest saliency first inside the region, ineligible words, the token's own
    word and repeated words skipped, at most n."""
    sal = np.array([[0.1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, -0.2]])
    region = np.array([[True, True, True, True, True, True, True, False]])
    words = np.array([[10, 11, 11, 12, 13, 14, 15, 16]])
    eligible = np.array([[True, True, True, False, True, True, True, True]])
    w, ok = ST.salient_words(sal, region, words, eligible, np.array([13]), 3)
    # 11 (0.9), 11 again skipped, 12 ineligible, 13 is the token's own word, then 14 and 15
    np.testing.assert_array_equal(w[ok], [11, 14, 15])
    w, ok = ST.salient_words(sal, region & False, words, eligible, np.array([13]), 3)
    assert not ok.any()
    w, ok = ST.salient_words(sal, region, words, eligible, np.array([13]), 5)
    np.testing.assert_array_equal(w[ok], [11, 14, 15, 10])  # the rest in saliency order, 16 outside


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


def test_contrastive_saliency_against_finite_differences():
    """con_attr.py: per foil, d(logit(target) - logit(foil)) / d e_j . e_j (logit(target) alone when
    the foil is the target), L1-normalised over the positions, summed over the foils."""
    params = gpt2.init_params(CFG, np.random.default_rng(7))
    ids = np.array([[3, 11, 5, 20, 8, 31], [4, 9, 9, 2, 7, 1]], np.int32)
    at = np.array([4, 5])
    foils = np.array([[ids[0, 4], 7, 12], [0, 1, 2]], np.int32)  # row 0: the target is its own first foil
    got = np.asarray(ST.contrastive_saliency(params, CFG, jnp.asarray(ids), jnp.asarray(at), jnp.asarray(foils)))
    t = ids.shape[1]

    def logits(r, j, a):
        emb = params["wte.weight"][ids[r]].at[j].multiply(1 + a)
        x = (emb + params["wpe.weight"][:t])[None]
        for i in range(CFG.n_layer):
            x, _, _ = gpt2.block(params, CFG, i, x, gpt2.causal_mask(t, t))
        return np.asarray(gpt2.unembed(params, CFG, x)[0, at[r] - 1], np.float64)

    eps = 1e-2
    for r in range(2):
        want = np.zeros(t)
        for f in foils[r]:
            target = ids[r, at[r]]
            raw = np.zeros(t)
            for j in range(t):
                hi, lo = logits(r, j, eps), logits(r, j, -eps)
                c = (hi[target] - (hi[f] if f != target else 0)) - (lo[target] - (lo[f] if f != target else 0))
                raw[j] = c / (2 * eps)
            want += raw / np.abs(raw).sum()
        np.testing.assert_allclose(got[r], want, atol=3e-3)
        assert np.all(got[r, at[r] :] == 0)  # the token and what follows it do not explain it
    assert np.abs(got).max() > 0.1


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
    # a wrong result: "59" -> "69"; one wrong token (the 6), the digits after it in that step kept as
    # candidates only; the next step is checked from the model's own result: 69+9=78 is right
    wrong = marks("sum 7 52 9 | 7+52=69 | 69+9=78 | answer 78")
    first = [m for m in wrong if m["step"] == 0]
    assert [m["wrong"] for m in first] == [False] * 3 + [True, False]
    assert [m["after_error"] for m in first] == [False] * 4 + [True]
    assert tok.decode([first[3]["token"]]) == "6" and tok.decode([first[4]["token"]]) == "9"
    assert [m["wrong"] for m in wrong if m["step"] == 1] == [False] * 5
    # a miscopied operand (9 -> 8 in the second step) is the wrong token
    copied = marks("sum 7 52 9 | 7+52=59 | 59+8=67 | answer 67")
    assert [m["wrong"] for m in copied if m["step"] == 1] == [False, False, True, False, False]
    assert [m["after_error"] for m in copied if m["step"] == 1] == [False, False, False, True, True]
    # text that is not a step ends the parse
    assert marks("sum 7 52 9 | answer 5") == []


def test_precision_per_wrong_step_against_their_random_baseline():
    """calculate.py: the first wrong step of each answer, its tokens ranked by score (undefined
    last, ties by position); precision@k = the wrong token in the top k; random k / n (n / k when
    n < k), recall's random 1 - C(n-1, k) / C(n, k)."""
    from memtrade.lab.stim_tables import stim_precision_table, stim_step_ranks

    nan = np.nan
    rows = [
        # seed 0, question 0: step 0 right, step 1 wrong (3 tokens, the wrong one scored second)
        (0, 0, 0, 0, 0.9, False), (0, 0, 0, 1, 0.8, False),
        (0, 0, 1, 2, 0.5, False), (0, 0, 1, 3, 0.4, True), (0, 0, 1, 4, nan, False),
        # question 1: two wrong steps; only the first (2 tokens, wrong one ranked first) counts
        (0, 1, 0, 0, 0.7, True), (0, 1, 0, 1, 0.1, False), (0, 1, 1, 2, 0.0, True),
        # question 2: a wrong token with an undefined score tied last with another undefined one
        (0, 2, 0, 0, nan, False), (0, 2, 0, 1, nan, True), (0, 2, 0, 2, 0.3, False), (0, 2, 0, 3, 0.2, False),
        # seed 1: one wrong step of one token
        (1, 0, 0, 0, 0.2, True),
    ]  # fmt: skip
    t = pd.DataFrame(rows, columns=["seed", "question", "step", "position", "score", "wrong"])
    r = stim_step_ranks(t)
    assert r[["seed", "question", "step", "candidates", "wrong_rank"]].values.tolist() == [
        [0, 0, 1, 3, 2], [0, 1, 0, 2, 1], [0, 2, 0, 4, 4], [1, 0, 0, 1, 1]
    ]  # fmt: skip
    d = stim_precision_table(t, [1, 2, 3], 0.95).set_index("k")
    # seed 0: hits at k=1: 0, 1, 0; k=2: 1, 1, 0; k=3: 1, 1, 0. Seed 1: always 1
    np.testing.assert_allclose(d["precision"], [(1 / 3 + 1) / 2, (2 / 3 + 1) / 2, (2 / 3 + 1) / 2])
    rnd0 = {1: (1 / 3 + 1 / 2 + 1 / 4) / 3, 2: (2 / 3 + 2 / 2 + 2 / 4) / 3, 3: (3 / 3 + 2 / 3 + 3 / 4) / 3}
    rnd1 = {1: 1.0, 2: 1 / 2, 3: 1 / 3}  # n = 1 < k: their n / k
    for k in (1, 2, 3):
        np.testing.assert_allclose(d.loc[k, "precision_random"], (rnd0[k] + rnd1[k]) / 2)
    np.testing.assert_allclose(d.loc[3, "recall_random"], ((1 + 1 + 3 / 4) / 3 + 1) / 2)
    np.testing.assert_allclose(d["precision_minus_random"], d["precision"] - d["precision_random"])
    assert list(d["wrong_steps"]) == [2.0] * 3


def test_example_scores_as_their_plot_aggregates():
    """get_mem_dict_agg(all_d, 5, "max"): per example, the mean of the 5 largest defined scores of
    its selected step (the first wrong step; in a right answer, the least confident step), 0 when
    none is defined."""
    from memtrade.lab.stim_tables import stim_example_scores

    nan = np.nan
    rows = [
        # question 0 (wrong): step 0 right, step 1 wrong with 6 scored tokens, step 2 wrong again
        (0, 0, 0, 0, 0.99, 0.9, False), (0, 0, 0, 1, 0.99, 0.8, False),
        *[(0, 0, 1, 2 + j, 0.5, v, j == 0) for j, v in enumerate([0.1, 0.6, nan, 0.4, 0.3, 0.2, 0.5])],
        (0, 0, 2, 9, 0.3, -0.9, True),
        # question 1 (right): step 1 the least confident; its scores undefined -> 0
        (0, 1, 0, 0, 0.9, 0.7, False), (0, 1, 1, 1, 0.6, nan, False), (0, 1, 2, 2, 0.8, 0.1, False),
    ]  # fmt: skip
    t = pd.DataFrame(rows, columns=["seed", "question", "step", "position", "prob", "score", "wrong"])
    t["long_tail"] = [True] * 10 + [False] * 3
    e = stim_example_scores(t).set_index("question")
    assert e.loc[0, "step"] == 1 and not e.loc[0, "correct"]
    np.testing.assert_allclose(e.loc[0, "example_score"], np.mean([0.6, 0.5, 0.4, 0.3, 0.2]))
    assert e.loc[1, "step"] == 1 and e.loc[1, "correct"] and e.loc[1, "example_score"] == 0.0
    assert e.loc[0, "long_tail"] and not e.loc[1, "long_tail"]


def test_tail_and_local_margins_are_paired_by_seed():
    """lab_stim_tail's tail_minus_head and lab_stim_sources' local_margin: per-seed differences, then
    their mean and interval over seeds."""
    from memtrade.lab.stim_tables import stim_sources_table, stim_tail_table

    rows = []
    for seed, (tail, head) in enumerate([(0.6, 0.5), (0.4, 0.35), (0.7, 0.5)]):
        for q, (lt, sc) in enumerate([(True, tail), (False, head)]):
            dom = ["local", "local", "mid"] if seed != 1 else ["long", "local", "long"]
            for j, d in enumerate(dom):
                rows.append({"seed": seed, "question": q, "step": 0, "position": j, "index": j, "wrong": j == 0,
                             "after_error": False, "prob": 0.5, "score": sc, "long_tail": lt, "dominant": d,
                             "score_local": sc, "score_mid": 0.0, "score_long": 0.0})  # fmt: skip
    t = pd.DataFrame(rows)
    tail = stim_tail_table(t, 0.95).set_index("inputs")
    np.testing.assert_allclose(tail.loc["long_tail", "tail_minus_head"], np.mean([0.1, 0.05, 0.2]))
    np.testing.assert_allclose(tail.loc["long_tail", "wrong_tail_minus_head"], np.mean([0.1, 0.05, 0.2]))
    np.testing.assert_allclose(tail["example_score"], [np.mean([0.5, 0.35, 0.5]), np.mean([0.6, 0.4, 0.7])])
    assert np.isnan(tail.loc["head", "tail_minus_head"])
    src = stim_sources_table(t, 0.95)
    w = src[src["token_class"] == "wrong"].set_index("source")
    # wrong tokens (position 0 of each question): seeds 0 and 2 local, seed 1 long
    np.testing.assert_allclose(w.loc["local", "local_margin"], np.mean([1.0, -1.0, 1.0]))
    assert w.loc["local", "local_margin_lo"] < 0 < w.loc["local", "local_margin"]
