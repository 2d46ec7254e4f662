"""STIM: token-level memorization sources in step-wise reasoning (Li et al., EMNLP 2025,
*Diagnosing Memorization in Chain-of-Thought Reasoning, One Token at a Time*), on a laboratory
model trained on a corpus with a synthetic reasoning task (docs/science.md section 8.7).

The task: sum ``operands`` numbers step by step. A row reads
``sum 7 52 9 | 7+52=59 | 59+9=68 | answer 68``; the question is the text up to the first ``|``,
and every step ``a+b=r`` is exactly right or wrong (:func:`chain_text`). Operands are drawn from a
long-tailed (Zipf) law over ``0..max_operand`` in a random order, so some operands are frequent in
the corpus and most are rare (:func:`operand_law`).

STIM's score of a generated token, for each of three sources: the Spearman correlation, over the
model's top-``alternatives`` tokens at that position, between their probabilities and their corpus
counts:

- **local**: the count of the longest preceding context that the corpus holds followed by the
  generated token, with each candidate swapped in (their ``get_fre``; an exact n-gram index,
  :class:`memtrade.lab.stim_counts.NgramIndex`, in place of their web-scale count service);
- **mid-range**: the co-occurrence of the candidate with the salient words of the generated
  prefix;
- **long-range**: its co-occurrence with the salient words of the question.

Co-occurrence is theirs: the documents (corpus rows) holding both words
(:func:`memtrade.lab.stim_counts.document_cooccurrence`). The salient words are their contrastive
explanation's top words (:func:`contrastive_saliency`, :func:`salient_words`). The token's score is
the maximum over the sources, and the source attaining it is its dominant source.

:func:`stim_study` runs it on one seed (the ``lab_stim`` job): the corpus, the model, its answers
and their scores; streams ("lab", "stim", seed_index, "law"|"train"|"test"|"init"|"batches").
"""

from __future__ import annotations

import re
from functools import partial

import jax.numpy as jnp
import numpy as np
import pandas as pd
from scipy.stats import rankdata

from .. import seeds
from ..jaxpin import jax
from . import tokenizer as T
from .chunks import map_chunks
from .corpus import zipf_weights
from .gpt2 import GPT2Config, block, causal_mask, forward, init_params, n_params, unembed
from .measure import Prompts, greedy
from .models import log_throughput, model_config, train_log
from .stim_counts import NgramIndex, document_cooccurrence, local_counts, word_table
from .train import adamw_settings, train

SOURCES = ("local", "mid", "long")
_STEP = re.compile(r"^\s*(\d+)\+(\d+)=(\d+)\s*$")


# ---------------------------------------------------------------------------------------------
# the task


def operand_law(rng: np.random.Generator, max_operand: int, exponent: float) -> np.ndarray:
    """Probabilities of the operands 0..max_operand: Zipf weights assigned in a random order."""
    p = np.empty(max_operand + 1)
    p[rng.permutation(max_operand + 1)] = zipf_weights(max_operand + 1, exponent)
    return p


def questions(rng: np.random.Generator, law: np.ndarray, n: int, operands: int) -> np.ndarray:
    """``n`` questions of ``operands`` operands each, drawn independently from ``law``: [n, operands]."""
    return rng.choice(len(law), size=(n, operands), p=law)


def chain_text(ops) -> str:
    """The reasoning row of one question: ``sum a b c | a+b=s | s+c=t | answer t``."""
    steps, total = [], int(ops[0])
    for x in ops[1:]:
        steps.append(f"{total}+{int(x)}={total + int(x)}")
        total += int(x)
    return " | ".join([f"sum {' '.join(str(int(x)) for x in ops)}", *steps, f"answer {total}"])


def question_text(ops) -> str:
    """The prompt of a question: the row up to and including its first ``|``."""
    return f"sum {' '.join(str(int(x)) for x in ops)} |"


# ---------------------------------------------------------------------------------------------
# the model's side: saliency and alternatives


def _logit_at(params, cfg: GPT2Config, emb, i):
    """The next-token logits [V] after position ``i`` of one row, from its token embeddings ``emb`` [T, D]."""
    t = emb.shape[0]
    x = (emb + params["wpe.weight"][jnp.arange(t)])[None]
    mask = causal_mask(t, t)
    for layer in range(cfg.n_layer):
        x, _, _ = block(params, cfg, layer, x, mask)
    return unembed(params, cfg, x[:, i])[0]


