"""Knowledge distillation of a fine-tuned teacher into a smaller student (the study of *From Teacher
to Student: Tracking Memorization Through Model Distillation*, L2M2 workshop at ACL 2025), on the
laboratory's GPT-2 models (docs/science.md section 8.6).

The teacher is a laboratory model fine-tuned on the records mixture. Every student starts from the
same pretrained checkpoint of a smaller size and sees the same fine-tuning rows, with the same
optimiser and steps; only what it is trained to match differs:

- ``direct``: the rows' own next tokens (ordinary fine-tuning; the reference);
- ``word_kd``: word-level distillation (Hinton et al. 2015; Kim & Rush 2016): the forward KL
  ``KL(p_T || p_S)`` to the teacher's next-token distribution at every position of the rows
  (:func:`forward_kl`), at temperature τ with the usual τ² scaling;
- ``seq_kd``: sequence-level distillation (Kim & Rush 2016): the rows replaced by the teacher's own
  samples, each continuing the first tokens of a row (:func:`teacher_rows`), then the NLL on those;
- ``reverse_kl``: on-policy reverse KL (GKD, Agarwal et al. 2024, with λ = 1; MiniLLM's
  objective): at every step the student samples continuations of the batch rows' first tokens, and
  the loss is ``KL(p_S || p_T)`` at each sampled position (:func:`reverse_kl_objective`).

Sampling is ancestral, at temperature 1 unless configured, with a key/value cache
(:func:`sample_continuations`); it runs inside the compiled training step for the on-policy
objective. KL divergences are computed from log-probabilities (``p (log p - log q)``), never from
ratios of probabilities.

:func:`distill_study` trains every student of one seed and measures them with the teacher (the
``lab_distill`` job); streams ("lab", "distill", seed_index, method, "batches"|"sample"|"measure").
"""

from __future__ import annotations

from functools import lru_cache, partial
from typing import NamedTuple

import jax.numpy as jnp
import numpy as np
import pandas as pd

from .. import seeds
from ..jaxpin import jax
from . import stats as S
from . import tokenizer as T
from .chunks import map_chunks
from .corpus import SECRET_PATTERN
from .extraction import memorization, record_layout
from .gpt2 import GPT2Config, empty_cache, forward, n_params
from .models import log_throughput, train_log
from .record import training_record
from .train import Packed, adamw_settings, train

METHODS = ("direct", "word_kd", "seq_kd", "reverse_kl")


def forward_kl(student_logits, teacher_logits, temperature: float = 1.0):
    """``τ² KL(softmax(t/τ) || softmax(s/τ))`` at each position: [..., V] logits -> [...] nats."""
    lt = jax.nn.log_softmax(teacher_logits / temperature, axis=-1)
    ls = jax.nn.log_softmax(student_logits / temperature, axis=-1)
    return temperature**2 * jnp.sum(jnp.exp(lt) * (lt - ls), axis=-1)


def reverse_kl(student_logits, teacher_logits):
    """``KL(softmax(s) || softmax(t))`` at each position: [..., V] logits -> [...] nats."""
    ls = jax.nn.log_softmax(student_logits, axis=-1)
    lt = jax.nn.log_softmax(teacher_logits, axis=-1)
    return jnp.sum(jnp.exp(ls) * (ls - lt), axis=-1)


def sample_continuations(params, cfg: GPT2Config, prompt, n_new: int, key, temperature: float = 1.0):
    """``n_new`` tokens sampled after each prompt [B, P] (no padding; the prompts start the rows at
    position 0): [B, n_new]. Token ``s`` is drawn with ``fold_in(key, s)``. Traceable: it runs inside
    a compiled training step as well as on its own (:func:`teacher_rows`)."""
    b, p = prompt.shape
    cache = empty_cache(cfg, b, p + n_new)
    logits, cache = forward(params, cfg, prompt, cache=cache, offset=0)

    def step(carry, s):
        lg, cache = carry
        tok = jax.random.categorical(jax.random.fold_in(key, s), lg / temperature, axis=-1).astype(jnp.int32)
        out, cache = forward(params, cfg, tok[:, None], cache=cache, offset=p + s)
        return (out[:, 0], cache), tok

    _, toks = jax.lax.scan(step, (logits[:, -1], cache), jnp.arange(n_new))
    return toks.T


def sampled_mask(new, eot: int, prompt_len: int):
    """The mask [B, P + n] of rows made of a prompt of ``prompt_len`` real tokens and sampled tokens
    ``new`` [B, n]: 1 up to and including the first sampled ``<|endoftext|>`` (a row ends there,
    as the training rows do), 0 after it; a row that never samples it runs to the width."""
    is_eot = (new == eot).astype(jnp.int32)
    before = (jnp.cumsum(is_eot, axis=1) - is_eot) == 0
    ones = jnp.ones((new.shape[0], prompt_len), jnp.float32)
    return jnp.concatenate([ones, before.astype(jnp.float32)], axis=1)


