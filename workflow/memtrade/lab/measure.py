"""The studies' own measurements, on any GPT-2 model of :mod:`memtrade.lab.gpt2`.

- Extractable memorization (Carlini et al. 2023; Pythia's k = m = 32): the greedy continuation of a
  record's prompt (its last ``k`` tokens before the first secret digit) equals the next ``m``
  tokens. The memorization score is the fraction of the ``m`` positions it gets right (the
  per-sample score of Zhang et al. 2025 and of Pythia's study).
- Prefix perturbation (Zhang et al. 2025): the score after replacing ``j`` of the prompt tokens with
  random tokens.
- Exposure (Carlini et al. 2019): ``log2 |R| - log2 rank`` of the secret among all candidates,
  exactly when ``R`` is enumerable (every d-digit string), and by TensorFlow Privacy's skew-normal
  extrapolation ``-log2 F(perplexity)`` from a sample of candidates otherwise.
- Output filters: a regular expression on the generated text, and a minimum mean predictive entropy;
  and attackers who evade them (:func:`chunked_leaks`; sampling at a temperature, :func:`sample`).
- Held-out loss in bits per word, beside the source's exact entropy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial

import jax.numpy as jnp
import numpy as np
from scipy import stats

from ..jaxpin import jax
from .chunks import map_chunks
from .gpt2 import GPT2Config, empty_cache, forward

LN2 = np.log(2.0)


@dataclass
class Prompts:
    """Left-padded prompts [N, P] with their lengths (real tokens are right-aligned) and the
    position of each prompt's first token in the sequence it was cut from (``starts``, default 0),
    so that a prompt cut from the middle of a training row keeps that row's positions."""

    ids: np.ndarray
    lengths: np.ndarray
    starts: np.ndarray | None = None

    def __post_init__(self):
        if self.starts is None:
            self.starts = np.zeros(len(self.ids), dtype=np.int32)

    @classmethod
    def from_lists(cls, rows, pad: int, width: int | None = None, starts=None) -> Prompts:
        """Left-pad token lists with ``pad`` to ``width`` (default the longest)."""
        lengths = np.array([len(r) for r in rows])
        width = int(lengths.max()) if width is None else width
        if lengths.max() > width:
            raise ValueError(f"a prompt of {lengths.max()} tokens is longer than the width {width}")
        ids = np.full((len(rows), width), pad, dtype=np.int32)
        for i, r in enumerate(rows):  # ragged input, one copy per row
            ids[i, width - len(r) :] = r
        return cls(ids, lengths, None if starts is None else np.asarray(starts, dtype=np.int32))

    def valid(self) -> np.ndarray:
        """1 on real tokens, 0 on padding [N, P]."""
        width = self.ids.shape[1]
        return (np.arange(width)[None, :] >= (width - self.lengths)[:, None]).astype(np.float32)


def left_padded_positions(valid, starts):
    """Position ids [N, P] of left-padded rows (``valid`` [N, P]) whose first real token sits at
    position ``starts`` [N]; padding slots repeat the first position (they are masked out)."""
    p = valid.shape[1]
    lengths = valid.sum(axis=1).astype(jnp.int32)
    return starts[:, None] + jnp.clip(jnp.arange(p)[None, :] - (p - lengths)[:, None], 0)


@partial(jax.jit, static_argnames=("cfg", "m"))
def _greedy(params, cfg: GPT2Config, ids, valid, starts, m: int):
    return _decode(params, cfg, ids, valid, starts, m, None, 1.0)


@partial(jax.jit, static_argnames=("cfg", "m"))
def _sampled(params, cfg: GPT2Config, ids, valid, starts, m: int, key, temperature):
    return _decode(params, cfg, ids, valid, starts, m, key, temperature)


