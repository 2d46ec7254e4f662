"""Full-batch training of many denoisers at once (optax), as Buchanan et al.'s code trains one.

The loss is their ε-prediction loss: the squared error summed over dimensions, averaged over the
training points. ``times = "sampled"`` is their sampling (``DiffusionTrainer.batched_loss``): every
training point gets one grid time per step, drawn uniformly, and ``draws`` noise draws at it.
``times = "stratified"`` uses every grid time at every step (the same expectation, lower variance,
26 times the arithmetic). The optimizer is their chain: global-norm clipping, Adam with a linear
warm-up from 0 to the peak learning rate over ``warmup`` of the steps and a linear decay to the
final rate (their ``wsd`` with no stable phase), then ``optax.ema`` on the updates. Fresh noise and
times every step, from a JAX key derived from :mod:`memtrade.seeds`, shared by the models of a batch
(common random numbers); each model has its own training set (the replicates of a sweep point train
side by side). Models of different sizes train in one array: means beyond a model's size are padded
and masked out. The whole run is one ``lax.scan`` over the steps of a ``vmap`` over the models
(``lax.map`` with stratified times, where each model's arrays are large), with no host
synchronisation; the trace of the loss and of the gradient's global norm comes back at the
end, the evidence that a model has converged.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import jax.numpy as jnp
import numpy as np
import optax

from .. import optim
from ..jaxpin import jax
from . import denoisers


@dataclass(frozen=True)
class Schedule:
    """Steps, learning rates, Adam and EMA settings, and noise draws per (point, time)."""

    steps: int
    peak_lr: float
    final_lr: float
    warmup: float
    b1: float = 0.9
    b2: float = 0.999
    eps: float = 1e-8
    clip: float = 1e9
    ema: float = 0.99
    draws: int = 100
    times: str = "sampled"


#: the fraction of the last steps whose mean loss and gradient norm are reported as final; the
#: same length just before it gives the drift (their relative change), the convergence evidence
TAIL = 0.05


def learning_rate(s: Schedule):
    """Linear warm-up 0 -> peak over ``warmup`` of the steps, then linear decay to ``final_lr``."""
    warm = max(1, int(s.steps * s.warmup))
    return optax.join_schedules(
        [
            optax.linear_schedule(0.0, s.peak_lr, warm),
            optax.linear_schedule(s.peak_lr, s.final_lr, max(1, s.steps - warm)),
        ],
        [warm],
    )


def optimizer(s: Schedule) -> optax.GradientTransformation:
    """Their chain: global-norm clipping, Adam on the schedule, ``optax.ema`` on the updates."""
    return optax.chain(
        optax.clip_by_global_norm(s.clip),
        optax.adam(learning_rate(s), b1=s.b1, b2=s.b2, eps=s.eps),
        optax.ema(s.ema),
    )


def repeats(sched_times: str, count: int, draws: int) -> int:
    """How many noisy rows each training row gives per step."""
    return draws if sched_times == "sampled" else count * draws


def _noise(key, x0, ts, draws, times):
    """The noise of one step for training rows shaped like x0 [N, ...]: ``draws`` draws per row at
    one uniformly drawn grid time (``times = "sampled"``, their sampling), or ``draws`` per (row,
    grid time) at every time (``"stratified"``). Returns (ε, α, σ) with rows
    [N · repeats(times, len(ts), draws)], the rows of one training point consecutive."""
    n, count = x0.shape[0], ts.shape[0]
    k_t, k_e = jax.random.split(key)
    if times == "sampled":
        t = jnp.repeat(ts[jax.random.randint(k_t, (n,), 0, count)], draws)
    else:
        t = jnp.repeat(jnp.tile(ts, n), draws)
    rows = n * repeats(times, count, draws)
    eps = jax.random.normal(k_e, (rows,) + x0.shape[1:], x0.dtype)
    return eps, jnp.sqrt(1.0 - t**2), t


def _noisy_rows(x0, eps, a, s):
    """x_t = α x₀ + σ ε for the noise rows of :func:`_noise` (each training row repeated)."""
    shape = (-1,) + (1,) * (eps.ndim - 1)
    rows = jnp.repeat(x0, eps.shape[0] // x0.shape[0], axis=0)
    return a.reshape(shape) * rows + s.reshape(shape) * eps


def eps_loss(x0_fn, x_t, eps, a, s):
    """Mean over rows of ‖ε - ε̂‖² (summed over dimensions), ε̂ = (x_t - α x̂₀)/σ."""
    shape = (-1,) + (1,) * (x_t.ndim - 1)
    x0 = x0_fn(x_t, a, s)
    eps_hat = (x_t - a.reshape(shape) * x0) / s.reshape(shape)
    return ((eps - eps_hat) ** 2).reshape(x_t.shape[0], -1).sum(-1).mean()


def gmm_apply(params, mask):
    """The x₀-predictor (x, α, σ) -> x̂₀ of one GMM model's parameters and mask."""

    def x0_fn(x, a, s):
        return denoisers.gmm_x0(params["means"], params["std"] ** 2, mask, x, a, s, jnp)

    return x0_fn


