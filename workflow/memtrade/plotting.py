"""The figures' shared parts: the one style file, colours, markers, labels, panels and legends.

Every study draws its figures in its own ``plots`` module: functions that take tidy tables and
return a matplotlib Figure (saving is the caller's job, ``io.save_figure``). All quantities are in bits.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.ticker import NullFormatter  # noqa: E402

from .io import atomic_path  # noqa: E402

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


#: seaborn's qualitative palettes that the figures use (``seaborn.palettes.SEABORN_PALETTES``, seaborn
#: 0.13), so that a figure job does not import seaborn (0.5 s, most of it scipy.stats) for a list of colours
QUALITATIVE = {
    "colorblind": "#0173B2 #DE8F05 #029E73 #D55E00 #CC78BC #CA9161 #FBAFE4 #949494 #ECE133 #56B4E9".split(),
    "deep": "#4C72B0 #DD8452 #55A868 #C44E52 #8172B3 #937860 #DA8BC3 #8C8C8C #CCB974 #64B5CD".split(),
}


#: matplotlib's qualitative colormaps, which seaborn takes colour by colour (seaborn.palettes.MPL_QUAL_PALS)
MPL_QUALITATIVE = "tab10 tab20 tab20b tab20c Set1 Set2 Set3 Accent Paired Pastel1 Pastel2 Dark2".split()


def palette(name: str, count: int) -> list[tuple[float, float, float]]:
    """``count`` RGB colours of palette ``name``, the colours ``seaborn.color_palette(name, count)`` gives:
    a qualitative palette's first colours, cycled (:data:`QUALITATIVE`, or a matplotlib qualitative
    colormap such as ``tab10``), or a continuous colormap sampled at ``count`` evenly spaced interior
    points. A colormap that only seaborn has (``mako``, ``rocket``, ...) is taken from seaborn."""
    if name in QUALITATIVE:
        colors = [matplotlib.colors.to_rgb(c) for c in QUALITATIVE[name]]
        return [colors[i % len(colors)] for i in range(count)]
    if name not in matplotlib.colormaps:
        import seaborn as sns  # only for its own colormaps

        return [tuple(c) for c in sns.color_palette(name, count)]
    cmap = matplotlib.colormaps[name]
    if name in MPL_QUALITATIVE:  # its colours, cycled
        return [tuple(cmap.colors[i % cmap.N][:3]) for i in range(count)]
    return [tuple(float(v) for v in c[:3]) for c in cmap(np.linspace(0, 1, count + 2)[1:-1])]


def use_style(path) -> None:
    """Apply the project's one matplotlib style file."""
    plt.style.use(str(path))


def colors(learners):
    """A colour per learner name (colour-blind palette, in sorted order)."""
    pal = palette("colorblind", max(3, len(learners)))
    return {name: pal[i] for i, name in enumerate(sorted(learners))}


def label(table, learner) -> str:
    """A learner's legend label: its family's name, prefixed by the entry name where they differ."""
    family = table.loc[table["learner"] == learner, "family"].iloc[0]
    fam = FAMILY_LABELS.get(family, family)
    return fam if learner == family else f"{learner}: {fam}"


def problem_style(problem):
    """The colour and marker of a problem in figures across problems."""
    color, marker = PROBLEM_STYLE.get(problem, ("C3", "D"))
    pal = palette("colorblind", 10)
    return pal[int(color[1:])], marker


def panels(count: int, width: float = 3.6, height: float = 3.0):
    """A figure with ``count`` panels, three a row; returns (figure, axes)."""
    cols = min(3, count)
    rows = int(np.ceil(count / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows), squeeze=False)
    for ax in axes.ravel()[count:]:
        ax.set_visible(False)
    return fig, axes.ravel()[:count]


def figure_legend(fig, ax, ncols: int = 4) -> None:
    """One legend for all panels, below them."""
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), ncols))


def major_labels_only(ax) -> None:
    """Label the major ticks of a log axis only."""
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.yaxis.set_minor_formatter(NullFormatter())


def learner_line(ax, rows, x: str, i: int, color, label: str, **style) -> None:
    """One learner's least memorization (bits) against column ``x``, log-log, with the i-th marker (if any rows)."""
    if len(rows):
        marker = MARKERS[i % len(MARKERS)]
        ax.loglog(rows[x], rows["memorization_bits"], marker=marker, color=color, label=label, **style)


def save_figure(fig, paths) -> None:
    """Save one figure to each path (format from the suffix), atomically, without timestamps; then close it."""
    for path in paths:
        fmt = Path(path).suffix.lstrip(".")
        meta = {"CreationDate": None} if fmt == "pdf" else {"Software": None}
        with atomic_path(path) as tmp:
            fig.savefig(tmp, format=fmt, metadata=meta)
    plt.close(fig)