def _decode(params, cfg: GPT2Config, ids, valid, starts, m: int, key, temperature):
    """Greedy (``key`` None) or sampled continuations at ``temperature``, with the predictive
    entropy (bits) of the distribution each token was drawn from (the logits over the temperature)."""
    n, p = ids.shape
    lengths = valid.sum(axis=1).astype(jnp.int32)
    pos = left_padded_positions(valid, starts)
    keys_valid = jnp.concatenate([valid, jnp.ones((n, m), valid.dtype)], axis=1)
    cache = empty_cache(cfg, n, p + m)
    logits, cache = forward(params, cfg, ids, pos=pos, valid=keys_valid, cache=cache, offset=0)

    def entropy_bits(lg):
        lp = jax.nn.log_softmax(lg, axis=-1)
        return -(jnp.exp(lp) * lp).sum(-1) / LN2

    def step(carry, s):
        lg, cache = carry
        lg = lg / temperature
        if key is None:
            tok = jnp.argmax(lg, axis=-1).astype(jnp.int32)
        else:
            tok = jax.random.categorical(jax.random.fold_in(key, s), lg, axis=-1).astype(jnp.int32)
        ent = entropy_bits(lg)
        out, cache = forward(
            params, cfg, tok[:, None], pos=(starts + lengths + s)[:, None], valid=keys_valid, cache=cache, offset=p + s
        )
        return (out[:, 0], cache), (tok, ent)

    _, (toks, ents) = jax.lax.scan(step, (logits[:, -1], cache), jnp.arange(m))
    return toks.T, ents.T


def greedy(params, cfg: GPT2Config, prompts: Prompts, m: int, chunk: int = 128) -> tuple[np.ndarray, np.ndarray]:
    """Greedy continuations [N, m] of left-padded prompts and the predictive entropy (bits) at each step.

    Uses a key/value cache; rows are processed in chunks of ``chunk`` rows (the last padded), so
    one compilation serves every chunk and every call with the same prompt width.
    """
    ids, valid, starts = prompts.ids, prompts.valid(), prompts.starts
    last = int((starts + prompts.lengths).max()) + m
    if last > cfg.n_positions:
        raise ValueError(
            f"a prompt and its {m}-token continuation reach position {last}, beyond the context {cfg.n_positions}"
        )
    return map_chunks(
        lambda c, x, v, st: _greedy(params, cfg, jnp.asarray(x), jnp.asarray(v), jnp.asarray(st, jnp.int32), m),
        (ids, valid, starts),
        chunk,
    )


def sample(
    params, cfg: GPT2Config, prompts: Prompts, m: int, temperature: float, key: int, chunk: int = 128
) -> tuple[np.ndarray, np.ndarray]:
    """Continuations [N, m] sampled at ``temperature`` (softmax of the logits over it), and the
    predictive entropy (bits) of that tempered distribution at each step; ``key`` (an integer from
    :mod:`memtrade.seeds`) seeds the draws, one stream per chunk of rows."""
    ids, valid, starts = prompts.ids, prompts.valid(), prompts.starts
    last = int((starts + prompts.lengths).max()) + m
    if last > cfg.n_positions:
        raise ValueError(
            f"a prompt and its {m}-token continuation reach position {last}, beyond the context {cfg.n_positions}"
        )
    base = jax.random.PRNGKey(np.uint32(key))
    return map_chunks(
        lambda c, x, v, st: _sampled(
            params,
            cfg,
            jnp.asarray(x),
            jnp.asarray(v),
            jnp.asarray(st, jnp.int32),
            m,
            jax.random.fold_in(base, c),
            jnp.float32(temperature),
        ),
        (ids, valid, starts),
        chunk,
    )


def _prefill(params, cfg: GPT2Config, prompt, pvalid, start, t: int, n: int):
    """Run a left-padded prompt [1, P], whose first token sits at position ``start``, into a cache
    of width P + t, broadcast to ``n`` rows.

    Returns (last logits [V], cache, key validity [1, P + t], the position after the prompt).
    """
    p = prompt.shape[1]
    length = pvalid.sum().astype(jnp.int32)
    pos = (start + jnp.clip(jnp.arange(p) - (p - length), 0))[None, :]
    valid = jnp.concatenate([pvalid, jnp.ones((1, t), pvalid.dtype)], axis=1)
    cache = empty_cache(cfg, 1, p + t)
    logits, cache = forward(params, cfg, prompt, pos=pos, valid=valid, cache=cache, offset=0)
    cache = [(jnp.broadcast_to(k, (n, *k.shape[1:])), jnp.broadcast_to(v, (n, *v.shape[1:]))) for k, v in cache]
    return logits[0, -1], cache, valid, start + length


@partial(jax.jit, static_argnames=("cfg",))
def _continuations(params, cfg: GPT2Config, prompt, pvalid, start, cont):
    """Log-probabilities (nats) of each continuation token after one shared prompt: [N, T]."""
    p = prompt.shape[1]
    n, t = cont.shape
    last, cache, valid, length = _prefill(params, cfg, prompt, pvalid, start, t, n)
    first = jax.nn.log_softmax(last)[cont[:, 0]]
    if t == 1:
        return first[:, None]
    pos = jnp.broadcast_to(length + jnp.arange(t - 1), (n, t - 1))
    logits, _ = forward(params, cfg, cont[:, :-1], pos=pos, valid=valid, cache=cache, offset=p)
    rest = jnp.take_along_axis(jax.nn.log_softmax(logits, axis=-1), cont[:, 1:, None], axis=-1)[..., 0]
    return jnp.concatenate([first[:, None], rest], axis=1)


