"""The mixture study's figures."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.ticker import FormatStrFormatter

from .. import plotting as P


def _zipf(frame):
    """Rows of Zipf priors, with their exponent as a column, sorted by exponent."""
    z = frame[frame["prior"].str.startswith("zipf_")].copy()
    z["a"] = z["prior"].str.slice(5).astype(float)
    return z.sort_values("a")


def _priors_in_order(frame):
    """Zipf priors by exponent, then the others by name; and a colour for each."""
    zipf = list(dict.fromkeys(_zipf(frame)["prior"]))
    priors = zipf + sorted(set(frame["prior"]) - set(zipf))
    pal = P.palette("mako_r", max(len(priors), 3))
    return priors, {p: pal[i] for i, p in enumerate(priors)}


def mem_vs_n(best, trade):
    """Least memorization reaching the target (t = 1's error + slack) and its bound, against n, per prior."""
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    priors, colors = _priors_in_order(best)
    for prior in priors:
        b = best[best["prior"] == prior].sort_values("n")
        marker = "o" if prior.startswith("zipf_") else "s"
        ax.loglog(b["n"], b["memorization_bits"], marker=marker, color=colors[prior], label=f"{prior}: best learner")
        ax.loglog(b["n"], b["lower_bound_bits"], linestyle="--", color=colors[prior], linewidth=1.2)
    ax.plot([], [], linestyle="--", color="grey", label="SDPI bound at the learner's errors")
    P.major_labels_only(ax)
    ax.set_xticks(sorted(best["n"].unique()))
    ax.xaxis.set_major_formatter(FormatStrFormatter("%g"))
    ax.set_xlabel("training examples n")
    ax.set_ylabel("expected memorization (bits)")
    ax.set_title("Mixtures: least memorization reaching the target error")
    ax.legend(loc="lower left", fontsize=7.5, ncols=2)
    return fig


def frontier(trade, n: int):
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


def singletons(by_count, n: int):
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


def feldman(feldman, n: int):
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
