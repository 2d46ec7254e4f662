"""Closed-form denoisers (x₀-predictors) of the laboratory's mixture families.

Every function takes the array module ``xp`` last (``jax.numpy`` for training and sampling,
``numpy`` in float64 for the exact checks) and is vectorised over a batch of noisy points.

**Shared-variance isotropic GMM** (Buchanan et al.'s model): prior (1/M) Σ_j N(m_j, s² I), so
x_t | j ~ N(α m_j, (α² s² + σ²) I) and

    E[x₀ | x_t] = Σ_j w_j(x_t) [σ² m_j + α s² x_t] / (α² s² + σ²),
    w_j ∝ exp(-‖x_t - α m_j‖² / (2(α² s² + σ²))).

With s = 0 and the means at the N training points it is the empirical (memorizing) denoiser; with
the K true means and s² = 1 the ground-truth (generalizing) one. ``mask`` drops padded means
(several model sizes train in one array).

**Colored templates** (their image-like model): component j generates x₀ = c ⊗ T_j with colour
c ~ N(μ_j, v I₃) over a template T_j ∈ R^P. Per colour channel only the coordinate along T_j
carries signal: z = ⟨x_t, T_j⟩/‖T_j‖ ~ N(α ‖T_j‖ μ_j, α² v ‖T_j‖² + σ²), the orthogonal part is
noise N(0, σ²). The posterior colour is ĉ_j = (σ² μ_j + α v ⟨x_t, T_j⟩) / (α² v ‖T_j‖² + σ²).

**Two-region templates** (the FB-Mem data): component j splits its template by a fixed region
indicator R_j into a foreground F_j = T_j ⊙ R_j and a background B_j = T_j ⊙ (1 - R_j), each with
its own colour, x₀ = c_F ⊗ F_j + c_B ⊗ B_j with c_F ~ N(μ_Fj, v I₃) and c_B ~ N(μ_Bj, v I₃)
independent. F_j ⟂ B_j (disjoint supports), so the log-likelihood is the sum of the two
directions' terms and the posterior mean the sum of the two posterior parts: exact, no
approximation. A region whose part is zero (a pruned unit) carries no term at all.
"""

from __future__ import annotations

import numpy as np


def _softmax(z, xp):
    z = z - z.max(axis=-1, keepdims=True)
    e = xp.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def _col(v, xp):
    """A per-row coefficient as a column (scalars pass through)."""
    v = xp.asarray(v)
    return v[..., None] if v.ndim else v


def _rows(v, n, xp):
    """A per-row coefficient (or a scalar, the same for every row) as a column [n, 1]."""
    return xp.broadcast_to(xp.asarray(v), (n,))[:, None]


def gmm_logits(means, var, mask, x, a, s, xp=np):
    """log w_j(x_t) up to a constant per row: [batch, M] (padded means at -inf). The row's own
    ‖x_t‖² is that constant, left out: -‖x_t - α m_j‖²/(2v) + ‖x_t‖²/(2v) = (α⟨x_t, m_j⟩ - α²‖m_j‖²/2)/v."""
    a, s = _col(a, xp), _col(s, xp)
    vt = a**2 * var + s**2
    logits = (a * (x @ means.T) - (a**2 / 2) * (means**2).sum(-1)) / vt
    return logits if mask is None else xp.where(mask, logits, -xp.inf)


def gmm_x0(means, var, mask, x, a, s, xp=np):
    """E[x₀ | x_t] under the shared-variance GMM (``var`` = s², a scalar); [batch, d]."""
    w = _softmax(gmm_logits(means, var, mask, x, a, s, xp), xp)
    a, s = _col(a, xp), _col(s, xp)
    vt = a**2 * var + s**2
    return (s**2 * (w @ means) + a * var * x) / vt


