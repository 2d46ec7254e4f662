"""Exact SDPI constants eta_KL(P_B, P_{A|B}) for finite alphabets (docs/science.md section 2).

    eta_KL = sup_Q D(Q_B W || P_B W) / D(Q_B || P_B),   W = P_{A|B}.

- Binary A: for each value of Q_A(1) the KL-closest Q_B is the exponential
  tilt Q_lambda ~ P_B exp(lambda f), f(b) = P(A = 1 | B = b), so eta_KL is a
  one-dimensional supremum over lambda. Near lambda = 0 both divergences are
  O(lambda^2); they are computed without cancellation (centred tilts, expm1,
  and a series for phi(1 + e) = (1 + e) log(1 + e) - e), and the lambda -> 0
  limit (the maximal correlation squared) and the lambda -> +-inf limits
  (Q on the arg max / arg min of f) are candidates too.
- General A: a maximisation over Q_B on the simplex (softmax parameters),
  from many restarts, plus the same limits.

Every result carries the sanity bounds maximal-correlation^2 <= eta <= Dobrushin.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize, minimize_scalar
from scipy.special import logsumexp, rel_entr

from . import seeds

_SLACK = 1e-9  # relative round-off allowed in the sanity-bound check


@dataclass(frozen=True)
class Eta:
    """eta_KL with its sanity bounds; ``gap`` = 1 - eta, computed without cancellation where possible."""

    eta: float
    maxcorr2: float
    dobrushin: float
    method: str
    gap: float
    #: the maximising Q_B over the input alphabet (entries 0 where P_B = 0); empty when the supremum is the
    #: limit Q -> P_B (the maximal correlation), which no distribution attains
    q_b: tuple = ()


def _clean(p_b, w):
    p_b = np.asarray(p_b, dtype=float)
    w = np.asarray(w, dtype=float)
    if w.ndim != 2 or w.shape[0] != p_b.shape[0]:
        raise ValueError("w must be a |B| x |A| matrix of conditional probabilities")
    if np.any(p_b < 0) or np.any(w < 0):
        raise ValueError("probabilities must be non-negative")
    keep = p_b > 0
    p_b, w = p_b[keep] / p_b[keep].sum(), w[keep]
    w = w / w.sum(axis=1, keepdims=True)
    return p_b, w


def maximal_correlation2(p_b, w) -> float:
    """Squared Hirschfeld-Gebelein-Renyi maximal correlation of (A, B)."""
    p_b, w = _clean(p_b, w)
    p_a = p_b @ w
    cols = p_a > 0
    joint = p_b[:, None] * w[:, cols]
    m = joint / np.sqrt(np.outer(p_b, p_a[cols]))
    s = np.linalg.svd(m, compute_uv=False)
    return float(s[1] ** 2) if len(s) > 1 else 0.0


def dobrushin(w, p_b=None) -> float:
    """Dobrushin coefficient: the largest total-variation distance between rows of W."""
    if p_b is not None:
        _, w = _clean(p_b, w)
    w = np.asarray(w, dtype=float)
    return float(0.5 * np.abs(w[:, None, :] - w[None, :, :]).sum(axis=2).max())


def dobrushin_gap(w) -> float:
    """1 - Dobrushin coefficient = the smallest overlap sum_a min(W(a|b), W(a|b')) of two rows."""
    w = np.asarray(w, dtype=float)
    return float(np.minimum(w[:, None, :], w[None, :, :]).sum(axis=2).min())


def maxcorr_gap_binary(p_b, w) -> float:
    """1 - maximal correlation^2 for binary A: E[P(0|B) P(1|B)] / (P_A(0) P_A(1)) (total variance)."""
    p_a = p_b @ w
    return float(p_b @ (w[:, 0] * w[:, 1]) / (p_a[0] * p_a[1]))


def _phi1p(e):
    """phi(1 + e) = (1 + e) log(1 + e) - e >= 0, accurate for small |e| (series)."""
    e = np.asarray(e, dtype=float)
    small = np.abs(e) < 1e-2
    es = np.where(small, e, 0.0)
    series = np.zeros_like(es)
    for k in range(9, 1, -1):  # Horner: sum_{k=2}^{9} (-1)^k e^k / (k (k - 1)) = e^2 (c_2 + e (c_3 + ...))
        series = series * es + (-1) ** k / (k * (k - 1))
    series *= es * es
    el = np.where(small, 0.0, e)
    with np.errstate(divide="ignore", invalid="ignore"):
        direct = np.where(el > -1, (1 + el) * np.log1p(el) - el, 1.0)
    return np.where(small, series, direct)


def _kl(q, p):
    """D(q || p) in nats for probability vectors (rel_entr handles zeros)."""
    return float(np.sum(rel_entr(q, p)))


def _kl_bern(q, p):
    """D(Bern(q) || Bern(p)) in nats, elementwise."""
    q = np.asarray(q, dtype=float)
    return rel_entr(q, p) + rel_entr(1 - q, 1 - p)


def _tilt_ratio(lam, p_b, g, p: float):
    """D(Bern(q_lam) || Bern(p)) / D(Q_lam || P_B) for tilts Q_lam ~ P_B exp(lam g), vectorised over lam."""
    lam = np.atleast_1d(np.asarray(lam, dtype=float))
    x = lam[:, None] * g[None, :]
    small = np.max(np.abs(x), axis=1) < 0.05
    num = np.empty(len(lam))
    den = np.empty(len(lam))
    if small.any():  # small tilts: centred, cancellation-free forms
        xs = x[small]
        psi = np.log1p(np.expm1(xs) @ p_b)
        e = np.expm1(xs - psi[:, None])  # Q_b / P_b - 1
        den[small] = _phi1p(e) @ p_b
        delta = (e * g[None, :]) @ p_b  # q - p
        num[small] = p * _phi1p(delta / p) + (1 - p) * _phi1p(-delta / (1 - p))
    if (~small).any():
        xl = x[~small]
        log_q = np.log(p_b)[None, :] + xl - logsumexp(xl, b=p_b[None, :], axis=1)[:, None]
        q_b = np.exp(log_q)
        den[~small] = np.sum(q_b * (log_q - np.log(p_b)[None, :]), axis=1)
        q = np.clip(q_b @ (g + p), 0.0, 1.0)
        num[~small] = _kl_bern(q, p)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / den, 0.0)


def _tilt(lam: float, p_b, g):
    """Q_lam ~ P_B exp(lam g)."""
    x = lam * g
    q = p_b * np.exp(x - x.max())
    return q / q.sum()


def _eta_binary(p_b, w) -> tuple[float, np.ndarray | None]:
    """(eta, maximising Q_B or None when the supremum is the lambda -> 0 limit)."""
    f = w[:, 1]
    p = float(p_b @ f)
    if p <= 0 or p >= 1 or np.ptp(f) == 0:
        return 0.0, None
    g = f - p
    candidates = [(maximal_correlation2(p_b, w), None)]
    # lambda -> +-inf: Q uniform (relative to P) on the arg max / arg min of f
    for mask in (f == f.max(), f == f.min()):
        mass = p_b[mask].sum()
        if mass < 1:
            q = float(f[mask][0])
            candidates.append((float(_kl_bern(q, p)) / -np.log(mass), np.where(mask, p_b, 0.0) / mass))
    grid = np.concatenate([-np.logspace(-3, 3.5, 160)[::-1], np.logspace(-3, 3.5, 160)]) / np.ptp(g)
    values = _tilt_ratio(grid, p_b, g, p)
    candidates.extend((float(v), lam) for v, lam in zip(values, grid, strict=True))
    i = int(np.argmax(values))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    res = minimize_scalar(
        lambda lam: -_tilt_ratio(lam, p_b, g, p)[0],
        bounds=(lo, hi),
        method="bounded",
        options={"xatol": 1e-12 * max(abs(lo), abs(hi))},
    )
    candidates.append((float(-res.fun), float(res.x)))
    value, arg = max(candidates, key=lambda c: c[0])
    if value <= candidates[0][0] * (1 + 1e-9):  # the supremum is the lambda -> 0 limit: not attained
        return float(value), None
    if isinstance(arg, float):
        arg = _tilt(arg, p_b, g)
    return float(value), arg


def _ratio_softmax(v, p_b, w, p_a) -> float:
    """D(QW || PW) / D(Q || P) for Q ~ P exp(v), without cancellation when Q is close to P."""
    x = v - logsumexp(v, b=p_b)  # log(Q_b / P_b)
    if np.max(np.abs(x)) < 1e-6 * (1.0 + np.max(np.abs(v))):
        return 0.0  # Q = P up to round-off: 0/0 here; the Q -> P limit is the maxcorr2 candidate
    e = np.expm1(x)
    den = float(p_b @ _phi1p(e))
    if den <= 0:
        return 0.0
    e_a = ((p_b * e) @ w) / p_a  # Q_A / P_A - 1
    return float(p_a @ _phi1p(e_a)) / den


def _eta_general(p_b, w, restarts: int, seed: int) -> tuple[float, np.ndarray | None]:
    """(eta, maximising Q_B or None when the supremum is the Q -> P_B limit), from many restarts."""
    p_a = p_b @ w
    candidates = [(maximal_correlation2(p_b, w), None)]
    for b in range(len(p_b)):  # point masses Q = delta_b
        if p_b[b] < 1:
            candidates.append((_kl(w[b], p_a) / -np.log(p_b[b]), np.eye(len(p_b))[b]))
    rng = seeds.generator(seed, "eta", "restarts")
    starts = [s * rng.standard_normal(len(p_b)) for s in (0.3, 1.0, 3.0, 10.0) for _ in range(restarts)]
    objective = lambda v: -_ratio_softmax(v, p_b, w, p_a)  # noqa: E731
    ends = []
    for v0 in starts:
        res = minimize(objective, v0, method="L-BFGS-B", options={"ftol": 1e-13, "maxiter": 300})
        candidates.append((-res.fun, _tilt(1.0, p_b, res.x)))  # the softmax point as a distribution
        ends.append(res)
    # polish the best end point with Nelder-Mead (derivative-free, robust near the optimum)
    best = min(ends, key=lambda r: r.fun)
    polish = minimize(
        objective, best.x, method="Nelder-Mead", options={"xatol": 1e-11, "fatol": 1e-16, "maxiter": 4000}
    )
    candidates.append((-polish.fun, _tilt(1.0, p_b, polish.x)))
    value, q = max(candidates, key=lambda c: c[0])
    if value <= candidates[0][0] * (1 + 1e-9):  # the supremum is the Q -> P_B limit: not attained
        return float(value), None
    return float(value), q


def eta_kl(p_b, w, restarts: int = 4, seed: int = 0) -> Eta:
    """eta_KL(P_B, P_{A|B}) with its sanity bounds and maximiser; raises if the bounds are violated."""
    raw = np.asarray(p_b, dtype=float)
    p_b, w = _clean(p_b, w)
    keep = raw > 0
    cols = (p_b @ w) > 0
    w = w[:, cols]
    rho2, dob = maximal_correlation2(p_b, w), dobrushin(w)
    if len(p_b) < 2 or w.shape[1] < 2:
        return Eta(0.0, 0.0, 0.0, "degenerate", 1.0)
    q = None
    if rho2 >= dob * (1 - 1e-12):
        # maxcorr2 <= eta <= Dobrushin leaves no room; 1 - Dobrushin is an overlap, free of cancellation
        eta, method, gap = rho2, "pinned", dobrushin_gap(w)
    elif w.shape[1] == 2:
        (eta, q), method = _eta_binary(p_b, w), "tilt"
        # the supremum is the lambda -> 0 limit: its gap has a cancellation-free form
        gap = maxcorr_gap_binary(p_b, w) if eta <= rho2 * (1 + 1e-9) else 1.0 - eta
    else:
        (eta, q), method = _eta_general(p_b, w, restarts, seed), "simplex"
        gap = 1.0 - eta
    if not (rho2 <= eta * (1 + _SLACK) + 1e-15 and eta <= dob * (1 + _SLACK) + 1e-15):
        raise ArithmeticError(f"SDPI sanity bounds violated: maxcorr2={rho2} eta={eta} dobrushin={dob}")
    q_b = ()
    if q is not None:
        full = np.zeros(len(raw))
        full[keep] = q
        q_b = tuple(float(x) for x in full)
    return Eta(min(eta, dob), rho2, dob, method, max(gap, 0.0), q_b)


def eta_record(p_b, w, restarts: int) -> dict:
    """eta_KL, its bounds (maximal correlation^2 below, Dobrushin above), the maximising Q_B and the method.

    A flat record for ``memtrade eta``: eta_kl, maximal_correlation2 and dobrushin are
    dimensionless contraction coefficients; maximising_q_b is a list, or a sentence where the
    supremum is the limit Q_B -> P_B and so not attained.
    """
    res = eta_kl(p_b, w, restarts=restarts)
    method = {"tilt": "exact tilting (binary A)", "simplex": f"optimiser on the simplex ({4 * restarts} restarts)"}
    return {
        "eta_kl": res.eta,
        "maximal_correlation2": res.maxcorr2,
        "dobrushin": res.dobrushin,
        "method": method.get(res.method, res.method),
        "maximising_q_b": list(res.q_b) if res.q_b else "none attained: the supremum is the limit Q_B -> P_B",
    }


def ratio_at(p_b, w, q_b) -> float:
    """D(Q_B W || P_B W) / D(Q_B || P_B) in nats over nats: the ratio eta_KL maximises, at one Q_B."""
    p_b, w, q_b = (np.asarray(a, dtype=float) for a in (p_b, w, q_b))
    return _kl(q_b @ w, p_b @ w) / _kl(q_b, p_b)
