"""Batches of denoisers as arrays: initialisation, DDIM sampling and per-t losses, vmapped over models.

A batch holds models of different sizes padded to one size P (means beyond a model's size are
masked out), so one compiled program serves every size of a sweep point.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ..jaxpin import jax
from . import process
from .train import APPLY, eps_loss


def gmm_pmem(rng: np.random.Generator, x_train: np.ndarray, sizes, pad: int, init_var: float):
    """Their "PMEM" initialisation: each model's means at M distinct training points, variance ``init_var``."""
    n, d = x_train.shape
    means = np.zeros((len(sizes), pad, d))
    for i, m in enumerate(sizes):  # one draw per model (a handful of models per job)
        means[i, :m] = x_train[rng.choice(n, m, replace=False)]
    masks = np.arange(pad)[None, :] < np.asarray(sizes)[:, None]
    params = {"means": means, "std": np.full(len(sizes), np.sqrt(init_var))}
    return params, masks


def template_pmem(rng: np.random.Generator, tpl, sizes, pad: int, init_var: float):
    """PMEM for the two-region template model: component j starts at a training image's template,
    foreground region and two colours (``tpl`` a :class:`data.Templates`), variance ``init_var``.
    The regions stay fixed in training, so a model of at least K components starts with every
    class (one image of each, the rest at random; their PMEM draws all at random). A padded
    component has a template of ones, all foreground."""
    n = len(tpl.x_train)
    p = tpl.templates.shape[1]
    channels = tpl.x_train.shape[1]
    shape = (len(sizes), pad)
    out = {
        "templates": np.ones(shape + (p,)),
        "regions": np.ones(shape + (p,)),
        "fg_colors": np.zeros(shape + (channels,)),
        "bg_colors": np.zeros(shape + (channels,)),
    }
    classes = np.unique(tpl.y_train)
    for i, m in enumerate(sizes):  # one draw per model (a handful of models per job)
        if m >= len(classes):
            # DEVIATION (the fixed regions): one training image of every class first, then the rest
            # at random; theirs draws all m at random, and a class left out could never be
            # represented by a component whose region is another class's
            first = np.array([rng.choice(np.flatnonzero(tpl.y_train == c)) for c in classes])
            rest = rng.choice(np.setdiff1d(np.arange(n), first), m - len(first), replace=False)
            idx = np.concatenate([first, rest])
        else:
            idx = rng.choice(n, m, replace=False)
        y = tpl.y_train[idx]
        out["templates"][i, :m] = tpl.templates[y]
        out["regions"][i, :m] = tpl.masks[y]
        out["fg_colors"][i, :m] = tpl.fg_colors[idx]
        out["bg_colors"][i, :m] = tpl.bg_colors[idx]
    out["std"] = np.full(len(sizes), np.sqrt(init_var))
    masks = np.arange(pad)[None, :] < np.asarray(sizes)[:, None]
    return out, masks


def _as32(tree):
    return jax.tree_util.tree_map(lambda v: jnp.asarray(v, jnp.float32), tree)


def sample(kind: str, params, masks, x_init, ts) -> np.ndarray:
    """DDIM samples of every model of the batch from ``x_init`` [models, samples, ...] over grid ``ts``."""
    apply = APPLY[kind]

    def one(p, mask, x):
        f = apply(p, mask)
        return process.ddim(lambda y, t: f(y, jnp.sqrt(1.0 - t**2), t), x, ts)

    return np.asarray(jax.jit(jax.vmap(one))(_as32(params), jnp.asarray(masks), jnp.asarray(x_init, jnp.float32)))


def losses_per_t(kind: str, params, masks, x0, ts, draws: int, key) -> np.ndarray:
    """ε-prediction loss of every model at every grid time, on ``x0`` with ``draws`` noise draws per point.

    The same noise for every model (common random numbers). Returns [models, times] (float64).
    """
    apply = APPLY[kind]
    x0 = jnp.asarray(x0, jnp.float32)
    ts = jnp.asarray(ts, jnp.float32)
    x = jnp.repeat(x0, draws, axis=0)
    eps = jax.random.normal(key, (ts.shape[0],) + x.shape, jnp.float32)

    def one(p, mask):
        f = apply(p, mask)

        def at(t, e):
            a = jnp.full((x.shape[0],), jnp.sqrt(1.0 - t**2))
            s = jnp.full((x.shape[0],), t)
            shape = (-1,) + (1,) * (x.ndim - 1)
            return eps_loss(f, a.reshape(shape) * x + s.reshape(shape) * e, e, a, s)

        return jax.lax.map(lambda te: at(*te), (ts, eps))

    return np.asarray(jax.jit(jax.vmap(one))(_as32(params), jnp.asarray(masks)), float)


def stack(*batches):
    """Concatenate (params, masks) batches of one kind, padding means to the largest size."""
    pad = max(m.shape[1] for _, m in batches)

    def grow(v, size):
        if v.ndim < 2 or v.shape[1] == size:
            return v
        extra = np.zeros((v.shape[0], size - v.shape[1]) + v.shape[2:])
        if v.ndim == 3 and extra.size:
            extra[...] = 1.0  # padded templates/means: masked out; nonzero keeps template norms finite
        return np.concatenate([v, extra], axis=1)

    params = {k: np.concatenate([grow(np.asarray(p[k], float), pad) for p, _ in batches]) for k in batches[0][0]}
    masks = np.concatenate([np.pad(m, ((0, 0), (0, pad - m.shape[1]))) for _, m in batches])
    return params, masks
