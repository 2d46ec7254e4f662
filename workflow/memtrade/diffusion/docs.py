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
    f = tables["diffusion_fbmem"]
    f = f[f["m"] == f["m"].max()]
    fb = pd.DataFrame(
        {
            "M": f["m"],
            "": f["mitigation"],
            "components": [f"{v:.0f}" if pd.notna(v) else "" for v in f["components"]],
            "whole image": [f"{v:.3f}" if pd.notna(v) else "" for v in f["global_mem"]],
            "foreground": [f"{v:.3f}" if pd.notna(v) else "" for v in f["foreground_mem"]],
            "background": [f"{v:.3f}" if pd.notna(v) else "" for v in f["background_mem"]],
            "falls: fg / bg / bg - fg (95 %)": [
                ""
                if pd.isna(r.background_minus_foreground_fall)
                else (
                    f"{r.foreground_fall:+.3f} / {r.background_fall:+.3f} / {r.background_minus_foreground_fall:+.3f} "
                    f"[{r.background_minus_foreground_fall_lo:+.3f}, {r.background_minus_foreground_fall_hi:+.3f}]"
                )
                for r in f.itertuples()
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
        + "\nFB-Mem on the largest template model (memorized fraction of generations):\n\n"
        + markdown_table(fb)
    )