def _template_logits_from(y, n2, colors, var, mask, a, s, xp):
    """The logits from the projections y = ⟨x_t, T_j⟩ per channel, laid out [batch, C, M] (the
    component axis last, where the compiled loops vectorise); see region_logits.

    With z = y/‖T_j‖ and v_j = α² v ‖T_j‖² + σ², log N(z; α ‖T_j‖ μ_j, v_j) - log N(z; 0, σ²) summed
    over channels (the orthogonal part's j-free terms dropped) is expanded in the channel sums
    Σ_c y², Σ_c y μ_j and ‖μ_j‖², using 1/σ² - 1/v_j = α² v ‖T_j‖²/(σ² v_j): two [batch, C, M]
    reductions instead of a dozen elementwise passes, and no difference of two terms of order 1/σ²."""
    c = y.shape[-2]
    v_along = a**2 * var * n2 + s**2  # [batch, M]
    y2 = (y**2).sum(-2)  # Σ_c ⟨x_t, T_j⟩², [batch, M]
    yc = (y * colors.T).sum(-2)  # Σ_c ⟨x_t, T_j⟩ μ_jc, [batch, M]
    ll = (y2 * (a**2 * var) / (2 * s**2) + a * yc - a**2 * n2 * (colors**2).sum(-1) / 2) / v_along
    # log(v_j / σ²) rather than log v_j (a constant per row apart): a direction of norm 0 adds nothing
    logits = ll - 0.5 * c * xp.log1p(a**2 * var * n2 / s**2)
    return logits if mask is None else xp.where(mask, logits, -xp.inf)


def _region_parts(templates, regions, xp):
    """The foreground and background parts of each template, stacked [2M, P] (foreground first)."""
    return xp.concatenate([templates * regions, templates * (1 - regions)], axis=0)


def region_logits(templates, regions, fg_colors, bg_colors, var, mask, x, a, s, xp=np, split=False):
    """log w_j(x_t) of the two-region template mixture; x [batch, C, P]; [batch, M]. With
    ``split`` the foreground's and the background's terms separately (each [batch, M])."""
    a, s = _rows(a, x.shape[0], xp), _rows(s, x.shape[0], xp)
    m = templates.shape[0]
    parts = _region_parts(templates, regions, xp)
    y = xp.einsum("bcp,mp->bcm", x, parts)
    n2 = (parts**2).sum(-1)
    fg = _template_logits_from(y[..., :m], n2[:m], fg_colors, var, None, a, s, xp)
    bg = _template_logits_from(y[..., m:], n2[m:], bg_colors, var, None, a, s, xp)
    if split:
        return fg, bg
    logits = fg + bg
    return logits if mask is None else xp.where(mask, logits, -xp.inf)


def region_x0(templates, regions, fg_colors, bg_colors, var, mask, x, a, s, xp=np):
    """E[x₀ | x_t] under the two-region template mixture; x [batch, C, P] -> [batch, C, P]."""
    a, s = _rows(a, x.shape[0], xp), _rows(s, x.shape[0], xp)
    m = templates.shape[0]
    parts = _region_parts(templates, regions, xp)  # [2M, P]
    y = xp.einsum("bcp,mp->bcm", x, parts)  # one contraction for both regions
    n2 = (parts**2).sum(-1)
    colors = xp.concatenate([fg_colors, bg_colors], axis=0)  # [2M, C]
    logits = _template_logits_from(y[..., :m], n2[:m], fg_colors, var, None, a, s, xp) + _template_logits_from(
        y[..., m:], n2[m:], bg_colors, var, None, a, s, xp
    )
    if mask is not None:
        logits = xp.where(mask, logits, -xp.inf)
    w = _softmax(logits, xp)  # [batch, M]
    w2 = xp.concatenate([w, w], axis=-1)  # each component's weight on both of its parts
    denom = a**2 * var * n2 + s**2  # [batch, 2M]
    r = (w2 / denom)[:, None]
    u = r * ((s**2)[:, None] * colors.T + (a * var)[:, None] * y)
    return xp.einsum("bcm,mp->bcp", u, parts)


def responsibilities(logits, xp=np):
    """Posterior component weights from logits (softmax over the last axis)."""
    return _softmax(logits, xp)
