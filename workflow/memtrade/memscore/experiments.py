"""Feldman & Zhang's experiments and RetroPrompt's comparison, as tidy tables (docs/outputs.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from .. import seeds
from ..intervals import paired_difference
from . import lira
from .estimator import fit_quietly, fit_subsets, influence, knn1_exact, memorization, precision_at, subset_masks

# subpopulation training-count bins of the frequency table: [1], [2], [3, 4], [5, 8], [9, 16], [17, inf)
COUNT_EDGES = (1, 2, 3, 5, 9, 17)
# the per-example columns of a dataset's ground truth (a user's CSV has none): column -> data key
GROUND_TRUTH = {"true_label": "y_true", "flipped": "flipped", "group": "group", "group_count": "group_count",
                "frequency": "frequency"}  # fmt: skip


def draw_masks(n: int, models: int, fraction: float, seed: int, names: tuple) -> np.ndarray:
    """The membership matrix (models, n) of stream (seed, *names, "masks")."""
    return subset_masks(n, models, fraction, seeds.generator(seed, *names, "masks"))


def estimate(
    data: dict, factory, models: int, fraction: float, seed: int, names: tuple, n_jobs=1, progress=None, signal=False
):
    """Membership matrix of stream (seed, *names, "masks") and the subset fits (fit r's random_state
    from (seed, *names, "fit", r)): (masks, :class:`~memtrade.memscore.estimator.Fits`)."""
    masks = draw_masks(len(data["y"]), models, fraction, seed, names)
    fits = fit_subsets(
        factory,
        data["X"],
        data["y"],
        data["X_test"],
        data["y_test"],
        masks,
        seed,
        (*names, "fit"),
        n_jobs,
        progress,
        signal,
    )
    return masks, fits


def scores(data: dict, masks: np.ndarray, heads: dict, dataset: str, learner: str, exact_knn=False, fraction=None):
    """Per-example memorization of every head: one row per (head, training example); the ground-truth
    columns (GROUND_TRUTH) where ``data`` has them."""
    exact = knn1_exact(data["X"], data["y"], fraction) if exact_knn else np.nan
    frames = []
    for head, (train, _) in heads.items():
        est = memorization(masks, train)
        truth = {c: data[k] for c, k in GROUND_TRUTH.items() if k in data}  # the workflow's datasets have all
        frame = pd.DataFrame(
            {
                "dataset": dataset,
                "learner": learner,
                "head": head,
                "index": np.arange(len(data["y"])),
                "label": data["y"],
                **truth,
                **est,
            }
        )
        frame["exact_mem"] = exact
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def membership(data: dict, masks: np.ndarray, phi: np.ndarray, dataset: str, learner: str):
    """Membership inference from the fits' logits (:func:`memtrade.memscore.lira.evaluate`), as tidy tables:
    (per example: index, label, the ground truth where ``data`` has it, the continuous score and each
    attack's per-example AUC and TPR; per attack: AUC, TPR at 0.1 % and 1 % FPR, target fits; the ROC)."""
    columns, records, roc = lira.evaluate(masks, phi)
    keys = {"dataset": dataset, "learner": learner}
    truth = {c: data[k] for c, k in GROUND_TRUTH.items() if k in data}
    per = pd.DataFrame({**keys, "index": np.arange(len(data["y"])), "label": data["y"], **truth, **columns})
    attacks = pd.DataFrame([{**keys, **r} for r in records])
    return per, attacks, roc.assign(**keys)[["dataset", "learner", "attack", "fpr", "tpr"]]


def summary(table: pd.DataFrame, heads: dict, fraction: float, threshold: float, unconverged: int = 0) -> pd.DataFrame:
    """Per head: models, fit, test accuracy, the score distribution, flipped-label precision, 1-NN check.

    No timings: the table is byte-identical across runs (speed is in the log and the job's benchmark)."""
    rows = []
    for head, g in table.groupby("head", sort=False):
        train, test = heads[head]
        acc = test.mean(axis=1)
        k = int(g["flipped"].sum())
        precision, recall = precision_at(g["mem"].to_numpy(), g["flipped"].to_numpy(), k) if k else (np.nan, np.nan)
        exact = g.dropna(subset=["exact_mem"])
        # the estimator's own sampling sd at the exact value: 1-NN fits its subset, so p_in = 1 and
        # p_out = 1 - exact; a point whose exact memorization is 0 must then be estimated as exactly 0
        sd = np.sqrt(exact["exact_mem"] * (1 - exact["exact_mem"]) / exact["n_out"])
        within = (exact["mem"] - exact["exact_mem"]).abs() <= 4 * sd + 1e-12
        rows.append(
            {
                "dataset": g["dataset"].iloc[0],
                "learner": g["learner"].iloc[0],
                "head": head,
                "n_train": len(g),
                "models": len(train),
                "fraction": fraction,
                "unconverged_fits": unconverged,
                "train_fit_in": float(g["p_in"].mean()),
                "test_accuracy": float(acc.mean()),
                "test_accuracy_sd": float(acc.std(ddof=1)),
                "mean_mem": float(g["mem"].mean()),
                "mean_mem_se": float(g["mem"].std(ddof=1) / np.sqrt(len(g))),
                "share_above_threshold": float((g["mem"] > threshold).mean()),
                "threshold": threshold,
                "flipped": k,
                "flipped_fit_in": float(g.loc[g["flipped"], "p_in"].mean()) if k else np.nan,
                "precision_at_flipped": precision,
                "recall_at_flipped": recall,
                "exact_points": len(exact),
                "exact_within_4sd": float(within.mean()) if len(exact) else np.nan,
                "exact_mean_abs_error": float((exact["mem"] - exact["exact_mem"]).abs().mean())
                if len(exact)
                else np.nan,
            }
        )
    return pd.DataFrame(rows)


def influence_pairs(data: dict, masks: np.ndarray, correct_test: np.ndarray, top: int, dataset: str, learner: str):
    """The ``top`` train/test pairs of highest estimated influence, with the train example's rank among
    the test example's nearest training examples (1 = nearest: Feldman & Zhang's near-duplicates)."""
    infl, se = influence(masks, correct_test)
    flat = np.argsort(-infl, axis=None, kind="stable")[:top]
    i, j = np.unravel_index(flat, infl.shape)
    X, Xt = data["X"], data["X_test"]
    d2 = ((Xt[j][:, None, :] - X[None, :, :]) ** 2).sum(-1)  # (top, n): each pair's test example to all train
    rank = (d2 < d2[np.arange(len(i)), i][:, None]).sum(1) + 1
    return pd.DataFrame(
        {
            "dataset": dataset,
            "learner": learner,
            "rank": np.arange(1, len(i) + 1),
            "train_index": i,
            "test_index": j,
            "influence": infl[i, j],
            "influence_se": se[i, j],
            "train_label": data["y"][i],
            "test_label": data["y_test"][j],
            "neighbour_rank": rank,
            "distance": np.sqrt(d2[np.arange(len(i)), i]),
        }
    )


def _removal_fit(factory, X, y, X_test, y_test, keep, random_state):
    est, _ = fit_quietly(factory, X[keep], y[keep], random_state)
    return float((est.predict(X_test) == y_test).mean())


def removal(data: dict, mem: np.ndarray, factory, ks, n_seeds: int, seed: int, names: tuple, n_jobs=1):
    """Test accuracy after removing the k top-memorized training examples and after removing k random ones.

    Seed s fits both with the same random_state (stream (seed, *names, "fit", k, s)); the random
    removal draws from (seed, *names, "random", k, s). One row per (k, seed, removed).
    """
    n = len(mem)
    order = np.argsort(-mem, kind="stable")
    jobs, keys = [], []
    for k in ks:
        for s in range(n_seeds):
            rs = seeds.integer(seed, *names, "fit", int(k), s)
            rand = seeds.generator(seed, *names, "random", int(k), s).choice(n, int(k), replace=False)
            for kind, drop in (("top", order[: int(k)]), ("random", rand)):
                keep = np.ones(n, dtype=bool)
                keep[drop] = False
                jobs.append(
                    delayed(_removal_fit)(factory, data["X"], data["y"], data["X_test"], data["y_test"], keep, rs)
                )
                keys.append((int(k), s, kind))
    acc = Parallel(n_jobs=n_jobs)(jobs)
    return pd.DataFrame(
        [{"k": k, "seed": s, "removed": kind, "test_accuracy": a} for (k, s, kind), a in zip(keys, acc, strict=True)]
    )


def removal_summary(rows: pd.DataFrame, level: float) -> pd.DataFrame:
    """Per (learner, k): mean accuracies and the t-interval over seeds of random minus top (paired by seed)."""
    out = []
    for (learner, k), g in rows.groupby(["learner", "k"], sort=True):
        wide = g.pivot(index="seed", columns="removed", values="test_accuracy")
        m, lo, hi = paired_difference(wide["random"].to_numpy(), wide["top"].to_numpy(), level)
        out.append(
            {
                "learner": learner,
                "k": k,
                "seeds": len(wide),
                "accuracy_top_removed": float(wide["top"].mean()),
                "accuracy_random_removed": float(wide["random"].mean()),
                "difference": m,
                "difference_lo": lo,
                "difference_hi": hi,
                "level": level,
            }
        )
    return pd.DataFrame(out)


def by_frequency(table: pd.DataFrame, edges=COUNT_EDGES) -> pd.DataFrame:
    """Mean memorization per bin of the subpopulation's training count, per (dataset, learner, head)."""
    bins = np.asarray(edges)
    t = table.assign(bin=np.searchsorted(bins, table["group_count"].to_numpy(), side="right") - 1)
    hi = np.append(bins[1:] - 1, np.iinfo(np.int64).max)
    g = t.groupby(["dataset", "learner", "head", "bin"], sort=True)
    out = g.agg(
        examples=("mem", "size"),
        mean_mem=("mem", "mean"),
        sd_mem=("mem", "std"),
        mean_frequency=("frequency", "mean"),
    ).reset_index()
    out["mean_mem_se"] = out["sd_mem"] / np.sqrt(out["examples"])
    out["count_lo"] = bins[out["bin"]]
    out["count_hi"] = hi[out["bin"]]
    return out.drop(columns=["sd_mem"])


def retro_summary(data: dict, table: pd.DataFrame, heads: dict, share: float, dataset: str) -> pd.DataFrame:
    """Per head: test accuracy on rare and frequent subpopulations (mean over the subset models) and
    the mean memorization of the training examples, overall and on rare ones; paired differences
    of each head's memorization from the parametric model's."""
    cut = np.quantile(data["group_count"], share, method="lower")
    rare_test = data["group_count_test"] <= cut
    rare_train = data["group_count"] <= cut
    base = table[table["head"] == "parametric"].set_index("index")["mem"]
    rows = []
    for head, (_, test) in heads.items():
        mem = table[table["head"] == head].set_index("index")["mem"]
        diff = (mem - base).to_numpy()
        rows.append(
            {
                "dataset": dataset,
                "head": head,
                "rare_count_max": int(cut),
                "accuracy": float(test.mean()),
                "accuracy_rare": float(test[:, rare_test].mean()) if rare_test.any() else np.nan,
                "accuracy_frequent": float(test[:, ~rare_test].mean()) if (~rare_test).any() else np.nan,
                "test_rare": int(rare_test.sum()),
                "mean_mem": float(mem.mean()),
                "mean_mem_rare": float(mem.to_numpy()[rare_train].mean()),
                "mem_minus_parametric": float(diff.mean()),
                "mem_minus_parametric_se": float(diff.std(ddof=1) / np.sqrt(len(diff))),
            }
        )
    return pd.DataFrame(rows)


def retro_sweep_row(base_mem, mem, base_test, test) -> dict:
    """One row of the RetroPrompt sweep: the parametric part's accuracy and memorization against the
    parametric model alone on the same subsets (``base_mem``, ``mem``: per-example scores; ``*_test``:
    (models, n_test) correctness), with the paired difference's standard error over examples. Examples
    in or out of fewer than 2 subsets (no score: NaN) are left out."""
    diff = np.asarray(mem) - np.asarray(base_mem)
    scored = ~np.isnan(diff)
    mem, base_mem, diff = np.asarray(mem)[scored], np.asarray(base_mem)[scored], diff[scored]
    return {
        "accuracy": float(test.mean()),
        "accuracy_parametric": float(base_test.mean()),
        "mean_mem": float(np.mean(mem)),
        "mean_mem_parametric": float(np.mean(base_mem)),
        "mem_minus_parametric": float(diff.mean()),
        "mem_minus_parametric_se": float(diff.std(ddof=1) / np.sqrt(len(diff))),
    }
