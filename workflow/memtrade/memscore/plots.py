"""The memorization-score stage's figures. Each function takes tidy tables (and, for image grids, the
dataset's arrays) and returns a matplotlib Figure (constrained layout, as the style file sets: no
``tight_layout``, which would warn); saving is the caller's job (``plotting.save_figure``)."""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..plotting import palette  # noqa: E402

HEAD_LABELS = {
    "model": "model",
    "parametric": "parametric model alone",
    "retro_parametric": "parametric part (kNN-weighted loss)",
    "retro": "with datastore (interpolated)",
}
DATASET_LABELS = {
    "digits": "digits",
    "digits_flipped": "digits, 2 % labels flipped",
    "mixture": "long-tailed mixture",
}


def _plain_log_ticks(ax, ticks):
    """Log axis with plain-number labels at ``ticks`` (no overlapping 3x10^1-style minor labels)."""
    from matplotlib.ticker import FixedLocator, NullFormatter, NullLocator, ScalarFormatter

    ax.xaxis.set_major_locator(FixedLocator(list(ticks)))
    ax.xaxis.set_major_formatter(ScalarFormatter())
    ax.xaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_minor_formatter(NullFormatter())


def _learner_colors(learners):
    pal = palette("colorblind", max(4, len(learners)))
    return {name: pal[i] for i, name in enumerate(learners)}


def histogram(scores, summary, threshold: float = 0.25):
    """Distribution of memorization scores per dataset and learner (log counts: the long tail)."""
    datasets = list(dict.fromkeys(scores["dataset"]))
    learners = list(dict.fromkeys(scores["learner"]))
    colors = _learner_colors(learners)
    fig, axes = plt.subplots(
        1, len(datasets), figsize=(4.2 * len(datasets), 3.8), squeeze=False, sharey=True, layout="constrained"
    )
    bins = np.linspace(-0.1, 1.0, 23)
    for ax, ds in zip(axes[0], datasets, strict=True):
        for name in learners:
            g = scores[(scores["dataset"] == ds) & (scores["learner"] == name) & (scores["head"] == "model")]
            if g.empty:
                continue
            s = summary[(summary["dataset"] == ds) & (summary["learner"] == name) & (summary["head"] == "model")]
            share = 100 * float(s["share_above_threshold"].iloc[0])
            ax.hist(
                g["mem"].clip(-0.1, 1.0),
                bins=bins,
                histtype="step",
                color=colors[name],
                lw=1.6,
                label=f"{name} ({share:.1f} % > {threshold:g})",
            )
        ax.axvline(threshold, color="0.4", ls=":", lw=1)
        ax.set_yscale("log")
        ax.set_title(DATASET_LABELS.get(ds, ds))
        ax.set_xlabel("memorization score mem(A, S, i)")
        ax.legend(fontsize=7, loc="upper right")
    axes[0][0].set_ylabel("training examples (log scale)")
    return fig


def _image(ax, x, shape):
    ax.imshow(np.asarray(x).reshape(shape), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])