@partial(jax.jit, static_argnames=("cfg", "n_new", "eot"))
def _sample_rows(params, cfg: GPT2Config, prompt, n_new: int, key, temperature, eot: int):
    new = sample_continuations(params, cfg, prompt, n_new, key, temperature)
    return jnp.concatenate([prompt, new], axis=1), sampled_mask(new, eot, prompt.shape[1])


def teacher_rows(params, cfg: GPT2Config, ids, prompt_tokens: int, key, temperature: float, eot: int, chunk: int = 64):
    """Sequence-level distillation data: each row ``ids`` [N, L] (``<|endoftext|>`` first) keeps its
    first ``1 + prompt_tokens`` tokens and the rest is the teacher's sample, up to the width ``L``.

    Returns (ids [N, L], mask [N, L]) in the layout of :func:`memtrade.lab.tokenizer.pack`. Rows go
    in chunks of ``chunk`` (the last padded), so one compilation serves them all; chunk ``c`` samples
    with ``fold_in(key, c)``.
    """
    ids = np.asarray(ids)
    width = ids.shape[1]
    p = 1 + prompt_tokens
    if p >= width:
        raise ValueError(f"a prompt of {p} tokens leaves nothing to sample in rows of {width} tokens")
    return map_chunks(
        lambda c, x: _sample_rows(
            params, cfg, jnp.asarray(x), width - p, jax.random.fold_in(key, c), jnp.float32(temperature), eot
        ),
        (ids[:, :p],),
        chunk,
    )


@lru_cache(maxsize=8)  # one function per setting: train's compiled step is then shared by the seeds
def word_kd_objective(cfg: GPT2Config, teacher_cfg: GPT2Config, temperature: float) -> Packed:
    """Word-level distillation: the mean over real target positions of ``τ² KL(p_T || p_S)``.

    A :class:`memtrade.lab.train.Packed` objective of :func:`memtrade.lab.train.train`: the rows are
    packed as the next-token loss's are, and both models read each document alone (its positions
    and segment), so the sum is the one over the padded rows' targets; ``aux`` holds the teacher's
    parameters.
    """

    def loss_sum(params, chunk, aux):
        ids, pos, seg = chunk["ids"][:, :-1], chunk["pos"][:, :-1], chunk["segments"][:, :-1]
        s, _ = forward(params, cfg, ids, pos=pos, segments=seg)
        t, _ = forward(aux, teacher_cfg, ids, pos=pos, segments=seg)
        return jnp.sum(forward_kl(s, jax.lax.stop_gradient(t), temperature) * chunk["target"][:, 1:])

    return Packed(loss_sum)


@lru_cache(maxsize=8)  # one function per setting: train's compiled step is then shared by the seeds
def reverse_kl_objective(cfg: GPT2Config, teacher_cfg: GPT2Config, prompt_tokens: int, temperature: float, eot: int):
    """On-policy reverse KL: the student samples continuations of each batch row's first
    ``1 + prompt_tokens`` tokens (with the step's key, without gradient through the sampling) and
    the loss is the mean of ``KL(p_S || p_T)`` over the sampled positions up to the first
    ``<|endoftext|>``. ``aux`` holds the teacher's parameters."""
    p = 1 + prompt_tokens

    def objective(params, x, m, key, aux):
        width = x.shape[1]
        prompt = x[:, :p]
        new = sample_continuations(jax.lax.stop_gradient(params), cfg, prompt, width - p, key, temperature)
        y = jnp.concatenate([prompt, new], axis=1)
        ym = sampled_mask(new, eot, p)
        s, _ = forward(params, cfg, y[:, :-1])
        t, _ = forward(aux, teacher_cfg, y[:, :-1])
        kl = reverse_kl(s, jax.lax.stop_gradient(t))
        w = ym[:, 1:] * (jnp.arange(width - 1) >= p - 1)  # the targets that were sampled
        return jnp.sum(kl * w) / jnp.maximum(w.sum(), 1.0)

    return objective


def sampled_secrets(texts, records: pd.DataFrame) -> int:
    """How many records' pin and account number appear together, verbatim, in ``texts``."""
    planted = set(zip(records["pin"], records["acct"], strict=True))
    found = {pair for t in texts for pair in SECRET_PATTERN.findall(t)}
    return len(planted & found)


class _Student(NamedTuple):
    """What a distilled student's training sees: its initial parameters and config, the teacher's,
    the fine-tuning rows, its batch generator and JAX key, the AdamW settings, the distillation
    settings, the tokenizer, the records and the ``<|endoftext|>`` id."""

    init: dict
    cfg: GPT2Config
    teacher: dict
    teacher_cfg: GPT2Config
    ids: np.ndarray
    mask: np.ndarray
    rng: np.random.Generator
    key: jax.Array
    adamw: dict
    settings: dict
    tok: object
    records: pd.DataFrame
    eot: int


