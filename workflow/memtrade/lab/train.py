"""Training: the AdamW and DP-SGD loops with DP-SGD's privacy accounting, and the laboratory's
pretraining (:func:`pretrain`). Fine-tuning under each variant is :mod:`memtrade.lab.finetune`.

Batches are drawn with NumPy generators from :mod:`memtrade.seeds` streams and DP noise with a
JAX key from the same streams, so a run is reproducible from the config seed. Every loss is the
mean next-token negative log-likelihood (nats) over the real tokens of the batch. Streams:
("lab", size, seed_index, "init"|"pretrain").
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import NamedTuple

import jax.numpy as jnp
import numpy as np
import optax

from .. import optim, seeds
from ..jaxpin import jax
from . import packing
from . import tokenizer as T
from .gpt2 import GPT2Config, init_params, n_params, packed_nll, token_nll
from .models import model_config, train_log


@dataclass
class TrainLog:
    """What a training run did: steps, tokens seen, seconds and the last mean loss."""

    steps: int = 0
    tokens: int = 0
    seconds: float = 0.0
    final_loss: float = float("nan")
    loss_start: float = float("nan")
    loss_end: float = float("nan")
    grad_norm_start: float = float("nan")
    grad_norm_end: float = float("nan")

    def record(self, losses, norms) -> None:
        """The mean loss and gradient norm over the first and the last tenth of the steps (at least
        one step each): the evidence, beside the held-out loss, that training moved the model and
        then settled. ``losses`` and ``norms`` are the per-step values (device scalars, read once)."""
        if not losses:
            return
        curve = np.asarray(jax.device_get([losses, norms]), dtype=np.float64)  # one transfer, no compiled op
        tenth = max(1, len(losses) // 10)
        self.loss_start, self.grad_norm_start = (float(v) for v in curve[:, :tenth].mean(axis=1))
        self.loss_end, self.grad_norm_end = (float(v) for v in curve[:, -tenth:].mean(axis=1))

    @property
    def tokens_per_second(self) -> float:
        """Training throughput (target tokens per second of wall time, compilation included)."""
        return self.tokens / self.seconds if self.seconds > 0 else float("nan")


def schedule(peak: float, steps: int, warmup_fraction: float, final_fraction: float = 0.1):
    """Linear warm-up to ``peak`` over ``warmup_fraction`` of the steps, then cosine decay to
    ``final_fraction * peak``."""
    warm = max(1, int(round(warmup_fraction * steps)))
    return optax.warmup_cosine_decay_schedule(0.0, peak, warm, max(steps, warm + 1), end_value=final_fraction * peak)


def _decay_mask(params):
    """Weight decay on matrices only (not biases, LayerNorm gains or position embeddings), as GPT-2 training does."""
    return {k: (v.ndim == 2 and k != "wpe.weight") for k, v in params.items()}


def optimizer(peak_lr: float, steps: int, warmup_fraction: float, weight_decay: float, clip: float = 1.0):
    """AdamW (betas 0.9, 0.95) with global-norm clipping and the schedule of :func:`schedule`."""
    return optax.chain(
        optax.clip_by_global_norm(clip),
        optax.adamw(
            schedule(peak_lr, steps, warmup_fraction), b1=0.9, b2=0.95, weight_decay=weight_decay, mask=_decay_mask
        ),
    )


def _batches(rng: np.random.Generator, n: int, batch: int, epochs: int) -> np.ndarray:
    """Index batches [steps, batch]: a fresh permutation per epoch, the last partial batch dropped."""
    per = max(1, n // batch)
    perms = np.argsort(rng.random((epochs, n)), axis=1)[:, : per * batch]
    return perms.reshape(epochs * per, batch)


def mean_nll(params, cfg: GPT2Config, x, m, key=None, aux=None):
    """The default training objective: mean next-token NLL (nats) over the real target tokens."""
    return token_nll(params, cfg, x, m).sum() / jnp.maximum(m[:, 1:].sum(), 1.0)


def packed_nll_sum(params, chunk: dict, cfg: GPT2Config):
    """The summed next-token NLL (nats) of one microbatch of packed rows (:func:`memtrade.lab.packing.pack`);
    over a step's microbatches and divided by its token count, the same mean as :func:`mean_nll`."""
    return packed_nll(params, cfg, chunk["ids"], chunk["pos"], chunk["segments"], chunk["target"]).sum()


