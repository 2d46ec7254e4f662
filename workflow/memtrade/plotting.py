"""Figures: memorization against n, against d, and the error/memorization frontier.

All quantities are in bits. Every function takes tidy tables and returns a
matplotlib Figure; saving is the caller's job (``io.save_figure``).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.ticker import FormatStrFormatter, LogLocator, NullFormatter  # noqa: E402

from .bounds import lower_bound_bits  # noqa: E402

FAMILY_LABELS = {
    "sign_subset": "sign-subset(k)",
    "quantized_mean": "quantized-mean(b)",
    "store_all": "store-all",
    "majority_subset": "majority-subset(k)",
    "agreement_subset": "agreement-subset(k)",
}
PROBLEM_LABELS = {
    "gaussian": "Gaussian clustering",
    "boolean": "Boolean clustering",
    "sparse": "sparse hypercube",
}
SCALE_LABELS = {"sigma2": "σ²", "r": "r", "q": "q"}
PROBLEM_STYLE = {"gaussian": ("C0", "o"), "boolean": ("C1", "s"), "sparse": ("C2", "^")}
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
BOUND_STYLE = {"color": "black", "linewidth": 2.0}


def use_style(path) -> None:
    """Apply the project's one matplotlib style file."""
    plt.style.use(str(path))


def _colors(learners):
    pal = sns.color_palette("colorblind", max(3, len(learners)))
    return {name: pal[i] for i, name in enumerate(sorted(learners))}


def _label(table, learner) -> str:
    family = table.loc[table["learner"] == learner, "family"].iloc[0]
    fam = FAMILY_LABELS.get(family, family)
    return fam if learner == family else f"{learner}: {fam}"


def _problem_style(problem):
    color, marker = PROBLEM_STYLE.get(problem, ("C3", "D"))
    pal = sns.color_palette("colorblind", 10)
    return pal[int(color[1:])], marker


def _panels(count: int, width: float = 3.6, height: float = 3.0):
    cols = min(3, count)
    rows = int(np.ceil(count / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows), squeeze=False)
    for ax in axes.ravel()[count:]:
        ax.set_visible(False)
    return fig, axes.ravel()[:count]


def _figure_legend(fig, ax, ncols: int = 4) -> None:
    """One legend for all panels, below them."""
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), ncols))


def _major_labels_only(ax) -> None:
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_minor_formatter(NullFormatter())


def _learner_line(ax, rows, x: str, i: int, color, label: str, **style) -> None:
    """One learner's least memorization (bits) against column ``x``, log-log, with the i-th marker (if any rows)."""
    if len(rows):
        marker = MARKERS[i % len(MARKERS)]
        ax.loglog(rows[x], rows["memorization_bits"], marker=marker, color=color, label=label, **style)


def mem_vs_n(best, sdpi, targets, learners):
    """Per d: the bound at the target error and each learner's least memorization reaching it."""
    ds = sorted(sdpi["d"].unique())
    fig, axes = _panels(len(ds))
    colors = _colors(learners)
    for ax, d in zip(axes, ds, strict=True):
        target = float(targets.loc[targets["d"] == d, "target_error"].iloc[0])
        s = sdpi[sdpi["d"] == d].sort_values("n")
        ax.loglog(s["n"], lower_bound_bits(s["F"], target), label="SDPI lower bound at target", **BOUND_STYLE)
        for i, learner in enumerate(learners):
            b = best[(best["d"] == d) & (best["learner"] == learner)].sort_values("n")
            _learner_line(ax, b, "n", i, colors[learner], _label(best, learner))
        _major_labels_only(ax)
        ax.set_title(f"d = {d}, target error {target:.3f}")
        ax.set_xlabel("training examples n")
        ax.set_ylabel("memorization I(S; M | θ) (bits)")
    _figure_legend(fig, axes[0])
    fig.suptitle("Least memorization that reaches the target error, against n")
    return fig


def _slope(x, y) -> float:
    """Least-squares slope of log y against log x."""
    return float(np.polyfit(np.log(np.asarray(x, float)), np.log(np.asarray(y, float)), 1)[0]) if len(x) > 1 else np.nan