@partial(jax.jit, static_argnames=("cfg",))
def contrastive_saliency(params, cfg: GPT2Config, ids, at, foils):
    """STIM's contrastive explanation (``token_saliency/con_attr.py`` and ``lm_saliency.py``,
    after Yin & Neubig 2022) of the token at position ``at`` of each row: for each foil f,
    input x gradient of ``logit(target) - logit(f)`` (of ``logit(target)`` when f is the target)
    on each input token embedding, normalised to unit L1 norm over the tokens, then summed over
    the foils. Signed, as theirs (the most salient is the largest).

    ``ids`` [S, T] rows, ``at`` [S] positions of the explained tokens (>= 1), ``foils`` [S, F].
    Returns [S, T] (zero at and after ``at``, by causality).
    """

    def one(row, pos, foil):
        emb = params["wte.weight"][row]
        target = row[pos]

        def contrast(e, f):
            logits = _logit_at(params, cfg, e, pos - 1)
            return logits[target] - jnp.where(f == target, 0.0, logits[f])

        def per_foil(f):
            g = jax.grad(contrast)(emb, f)
            s = (g * emb).sum(axis=-1)
            return s / jnp.maximum(jnp.abs(s).sum(), jnp.finfo(s.dtype).tiny)

        return jax.vmap(per_foil)(foil).sum(axis=0)

    return jax.vmap(one)(ids, at, foils)