class Packed(NamedTuple):
    """An objective of :func:`train` on packed rows (:mod:`memtrade.lab.packing`): ``loss_sum(params,
    chunk, aux)`` sums a per-target loss over one microbatch's ``chunk`` (``ids``, ``pos``,
    ``segments``, ``target``, as :func:`packed_nll_sum` reads it); the step minimises its sum over
    the step's microbatches divided by the step's target tokens, the mean a padded objective takes
    over the same tokens."""

    loss_sum: object


@lru_cache(maxsize=16)
def _compiled_step(cfg: GPT2Config, objective, lr, steps, warmup_fraction, weight_decay):
    """The optimizer of :func:`train` and its jitted step, made once per model config, objective and
    AdamW settings: the seeds of a job train with the same function, so it is traced and compiled
    once (a new jitted closure per call would be traced again for every seed). The step is the
    same program either way, so the numbers are too."""
    opt = optimizer(lr, steps, warmup_fraction, weight_decay)
    if objective is None:
        return opt, jax.jit(optim.accumulated_step(partial(packed_nll_sum, cfg=cfg), opt))
    if isinstance(objective, Packed):
        return opt, jax.jit(optim.accumulated_step(objective.loss_sum, opt))

    def loss(p, x, m, k, aux):
        return objective(p, x=x, m=m, key=k, aux=aux)

    return opt, jax.jit(optim.step(loss, opt))


def train(
    params,
    cfg: GPT2Config,
    ids,
    mask,
    rng,
    *,
    epochs,
    batch,
    lr,
    warmup_fraction,
    weight_decay,
    objective=None,
    key=None,
    aux=None,
):
    """AdamW on rows ``ids``/``mask`` for ``epochs`` epochs of shuffled batches. Returns (params, TrainLog).

    ``objective(params, x, m, key, aux)`` is the scalar minimised on each batch (default
    :func:`mean_nll`): ``key`` is step ``t``'s JAX key, ``fold_in(key, t)`` (for objectives that
    sample, such as on-policy distillation), and ``aux`` is passed through unchanged (a teacher's
    parameters, say), as an argument of the compiled step rather than a constant baked into it.
    Without an objective each step's rows are packed (:mod:`memtrade.lab.packing`) and the step
    minimises the mean of :func:`packed_nll_sum` over its microbatches: the same mean over the
    same tokens, with less padding. A :class:`Packed` objective is minimised on packed rows the
    same way, with ``aux`` passed to its ``loss_sum``.
    """
    if isinstance(objective, Packed) and aux is None:
        raise ValueError("a Packed objective needs aux (the teacher's parameters, say): aux is None")
    batch = min(batch, len(ids))
    order = _batches(rng, len(ids), batch, epochs)
    opt, update = _compiled_step(cfg, objective, lr, len(order), warmup_fraction, weight_decay)
    state = opt.init(params)
    ids, mask = np.asarray(ids), np.asarray(mask)
    targets = mask[:, 1:].sum(axis=1)[order].sum(axis=1)  # the target tokens of each step
    log = TrainLog(tokens=int(targets.sum()))
    start = time.perf_counter()
    value = jnp.nan
    losses, norms = [], []  # per step, left on the device until the end (no per-step host sync)
    if objective is None or isinstance(objective, Packed):  # on packed rows: the same sum, less padding
        width = ids.shape[1]
        where = packing.plan(packing.lengths(mask), order, width, packing.chunk_rows(width, cfg.n_embd))
        extra = () if objective is None else (aux,)
        for t, rows in enumerate(order):
            count = np.float32(max(targets[t], 1.0))
            chunks = packing.pack(ids, mask, rows, where, t)
            params, state, value, norm = update(params, state, chunks, count, *extra)
            losses.append(value)
            norms.append(norm)
    else:
        key = jax.random.PRNGKey(0) if key is None else key
        for t, rows in enumerate(order):
            params, state, value, norm = update(params, state, ids[rows], mask[rows], jax.random.fold_in(key, t), aux)
            losses.append(value)
            norms.append(norm)
    log.record(losses, norms)
    log.final_loss = float(value)
    log.steps = len(order)
    log.seconds = time.perf_counter() - start
    return params, log


