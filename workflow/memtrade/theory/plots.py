"""The theory study's figures: memorization against n and d, the frontier, the decay rates, the SDPI
constants, ratios and tightness to the bound."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FormatStrFormatter, LogLocator

from .. import plotting as P
from ..bounds import lower_bound_bits


def mem_vs_n(best, sdpi, targets, learners):
    """Per d: the bound at the target error and each learner's least memorization reaching it."""
    ds = sorted(sdpi["d"].unique())
    fig, axes = P.panels(len(ds))
    colors = P.colors(learners)
    for ax, d in zip(axes, ds, strict=True):
        target = float(targets.loc[targets["d"] == d, "target_error"].iloc[0])
        s = sdpi[sdpi["d"] == d].sort_values("n")
        ax.loglog(s["n"], lower_bound_bits(s["F"], target), label="SDPI lower bound at target", **P.BOUND_STYLE)
        for i, learner in enumerate(learners):
            b = best[(best["d"] == d) & (best["learner"] == learner)].sort_values("n")
            P.learner_line(ax, b, "n", i, colors[learner], P.label(best, learner))
        P.major_labels_only(ax)
        ax.set_title(f"d = {d}, target error {target:.3f}")
        ax.set_xlabel("training examples n")
        ax.set_ylabel("memorization I(S; M | θ) (bits)")
    P.figure_legend(fig, axes[0])
    fig.suptitle("Least memorization that reaches the target error, against n")
    return fig


def _slope(x, y) -> float:
    """Least-squares slope of log y against log x."""
    return float(np.polyfit(np.log(np.asarray(x, float)), np.log(np.asarray(y, float)), 1)[0]) if len(x) > 1 else np.nan


def mem_vs_d(best, sdpi, targets, learners):
    """At the smallest n: memorization against d, with fitted log-log slopes and a slope-1 reference."""
    n0 = int(sdpi["n"].min())
    fig, ax = plt.subplots(figsize=(5.6, 4.2))
    colors = P.colors(learners)
    s = sdpi[sdpi["n"] == n0].merge(targets, on=["problem", "d"]).sort_values("d")
    lb = np.asarray(lower_bound_bits(s["F"], s["target_error"]))
    ax.loglog(s["d"], lb, label=f"SDPI lower bound at target (slope {_slope(s['d'], lb):.2f})", **P.BOUND_STYLE)
    for i, learner in enumerate(learners):
        b = best[(best["n"] == n0) & (best["learner"] == learner)].sort_values("d")
        label = f"{P.label(best, learner)} (slope {_slope(b['d'], b['memorization_bits']):.2f})" if len(b) else ""
        # open markers of decreasing size keep coinciding learners visible
        open_marker = {"markersize": 9 - 2 * (i % 3), "markerfacecolor": "none", "markeredgewidth": 1.4}
        P.learner_line(ax, b, "d", i, colors[learner], label, **open_marker)
    d = s["d"].to_numpy(float)
    ax.loglog(d, lb[0] * d / d[0], linestyle=":", color="grey", label="slope 1 (linear in d)")
    P.major_labels_only(ax)
    ax.set_xlabel("dimension d")
    ax.set_ylabel("memorization (bits)")
    ax.set_title(f"Memorization at n = {n0} against d, at the target error")
    ax.legend(loc="upper left")
    return fig