def salient_words(sal: np.ndarray, region: np.ndarray, words: np.ndarray, eligible: np.ndarray,
                  target: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """STIM's top attributed words (``get_top_attr_mid``): positions of ``region`` [S, T] ranked by
    saliency [S, T] (largest first, ties by position), their words ``words`` [S, T] kept when
    ``eligible`` [S, T], not the explained token's own word ``target`` [S], and not already taken;
    the first ``n``. Returns (word ids [S, n], taken [S, n])."""
    order = np.argsort(np.where(region, -sal, np.inf), axis=1, kind="stable")
    w = np.take_along_axis(words, order, axis=1)
    ok = np.take_along_axis(region & eligible, order, axis=1) & (w != target[:, None])
    earlier = np.tril(np.ones((w.shape[1], w.shape[1]), bool), -1)  # [j, j'] with j' < j
    seen = ((w[:, :, None] == w[:, None, :]) & ok[:, None, :] & earlier[None]).any(axis=2)
    ok &= ~seen
    rank = np.cumsum(ok, axis=1)
    take = ok & (rank <= n)
    slot = np.where(take, rank - 1, n)  # column n collects what is not taken
    out = np.zeros((len(w), n + 1), np.int64)
    got = np.zeros((len(w), n + 1), bool)
    r = np.repeat(np.arange(len(w)), w.shape[1])
    out[r, slot.ravel()] = np.where(take, w, 0).ravel()
    got[r, slot.ravel()] = take.ravel()
    return out[:, :n], got[:, :n]


@partial(jax.jit, static_argnames=("cfg", "k"))
def alternatives(params, cfg: GPT2Config, ids, k: int):
    """The model's top-``k`` next tokens at every position and their probabilities: ([B, T, k], [B, T, k])."""
    logits, _ = forward(params, cfg, ids)
    p, top = jax.lax.top_k(jax.nn.softmax(logits, axis=-1), k)
    return top, p


# ---------------------------------------------------------------------------------------------
# scoring


def spearman_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Spearman correlation of each row of x with the same row of y ([T, K] each): [T]; NaN where
    either row is constant (no ranking to correlate)."""
    rx = rankdata(x, axis=1)
    ry = rankdata(y, axis=1)
    rx = rx - rx.mean(axis=1, keepdims=True)
    ry = ry - ry.mean(axis=1, keepdims=True)
    den = np.sqrt((rx**2).sum(axis=1) * (ry**2).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, (rx * ry).sum(axis=1) / np.where(den > 0, den, 1.0), np.nan)


def dominant(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """STIM score (max over the sources, NaN ignored) and the dominant source's name per row of
    ``scores`` [T, 3] (``undefined`` where every source is undefined)."""
    defined = ~np.isnan(scores).all(axis=1)
    filled = np.where(np.isnan(scores), -np.inf, scores)
    best = filled.argmax(axis=1)
    score = np.where(defined, filled.max(axis=1), np.nan)
    return score, np.where(defined, np.array(SOURCES)[best], "undefined")


def step_tokens(tok, generated: np.ndarray, ops, sep: int) -> list[dict]:
    """The digit tokens of every step of one generated chain, each marked right or wrong.

    ``generated``: the tokens after the question ``ops``. Step k is right when it reads
    ``" {a}+{b}={a+b} |"`` with b the question's operand k + 1 and a the question's first operand
    (k = 0) or the result the model wrote in its previous step; its tokens are compared with those
    token by token. The first differing token is the step's wrong token (a miscopied operand or a
    wrong result digit). The digit tokens after it in the same step are kept as that step's other
    candidates (``after_error``; conditioned on the error, they are neither right nor wrong): STIM's
    precision@k ranks every word of the wrong step. Only digit positions are scored (the correct or
    the generated token is a digit): the format tokens (spaces, ``+``, ``=``, ``|``) are fixed by the
    task. Stops where the text is not a step. Returns dicts (position in ``generated``, token, wrong,
    after_error, step).
    """
    gen = list(map(int, generated))
    is_digit = {t: tok.decode([t]).strip().isdigit() for t in set(gen)}
    out, pos, a = [], 0, int(ops[0])
    for k, b in enumerate(ops[1:]):
        want = tok.encode(f" {a}+{int(b)}={a + int(b)} |", add_special_tokens=False).ids
        end = next((i for i in range(pos, len(gen)) if gen[i] == sep), None)
        for j, w in enumerate(want):
            if pos + j >= len(gen):
                return out
            got = gen[pos + j]
            digit = tok.decode([w]).strip().isdigit() or is_digit[got]
            if digit:
                out.append({"position": pos + j, "token": got, "wrong": got != w, "after_error": False, "step": k})
            if got != w:
                rest = range(pos + j + 1, end if end is not None else len(gen)) if digit else ()
                out.extend(
                    {"position": i, "token": gen[i], "wrong": False, "after_error": True, "step": k}
                    for i in rest
                    if is_digit[gen[i]]
                )
                break
        m = _STEP.match(tok.decode(gen[pos:end])) if end is not None else None
        if m is None:
            break
        a, pos = int(m.group(3)), end + 1  # the next step starts from the model's own result
    return out


def stim_study(background, size: dict, context: int, vocab: int, settings: dict, seed: int, index: int):
    """STIM (docs/science.md section 8.7) on one seed: build the reasoning corpus, train a model on
    it, let it answer fresh questions, and score every result token of its steps by source.

    ``background``: background documents of the laboratory corpus (the first
    ``settings['background_docs']`` are mixed with the task rows); ``size``: the model's entry of
    ``lab.sizes``; ``vocab``: the tokenizer size; ``settings``: the config's ``lab.stim``.

    Returns (tokens frame: one row per scored token; questions frame: one row per test question;
    model dict).
    """
    law = operand_law(
        seeds.generator(seed, "lab", "stim", index, "law"), settings["max_operand"], settings["zipf_exponent"]
    )
    train_q = questions(
        seeds.generator(seed, "lab", "stim", index, "train"), law, settings["train_questions"], settings["operands"]
    )
    test_q = questions(
        seeds.generator(seed, "lab", "stim", index, "test"), law, settings["test_questions"], settings["operands"]
    )
    texts = list(background[: settings["background_docs"]]) + [chain_text(q) for q in train_q]
    tok = T.train(texts, vocab)
    cfg = model_config(size, context, tok.get_vocab_size())
    k = settings["alternatives"]
    if k > cfg.vocab_size:
        raise ValueError(f"lab.stim.alternatives = {k} exceeds the tokenizer's {cfg.vocab_size} tokens")
    ids, mask = T.pack(tok, texts, limit=context)
    params = init_params(cfg, seeds.generator(seed, "lab", "stim", index, "init"))
    params, log = train(
        params,
        cfg,
        ids,
        mask,
        seeds.generator(seed, "lab", "stim", index, "batches"),
        **adamw_settings(settings["train"]),
    )
    log_throughput(f"STIM seed {index}", log, cfg)

    # the model answers fresh questions (greedy), then its steps are parsed and checked
    eot = T.eot_id(tok)
    prompts = [[eot, *p] for p in T.encode(tok, [question_text(q) for q in test_q])]
    p_len = np.array([len(p) for p in prompts])
    width = int(ids.shape[1])
    gen, _ = greedy(params, cfg, Prompts.from_lists(prompts, eot), width - int(p_len.max()))
    rows = np.full((len(prompts), width), eot, np.int32)
    for i, (p, g) in enumerate(zip(prompts, gen, strict=True)):  # ragged rows: one copy each
        rows[i, : len(p)] = p
        rows[i, len(p) : len(p) + len(g)] = g[: width - len(p)]
    sep = tok.encode("1 |", add_special_tokens=False).ids[-1]
    scored = []
    for i, g in enumerate(gen):  # string parsing, one chain at a time
        stop = np.flatnonzero(g == eot)
        g = g[: stop[0]] if len(stop) else g
        for t in step_tokens(tok, g, test_q[i], sep):
            scored.append(t | {"question": i, "index": int(p_len[i] + t["position"])})
    tokens = pd.DataFrame(scored, columns=["question", "step", "position", "index", "token", "wrong", "after_error"])
    if tokens.empty:
        raise ValueError(
            f"seed {index}: the model wrote no step of the task that could be scored (lab.stim: train longer "
            "or a larger size)"
        )
    q_of, at = tokens["question"].to_numpy(), tokens["index"].to_numpy()

    # the model's alternatives and contrastive saliency at the scored positions
    top, prob = map_chunks(lambda c, x: alternatives(params, cfg, jnp.asarray(x), k), (rows,), 64)
    cand, cprob = top[q_of, at - 1], prob[q_of, at - 1]
    foils = cand[:, : settings["foils"]]
    sal = map_chunks(
        lambda c, x, p, f: contrastive_saliency(params, cfg, jnp.asarray(x), jnp.asarray(p), jnp.asarray(f)),
        (rows[q_of], at, foils),
        64,
    )
    pos = np.arange(width)[None, :]
    question_region = (pos >= 1) & (pos < p_len[q_of][:, None])
    prefix_region = (pos >= p_len[q_of][:, None]) & (pos < at[:, None])
    word_of, eligible = word_table(tok)
    row_words = word_of[rows[q_of]]

    # corpus counts under the three sources
    corpus_rows = [r[: int(n)] for r, n in zip(ids, mask.sum(axis=1), strict=True)]
    index_ = NgramIndex(corpus_rows, settings["max_ngram"])
    co = document_cooccurrence(corpus_rows, word_of)
    ctx_w = settings["max_ngram"] - 1
    ctx_pos = at[:, None] - ctx_w + np.arange(ctx_w)[None, :]
    contexts = np.where(ctx_pos >= 0, rows[q_of[:, None], np.maximum(ctx_pos, 0)], -1)
    local, ell = local_counts(index_, contexts, cand, rows[q_of, at])
    counts = {"local": local}
    n_salient = {}
    for name, region in (("mid", prefix_region), ("long", question_region)):
        w, ok = salient_words(
            sal, region, row_words, eligible[rows[q_of]], word_of[rows[q_of, at]], settings["salient_words"]
        )
        n_salient[name] = ok.sum(axis=1)
        # [T, K]: the mean over the salient words (theirs); all zero without one: no ranking, score NaN
        summed = (co[w[:, :, None], word_of[cand][:, None, :]] * ok[:, :, None]).sum(axis=1)
        counts[name] = summed / np.maximum(n_salient[name], 1)[:, None]
    scores = np.stack([spearman_rows(cprob, counts[name]) for name in SOURCES], axis=1)
    score, dom = dominant(scores)

    # inputs: rare when their rarest operand is rare in the training questions
    freq = np.bincount(train_q.ravel(), minlength=len(law))
    rarity = freq[test_q].min(axis=1)
    long_tail = np.zeros(len(test_q), bool)
    long_tail[np.argsort(rarity, kind="stable")[: len(test_q) // 2]] = True
    tokens["prob"] = cprob[:, 0]  # greedy: the generated token is the most likely one
    for j, name in enumerate(SOURCES):
        tokens[f"score_{name}"] = scores[:, j]
    tokens["score"] = score
    tokens["dominant"] = dom
    tokens["local_context"] = ell
    tokens["salient_mid"] = n_salient["mid"]
    tokens["salient_long"] = n_salient["long"]
    tokens["long_tail"] = long_tail[q_of]
    steps = tokens.groupby("question").agg(steps=("step", "nunique"), wrong_steps=("wrong", "sum"))
    questions_ = pd.DataFrame(
        {
            "question": np.arange(len(test_q)),
            "operands": [" ".join(map(str, q)) for q in test_q],
            "rarity": rarity,
            "long_tail": long_tail,
        }
    ).merge(steps, left_on="question", right_index=True, how="left")
    questions_[["steps", "wrong_steps"]] = questions_[["steps", "wrong_steps"]].fillna(0).astype(int)
    model = train_log(log, params=n_params(cfg), vocab=cfg.vocab_size)
    for wall_clock in ("seconds", "tokens_per_second"):  # tables stay byte-identical run to run
        model.pop(wall_clock)
    return tokens, questions_, model
