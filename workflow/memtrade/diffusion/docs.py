"""The diffusion laboratory's section of docs/results.md."""

from __future__ import annotations

import pandas as pd

from ..docs import markdown_table


def section(tables: dict[str, pd.DataFrame]) -> str:
    """The diffusion laboratory: windows against the prediction per sweep point, the ablation, FB-Mem."""
    w = tables["diffusion_window"]
    windows = pd.DataFrame(
        {
            "d, K, N": [f"{r.d}, {r.k}, {r.n}" for r in w.itertuples()],
            "measured window (M/N)": [f"[{r.window_start:.2f}, {r.window_end:.2f}]" for r in w.itertuples()],
            "crosses 0.1 and 0.9": [
                "yes" if a and b else "no" for a, b in zip(w["crosses_low"], w["crosses_high"], strict=True)
            ],
            "predicted M*/N (ε loss; x₀ units; exact losses)": [
                f"{r.predicted:.5f}; {r.predicted_x0:.3f}; {r.predicted_exact:.3f}" for r in w.itertuples()
            ],
            "within one step": ["yes" if v else "no" for v in w["within_one_step"]],
            "monotonicity drops": w["monotone_violations"],
        }
    )
    m = tables["diffusion_models"]
    per = m.groupby(["d", "k", "n", "m"], sort=True)
    cols = [
        "eval_loss",
        "ground_truth_loss",
        "memorizing_loss",
        "learned_std",
        "true_std",
        "loss_drift",
        "final_grad_norm",
    ]
    t = per[cols].mean().reset_index()
    t = t[t.groupby(["d", "k", "n"])["m"].transform(lambda v: v.isin([v.min(), v.max()]))]
    training = pd.DataFrame(
        {
            "d, K, N": [f"{r.d}, {r.k}, {r.n}" for r in t.itertuples()],
            "M": t["m"],
            "loss (trained / ground truth / memorizing)": [
                f"{r.eval_loss:.3f} / {r.ground_truth_loss:.3f} / {r.memorizing_loss:.3f}" for r in t.itertuples()
            ],
            "learned s / true": [f"{r.learned_std / r.true_std:.3f}" for r in t.itertuples()],
            "loss drift (last 5 % of steps)": [f"{v:+.4f}" for v in t["loss_drift"]],
            "gradient norm": [f"{v:.3g}" for v in t["final_grad_norm"]],
        }
    )
    a = tables["diffusion_ablation"]
    ablation = pd.DataFrame(
        {
            "run": a["run"],
            "steps": a["steps"],
            "window (M/N)": [f"[{r.window_start:.2f}, {r.window_end:.2f}]" for r in a.itertuples()],
            "mean ratio": [f"{v:.3f}" for v in a["mean_ratio"]],
            "shift (grid steps)": [f"{v:g}" for v in a["shift_grid_steps"]],
        }
    )
    t = tables["diffusion_templates"].sort_values("m")
    tpl = pd.DataFrame(
        {
            "M": t["m"],
            "ratio (lowest seed)": [
                f"{r.memorization_ratio:.2f} ({r.memorization_ratio_min:.2f})" for r in t.itertuples()
            ],
            "learned std": [f"{v:.3f}" for v in t["learned_std"]],
            "loss: trained / ground truth / memorizing": [
                f"{r.eval_loss:.3f} / {r.ground_truth_loss:.3f} / {r.memorizing_loss:.3f}" for r in t.itertuples()
            ],
            "loss drift": [f"{v:+.4f}" for v in t["loss_drift"]],
        }
    )
    f = tables["diffusion_fbmem"]
    before = f[f["mitigation"] == "before"].set_index("m")
    after = f[f["mitigation"] == "after"].set_index("m")
    falls = f[f["mitigation"] == "fall"].set_index("m").sort_index()
    fb = pd.DataFrame(
        {
            "M": falls.index,
            "whole image before / after": [
                f"{before.at[m, 'global_mem']:.3f} / {after.at[m, 'global_mem']:.3f}" for m in falls.index
            ],
            "units kept fg / bg": [
                f"{after.at[m, 'foreground_units']:.1f} / {after.at[m, 'background_units']:.1f}" for m in falls.index
            ],
            "falls: fg / bg / bg - fg (95 %)": [
                f"{r.foreground_fall:+.3f} / {r.background_fall:+.3f} / {r.background_minus_foreground_fall:+.3f} "
                f"[{r.background_minus_foreground_fall_lo:+.3f}, {r.background_minus_foreground_fall_hi:+.3f}]"
                for r in falls.itertuples()
            ],
        }
    )
    return (
        markdown_table(windows)
        + "\nTraining, smallest and largest model of each sweep point (means over seeds; losses on the "
        "training set over the time grid, on the same noise draws):\n\n"
        + markdown_table(training)
        + "\nSteps ablation (first pass only):\n\n"
        + markdown_table(ablation)
        + "\nTwo-region templates, every size (means over seeds; losses on the training set over the "
        "time grid, on the same noise draws):\n\n"
        + markdown_table(tpl)
        + "\nFB-Mem per template size: memorized fraction of generations before and after the per-region "
        "pruning, units kept (means over seeds), and the falls (the claim reads the largest M whose "
        "global memorization before pruning lies in its range):\n\n" + markdown_table(fb)
    )
