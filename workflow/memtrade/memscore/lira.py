"""Membership inference from the subset fits: LiRA online and offline, the loss attack, ROC at low FPR.

Carlini et al., "Membership Inference Attacks From First Principles" (S&P 2022); their code is
tensorflow/privacy research/mi_lira_2021 (``score.py``: the signal; ``plot.py``: the attacks and
the ROC). The memscore fits are LiRA's shadow models: fit r holds example i when ``masks[r, i]``.

- The signal of fit r on example i is the true label's probability p and its logit
  φ = log p − log(Σ of the other classes' probabilities), as ``score.py`` computes it (the wrong
  mass summed, not 1 − p, so that φ keeps its digits near p = 1). Deviation: φ is clipped to
  [−PHI_CLIP, PHI_CLIP] (``score.py`` adds 1e-45 inside the logs, about ±103; scikit-learn's
  float64 probabilities of exactly 0 or 1 would otherwise decide the Gaussians' variances).
- **Online** (``generate_ours``): per example, Gaussians of φ over the fits that held it (in) and
  those that did not (out), centred at the **median** and scaled by the standard deviation
  (ddof 0, plus 1e-30) as in ``plot.py``; the score is log N(φ; in) − log N(φ; out).
- **Offline** (``generate_ours_offline``): the out Gaussian only. Deviation: the paper's one-sided
  test (Λ = Pr[Z ≤ φ], Z the out Gaussian), scored by its monotone statistic z = (φ − μ_out)/σ_out;
  ``plot.py`` scores the two-sided density log N(φ; out) instead.
- **Loss** (``generate_global``, Yeom et al.): one global threshold on φ (monotone in the loss −log p).
- **Global variance** (``fix_variance=True`` in ``plot.py``): σ is the standard deviation of all the
  shadows' φ on their side, over every example. Used when the fewest shadows an example has on one
  side is below MIN_PER_SIDE (32: the paper's 64 shadow models at half splits), per-example
  variances otherwise. Deviation: ``plot.py``'s online fixed-variance branch takes σ_out from the
  in scores (``std_out = np.std(dat_in)``); here σ_out comes from the out scores.
- **Evaluation** (``do_plot``): ``plot.py`` attacks the last fit with the others as shadows. Here
  every fit in turn is the target and the others its shadows (leave one target out), over every
  (example, target) pair; medians and variances without the target are computed in closed form
  from sorted values, not by refitting or looping. Deviation: ``plot.py`` truncates every
  example's shadows to the smallest count any example has; here each example uses all of its own.
- TPR at a given FPR is the highest TPR of a ROC point with FPR ≤ that value (``plot.py``: the last
  point with FPR strictly below it); the AUC is the trapezoid area of the ROC (ties count half).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PHI_CLIP = 30.0  # |phi| <= 30: p within e^-30 (about 1e-13) of 0 or 1
MIN_PER_SIDE = 32  # fewest shadows on a side for per-example variances (else the global variance)
SIGMA_FLOOR = 1e-30  # plot.py's std + 1e-30
ATTACKS = ("lira_online", "lira_offline", "loss")
FPRS = {"tpr_at_0.1pct_fpr": 0.001, "tpr_at_1pct_fpr": 0.01}


def signal(proba: np.ndarray, classes: np.ndarray, y: np.ndarray, clip: float = PHI_CLIP):
    """(p, φ) of every example: the probability of its label ``y`` under ``proba`` (columns ``classes``;
    0 for a label the model never saw) and the logit log p − log(other classes' mass), clipped."""
    proba = np.asarray(proba, dtype=np.float64)
    match = np.asarray(y)[:, None] == np.asarray(classes)[None, :]
    p = np.where(match, proba, 0.0).sum(1)
    wrong = np.where(match, 0.0, proba).sum(1)
    tiny = np.finfo(np.float64).tiny
    phi = np.log(np.maximum(p, tiny)) - np.log(np.maximum(wrong, tiny))
    return p, np.clip(phi, -clip, clip)


# ------------------------------------------------------------------------------------------ ROC


def roc(scores, truth):
    """ROC of ``scores`` (higher: member) against boolean ``truth``, one point per distinct threshold.

    Returns (fpr, tpr, thresholds), starting at (0, 0) with threshold +inf. Needs both classes.
    """
    s = np.asarray(scores, dtype=np.float64).ravel()
    t = np.asarray(truth, dtype=bool).ravel()
    order = np.argsort(-s, kind="stable")
    s, t = s[order], t[order]
    last = np.append(np.flatnonzero(s[1:] != s[:-1]), len(s) - 1)  # the last pair of each threshold
    tps = np.cumsum(t)[last]
    fps = last + 1 - tps
    if tps[-1] == 0 or fps[-1] == 0:
        raise ValueError("a ROC needs members and non-members")
    return np.append(0.0, fps / fps[-1]), np.append(0.0, tps / tps[-1]), np.append(np.inf, s[last])


def auc(fpr, tpr) -> float:
    """Area under the ROC (trapezoids: tied scores count half, the Mann-Whitney statistic)."""
    return float(np.trapezoid(tpr, fpr))


def tpr_at(fpr, tpr, max_fpr: float) -> float:
    """The highest TPR among ROC points with FPR ≤ ``max_fpr``."""
    return float(np.max(np.asarray(tpr)[np.asarray(fpr) <= max_fpr]))


def threshold_at(fpr, thresholds, max_fpr: float) -> float:
    """The lowest threshold whose FPR is ≤ ``max_fpr`` (score ≥ it: called a member)."""
    return float(np.asarray(thresholds)[np.asarray(fpr) <= max_fpr][-1])


def roc_grid(fpr, tpr, points: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """The step ROC at ``points`` log-spaced FPRs from the smallest positive one to 1, plus 0, 0.1 % and
    1 %: the highest TPR at FPR ≤ each (a ROC file of bounded size, exact at the reported FPRs)."""
    fpr, tpr = np.asarray(fpr), np.asarray(tpr)
    low = fpr[fpr > 0].min()
    grid = np.unique(np.concatenate([[0.0], np.geomspace(low, 1.0, points), list(FPRS.values())]))
    grid = grid[(grid == 0) | (grid >= low)]
    return grid, tpr[np.searchsorted(fpr, grid, side="right") - 1]


# ------------------------------------------------------------------------------------ Gaussians


def _median_sorted(srt: np.ndarray, k: np.ndarray, drop=None) -> np.ndarray:
    """Medians of rows of ``srt`` (ascending, the first k[i] entries valid), as np.median takes them.

    With ``drop`` (rows, cols) of positions, each entry is the median of the row without that position.
    """
    if drop is None:
        lo, hi = (k - 1) // 2, k // 2
        rows = np.arange(len(srt))
        with np.errstate(invalid="ignore"):
            return np.where(k > 0, 0.5 * (srt[rows, np.maximum(lo, 0)] + srt[rows, np.maximum(hi, 0)]), np.nan)
    kk = (k - 1)[:, None]  # the count without the dropped value
    lo, hi = (kk - 1) // 2, kk // 2
    lo, hi = lo + (lo >= drop), hi + (hi >= drop)  # positions in the full row, skipping the dropped one
    m = srt.shape[1] - 1
    a = np.take_along_axis(srt, np.clip(np.broadcast_to(lo, drop.shape), 0, m), 1)
    b = np.take_along_axis(srt, np.clip(np.broadcast_to(hi, drop.shape), 0, m), 1)
    with np.errstate(invalid="ignore"):
        return np.where(kk > 0, 0.5 * (a + b), np.nan)


def side_stats(phi: np.ndarray, side: np.ndarray) -> dict[str, np.ndarray]:
    """Per example (column), the median and standard deviation (ddof 0) of φ over the fits in ``side``,
    and for every (fit, example) with the fit in ``side`` the same without that fit (leave one out).

    phi (m, n); side (m, n) bool. Returns med, sd (n,) and med_loo, sd_loo (m, n) (NaN off ``side``).
    """
    m, n = phi.shape
    k = side.sum(0)
    vals = np.where(side, phi, np.inf).T  # (n, m), the side's values first once sorted
    order = np.argsort(vals, axis=1, kind="stable")
    srt = np.take_along_axis(vals, order, 1)
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.broadcast_to(np.arange(m), (n, m)), 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(side, phi, 0.0).sum(0) / k
        c = np.where(side, phi - mean, 0.0)  # centred: the leave-one-out variance without cancellation
        q = (c * c).sum(0)
        var_loo = (q - c * c) / (k - 1) - (c / (k - 1)) ** 2
        return {
            "med": _median_sorted(srt, k),
            "sd": np.sqrt(q / k),
            "med_loo": np.where(side, _median_sorted(srt, k, rank).T, np.nan),
            "sd_loo": np.where(side & (k > 1), np.sqrt(np.maximum(var_loo, 0.0)), np.nan),
        }


def global_sd(phi: np.ndarray, side: np.ndarray, leave_out: bool = True) -> np.ndarray:
    """``plot.py``'s fixed variance: the standard deviation (ddof 0) of every φ on ``side``, over all
    examples; with ``leave_out``, one value per fit r, computed without fit r's row (its shadows')."""
    x = np.where(side, phi, 0.0)
    centre = x.sum() / side.sum()
    c = np.where(side, phi - centre, 0.0)
    s, q, k = c.sum(1), (c * c).sum(1), side.sum(1)
    if not leave_out:
        return np.sqrt(q.sum() / k.sum() - (s.sum() / k.sum()) ** 2)
    s, q, k = s.sum() - s, q.sum() - q, k.sum() - k
    return np.sqrt(np.maximum(q / k - (s / k) ** 2, 0.0))


def per_example_variance(masks: np.ndarray) -> bool:
    """Whether every example keeps at least MIN_PER_SIDE shadows on each side with one fit its target."""
    return bool(min(masks.sum(0).min(), (~masks).sum(0).min()) - 1 >= MIN_PER_SIDE)


def _log_normal(x, mu, sd):
    sd = sd + SIGMA_FLOOR
    return -np.log(sd) - 0.5 * ((x - mu) / sd) ** 2  # the constant -log sqrt(2 pi) cancels


def attack_scores(masks: np.ndarray, phi: np.ndarray, fix_variance: bool | None = None) -> dict[str, np.ndarray]:
    """Every attack's score (higher: member) of every (target fit, example) pair, shape (m, n), the
    target's own φ judged against the Gaussians of the other fits (module docstring).

    ``fix_variance`` None picks per-example variances when :func:`per_example_variance` holds.
    """
    masks = np.asarray(masks, dtype=bool)
    phi = np.asarray(phi, dtype=np.float64)
    if fix_variance is None:
        fix_variance = not per_example_variance(masks)
    s_in, s_out = side_stats(phi, masks), side_stats(phi, ~masks)
    mu_in = np.where(masks, s_in["med_loo"], s_in["med"])  # the target's own side without it
    mu_out = np.where(masks, s_out["med"], s_out["med_loo"])
    if fix_variance:
        sd_in = np.broadcast_to(global_sd(phi, masks)[:, None], phi.shape)
        sd_out = np.broadcast_to(global_sd(phi, ~masks)[:, None], phi.shape)
    else:
        sd_in = np.where(masks, s_in["sd_loo"], s_in["sd"])
        sd_out = np.where(masks, s_out["sd"], s_out["sd_loo"])
    return {
        "lira_online": _log_normal(phi, mu_in, sd_in) - _log_normal(phi, mu_out, sd_out),
        "lira_offline": (phi - mu_out) / (sd_out + SIGMA_FLOOR),
        "loss": phi,
    }


# ----------------------------------------------------------------------------------- per example


def per_example_auc(masks: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Per example, the AUC of its scores over the target fits that held it against those that did not."""
    from scipy.stats import rankdata

    ranks = rankdata(scores, axis=0)  # ties averaged
    k_in, k_out = masks.sum(0), (~masks).sum(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return ((ranks * masks).sum(0) - k_in * (k_in + 1) / 2) / (k_in * k_out)


def memorization_phi(masks: np.ndarray, phi: np.ndarray) -> dict[str, np.ndarray]:
    """The continuous memorization score mean φ_in − mean φ_out per example, with its standard error
    (unbiased variances; NaN with fewer than 2 fits on a side)."""
    inside = masks.astype(np.float64)
    outside = 1.0 - inside
    phi = np.asarray(phi, dtype=np.float64)
    n_in, n_out = inside.sum(0), outside.sum(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        m_in, m_out = (inside * phi).sum(0) / n_in, (outside * phi).sum(0) / n_out
        v_in = (inside * (phi - m_in) ** 2).sum(0) / (n_in - 1)
        v_out = (outside * (phi - m_out) ** 2).sum(0) / (n_out - 1)
        se = np.sqrt(v_in / n_in + v_out / n_out)
    return {"mem_phi": m_in - m_out, "mem_phi_se": se, "phi_in": m_in, "phi_out": m_out}


def evaluate(masks: np.ndarray, phi: np.ndarray, fix_variance: bool | None = None):
    """Every attack over every (example, target fit) pair.

    Returns (per-example columns: the continuous score and, per attack, its per-example AUC and its
    TPR at the attack's global 1 % FPR threshold; the summary records of membership.json; the ROC
    table on :func:`roc_grid`'s FPRs, columns attack, fpr, tpr).
    """
    masks = np.asarray(masks, dtype=bool)
    scores = attack_scores(masks, phi, fix_variance)
    columns, records, rocs = memorization_phi(masks, phi), [], []
    for name in ATTACKS:
        fpr, tpr, thr = roc(scores[name], masks)
        records.append(
            {
                "attack": name,
                "auc": auc(fpr, tpr),
                **{key: tpr_at(fpr, tpr, level) for key, level in FPRS.items()},
                "targets": int(masks.shape[0]),
            }
        )
        cut = threshold_at(fpr, thr, FPRS["tpr_at_1pct_fpr"])
        columns[f"{name}_auc"] = per_example_auc(masks, scores[name])
        with np.errstate(invalid="ignore", divide="ignore"):
            columns[f"{name}_tpr_at_1pct_fpr"] = ((scores[name] >= cut) & masks).sum(0) / masks.sum(0)
        grid, at = roc_grid(fpr, tpr)
        rocs.append(pd.DataFrame({"attack": name, "fpr": grid, "tpr": at}))
    return columns, records, pd.concat(rocs, ignore_index=True)