def _check_positions(cfg: GPT2Config, start: int, length: int, t: int) -> None:
    if start + length + t > cfg.n_positions:
        raise ValueError(
            f"a prompt and its {t}-token continuation reach position {start + length + t}, "
            f"beyond the context {cfg.n_positions}"
        )


def _padded(prompt: np.ndarray, width: int | None):
    """A prompt left-padded to ``width`` (default its length) and its validity, both [1, width]."""
    prompt = np.asarray(prompt, np.int32)
    width = len(prompt) if width is None else width
    if len(prompt) > width:
        raise ValueError(f"a prompt of {len(prompt)} tokens is longer than the width {width}")
    ids = np.zeros((1, width), np.int32)
    ids[0, width - len(prompt) :] = prompt
    valid = np.zeros((1, width), np.float32)
    valid[0, width - len(prompt) :] = 1.0
    return jnp.asarray(ids), jnp.asarray(valid)


def continuation_logprob(
    params, cfg: GPT2Config, prompt: np.ndarray, cont: np.ndarray, width: int | None = None, start: int = 0
) -> np.ndarray:
    """Total log-probability (nats) of each continuation [N, T] of ``prompt`` [P]. [N].

    ``width`` left-pads the prompt, so prompts of different lengths share one compilation;
    ``start`` is the position of the prompt's first token.
    """
    _check_positions(cfg, start, len(prompt), np.shape(cont)[1])
    ids, valid = _padded(prompt, width)
    lp = _continuations(params, cfg, ids, valid, jnp.int32(start), jnp.asarray(cont, jnp.int32))
    return np.asarray(lp, dtype=np.float64).sum(axis=1)


def all_digit_strings(digits: int) -> np.ndarray:
    """Every ``digits``-digit string as digit values [10^digits, digits], in lexicographic order."""
    grid = np.indices((10,) * digits).reshape(digits, -1).T
    return grid.astype(np.int64)


@partial(jax.jit, static_argnames=("cfg",))
def _tree(params, cfg: GPT2Config, prompt, pvalid, start, heads, digit_ids):
    """Log-probabilities of each head [N, T] after ``prompt`` and of each digit after it: ([N], [N, 10])."""
    p = prompt.shape[1]
    n, t = heads.shape
    last, cache, valid, length = _prefill(params, cfg, prompt, pvalid, start, t, n)
    first = jax.nn.log_softmax(last)[heads[:, 0]]
    pos = jnp.broadcast_to(length + jnp.arange(t), (n, t))
    logits, _ = forward(params, cfg, heads, pos=pos, valid=valid, cache=cache, offset=p)
    logp = jax.nn.log_softmax(logits, axis=-1)
    rest = jnp.take_along_axis(logp[:, :-1], heads[:, 1:, None], axis=-1)[..., 0].sum(axis=1)
    return first + rest, logp[:, -1][:, digit_ids]


def exact_secret_logprobs(
    params,
    cfg: GPT2Config,
    prompt: np.ndarray,
    digit_ids: np.ndarray,
    digits: int,
    width: int | None = None,
    start: int = 0,
) -> np.ndarray:
    """Log-probabilities (nats) of all 10^digits secrets after ``prompt``, in lexicographic order.

    The tree of digit prefixes: one forward over the 10^(digits-1) heads gives each head's
    probability and the distribution of the last digit after it, so all secrets are scored at the
    cost of 10^(digits-1) rows. ``digit_ids[v]`` is the token of digit ``v`` (one token per digit).
    """
    if digits == 1:
        return continuation_logprob(params, cfg, prompt, digit_ids[:, None], width, start)
    _check_positions(cfg, start, len(prompt), digits)
    heads = digit_ids[all_digit_strings(digits - 1)]
    ids, valid = _padded(prompt, width)
    head_lp, last = _tree(
        params, cfg, ids, valid, jnp.int32(start), jnp.asarray(heads, jnp.int32), jnp.asarray(digit_ids)
    )
    return (np.asarray(head_lp, np.float64)[:, None] + np.asarray(last, np.float64)).reshape(-1)


