"""FB-Mem's mitigation on the template model (Di et al. 2025).

Their mitigation prunes the units whose activations are outliers on memorized prompts. The template
model's units are its components; a component that memorizes puts its responsibility on one or a
few training images. At probe time t (a small grid time), with each training image noised once, the
concentration of component j is the largest share of its total responsibility that one training
image takes. The ``fraction`` of each model's components with the highest concentration are zeroed
(masked out of the mixture); at least one component is kept. ``key`` (from :mod:`memtrade.seeds`)
draws the probe noise.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ..jaxpin import jax
from . import denoisers


def concentration(params, masks, x_train, t: float, key) -> np.ndarray:
    """[models, components]: max_i w_ij / Σ_i w_ij over the training images i (0 for unused or padded)."""
    x = jnp.asarray(x_train, jnp.float32)
    a, s = float(np.sqrt(1 - t**2)), float(t)
    x_t = a * x + s * jax.random.normal(key, x.shape, jnp.float32)

    def one(tpl, col, std, mask):
        w = denoisers.responsibilities(
            denoisers.template_logits(tpl, col, std**2, mask, x_t, jnp.full(len(x), a), jnp.full(len(x), s), jnp),
            jnp,
        )  # [N, M]
        total = w.sum(0)
        return jnp.where(total > 1e-12, w.max(0) / jnp.maximum(total, 1e-30), 0.0)

    f = jax.jit(jax.vmap(one))
    return np.asarray(
        f(
            jnp.asarray(params["templates"], jnp.float32),
            jnp.asarray(params["colors"], jnp.float32),
            jnp.asarray(params["std"], jnp.float32),
            jnp.asarray(masks),
        ),
        float,
    )


def mitigate(params, masks, x_train, ts, settings, key: int) -> np.ndarray:
    """The masks after zeroing the most concentrated ``settings['fraction']`` of each model's components."""
    t = float(ts[int(settings["probe_index"])])
    c = concentration(params, masks, x_train, t, jax.random.PRNGKey(key))
    c = np.where(masks, c, -np.inf)
    keep = masks.copy()
    sizes = masks.sum(1)
    drop = np.minimum(np.floor(settings["fraction"] * sizes).astype(int), sizes - 1)
    order = np.argsort(-c, axis=1, kind="stable")  # most concentrated first
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(masks.shape[1])[None, :].repeat(len(masks), 0), axis=1)
    keep &= ranks >= drop[:, None]
    return keep
