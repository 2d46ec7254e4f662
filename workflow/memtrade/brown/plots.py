"""The Brown et al. figure: their two panels along training."""

from __future__ import annotations

import matplotlib.pyplot as plt

from .. import plotting as P

ATTACK_LABELS = {"sign": "sign attack", "coordinate_ascent": "coordinate ascent"}


def panels(table):
    """Brown et al.'s two panels per protocol: singleton recovery error and classification errors over training."""
    protocols, models = list(dict.fromkeys(table["protocol"])), list(dict.fromkeys(table["model"]))
    fig, axes = plt.subplots(
        len(protocols), len(models), figsize=(6.2 * len(models), 4.2 * len(protocols)), squeeze=False
    )
    pal = P.palette("colorblind", 5)
    series = [
        ("recovery_all", "attack recovery error, all d coordinates (their measure)", "black", "-"),
        ("recovery_free", "attack recovery error, free coordinates", "0.45", "--"),
        ("train_error", "classification error: training data", pal[0], "-"),
        ("represented_error", "classification error: represented subpopulations", pal[1], "-"),
        ("singletons_error", "classification error: singleton subpopulations", pal[2], "-"),
    ]
    for row, protocol in enumerate(protocols):
        for ax, model in zip(axes[row], models, strict=True):
            t = table[(table["protocol"] == protocol) & (table["model"] == model)].sort_values("step")
            if t.empty:  # a protocol that does not train this model (brown.protocols.<name>.models)
                ax.axis("off")
                ax.text(
                    0.5,
                    0.5,
                    f"{protocol}: {model} not trained in this run\n(brown.protocols.{protocol}.models)",
                    ha="center",
                    va="center",
                    color="0.4",
                    transform=ax.transAxes,
                )
                continue
            for col, label, color, style in series:
                s = t.dropna(subset=[col])
                flip = col.startswith("recovery")
                y, lo, hi = (
                    (1 - s[col], 1 - s[f"{col}_hi"], 1 - s[f"{col}_lo"])
                    if flip
                    else (s[col], s[f"{col}_lo"], s[f"{col}_hi"])
                )
                ax.plot(
                    s["step"],
                    y,
                    color=color,
                    linestyle=style,
                    marker="o" if flip else None,
                    markersize=3,
                    linewidth=2.0 if flip else 1.4,
                    label=label,
                )
                ax.fill_between(s["step"], lo, hi, color=color, alpha=0.15, linewidth=0)
            last = t.dropna(subset=["recovery_all"]).iloc[-1]
            kind = "ablation: " if bool(t["ablation"].iloc[0]) else ""
            ax.set_title(
                f"{kind}{protocol}: {model}, {ATTACK_LABELS.get(last['attack'], last['attack'])}\n"
                f"{int(last['seeds'])} seeds; {last['certified_bits_per_singleton']:.0f} bits certified per singleton "
                f"(of {last['free_coordinates_per_singleton']:.0f} free)",
                fontsize=10,
            )
            ax.set_ylim(0, 1.02)
            ax.set_xlabel("gradient updates (full-batch Nesterov SGD)")
            ax.set_ylabel("error rate")
    P.figure_legend(fig, axes[0][0], ncols=2)
    fig.suptitle("Brown et al. cluster labelling: query-only attacks on singletons along training (95 % bands)")
    return fig