def mem_vs_d(best, sdpi, targets, learners):
    """At the smallest n: memorization against d, with fitted log-log slopes and a slope-1 reference."""
    n0 = int(sdpi["n"].min())
    fig, ax = plt.subplots(figsize=(5.6, 4.2))
    colors = _colors(learners)
    s = sdpi[sdpi["n"] == n0].merge(targets, on=["problem", "d"]).sort_values("d")
    lb = np.asarray(lower_bound_bits(s["F"], s["target_error"]))
    ax.loglog(s["d"], lb, label=f"SDPI lower bound at target (slope {_slope(s['d'], lb):.2f})", **BOUND_STYLE)
    for i, learner in enumerate(learners):
        b = best[(best["n"] == n0) & (best["learner"] == learner)].sort_values("d")
        label = f"{_label(best, learner)} (slope {_slope(b['d'], b['memorization_bits']):.2f})" if len(b) else ""
        # open markers of decreasing size keep coinciding learners visible
        open_marker = {"markersize": 9 - 2 * (i % 3), "markerfacecolor": "none", "markeredgewidth": 1.4}
        _learner_line(ax, b, "d", i, colors[learner], label, **open_marker)
    d = s["d"].to_numpy(float)
    ax.loglog(d, lb[0] * d / d[0], linestyle=":", color="grey", label="slope 1 (linear in d)")
    _major_labels_only(ax)
    ax.set_xlabel("dimension d")
    ax.set_ylabel("memorization (bits)")
    ax.set_title(f"Memorization at n = {n0} against d, at the target error")
    ax.legend(loc="upper left")
    return fig