def _word_kd(s: _Student):
    objective = word_kd_objective(s.cfg, s.teacher_cfg, s.settings["temperature"])
    params, log = train(s.init, s.cfg, s.ids, s.mask, s.rng, objective=objective, aux=s.teacher, **s.adamw)
    return params, log, {}


def _seq_kd(s: _Student):
    x, xm = teacher_rows(s.teacher, s.teacher_cfg, s.ids, s.settings["prompt_tokens"], s.key, 1.0, s.eot)
    texts = s.tok.decode_batch([row[: int(n)].tolist() for row, n in zip(x, xm.sum(axis=1), strict=True)])
    extra = {
        "sampled_secrets": sampled_secrets(texts, s.records),
        "sampled_tokens_per_row": float(xm.sum(1).mean()),
    }
    params, log = train(s.init, s.cfg, x, xm, s.rng, **s.adamw)
    return params, log, extra


def _reverse_kl(s: _Student):
    objective = reverse_kl_objective(s.cfg, s.teacher_cfg, s.settings["prompt_tokens"], 1.0, s.eot)
    params, log = train(s.init, s.cfg, s.ids, s.mask, s.rng, objective=objective, key=s.key, aux=s.teacher, **s.adamw)
    return params, log, {}


#: each distilled student's training, by method: (params, TrainLog, extra log entries) of a _Student
STUDENTS = {"word_kd": _word_kd, "seq_kd": _seq_kd, "reverse_kl": _reverse_kl}


def distill_study(
    teacher,
    student_init,
    direct,
    tok,
    finetune: pd.DataFrame,
    records: pd.DataFrame,
    heldout,
    settings: dict,
    training: dict,
    k: int,
    m: int,
    candidates: int,
    words_per_doc: int,
    seed: int,
    index: int,
):
    """Distillation of a fine-tuned teacher into students of a smaller size (docs/science.md section 8.6).

    ``teacher``, ``student_init`` and ``direct`` are (params, cfg, train log dict) of the fine-tuned
    teacher, the student size's pretrained checkpoint and that size fine-tuned directly (the
    ``direct`` method, trained by the laboratory's fine-tuning job). Each other method in
    ``settings['methods']`` trains a copy of ``student_init`` on the fine-tuning rows with the
    AdamW settings ``training`` (the config's ``lab.finetune``, as the direct student had). Every
    model, the teacher included, is then measured: extraction, exposure, held-out loss.

    Returns (records frame: one row per method and record, models frame: one row per method).
    """
    t_params, t_cfg, t_log = teacher
    s_init, s_cfg, _ = student_init
    if t_cfg.vocab_size != s_cfg.vocab_size:
        raise ValueError(f"teacher vocabulary {t_cfg.vocab_size} differs from the student's {s_cfg.vocab_size}")
    eot = T.eot_id(tok)
    layout = record_layout(tok, records, k, m)
    held = T.pack(tok, heldout, limit=t_cfg.n_positions)
    ids, mask = T.pack(tok, finetune["text"].tolist(), limit=t_cfg.n_positions)
    adamw = adamw_settings(training)
    models = {"teacher": (t_params, t_cfg, t_log), "direct": direct}
    for method in settings["methods"]:
        if method == "direct":
            continue
        if method not in STUDENTS:
            raise ValueError(f"unknown distillation method {method!r}; known: {METHODS}")
        rng = seeds.generator(seed, "lab", "distill", index, method, "batches")
        key = jax.random.PRNGKey(seeds.integer(seed, "lab", "distill", index, method, "sample"))
        student = _Student(s_init, s_cfg, t_params, t_cfg, ids, mask, rng, key, adamw, settings, tok, records, eot)
        params, log, extra = STUDENTS[method](student)
        models[method] = (params, s_cfg, train_log(log, **extra))
        log_throughput(f"distillation {method}", log, s_cfg)

    rows, summaries = [], []
    for method, (params, cfg, log) in models.items():
        rng = seeds.generator(seed, "lab", "distill", index, method, "measure")
        out, nll = memorization(params, cfg, tok, records, layout, held, m, candidates, rng)
        out.insert(0, "method", method)
        rows.append(out)
        keep = ("steps", "tokens", "final_loss", "sampled_secrets", "sampled_tokens_per_row")  # no wall-clock
        summaries.append(
            {"method": method, "params": n_params(cfg), "heldout_bits_per_word": S.bits_per_word(nll, words_per_doc)}
            | {k: log.get(k, np.nan) for k in keep}
            | training_record(log)  # its own objective's loss and gradient norm
        )
    return pd.concat(rows, ignore_index=True), pd.DataFrame(summaries)