def frontier(table, sdpi, n: int, learners):
    """Per d at fixed n: memorization against test error, below-bound region shaded."""
    ds = sorted(sdpi["d"].unique())
    fig, axes = P.panels(len(ds))
    colors = P.colors(learners)
    err = np.linspace(0.0, 0.5, 501)[:-1]
    for ax, d in zip(axes, ds, strict=True):
        F = float(sdpi.loc[(sdpi["d"] == d) & (sdpi["n"] == n), "F"].iloc[0])
        lb = lower_bound_bits(F, err)
        rows = table[(table["d"] == d) & (table["n"] == n)]
        top = max(rows["memorization_bits"].max(), lb.max()) * 3
        bottom = max(min(rows["memorization_bits"].min(), lb.max()) / 30, 1e-3)
        ax.fill_between(
            err,
            bottom,
            np.maximum(lb, bottom),
            facecolor="0.88",
            edgecolor="0.6",
            hatch="///",
            linewidth=0.0,
            label="impossible: below the SDPI bound",
        )
        ax.plot(err, lb, label="SDPI lower bound", **P.BOUND_STYLE)
        for i, learner in enumerate(learners):
            r = rows[rows["learner"] == learner].sort_values("test_error")
            if len(r):
                ax.plot(
                    r["test_error"],
                    r["memorization_bits"],
                    marker=P.MARKERS[i % len(P.MARKERS)],
                    color=colors[learner],
                    label=P.label(table, learner),
                )
        ax.set_yscale("log")
        ax.set_ylim(bottom, top)
        ax.set_xlim(0, 0.5)
        ax.set_title(f"d = {d}, n = {n}")
        ax.set_xlabel("test error")
        ax.set_ylabel("memorization (bits)")
    P.figure_legend(fig, axes[0])
    fig.suptitle(f"Trade-off frontier at n = {n}: memorization against test error")
    return fig


def rates(sdpi):
    """F_n / d and n F_n / d against n for every problem, at each problem's smallest d.

    The smallest d puts the Boolean knee n r^2 = 1 earliest on the n grid.
    """
    fig, axes = plt.subplots(1, 3, figsize=(12.6, 3.9))
    short_n = np.inf
    for problem, s in sdpi.groupby("problem", sort=True):
        d = int(s["d"].min())
        s = s[(s["d"] == d) & (s["F"] > 0)].sort_values("n")
        short_n = min(short_n, s["n"].max())
        color, marker = P.problem_style(problem)
        label = (
            f"{P.PROBLEM_LABELS.get(problem, problem)} (d = {d}, "
            f"{P.SCALE_LABELS.get(s['scale_name'].iloc[0])} = {s['scale'].iloc[0]:.3g})"
        )
        for ax, y in zip(axes, [s["F"] / d, s["n"] * s["F"] / d, s["F"] / d], strict=True):
            ax.plot(s["n"], y, marker=marker, color=color, label=label)
        if problem == "boolean":
            knee = 1.0 / s["scale"].iloc[0] ** 2
            for ax in axes[:2]:
                ax.axvline(knee, color=color, linestyle=":", linewidth=1.2)
            axes[1].text(knee * 1.1, 0.05, "n r² = 1", color=color, fontsize=8, transform=axes[1].get_xaxis_transform())
    for ax in axes[:2]:
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("training examples n")
        P.major_labels_only(ax)
    axes[0].set_ylabel("F_n / d  (bits per bit of I(M; z), per dim.)")
    axes[0].set_title("F_n / d (log-log)")
    axes[1].set_ylabel("n · F_n / d")
    axes[1].set_title("n F_n / d: flat means 1/n decay")
    axes[2].set_yscale("log")
    axes[2].set_xlim(0, short_n + 1)
    for ax in axes:  # F_n underflows once theta is learnt; keep nine decades in view
        ys = [np.asarray(line.get_ydata()) for line in ax.get_lines() if len(line.get_ydata())]
        long = [y.max() for y in ys if len(y) > 2]  # lines of a few points only where no line is longer
        top = 3.0 * max(long or [y.max() for y in ys])
        ax.set_ylim(top * 1e-9, top)
    axes[2].set_xlabel("training examples n (linear)")
    axes[2].set_ylabel("F_n / d")
    axes[2].set_title("F_n / d (log-linear): straight means exponential")
    P.figure_legend(fig, axes[0])
    fig.suptitle("Decay rates of the memorization factor F_n = (1 - τ_n)/ρ_n")
    return fig


