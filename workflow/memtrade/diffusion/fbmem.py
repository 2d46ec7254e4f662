"""FB-Mem's mitigation on the two-region template model (Di et al. 2025), pruned per region.

Their mitigation (NeMo) deactivates the neurons whose activations are outliers on memorized prompts.
The template model's units are its components' two parts: the foreground part (template ⊙ region,
with its colour) and the background part. A unit that memorizes puts its responsibility on one training
image. At probe time t (a small grid time), with each training image noised once, the responsibility
of a region's units is the posterior over components computed from that region's term of the
likelihood alone, and a unit's concentration is the margin, in log responsibility, between the
training image it is most responsible for and the second: log w_(1)j - log w_(2)j. A share such as
max_i w_ij / Σ_i w_ij saturates at 1 when the posteriors are nearly one-hot (they are at small t),
and its ties would be broken by the units' order (foreground first), deciding which region loses
more; the margin does not saturate. The ``fraction`` of each model's units with the largest
margin, ranked together whatever their region, are zeroed (their part of the template set to 0, so the
component no longer generates or scores that region); a component with both units zeroed is masked
out, and at least one unit is kept. Which region loses more units is the model's doing, not the
rule's. ``key`` (from :mod:`memtrade.seeds`) draws the probe noise.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from ..jaxpin import jax
from . import denoisers

#: the region axis of a unit array [models, components, 2]
REGIONS = ("foreground", "background")


def concentration(params, masks, x_train, t: float, key) -> np.ndarray:
    """[models, components, 2]: log w_(1)j - log w_(2)j, the margin between the two training images
    i with the largest log responsibility of unit j, per region (-inf for padded components)."""
    x = jnp.asarray(x_train, jnp.float32)
    a, s = float(np.sqrt(1 - t**2)), float(t)
    x_t = a * x + s * jax.random.normal(key, x.shape, jnp.float32)
    n = len(x)

    def one(tpl, reg, fg_col, bg_col, std, mask):
        parts = denoisers.region_logits(
            tpl, reg, fg_col, bg_col, std**2, mask, x_t, jnp.full(n, a), jnp.full(n, s), jnp, split=True
        )
        out = []
        for logits in parts:
            lw = jax.nn.log_softmax(jnp.where(mask, logits, -jnp.inf), axis=-1)  # [N, M], stable in logs
            top2 = jax.lax.top_k(lw.T, 2)[0]  # [M, 2]: each unit's two largest over the images
            out.append(jnp.where(mask, top2[:, 0] - top2[:, 1], -jnp.inf))
        return jnp.stack(out, axis=-1)

    f = jax.jit(jax.vmap(one))
    p = {k: jnp.asarray(v, jnp.float32) for k, v in params.items()}
    return np.asarray(
        f(p["templates"], p["regions"], p["fg_colors"], p["bg_colors"], p["std"], jnp.asarray(masks)), float
    )


def mitigate(params, masks, x_train, ts, settings, key: int) -> np.ndarray:
    """The units kept [models, components, 2] after zeroing the most concentrated
    ``settings['fraction']`` of each model's units, foreground and background ranked together."""
    t = float(ts[int(settings["probe_index"])])
    c = concentration(params, masks, x_train, t, jax.random.PRNGKey(key))
    models, pad = masks.shape
    units = np.repeat(masks[:, :, None], 2, axis=2).reshape(models, -1)
    c = np.where(units, c.reshape(models, -1), -np.inf)
    sizes = units.sum(1)
    drop = np.minimum(np.floor(settings["fraction"] * sizes).astype(int), sizes - 1)
    order = np.argsort(-c, axis=1, kind="stable")  # most concentrated first
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(2 * pad)[None, :].repeat(models, 0), axis=1)
    return (units & (ranks >= drop[:, None])).reshape(models, pad, 2)


def prune(params, masks, keep):
    """The model with the units not in ``keep`` [models, components, 2] zeroed: (params, masks)."""
    regions = np.asarray(params["regions"], float)
    scale = keep[..., :1] * regions + keep[..., 1:] * (1 - regions)
    out = dict(params)
    out["templates"] = np.asarray(params["templates"], float) * scale
    return out, masks & keep.any(-1)