def train_dp(
    params, cfg: GPT2Config, ids, mask, rng, key, *, epochs, batch, lr, warmup_fraction, clip, noise_multiplier
):
    """DP-SGD (Abadi et al. 2016) with Adam on the privatised gradient.

    Each step samples every example independently with probability ``q = batch / N`` (Poisson
    sampling, the setting the accountant assumes), clips each example's gradient to L2 norm
    ``clip``, sums, adds N(0, (noise_multiplier * clip)^2) noise per coordinate and divides by the
    expected batch size. The sample is processed in fixed-size chunks of ``batch`` rows (padding
    masked out), so shapes are static while the sample size varies. Steps: ``epochs * N / batch``.
    Returns (params, TrainLog, q, steps).
    """
    n = len(ids)
    q = batch / n
    steps = max(1, int(round(epochs / q)))
    opt = optax.adam(schedule(lr, steps, warmup_fraction))
    state = opt.init(params)
    ids, mask = np.asarray(ids), np.asarray(mask)

    def example_loss(p, x, m):
        return token_nll(p, cfg, x[None], m[None]).sum() / jnp.maximum(m[1:].sum(), 1.0)

    @jax.jit
    def clipped_sum(params, x, m, keep):
        grads = jax.vmap(jax.grad(example_loss), in_axes=(None, 0, 0))(params, x, m)
        norms = jnp.sqrt(sum(jnp.sum(g.reshape(g.shape[0], -1) ** 2, axis=1) for g in grads.values()))
        scale = keep * jnp.minimum(1.0, clip / jnp.maximum(norms, 1e-12))
        return jax.tree.map(lambda g: jnp.tensordot(scale, g, axes=1), grads)

    # not memtrade.optim.step: the update is of a noised sum of clipped per-example gradients, not the
    # gradient of one loss, so the step is split in two (clipped_sum per chunk, then apply)
    @partial(jax.jit, donate_argnums=(0, 1))
    def apply(params, state, total, key):
        leaves, treedef = jax.tree.flatten(total)
        keys = jax.random.split(key, len(leaves))
        noisy = [g + noise_multiplier * clip * jax.random.normal(k, g.shape) for g, k in zip(leaves, keys, strict=True)]
        grads = jax.tree.map(lambda g: g / batch, jax.tree.unflatten(treedef, noisy))
        updates, state = opt.update(grads, state, params)
        return optax.apply_updates(params, updates), state

    log = TrainLog()
    start = time.perf_counter()
    for t in range(steps):
        sample = np.flatnonzero(rng.random(n) < q)
        chunks = max(1, -(-len(sample) // batch))
        rows = np.zeros(chunks * batch, dtype=np.int64)
        rows[: len(sample)] = sample
        keep = np.zeros(chunks * batch, dtype=np.float32)
        keep[: len(sample)] = 1.0
        total = None
        for c in range(chunks):
            sl = slice(c * batch, (c + 1) * batch)
            part = clipped_sum(params, ids[rows[sl]], mask[rows[sl]], keep[sl])
            total = part if total is None else jax.tree.map(jnp.add, total, part)
        params, state = apply(params, state, total, jax.random.fold_in(key, t))
        log.tokens += int(mask[sample, 1:].sum())
    log.steps = steps
    log.seconds = time.perf_counter() - start
    return params, log, q, steps


def _accountant(q: float, noise_multiplier: float, steps: int):
    from dp_accounting import dp_event
    from dp_accounting.rdp import rdp_privacy_accountant

    event = dp_event.SelfComposedDpEvent(
        dp_event.PoissonSampledDpEvent(q, dp_event.GaussianDpEvent(noise_multiplier)), steps
    )
    acc = rdp_privacy_accountant.RdpAccountant()
    acc.compose(event)
    return acc


def dp_epsilon(q: float, noise_multiplier: float, steps: int, delta: float) -> float:
    """ε at ``delta`` of ``steps`` Poisson-subsampled Gaussian mechanisms (dp-accounting's RDP accountant)."""
    return float(_accountant(q, noise_multiplier, steps).get_epsilon(delta))


def group_epsilon(q: float, noise_multiplier: float, steps: int, copies: int, delta: float) -> float:
    """ε at ``delta`` for a record that occurs in ``copies`` rows: group privacy over its copies.

    Group privacy of (ε, δ)-DP (Dwork & Roth 2014, Theorem 2.2 with the δ term): a mechanism that is
    (ε, δ)-DP per row is (kε, k e^{(k-1)ε} δ)-DP for groups of k rows. The per-row δ is chosen on a
    grid of 400 log-spaced values from ``delta / k`` down to 1e-300 (per-row ε from the RDP
    accountant at each); the result is the smallest kε whose group δ is at most ``delta``, +inf if
    none is. Each grid point is a valid guarantee, so the result is one (the grid only loses
    tightness). dp-accounting has no group-privacy accounting; a tighter bound (the copies' sum as a
    mixture of Gaussians under a PLD accountant) is not used.
    """
    if copies < 1:
        raise ValueError(f"copies = {copies}: a record occurs at least once")
    acc = _accountant(q, noise_multiplier, steps)
    if copies == 1:
        return float(acc.get_epsilon(delta))
    k = copies
    best = np.inf
    for log_d in np.linspace(np.log(delta / k), np.log(1e-300), 400):
        eps = float(acc.get_epsilon(float(np.exp(log_d))))
        if np.log(k) + (k - 1) * eps + log_d <= np.log(delta):
            best = min(best, k * eps)
    return float(best)


@partial(jax.jit, static_argnames=("cfg",))
def _row_nll(params, cfg: GPT2Config, x, m):
    """The summed next-token NLL of each row of ``x`` [B, L] over ``m``'s real targets (one compilation
    per config and shape, for every model: the parameters are an argument, not constants)."""
    return token_nll(params, cfg, x, m).sum(axis=1)


def sequence_nll(params, cfg: GPT2Config, ids, mask, batch: int = 128) -> np.ndarray:
    """Total next-token NLL (nats) of each row, over its real target tokens. [N]."""
    ids, mask = np.asarray(ids), np.asarray(mask)
    out = []
    for s in range(0, len(ids), batch):  # fixed-size chunks: one compilation; the last is padded
        x, m = ids[s : s + batch], mask[s : s + batch]
        pad = batch - len(x)
        if pad:
            x = np.concatenate([x, np.repeat(x[-1:], pad, 0)])
            m = np.concatenate([m, np.zeros((pad, m.shape[1]), m.dtype)])
        out.append(np.asarray(_row_nll(params, cfg, x, m))[: batch - pad])
    return np.concatenate(out)


def adamw_settings(settings: dict) -> dict:
    """The keyword arguments of :func:`train` from a ``lab.pretrain``/``lab.finetune`` entry."""
    return {k: settings[k] for k in ("epochs", "batch", "lr", "warmup_fraction", "weight_decay")}


def pretrain(size: dict, context: int, settings: dict, texts, tokenizer_json: str, seed: int, name: str, index: int):
    """Initialise a model of ``size`` and train it on the background texts. Returns (params, cfg, log dict)."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_str(tokenizer_json)
    cfg = model_config(size, context, tok.get_vocab_size())
    params = init_params(cfg, seeds.generator(seed, "lab", name, index, "init"))
    ids, mask = T.pack(tok, texts, limit=context)
    if ids.shape[1] > context:
        raise ValueError(f"a pretraining document needs {ids.shape[1]} tokens, more than lab.context = {context}")
    params, log = train(
        params,
        cfg,
        ids,
        mask,
        seeds.generator(seed, "lab", name, index, "pretrain"),
        **adamw_settings(settings),
    )
    return params, cfg, train_log(log, params=n_params(cfg))