def exposure_exact(logprobs: np.ndarray, secret_index: int) -> float:
    """Exposure log2|R| - log2 rank; rank = the number of candidates at least as likely as the secret
    (the secret included), so ties count against the secret."""
    rank = int(np.sum(logprobs >= logprobs[secret_index]))
    return float(np.log2(len(logprobs)) - np.log2(rank))


def exposure_extrapolated(candidate_perplexity_bits: np.ndarray, secret_perplexity_bits: float) -> float:
    """TensorFlow Privacy's extrapolation: fit a skew-normal to the candidates' log-perplexities
    (bits) and return ``-log2 F(secret)``, F the fitted CDF (computed as a log-CDF, no underflow)."""
    a, loc, scale = stats.skewnorm.fit(np.asarray(candidate_perplexity_bits, dtype=np.float64))
    return float(-stats.skewnorm.logcdf(secret_perplexity_bits, a, loc, scale) / LN2)


def perturb(prompts: Prompts, j: int, draws: int, vocab: np.ndarray, rng) -> Prompts:
    """``draws`` copies of each prompt with ``j`` of its real tokens (never ``<|endoftext|>``, the
    context start: only tokens in ``vocab``) replaced by tokens drawn uniformly from ``vocab`` other
    than the one replaced. [N*draws, P]."""
    ids = np.repeat(prompts.ids, draws, axis=0)
    lengths = np.repeat(prompts.lengths, draws)
    starts = np.repeat(prompts.starts, draws)
    width = ids.shape[1]
    if j == 0:
        return Prompts(ids, lengths, starts)
    first_real = width - lengths
    eligible = (np.arange(width)[None, :] >= first_real[:, None]) & np.isin(ids, vocab)
    if (eligible.sum(axis=1) < j).any():
        raise ValueError(f"a prompt has fewer than {j} replaceable tokens")
    keys = np.where(eligible, rng.random(ids.shape), np.inf)
    where = np.argsort(keys, axis=1)[:, :j]
    rows = np.arange(len(ids))[:, None]
    # a replacement different from the original: shift by 1..len(vocab)-1 within vocab's order
    index = np.searchsorted(vocab, ids[rows, where])
    shift = rng.integers(1, len(vocab), size=where.shape)
    ids[rows, where] = vocab[(index + shift) % len(vocab)]
    return Prompts(ids, lengths, starts)


def perturbed_scores(params, cfg: GPT2Config, prompts: Prompts, targets: np.ndarray, counts, draws: int, vocab, rng):
    """Mean memorization score of each prompt's greedy continuation against ``targets`` [N, m] with
    j prompt tokens replaced (:func:`perturb`, ``draws`` times), for each j in ``counts``: [len(counts), N]."""
    out = []
    for j in counts:  # one batch of N * draws prompts per replacement count
        g, _ = greedy(params, cfg, perturb(prompts, j, draws, vocab, rng), targets.shape[1])
        s, _ = match_scores(g, np.repeat(targets, draws, axis=0))
        out.append(s.reshape(-1, draws).mean(axis=1))
    return np.stack(out) if len(counts) else np.empty((0, len(targets)))


def match_scores(generated: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the memorization score (fraction of positions equal) and exact extraction (all equal)."""
    eq = generated == target
    return eq.mean(axis=1), eq.all(axis=1)


def regex_blocked(texts, pattern: str) -> np.ndarray:
    """Whether the pattern filter blocks each output (the pattern occurs in it)."""
    rx = re.compile(pattern)
    return np.array([rx.search(t) is not None for t in texts])


def chunked_leaks(tok, generated: np.ndarray, secrets, pattern: str, chunk: int) -> np.ndarray:
    """The attacker who evades a pattern filter by asking for ``chunk`` tokens at a time, each
    query's prompt extended by the answers so far: per row, whether the secret string appears in
    what the filter lets through (the answers up to the first blocked one, concatenated).

    Greedy decoding is deterministic, so the chained answers are the greedy continuation cut into
    pieces of ``chunk`` tokens: ``generated`` [N, m] is that continuation."""
    n, m = generated.shape
    pieces = [tok.decode_batch(generated[:, a : a + chunk].tolist()) for a in range(0, m, chunk)]
    rx = re.compile(pattern)
    out = np.zeros(n, bool)
    for i in range(n):  # per row: a few string operations on at most m / chunk pieces
        got = []
        for piece in (p[i] for p in pieces):
            if rx.search(piece):
                break
            got.append(piece)
        out[i] = secrets[i] in "".join(got)
    return out