def template_apply(params, mask):
    """The x₀-predictor (x, α, σ) -> x̂₀ of one two-region template model's parameters and mask
    (its regions fixed: no gradient reaches them)."""

    def x0_fn(x, a, s):
        regions = jax.lax.stop_gradient(params["regions"])
        var = params["std"] ** 2
        return denoisers.region_x0(
            params["templates"], regions, params["fg_colors"], params["bg_colors"], var, mask, x, a, s, jnp
        )

    return x0_fn


APPLY = {"gmm": gmm_apply, "template": template_apply}


@dataclass(frozen=True)
class Trace:
    """What a training run leaves besides the parameters, per model: the mean training loss and
    gradient norm over the last ``TAIL`` of the steps, their relative change from the ``TAIL``
    before (the drift), and the seconds the run took."""

    final_loss: np.ndarray
    loss_drift: np.ndarray
    final_grad_norm: np.ndarray
    grad_norm_drift: np.ndarray
    seconds: float


def _tail_stats(values, steps: int):
    w = max(1, int(round(steps * TAIL)))
    last, before = values[-w:].mean(0), values[-2 * w : -w].mean(0) if steps >= 2 * w else values[:w].mean(0)
    with np.errstate(divide="ignore", invalid="ignore"):
        drift = np.where(before != 0, (last - before) / np.abs(before), 0.0)
    return last, drift


def train(kind: str, params, masks, key: int, x_train, ts, sched: Schedule, data_index=None):
    """Train a batch of models (leading axis of every leaf of ``params`` and of ``masks``).

    ``x_train`` is one training set [N, ...] shared by every model, or the training sets of the
    replicates [R, N, ...] with ``data_index`` [models] naming each model's. Every model sees the
    same times and noise draws at each step (common random numbers), drawn from the JAX key of the
    integer ``key`` (from :mod:`memtrade.seeds`). Returns (trained params as NumPy, :class:`Trace`).
    """
    apply = APPLY[kind]
    opt = optimizer(sched)
    ts = jnp.asarray(ts, jnp.float32)
    x_train = np.asarray(x_train, np.float32)
    n_models = len(masks)
    if data_index is None:
        x_train, data_index = x_train[None], np.zeros(n_models, int)
    xs = jnp.asarray(x_train[np.asarray(data_index)])  # [models, N, ...]
    draws, times = sched.draws, sched.times

    one_step = optim.step(lambda q, mask, x_t, eps, a, s: eps_loss(apply(q, mask), x_t, eps, a, s), opt)

    def model_step(p, state, mask, x0, noise):
        eps, a, s = noise
        return one_step(p, state, mask, _noisy_rows(x0, eps, a, s), eps, a, s)

    @jax.jit
    def run(p, base, masks, xs):
        state = jax.vmap(opt.init)(p)

        def body(carry, i):
            p, state = carry
            # times and noise drawn once per step for the whole batch; x_t per model (its own data)
            noise = _noise(jax.random.fold_in(base, i), xs[0], ts, draws, times)
            if times == "sampled":
                # few rows per model: one vmapped step, the per-operation cost paid once for all models
                p, state, value, gnorm = jax.vmap(model_step, in_axes=(0, 0, 0, 0, None))(p, state, masks, xs, noise)
            else:
                # every grid time: large per-model arrays, where on CPU the vmapped backward pass runs at
                # half the speed of the same models in sequence (measured), so lax.map
                p, state, value, gnorm = jax.lax.map(lambda m: model_step(*m, noise), (p, state, masks, xs))
            return (p, state), (value, gnorm)

        (p, _), trace = jax.lax.scan(body, (p, state), jnp.arange(sched.steps))
        return p, trace

    params = jax.tree_util.tree_map(lambda v: jnp.asarray(v, jnp.float32), params)
    start = time.perf_counter()
    out, (values, gnorms) = run(params, jax.random.PRNGKey(np.uint32(key)), jnp.asarray(masks), xs)
    out = jax.tree_util.tree_map(np.asarray, jax.block_until_ready(out))
    seconds = time.perf_counter() - start
    loss, loss_drift = _tail_stats(np.asarray(values, float), sched.steps)
    gnorm, gnorm_drift = _tail_stats(np.asarray(gnorms, float), sched.steps)
    return out, Trace(loss, loss_drift, gnorm, gnorm_drift, seconds)
