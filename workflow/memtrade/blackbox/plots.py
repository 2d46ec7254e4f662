"""The black-box study's figure: certified memorization against n per learner, with the bound."""

from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.ticker import FormatStrFormatter

from .. import plotting as P


def certified(table):
    """Certified memorization (bits) of each black-box learner against n (its best attack), with the SDPI bound."""
    table = table.loc[table.groupby(["learner", "n"], sort=False)["certified_bits"].idxmax()]
    fig, ax = plt.subplots(figsize=(7.0, 5.0))
    learners = list(dict.fromkeys(table["learner"]))
    colors = P.colors(learners)
    for i, learner in enumerate(learners):
        t = table[table["learner"] == learner].sort_values("n")
        c = colors[learner]
        ax.plot(
            t["n"],
            t["certified_bits_estimate"],
            marker=P.MARKERS[i % len(P.MARKERS)],
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
    ax.set_title(f"Black-box learners, {P.PROBLEM_LABELS.get(problem, problem)} (d = {d}): certified by attack")
    P.figure_legend(fig, ax, ncols=3)
    return fig
