"""The memorization-score section of docs/results.md."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..docs import markdown_table


def section(tables: dict[str, pd.DataFrame]) -> str:
    """Memorization scores: per dataset and learner, then removal at the largest k, the retrieval heads, the
    RetroPrompt sweep and membership inference."""
    s = tables["memscore_summary"]
    s = s[s["head"] == "model"]
    rows = pd.DataFrame(
        {
            "dataset": s["dataset"],
            "learner (models)": [f"{r.learner} ({r.models})" for r in s.itertuples()],
            "test accuracy": [f"{100 * v:.1f} %" for v in s["test_accuracy"]],
            "mean score": [f"{v:.3f}" for v in s["mean_mem"]],
            "share > threshold": [f"{100 * v:.1f} %" for v in s["share_above_threshold"]],
            "flipped labels: fitted / precision": [
                "" if r.flipped == 0 else f"{100 * r.flipped_fit_in:.0f} % / {r.precision_at_flipped:.2f}"
                for r in s.itertuples()
            ],
            "1-NN: within 4 s.d. of exact": [
                "" if r.exact_points == 0 else f"{100 * r.exact_within_4sd:.1f} % of {r.exact_points}"
                for r in s.itertuples()
            ],
        }
    )
    r = tables["memscore_removal"]
    r = r[r["k"] == r["k"].max()]
    removal = pd.DataFrame(
        {
            "learner": r["learner"],
            "k removed": r["k"],
            "accuracy, top-memorized removed": [f"{100 * v:.2f} %" for v in r["accuracy_top_removed"]],
            "accuracy, random removed": [f"{100 * v:.2f} %" for v in r["accuracy_random_removed"]],
            "difference (95 % interval)": [
                f"{100 * x.difference:.2f} ({100 * x.difference_lo:.2f}, {100 * x.difference_hi:.2f}) pp"
                for x in r.itertuples()
            ],
        }
    )
    t = tables["memscore_retro"]
    retro = pd.DataFrame(
        {
            "dataset": t["dataset"],
            "head": t["head"],
            "accuracy rare / frequent": [
                f"{100 * a:.1f} % / {100 * b:.1f} %"
                for a, b in zip(t["accuracy_rare"], t["accuracy_frequent"], strict=True)
            ],
            "mean score (rare)": [f"{a:.3f} ({b:.3f})" for a, b in zip(t["mean_mem"], t["mean_mem_rare"], strict=True)],
            "minus parametric (± s.e.)": [
                f"{a:+.4f} ± {b:.4f}"
                for a, b in zip(t["mem_minus_parametric"], t["mem_minus_parametric_se"], strict=True)
            ],
        }
    )
    w = tables["memscore_retro_sweep"]
    sweep = pd.DataFrame(
        {
            "dataset": w["dataset"],
            "form": w["form"],
            "beta": [f"{b:g}" for b in w["beta"]],
            "mean weight before normalising": [f"{v:.2f}" for v in w["weight_mean_raw"]],
            "accuracy / alone": [
                f"{100 * a:.1f} % / {100 * b:.1f} %"
                for a, b in zip(w["accuracy"], w["accuracy_parametric"], strict=True)
            ],
            "parametric part minus alone (± s.e.)": [
                f"{a:+.4f} ± {b:.4f}"
                for a, b in zip(w["mem_minus_parametric"], w["mem_minus_parametric_se"], strict=True)
            ],
        }
    )
    a = tables["memscore_attacks"]
    if a.empty:  # no learner with predict_proba
        a = pd.DataFrame(
            {"dataset": [""], "learner": [""], "attack": ["loss"], "auc": [np.nan], "tpr_at_1pct_fpr": [np.nan]}
        )
    wide = a.pivot_table(index=["dataset", "learner"], columns="attack", values="tpr_at_1pct_fpr", sort=False)
    auc = a.pivot_table(index=["dataset", "learner"], columns="attack", values="auc", sort=False)
    attacks = pd.DataFrame(
        {
            "dataset": [k[0] for k in wide.index],
            "learner": [k[1] for k in wide.index],
            **{
                f"{name}: TPR at 1 % FPR (AUC)": [
                    f"{100 * t:.2f} % ({u:.3f})" for t, u in zip(wide[name], auc[name], strict=True)
                ]
                for name in ("lira_online", "lira_offline", "loss")
                if name in wide
            },
        }
    )
    return (
        markdown_table(rows)
        + "\nRemoving training digits (largest k):\n\n"
        + markdown_table(removal)
        + "\nRetrieval (RetroPrompt's datastore):\n\n"
        + markdown_table(retro)
        + "\nRetroPrompt's sweep (weights of mean 1; their beta values, batch and per-example forms):\n\n"
        + markdown_table(sweep)
        + "\nMembership inference from the same fits:\n\n"
        + markdown_table(attacks)
    )