def sdpi_constants(sdpi):
    """tau_n and rho_n against n for every problem (largest d), with their sanity bounds."""
    problems = sorted(sdpi["problem"].unique())
    fig, axes = plt.subplots(len(problems), 2, figsize=(9.4, 2.9 * len(problems)), squeeze=False)
    for row, problem in zip(axes, problems, strict=True):
        s = sdpi[sdpi["problem"] == problem]
        d = int(s["d"].max())
        s = s[s["d"] == d].sort_values("n")
        color, marker = P.problem_style(problem)
        for ax, name in zip(row, ["tau", "rho"], strict=True):
            ax.fill_between(
                s["n"],
                s[f"{name}_maxcorr2"],
                s[f"{name}_dobrushin"],
                color=color,
                alpha=0.15,
                label="[max. correlation², Dobrushin]",
            )
            ax.plot(s["n"], s[f"{name}_maxcorr2"], color=color, linestyle="--", linewidth=1.0)
            ax.plot(s["n"], s[f"{name}_dobrushin"], color=color, linestyle=":", linewidth=1.0)
            ax.plot(s["n"], s[name], marker=marker, color=color, label=f"{'τ' if name == 'tau' else 'ρ'}_n (exact)")
            ax.set_xscale("log")
            P.major_labels_only(ax)
            ax.set_xlabel("training examples n")
            ax.set_title(
                f"{P.PROBLEM_LABELS.get(problem, problem)}, d = {d}: {'τ_n (θ, S)' if name == 'tau' else 'ρ_n (z, S)'}"
            )
        row[0].set_ylim(0, 1.05)
        row[1].set_yscale("log")
        row[0].legend(loc="lower right")
    fig.suptitle("SDPI constants with their bounds: max. correlation² ≤ η ≤ Dobrushin")
    return fig


def _ratio_axis(ax, problem: str, ylabel: str) -> None:
    """Log-log axes of a ratio-to-the-bound panel against n."""
    ax.set_xscale("log")
    ax.set_yscale("log")
    P.major_labels_only(ax)
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
    ax.set_xlabel("training examples n")
    ax.set_ylabel(ylabel)
    ax.set_title(P.PROBLEM_LABELS.get(problem, problem))


def _ratio_panels(table, width: float, height: float):
    """A panel per problem, and per panel its (d, rows sorted by n, colour) lines."""
    problems = sorted(table["problem"].unique())
    fig, axes = plt.subplots(1, len(problems), figsize=(width * len(problems), height), squeeze=False)
    panels = []
    for ax, problem in zip(axes[0], problems, strict=True):
        t = table[table["problem"] == problem]
        ds = sorted(t["d"].unique())
        pal = P.palette("viridis", len(ds))
        panels.append((ax, problem, [(d, t[t["d"] == d].sort_values("n"), pal[i]) for i, d in enumerate(ds)]))
    return fig, panels


def ratios(ratio):
    """Best learner's memorization over the bound at matched error, against n, per problem."""
    fig, panels = _ratio_panels(ratio, 4.2, 3.6)
    for ax, problem, lines in panels:
        for d, rd, color in lines:
            rd = rd[rd["ratio_to_bound"].notna()]
            ax.plot(rd["n"], rd["ratio_to_bound"], marker="o", color=color, label=f"d = {d}")
        _ratio_axis(ax, problem, "memorization / lower bound")
        ax.legend(loc="upper left")
    fig.suptitle("Best learner at the target error: memorization over the SDPI bound at its own error")
    return fig


def tightness(table):
    """Best ratio to the bound at the target against n: deterministic families alone (dashed) and all (solid)."""
    fig, panels = _ratio_panels(table, 4.4, 3.9)
    for ax, problem, lines in panels:
        for d, td, color in lines:
            ax.plot(td["n"], td["ratio_deterministic"], linestyle="--", color=color, linewidth=1.1)
            ax.plot(td["n"], td["ratio_all"], marker="o", markersize=3, color=color, label=f"d = {d}")
        ax.axhline(1.0, color="black", linewidth=0.8)
        _ratio_axis(ax, problem, "memorization / lower bound (best)")
        ax.xaxis.set_major_formatter(FormatStrFormatter("%g"))
        ax.legend(loc="upper left", fontsize=7)
    handles = [
        plt.Line2D([], [], color="grey", marker="o", markersize=3, label="with randomized learners"),
        plt.Line2D([], [], color="grey", linestyle="--", label="deterministic families only"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=2)
    fig.suptitle("How close the best learner gets to the SDPI bound at the target error")
    return fig