def top_memorized(scores, X, shape, learner, count, dataset):
    """The ``count`` top-memorized training images of one learner, with label and score."""
    g = scores[(scores["dataset"] == dataset) & (scores["learner"] == learner) & (scores["head"] == "model")]
    g = g.sort_values("mem", ascending=False, kind="stable").head(count)
    cols = 8
    rows = int(np.ceil(len(g) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(1.35 * cols, 1.55 * rows + 0.5), squeeze=False, layout="constrained")
    for ax in axes.ravel():
        ax.axis("off")
    for ax, (_, r) in zip(axes.ravel(), g.iterrows(), strict=False):
        ax.axis("on")
        _image(ax, X[int(r["index"])], shape)
        flag = " (flipped)" if r["flipped"] else ""
        ax.set_title(f"label {int(r['label'])}{flag}\nmem {r['mem']:.2f}", fontsize=7)
    fig.suptitle(f"top-memorized training digits, {learner} ({DATASET_LABELS.get(dataset, dataset)})", fontsize=9)
    return fig


def removal(summary):
    """Test accuracy after removing the top-k memorized examples and k random ones (95 % intervals of the gap)."""
    learners = list(dict.fromkeys(summary["learner"]))
    fig, axes = plt.subplots(1, len(learners), figsize=(4.4 * len(learners), 3.8), squeeze=False, layout="constrained")
    for ax, name in zip(axes[0], learners, strict=True):
        t = summary[summary["learner"] == name].sort_values("k")
        ax.plot(t["k"], 100 * t["accuracy_random_removed"], "o-", label="k random examples removed")
        ax.plot(t["k"], 100 * t["accuracy_top_removed"], "s-", label="k top-memorized removed")
        lo = 100 * (t["accuracy_random_removed"] - t["difference_hi"])
        hi = 100 * (t["accuracy_random_removed"] - t["difference_lo"])
        ax.fill_between(t["k"], lo, hi, alpha=0.2, color="C1", linewidth=0, label="95 % interval of the gap")
        ax.set_xscale("log")
        _plain_log_ticks(ax, t["k"])
        ax.set_xlabel("training examples removed, k (log scale)")
        ax.set_ylabel("test accuracy (%)")
        ax.set_title(name)
        ax.legend(fontsize=7)
    return fig


def influence_pairs(pairs, X, X_test, shape, count):
    """The highest-influence train/test pairs side by side, with influence and neighbour rank."""
    p = pairs.head(count)
    cols = 4
    rows = int(np.ceil(len(p) / cols))
    fig, axes = plt.subplots(
        rows, 2 * cols, figsize=(1.3 * 2 * cols, 1.6 * rows + 0.5), squeeze=False, layout="constrained"
    )
    for ax in axes.ravel():
        ax.axis("off")
    for k, (_, r) in enumerate(p.iterrows()):
        a, b = axes[k // cols][2 * (k % cols)], axes[k // cols][2 * (k % cols) + 1]
        for ax in (a, b):
            ax.axis("on")
        _image(a, X[int(r["train_index"])], shape)
        _image(b, X_test[int(r["test_index"])], shape)
        a.set_title(f"train {int(r['train_label'])}\ninfl {r['influence']:.2f}", fontsize=7)
        b.set_title(f"test {int(r['test_label'])}\nNN rank {int(r['neighbour_rank'])}", fontsize=7)
    learner = pairs["learner"].iloc[0] if len(pairs) else ""
    fig.suptitle(f"highest-influence pairs (train | test), {learner} on digits", fontsize=9)
    return fig


def frequency(by_freq):
    """Mean memorization against the subpopulation's training count (log scale), per learner."""
    datasets = [d for d in ("mixture", "digits") if d in set(by_freq["dataset"])]
    learners = list(dict.fromkeys(by_freq["learner"]))
    colors = _learner_colors(learners)
    fig, axes = plt.subplots(1, len(datasets), figsize=(5.0 * len(datasets), 3.9), squeeze=False, layout="constrained")
    for ax, ds in zip(axes[0], datasets, strict=True):
        for name in learners:
            t = by_freq[(by_freq["dataset"] == ds) & (by_freq["learner"] == name) & (by_freq["head"] == "model")]
            if t.empty:
                continue
            x = np.sqrt(t["count_lo"] * np.minimum(t["count_hi"], 2 * t["count_lo"]))
            ax.errorbar(
                x, t["mean_mem"], yerr=2 * t["mean_mem_se"], marker="o", capsize=3, color=colors[name], label=name
            )
        ax.set_xscale("log")
        _plain_log_ticks(ax, [1, 2, 4, 8, 16, 32])
        ax.set_xlabel("training examples in the example's subpopulation (log scale)")
        ax.set_ylabel("mean memorization score (±2 s.e.)")
        ax.set_title(DATASET_LABELS.get(ds, ds))
        ax.axhline(0, color="0.5", lw=0.8)
        ax.legend(fontsize=7)
    return fig


def retro(summary):
    """RetroPrompt's comparison: accuracy on rare and frequent subpopulations, and mean memorization."""
    datasets = list(dict.fromkeys(summary["dataset"]))
    heads = [h for h in HEAD_LABELS if h in set(summary["head"])]
    fig, axes = plt.subplots(
        1, 2 * len(datasets), figsize=(4.0 * 2 * len(datasets), 3.9), squeeze=False, layout="constrained"
    )
    width = 0.8 / len(heads)
    pal = palette("colorblind", len(heads))
    for d, ds in enumerate(datasets):
        t = summary[summary["dataset"] == ds].set_index("head")
        acc_ax, mem_ax = axes[0][2 * d], axes[0][2 * d + 1]
        for h, head in enumerate(heads):
            r = t.loc[head]
            acc_ax.bar(
                np.arange(2) + h * width,
                100 * np.array([r["accuracy_rare"], r["accuracy_frequent"]]),
                width,
                color=pal[h],
                label=HEAD_LABELS[head],
            )
            mem_ax.bar(np.arange(2) + h * width, [r["mean_mem_rare"], r["mean_mem"]], width, color=pal[h])
        acc_ax.set_xticks(np.arange(2) + width * (len(heads) - 1) / 2, ["rare", "frequent"])
        mem_ax.set_xticks(np.arange(2) + width * (len(heads) - 1) / 2, ["rare", "all"])
        acc_ax.set_ylabel("test accuracy (%)")
        mem_ax.set_ylabel("mean memorization score of training examples")
        acc_ax.set_title(f"{DATASET_LABELS.get(ds, ds)}: accuracy")
        mem_ax.set_title(f"{DATASET_LABELS.get(ds, ds)}: memorization")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(heads), fontsize=8, frameon=False)
    return fig


ATTACK_LABELS = {
    "lira_online": "LiRA online",
    "lira_offline": "LiRA offline",
    "loss": "loss attack (global threshold)",
}
LINE_STYLES = {"lira_online": {"lw": 1.6}, "lira_offline": {"ls": "--", "lw": 1.4}, "loss": {"ls": ":", "lw": 1.8}}


def _low_edge(fpr) -> float:
    """The axes' lower limit: the decade below the smallest positive FPR (1e-3 without one)."""
    positive = fpr[fpr > 0]
    return 10 ** np.floor(np.log10(positive.min())) if len(positive) else 1e-3


def _roc_axes(ax, curves, records, low: float, label_fpr: str = "tpr_at_0.1pct_fpr", fontsize: float = 7):
    """Draw each attack's ROC on ``ax`` (log-log, from ``low``), the chance diagonal dashed."""
    summary = {r["attack"]: r for r in records}
    level = {"tpr_at_0.1pct_fpr": "0.1", "tpr_at_1pct_fpr": "1"}[label_fpr]
    for i, (name, t) in enumerate(curves.groupby("attack", sort=False)):
        r = summary[name]
        label = f"{ATTACK_LABELS.get(name, name)}: AUC {r['auc']:.3f}, TPR {100 * r[label_fpr]:.1f} % at {level} % FPR"
        t = t[t["fpr"] > 0]  # a TPR of 0 is drawn at the bottom edge
        style = LINE_STYLES.get(name, {})  # distinct styles: equal curves stay visible, the first on top
        ax.step(t["fpr"], np.maximum(t["tpr"], low), where="post", color=f"C{i}", label=label, zorder=3 - i, **style)
    ax.plot([low, 1], [low, 1], ls="--", color="0.5", lw=1, label="chance")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(low, 1)
    ax.set_ylim(low, 1.05)
    ax.legend(fontsize=fontsize, loc="lower right")


def roc(curves, records, title: str = ""):
    """Membership-inference ROC of each attack on log-log axes (Carlini et al.'s figure), the chance
    diagonal dashed; the legend gives each attack's AUC and TPR at 0.1 % FPR."""
    fig, ax = plt.subplots(figsize=(4.8, 4.2), layout="constrained")
    _roc_axes(ax, curves, records, _low_edge(curves["fpr"]))
    ax.set_xlabel("false positive rate (log scale)")
    ax.set_ylabel("true positive rate (log scale)")
    if title:
        ax.set_title(title)
    return fig


def roc_panels(curves, attacks):
    """The ROC of each attack per (dataset, learner): one row per dataset, one column per learner, shared
    log-log axes; each legend gives the attack's AUC and TPR at 1 % FPR."""
    datasets = list(dict.fromkeys(attacks["dataset"]))
    learners = list(dict.fromkeys(attacks["learner"]))
    low = _low_edge(curves["fpr"])
    fig, axes = plt.subplots(
        len(datasets),
        len(learners),
        figsize=(3.6 * len(learners), 3.4 * len(datasets)),
        squeeze=False,
        sharex=True,
        sharey=True,
        layout="constrained",
    )
    for (r, ds), (c, name) in itertools.product(enumerate(datasets), enumerate(learners)):
        ax = axes[r][c]
        rec = attacks[(attacks["dataset"] == ds) & (attacks["learner"] == name)]
        t = curves[(curves["dataset"] == ds) & (curves["learner"] == name)]
        if rec.empty:
            ax.set_axis_off()  # a learner without predict_proba
            continue
        _roc_axes(ax, t, rec.to_dict(orient="records"), low, "tpr_at_1pct_fpr", fontsize=6)
        ax.set_title(f"{DATASET_LABELS.get(ds, ds)}: {name} ({int(rec['targets'].iloc[0])} targets)", fontsize=9)
        if r == len(datasets) - 1:
            ax.set_xlabel("false-positive rate (log scale)")
        if c == 0:
            ax.set_ylabel("true-positive rate (log scale)")
    return fig