def frontier(table, sdpi, n: int, learners):
    """Per d at fixed n: memorization against test error, below-bound region shaded."""
    ds = sorted(sdpi["d"].unique())
    fig, axes = _panels(len(ds))
    colors = _colors(learners)
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
        ax.plot(err, lb, label="SDPI lower bound", **BOUND_STYLE)
        for i, learner in enumerate(learners):
            r = rows[rows["learner"] == learner].sort_values("test_error")
            if len(r):
                ax.plot(
                    r["test_error"],
                    r["memorization_bits"],
                    marker=MARKERS[i % len(MARKERS)],
                    color=colors[learner],
                    label=_label(table, learner),
                )
        ax.set_yscale("log")
        ax.set_ylim(bottom, top)
        ax.set_xlim(0, 0.5)
        ax.set_title(f"d = {d}, n = {n}")
        ax.set_xlabel("test error")
        ax.set_ylabel("memorization (bits)")
    _figure_legend(fig, axes[0])
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
        color, marker = _problem_style(problem)
        label = (
            f"{PROBLEM_LABELS.get(problem, problem)} (d = {d}, "
            f"{SCALE_LABELS.get(s['scale_name'].iloc[0])} = {s['scale'].iloc[0]:.3g})"
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
        _major_labels_only(ax)
    axes[0].set_ylabel("F_n / d  (bits per bit of I(M; z), per dim.)")
    axes[0].set_title("F_n / d (log-log)")
    axes[1].set_ylabel("n · F_n / d")
    axes[1].set_title("n F_n / d: flat means 1/n decay")
    axes[2].set_yscale("log")
    axes[2].set_xlim(0, short_n + 1)
    for ax in axes:  # F_n underflows once theta is learnt; keep nine decades in view
        top = 3.0 * max(line.get_ydata().max() for line in ax.get_lines() if len(line.get_ydata()) > 2)
        ax.set_ylim(top * 1e-9, top)
    axes[2].set_xlabel("training examples n (linear)")
    axes[2].set_ylabel("F_n / d")
    axes[2].set_title("F_n / d (log-linear): straight means exponential")
    _figure_legend(fig, axes[0])
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
        color, marker = _problem_style(problem)
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
            _major_labels_only(ax)
            ax.set_xlabel("training examples n")
            ax.set_title(
                f"{PROBLEM_LABELS.get(problem, problem)}, d = {d}: {'τ_n (θ, S)' if name == 'tau' else 'ρ_n (z, S)'}"
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
    _major_labels_only(ax)
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
    ax.set_xlabel("training examples n")
    ax.set_ylabel(ylabel)
    ax.set_title(PROBLEM_LABELS.get(problem, problem))


def _ratio_panels(table, width: float, height: float):
    """A panel per problem, and per panel its (d, rows sorted by n, colour) lines."""
    problems = sorted(table["problem"].unique())
    fig, axes = plt.subplots(1, len(problems), figsize=(width * len(problems), height), squeeze=False)
    panels = []
    for ax, problem in zip(axes[0], problems, strict=True):
        t = table[table["problem"] == problem]
        ds = sorted(t["d"].unique())
        pal = sns.color_palette("viridis", len(ds))
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


def _zipf(frame):
    """Rows of Zipf priors, with their exponent as a column, sorted by exponent."""
    z = frame[frame["prior"].str.startswith("zipf_")].copy()
    z["a"] = z["prior"].str.slice(5).astype(float)
    return z.sort_values("a")


def _priors_in_order(frame):
    """Zipf priors by exponent, then the others by name; and a colour for each."""
    zipf = list(dict.fromkeys(_zipf(frame)["prior"]))
    priors = zipf + sorted(set(frame["prior"]) - set(zipf))
    pal = sns.color_palette("mako_r", max(len(priors), 3))
    return priors, {p: pal[i] for i, p in enumerate(priors)}


def mixture_mem_vs_n(best, trade):
    """Least memorization reaching the target (t = 1's error + slack) and its bound, against n, per prior."""
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    priors, colors = _priors_in_order(best)
    for prior in priors:
        b = best[best["prior"] == prior].sort_values("n")
        marker = "o" if prior.startswith("zipf_") else "s"
        ax.loglog(b["n"], b["memorization_bits"], marker=marker, color=colors[prior], label=f"{prior}: best learner")
        ax.loglog(b["n"], b["lower_bound_bits"], linestyle="--", color=colors[prior], linewidth=1.2)
    ax.plot([], [], linestyle="--", color="grey", label="SDPI bound at the learner's errors")
    _major_labels_only(ax)
    ax.set_xticks(sorted(best["n"].unique()))
    ax.xaxis.set_major_formatter(FormatStrFormatter("%g"))
    ax.set_xlabel("training examples n")
    ax.set_ylabel("expected memorization (bits)")
    ax.set_title("Mixtures: least memorization reaching the target error")
    ax.legend(loc="lower left", fontsize=7.5, ncols=2)
    return fig


def mixture_frontier(trade, n: int):
    """Expected error against expected memorization over thresholds t, with the bound, at fixed n."""
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    rows = trade[trade["n"] == n]
    priors, colors = _priors_in_order(rows)
    for prior in priors:
        r = rows[rows["prior"] == prior].sort_values("threshold")
        r = r[r["memorization_bits"] > 0]
        ax.plot(r["test_error"], r["memorization_bits"], marker="o", color=colors[prior], label=prior)
        ax.plot(r["test_error"], r["lower_bound_bits"], linestyle="--", color=colors[prior], linewidth=1.2)
        for row in r.iloc[:3].itertuples():
            ax.annotate(
                f"t={row.threshold}",
                (row.test_error, row.memorization_bits),
                fontsize=6.5,
                xytext=(3, 3),
                textcoords="offset points",
                color=colors[prior],
            )
    ax.plot([], [], linestyle="--", color="grey", label="SDPI bound at the same errors")
    ax.set_yscale("log")
    ax.set_xlabel("expected test error")
    ax.set_ylabel("expected memorization (bits)")
    ax.set_title(f"Mixtures at n = {n}: learning clusters seen at least t times")
    ax.legend(loc="upper right", fontsize=7.5)
    return fig


def mixture_singletons(by_count, n: int):
    """Share of the expected bound (t = 1) from clusters seen once, twice, ..., per prior, at fixed n."""
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    rows = by_count[by_count["n"] == n]
    priors, colors = _priors_in_order(rows)
    width = 0.8 / max(len(priors), 1)
    for i, prior in enumerate(priors):
        r = rows[(rows["prior"] == prior) & (rows["count"] <= 8)].sort_values("count")
        ax.bar(
            r["count"] + (i - (len(priors) - 1) / 2) * width, r["share"], width=width, color=colors[prior], label=prior
        )
    ax.set_xlabel("cluster count n_c in the training set")
    ax.set_ylabel("share of the expected lower bound")
    ax.set_xticks(range(1, 9))
    ax.set_title(f"Where the bound comes from (n = {n}, t = 1)")
    ax.legend(loc="upper right", fontsize=7.5)
    return fig


def mixture_feldman(feldman, n: int):
    """Excess error of skipping singletons against the Zipf exponent: Feldman's prediction and simulation."""
    fig, ax = plt.subplots(figsize=(6.0, 4.2))
    z = _zipf(feldman[feldman["n"] == n])
    ax.plot(z["a"], z["predicted_excess_error"], color="black", label="prediction: E[#singletons] τ_1 (1/2 − err_1)")
    ax.errorbar(
        z["a"],
        z["simulated_excess_error"],
        yerr=3 * z["simulated_excess_error_se"],
        fmt="o",
        capsize=3,
        color="C1",
        label="simulation (± 3 s.e.): error(t = 2) − error(t = 1)",
    )
    ax.set_xlabel("Zipf exponent a")
    ax.set_ylabel("excess test error")
    ax.set_title(f"Cost of not fitting singletons (n = {n})")
    ax.legend(loc="upper right", fontsize=8)
    return fig


def blackbox(table):
    """Certified memorization (bits) of each black-box learner against n (its best attack), with the SDPI bound."""
    table = table.loc[table.groupby(["learner", "n"], sort=False)["certified_bits"].idxmax()]
    fig, ax = plt.subplots(figsize=(7.0, 5.0))
    learners = list(dict.fromkeys(table["learner"]))
    colors = _colors(learners)
    for i, learner in enumerate(learners):
        t = table[table["learner"] == learner].sort_values("n")
        c = colors[learner]
        ax.plot(
            t["n"],
            t["certified_bits_estimate"],
            marker=MARKERS[i % len(MARKERS)],
            color=c,
            label=f"{learner}: certified",
        )
        # both ends of the interval: certified_bits <= estimate <= certified_bits_hi (docs/outputs.md)
        ax.fill_between(t["n"], t["certified_bits"], t["certified_bits_hi"], color=c, alpha=0.15)
        ax.plot(t["n"], t["lower_bound_bits"], linestyle="--", color=c, linewidth=1.1)
        if t["exact_bits"].notna().any():
            ax.plot(t["n"], t["exact_bits"], linestyle=":", color=c, linewidth=1.6, label=f"{learner}: exact")
    ax.plot([], [], linestyle="--", color="grey", label="SDPI bound at its error")
    ax.fill_between([], [], color="grey", alpha=0.15, label="95 % interval over seeds")
    ax.set_xscale("log", base=2)
    ax.set_yscale("symlog", linthresh=1.0)
    ax.xaxis.set_major_formatter(FormatStrFormatter("%g"))
    ax.set_xlabel("training examples n")
    ax.set_ylabel("memorization (bits)")
    problem, d = table["problem"].iloc[0], int(table["d"].iloc[0])
    ax.set_ylim(bottom=0)
    ax.set_title(f"Black-box learners, {PROBLEM_LABELS.get(problem, problem)} (d = {d}): certified by attack")
    _figure_legend(fig, ax, ncols=3)
    return fig


ATTACK_LABELS = {"sign": "sign attack", "coordinate_ascent": "coordinate ascent"}


def brown(table):
    """Brown et al.'s two panels per protocol: singleton recovery error and classification errors over training."""
    protocols, models = list(dict.fromkeys(table["protocol"])), list(dict.fromkeys(table["model"]))
    fig, axes = plt.subplots(
        len(protocols), len(models), figsize=(6.2 * len(models), 4.2 * len(protocols)), squeeze=False
    )
    pal = sns.color_palette("colorblind", 5)
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
    _figure_legend(fig, axes[0][0], ncols=2)
    fig.suptitle("Brown et al. cluster labelling: query-only attacks on singletons along training (95 % bands)")
    return fig
