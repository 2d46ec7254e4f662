"""Synthetic cases of the memorization-score study's claims (tests/claims/cases.py)."""

import numpy as np
import pandas as pd


def _flipped(precisions):
    def tables():
        summary = pd.DataFrame(
            {
                "dataset": "digits_flipped",
                "head": "model",
                "learner": [f"l{i}" for i in range(len(precisions))],
                "flipped": 25,
                "precision_at_flipped": precisions,
                "flipped_fit_in": 1.0,
            }
        )
        return {"memscore_summary": summary}

    return tables


def _removal(lo):
    def tables():
        removal = pd.DataFrame(
            {
                "learner": "l",
                "k": [10, 20],
                "difference": [0.0, 0.02],
                "difference_lo": [-0.01, lo],
                "difference_hi": [0.01, 0.03],
                "level": 0.95,
            }
        )
        return {"memscore_removal": removal}

    return tables


def _frequency(means):
    def tables():
        freq = pd.DataFrame(
            {
                "dataset": "mixture",
                "head": "model",
                "learner": "a",
                "bin": [0, 1, 2],
                "mean_mem": means,
                "mean_mem_se": 0.01,
            }
        )
        return {"memscore_by_frequency": freq}

    return tables


def _flipped_phi(shuffled=(), missing=()):
    """Two learners on 200 digits, 25 flipped (the first 25); a learner in ``shuffled`` scores them
    like the others, one in ``missing`` has no probability signal (mem_phi NaN)."""

    def tables():
        rng = np.random.default_rng(0)
        flipped = np.arange(200) < 25
        frames = []
        for learner in ("logistic", "knn1"):
            phi = np.where(flipped, 3.0, 0.0) + rng.normal(0, 0.5, 200)
            if learner in shuffled:
                phi = rng.permutation(phi)
            if learner in missing:
                phi = np.full(200, np.nan)
            frames.append(pd.DataFrame({"dataset": "digits_flipped", "learner": learner, "index": np.arange(200),
                                        "flipped": flipped, "mem_phi": phi}))  # fmt: skip
        summary = pd.DataFrame({"dataset": "digits_flipped", "head": "model", "learner": ["logistic", "knn1"]})
        return {"memscore_membership": pd.concat(frames, ignore_index=True), "memscore_summary": summary}

    return tables


def _attacks(online_knn_mixture=0.3, targets=40):
    """LiRA online and the loss attack on two datasets and two learners; loss at 5 % TPR at 1 % FPR."""

    def tables():
        rows = []
        for ds in ("digits", "mixture"):
            for learner in ("logistic", "knn1"):
                online = online_knn_mixture if (ds, learner) == ("mixture", "knn1") else 0.2
                for attack, tpr in (("lira_online", online), ("lira_offline", 0.1), ("loss", 0.05)):
                    rows.append({"dataset": ds, "learner": learner, "attack": attack, "tpr_at_1pct_fpr": tpr,
                                 "targets": targets, "nonmember_pairs": targets * 90})  # fmt: skip
        return {"memscore_attacks": pd.DataFrame(rows)}

    return tables


def _vulnerable(rare_tpr, rare_examples=30):
    """The mixture's per-example TPR: ``rare_examples`` singletons at ``rare_tpr`` (± noise), 60 examples
    of subpopulations of 20 at 0.05, and 40 in between, for two learners."""

    def tables():
        rng = np.random.default_rng(1)
        counts = np.r_[np.ones(rare_examples, int), np.full(40, 4), np.full(60, 20)]
        base = np.r_[np.full(rare_examples, rare_tpr), np.full(40, 0.2), np.full(60, 0.05)]
        frames = [
            pd.DataFrame({"dataset": "mixture", "learner": learner, "group_count": counts,
                          "lira_online_tpr_at_1pct_fpr": np.clip(base + rng.normal(0, 0.05, len(base)), 0, 1)})
            for learner in ("logistic", "knn1")
        ]  # fmt: skip
        return {"memscore_membership": pd.concat(frames, ignore_index=True), **_attacks()()}

    return tables


def _sweep(smallest=-0.002, betas=(0.0001, 0.05, 0.1, 5)):
    """Each form and beta on two datasets: differences -0.01 ± 0.002 except at the smallest beta."""

    def tables():
        rows = []
        for ds in ("digits", "mixture"):
            for form in ("example", "batch"):
                for beta in betas:
                    low = beta == min(betas)
                    rows.append({"dataset": ds, "form": form, "beta": beta,
                                 "mem_minus_parametric": smallest if low else -0.01,
                                 "mem_minus_parametric_se": 0.0005 if low else 0.002})  # fmt: skip
        return {"memscore_retro_sweep": pd.DataFrame(rows)}

    return tables


CASES = {
    "memscore_finds_flipped_labels": {"pass": _flipped([0.8, 0.6]), "fail": _flipped([0.8, 0.4])},
    "memscore_removal_costs_more": {"pass": _removal(0.01), "fail": _removal(-0.001)},
    "memscore_decreases_with_frequency": {"pass": _frequency([0.9, 0.5, 0.51]), "fail": _frequency([0.9, 0.5, 0.6])},
    "memscore_continuous_finds_flipped_labels": {
        "pass": _flipped_phi(),
        "fail": _flipped_phi(shuffled=("logistic",)),  # logistic's score misses the flipped digits
        "not-run": _flipped_phi(missing=("logistic",)),  # no predict_proba: no continuous score
    },
    "memscore_lira_beats_loss": {
        "pass": _attacks(),
        "fail": _attacks(online_knn_mixture=0.05),  # one (dataset, learner) ties: strict, so it fails
        "not-run": _attacks(targets=8),  # 8 target fits: too few
    },
    "memscore_rare_more_vulnerable": {
        "pass": _vulnerable(0.5),
        "fail": _vulnerable(0.06),  # the rarest bin no more exposed than the most frequent
        "not-run": _vulnerable(0.5, rare_examples=5),  # 5 singletons: too few to compare
    },
    "memscore_retro_parametric_memorizes_less": {
        "pass": _sweep(),
        "fail": _sweep(smallest=0.0),  # at beta 1e-4 nothing changes: the upper end is 0, not below
        "not-run": _sweep(betas=(0.0001, 0.05, 0.1)),  # beta 5 not run
    },
}
