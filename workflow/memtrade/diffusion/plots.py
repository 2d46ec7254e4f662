"""The diffusion stage's figures (no JAX): each function takes tidy tables and returns a Figure."""

from __future__ import annotations

import textwrap

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..plotting import palette  # noqa: E402

NOTE = "laboratory scale: closed-form mixture denoisers trained on CPU"
GMM_NOTE = f"{NOTE} (schedule: diffusion.train)"
TEMPLATE_NOTE = f"{NOTE} (schedule: diffusion.templates.train)"
MODEL_STYLE = {
    "trained": ("tab:green", "-", "trained"),
    "partial_mem": ("tab:orange", "-", "partly memorizing (empirical on M points)"),
    "partial_mem_approx": ("tab:orange", "-.", "partly memorizing, analytic"),
    "memorizing": ("black", "--", "memorizing (empirical on N points)"),
    "ground_truth": ("tab:blue", "--", "ground truth (generalizing)"),
    "ground_truth_approx": ("tab:blue", "-.", "ground truth, analytic"),
}


def crossover(summary, windows):
    """Memorization ratio against M/N per sweep point, with the predicted M*/N and the measured window."""
    points = windows[["d", "k", "n"]].drop_duplicates().to_numpy()
    fig, axes = plt.subplots(1, len(points), figsize=(3.4 * len(points), 3.4), sharey=True, squeeze=False)
    for ax, (d, k, n) in zip(axes[0], points, strict=True):
        s = summary[(summary["d"] == d) & (summary["k"] == k) & (summary["n"] == n)].sort_values("m")
        w = windows[(windows["d"] == d) & (windows["k"] == k) & (windows["n"] == n)].iloc[0]
        ax.axvspan(w["window_start"], w["window_end"], color="0.9", label="measured window")
        ax.plot(s["m_over_n"], s["memorization_ratio"], marker="o", color="tab:green", label="trained (mean)")
        ax.fill_between(
            s["m_over_n"], s["memorization_ratio_lo"], s["memorization_ratio_hi"], color="tab:green", alpha=0.2, lw=0
        )
        ax.axvline(w["predicted"], color="tab:red", label=f"predicted M*/N (ε loss) {w['predicted']:.5f}")
        ax.axvline(w["predicted_x0"], color="tab:red", ls=":", label=f"x₀-unit reading {w['predicted_x0']:.2f}")
        ax.set_title(f"d = {d}, K = {k}, N = {n}")
        ax.set_xlabel("model size M/N (means per training point)")
        ax.set_xlim(0, 1.05)
    axes[0][0].set_ylabel("memorization ratio (fraction of samples)")
    axes[0][0].set_ylim(-0.02, 1.02)
    axes[0][0].legend(fontsize=7, loc="upper left")
    title = f"Memorization transition of GMM denoisers; {GMM_NOTE}"
    fig.suptitle(textwrap.fill(title, width=48 * len(points)), fontsize=9)
    fig.tight_layout()
    return fig


def losses(table, point, times):
    """Per-t training (top) and validation (bottom) losses against M/N at a few grid times.

    The memorizing denoiser's training loss (and the partly memorizing one's at M = N) is near 0 at
    small t; the axis stops at 0.3 times the lowest trained or ground-truth loss, and a memorizing
    value below it is written in the panel instead of stretching the axis over ten decades."""
    d, k, n = point
    t = table[(table["d"] == d) & (table["k"] == k) & (table["n"] == n)]
    grid = np.sort(t["t"].unique())
    chosen = [grid[i] for i in times]
    fig, axes = plt.subplots(2, len(chosen), figsize=(3.2 * len(chosen), 6.4), squeeze=False)
    for row, split in enumerate(("train", "val")):
        for ax, tv in zip(axes[row], chosen, strict=True):
            sub = t[(t["split"] == split) & np.isclose(t["t"], tv)]
            floor = 0.3 * sub[sub["model"].isin(["trained", "ground_truth", "ground_truth_approx"])]["loss"].min()
            for model, (color, ls, label) in MODEL_STYLE.items():
                m = sub[sub["model"] == model].sort_values("m")
                if m.empty:
                    continue
                if model in ("memorizing", "ground_truth", "ground_truth_approx"):
                    value = m["loss"].iloc[0]
                    if value < floor:
                        ax.text(0.02, 0.03, f"memorizing: {value:.1e}", transform=ax.transAxes, fontsize=7)
                        ax.plot([], [], color=color, ls=ls, label=label)
                    else:
                        ax.axhline(value, color=color, ls=ls, label=label)
                else:
                    marker = "o" if model == "trained" else None
                    ax.plot(m["m_over_n"], m["loss"], color=color, ls=ls, marker=marker, ms=3, label=label)
            ax.set_yscale("log")
            ax.set_ylim(bottom=floor)
            ax.set_title(f"{'training' if split == 'train' else 'validation'} loss, t = {tv:.3f}", fontsize=9)
            ax.set_xlabel("model size M/N")
        axes[row][0].set_ylabel("ε-loss (squared error, sum over d)")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, fontsize=7, frameon=False)
    fig.suptitle(f"Per-t losses, d = {d}, K = {k}, N = {n} (mean over seeds; {NOTE})", fontsize=9)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig


def _rgb(x, shape):
    """A colored template sample [3, P] as an RGB image, scaled per image to [0, 1] around grey."""
    img = np.asarray(x, float).reshape(3, *shape).transpose(1, 2, 0)
    scale = max(np.abs(img).max(), 1e-12)
    return 0.5 + 0.5 * img / scale


def template_gallery(gallery, count: int = 8):
    """Generated samples beside their nearest training images, before and after the mitigation."""
    shape = tuple(int(v) for v in gallery["shape"])
    rows = [
        ("generated", "generated"),
        ("nearest", "nearest training image"),
        ("generated_after", "generated, after mitigation"),
        ("nearest_after", "its nearest training image"),
    ]
    count = min(count, len(gallery["generated"]))
    fig, axes = plt.subplots(len(rows), count, figsize=(1.1 * count, 1.25 * len(rows)), squeeze=False)
    for r, (key, label) in enumerate(rows):
        for c in range(count):
            ax = axes[r][c]
            ax.imshow(_rgb(gallery[key][c], shape), interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():  # the style's open axes would draw two edges of each image
                spine.set_visible(True)
                spine.set_color("0.7")
                spine.set_linewidth(0.5)
        axes[r][0].set_ylabel(label, fontsize=6, rotation=0, ha="right", va="center")
    fig.suptitle(
        f"Two-region digit templates: first seed, M = {int(gallery['m'])} "
        "(global memorization nearest 1/2; 8×8 pixels)",
        fontsize=8,
    )
    fig.tight_layout()
    return fig


def fbmem(table, templates):
    """Left: template memorization ratio vs M/N. Right: global, foreground and background memorization
    before and after the mitigation."""
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.6))
    t = templates.sort_values("m")
    a.plot(t["m_over_n"], t["memorization_ratio"], marker="o", color="tab:green")
    a.fill_between(
        t["m_over_n"], t["memorization_ratio_lo"], t["memorization_ratio_hi"], color="tab:green", alpha=0.2, lw=0
    )
    a.set_xlabel("model size M/N (components per training image)")
    a.set_ylabel("memorization ratio (fraction of samples)")
    a.set_ylim(-0.02, 1.02)
    a.set_title("two-region templates", fontsize=9)
    pal = palette("deep", 3)
    for (col, label), color in zip(
        (("global_mem", "whole image"), ("foreground_mem", "foreground (ink)"), ("background_mem", "background")),
        pal,
        strict=True,
    ):
        for stage, ls in (("before", "-"), ("after", "--")):
            s = table[table["mitigation"] == stage].sort_values("m")
            b.plot(s["m"] / t["m"].max(), s[col], color=color, ls=ls, marker="o", ms=3, label=f"{label}, {stage}")
    b.set_xlabel("model size M/N")
    b.set_ylabel("memorized fraction of samples")
    b.set_ylim(-0.02, 1.02)
    b.set_title("FB-Mem: regions before (solid) and after (dashed) per-region pruning", fontsize=9)
    b.legend(fontsize=6)
    fig.suptitle(TEMPLATE_NOTE, fontsize=8)
    fig.tight_layout()
    return fig
