"""The laboratory's figures (laboratory scale: small GPT-2 models trained from scratch).

Every function takes the tidy tables of :mod:`memtrade.lab.tables` (and of the editing, distillation
and STIM table modules) and returns a matplotlib Figure; saving is the caller's job
(``plotting.save_figure``).
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..plotting import palette  # noqa: E402

DEFENCE_LABELS = {
    "no_finetune": "no fine-tuning (reference)",
    "undefended": "undefended",
    "dedup_exact": "exact deduplication",
    "dedup_near": "near-duplicate deduplication",
    "dpsgd": "DP-SGD",
    "filter_regex": "output pattern filter (naive attacker)",
    "filter_entropy": "output entropy filter (naive attacker)",
    "filter_regex_evasive": "output pattern filter (chunked queries)",
    "filter_entropy_evasive": "output entropy filter (sampling at temperature)",
}
LAB_NOTE = "laboratory scale: GPT-2 architecture trained from scratch on a synthetic corpus (CPU)"


def _size_colors(table):
    sizes = table.sort_values("params")["size"].drop_duplicates().tolist()
    pal = palette("viridis", max(3, len(sizes)))
    return sizes, {s: pal[i] for i, s in enumerate(sizes)}


def _band(ax, x, t, col, color, label, marker="o"):
    ax.plot(x, t[col], marker=marker, color=color, label=label)
    if f"{col}_lo" in t:
        ax.fill_between(x, t[f"{col}_lo"], t[f"{col}_hi"], color=color, alpha=0.18, linewidth=0)


def _params_label(size, params):
    return f"{size} ({params / 1e3:.0f}k parameters)"


def extraction(ext, exposure):
    """Secret leakage, extraction rate and exact pin exposure against repetition count, one line per model size."""
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.6))
    sizes, colors = _size_colors(ext)
    for s in sizes:
        t = ext[ext["size"] == s].sort_values("repetitions")
        label = _params_label(s, t["params"].iloc[0])
        _band(axes[0], t["repetitions"], t, "secret_leakage", colors[s], label)
        _band(axes[1], t["repetitions"], t, "extraction_rate", colors[s], label)
        e = exposure[exposure["size"] == s].sort_values("repetitions")
        _band(axes[2], e["repetitions"], e, "pin_exposure_exact", colors[s], _params_label(s, e["params"].iloc[0]))
    axes[0].set_ylabel("secret leakage (fraction, pin in output)")
    axes[1].set_ylabel("extraction rate (fraction, k → m exact)")
    for ax in axes[:2]:
        ax.set_ylim(-0.02, 1.02)
    axes[2].axhline(exposure["pin_log2_candidates"].iloc[0], color="0.4", linestyle=":", label="maximum: log2 |R|")
    axes[2].set_ylabel("exposure of the pin (bits, exact rank)")
    for ax in axes:
        ax.set_xscale("log", base=2)
        ax.set_xlabel("copies of the record in the fine-tuning data")
    axes[0].legend(fontsize=8)
    axes[2].legend(fontsize=8)
    fig.suptitle(
        f"Leakage, extraction and exposure against repetition and model size (95 % bands over seeds)\n{LAB_NOTE}",
        fontsize=10,
    )
    return fig


def exposure(exp, records):
    """Exact against extrapolated pin exposure (one point per record and seed), and the
    extrapolated exposure of the account numbers against repetition count."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    r = records[records["variant"] == "undefended"]
    sizes, colors = _size_colors(exp)
    for s in sizes:
        g = r[r["size"] == s]
        axes[0].scatter(
            g["pin_exposure_exact"], g["pin_exposure_extrapolated"], s=10, alpha=0.6, color=colors[s], label=s
        )
        e = exp[exp["size"] == s].sort_values("repetitions")
        _band(
            axes[1], e["repetitions"], e, "acct_exposure_extrapolated", colors[s], _params_label(s, e["params"].iloc[0])
        )
    top = exp["pin_log2_candidates"].iloc[0]
    axes[0].plot([0, top], [0, top], color="black", linewidth=1, label="equal")
    axes[0].axvline(top, color="0.4", linestyle=":", linewidth=1)
    axes[0].set_xlabel("pin exposure, exact rank over all candidates (bits)")
    axes[0].set_ylabel("pin exposure, skew-normal extrapolation (bits)")
    axes[0].legend(fontsize=8)
    axes[1].axhline(exp["acct_log2_candidates"].iloc[0], color="0.4", linestyle=":", label="log2 |R|")
    axes[1].set_xscale("log", base=2)
    axes[1].set_xlabel("copies of the record in the fine-tuning data")
    axes[1].set_ylabel("account-number exposure, extrapolated (bits)")
    axes[1].legend(fontsize=8)
    fig.suptitle(f"Exposure (secret sharer): exact where enumerable, extrapolated beyond\n{LAB_NOTE}", fontsize=10)
    return fig


def redundancy(red, share):
    """Memorization score under prefix perturbation (memorized against non-memorized records, by
    redundancy bin) at the largest size, and the share of low-redundancy records among memorized ones."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    largest = red.sort_values("params")["size"].iloc[-1]
    t = red[red["size"] == largest]
    pal = palette("colorblind", 4)
    styles = {"all": "-", "low": "--", "high": ":"}
    for i, memorized in enumerate((True, False)):
        for b in ("all", "low", "high"):
            g = t[(t["memorized"] == memorized) & (t["redundancy_bin"] == b)].sort_values("perturbed_tokens")
            if g.empty:
                continue
            label = f"{'memorized' if memorized else 'not memorized'}, {b if b != 'all' else 'all'} redundancy"
            x = 100 * g["perturbed_fraction"]
            axes[0].plot(x, g["mem_score"], linestyle=styles[b], marker="o", color=pal[i], label=label)
            if b == "all":
                axes[0].fill_between(x, g["mem_score_lo"], g["mem_score_hi"], color=pal[i], alpha=0.15, linewidth=0)
    axes[0].set_xlabel("share of the prompt's tokens replaced at random (%)")
    axes[0].set_ylabel("memorization score (fraction of m tokens)")
    axes[0].set_ylim(-0.02, 1.02)
    axes[0].set_title(f"size {largest}", fontsize=9)
    axes[0].legend(fontsize=7)
    s = share.sort_values("params")
    x = np.arange(len(s))
    axes[1].bar(x, s["low_share_memorized"], color=pal[2], label="among memorized records")
    axes[1].errorbar(
        x,
        s["low_share_memorized"],
        yerr=[
            s["low_share_memorized"] - s["low_share_memorized_lo"],
            s["low_share_memorized_hi"] - s["low_share_memorized"],
        ],
        fmt="none",
        color="black",
    )
    axes[1].axhline(0.5, color="0.3", linestyle=":", label="among all records (median split)")
    axes[1].axhline(0.79, color="C3", linestyle="--", label="Zhang et al. 2025: 79 %")
    for i, row in enumerate(s.itertuples()):
        if not np.isfinite(row.low_share_memorized):
            axes[1].text(i, 0.05, "no memorized\nrecords", ha="center", fontsize=8, color="0.4")
    axes[1].set_xticks(x, [_params_label(a, b) for a, b in zip(s["size"], s["params"], strict=True)], fontsize=8)
    axes[1].set_ylabel("share of low-redundancy records")
    lo, hi = s["ratio_min"].min(), s["ratio_max"].max()
    axes[1].set_xlabel(f"model size (records' zlib ratio {lo:.2f} to {hi:.2f})")
    axes[1].set_ylim(0, 1)
    axes[1].legend(fontsize=8)
    fig.suptitle(
        f"Redundancy (zlib ratio) and robustness to prefix perturbation (95 % intervals)\n{LAB_NOTE}", fontsize=10
    )
    return fig


def defences(table):
    """Leakage (extraction rate, secret leakage, pin exposure) against utility for every defence."""
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.4))
    cols = ["extraction_rate", "secret_leakage", "pin_exposure"]
    table = table[np.isfinite(table[cols].to_numpy(float)).any(axis=1)]  # no_finetune: utility only
    pal = palette("tab10", len(table))  # one colour and one marker per defence
    markers = ["o", "s", "D", "^", "v", "P", "X", "*", "h", "<"]
    for i, row in table.reset_index(drop=True).iterrows():
        label = DEFENCE_LABELS.get(row["defence"], row["defence"])
        if np.isfinite(row.get("epsilon", np.nan)):
            label += f" (ε = {row['epsilon']:.3g})"
        for ax, col in zip(axes, ("extraction_rate", "secret_leakage", "pin_exposure"), strict=True):
            if not np.isfinite(row[col]):
                continue  # the evasive attackers have no exact extraction rate
            ax.errorbar(
                row["utility"],
                row[col],
                xerr=[[row["utility"] - row["utility_lo"]], [row["utility_hi"] - row["utility"]]],
                yerr=[[row[col] - row[f"{col}_lo"]], [row[f"{col}_hi"] - row[col]]],
                fmt=markers[i % len(markers)],
                markersize=7,
                color=pal[i],
                label=label,
                capsize=3,
            )
    for ax in axes:
        ax.axvline(0.9, color="0.4", linestyle=":", linewidth=1)
        ax.set_xlabel("utility (fresh-record loss ratio; benign pass rate for filters)")
    axes[0].set_ylabel("extraction rate (fraction of records)")
    axes[1].set_ylabel("secret leakage (fraction of records)")
    axes[2].set_ylabel("mean pin exposure (bits)")
    handles, labels = axes[1].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=8, frameon=False)
    fig.suptitle(
        f"Defences at size {table['size'].iloc[0]}: leakage against utility (95 % intervals)\n{LAB_NOTE}", fontsize=10
    )
    fig.tight_layout(rect=(0, 0.12, 1, 1))
    return fig


EDIT_LABELS = {
    "edited": "edited records",
    "leaking_not_edited": "leaking, not edited",
    "not_leaking": "not leaking",
}


def editing(table, models):
    """Private Memorization Editing: extraction before and after the edit per record group; the
    edit's specificity (what it changed where it should change nothing); and the measured
    contribution of each layer's MLP at the names that chose the edited layer."""
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.4), gridspec_kw={"width_ratios": [3, 2.2, 1.6]})
    x = np.arange(len(table))
    width = 0.38
    for off, stage, color in ((-width / 2, "before", "0.55"), (width / 2, "after", "tab:red")):
        col = f"extraction_{stage}"
        yerr = [table[col] - table[f"{col}_lo"].fillna(table[col]), table[f"{col}_hi"].fillna(table[col]) - table[col]]
        axes[0].bar(x + off, table[col], width, yerr=yerr, color=color, capsize=3, label=f"{stage} the edit")
    axes[0].set_xticks(
        x,
        [
            f"{EDIT_LABELS.get(g, g)}\n({n:.1f} per model)"
            for g, n in zip(table["group"], table["records"], strict=True)
        ],
    )
    axes[0].set_ylabel("extraction rate (fraction of records)")
    axes[0].set_ylim(0, 1.05)
    axes[0].axhline(0.05, color="0.4", linestyle=":", linewidth=1)
    axes[0].legend(fontsize=8)
    row = models.iloc[0]
    spec = [
        ("spared_extraction_fall", "extraction fall,\nleaking not edited"),
        ("acct_recall_fall", "account-number\nrecall fall"),
        ("fresh_placeholder_rise", "fresh records'\nplaceholder rise"),
    ]
    vals = np.array([100 * row[c] for c, _ in spec])
    err = np.array([[100 * (row[c] - row[f"{c}_lo"]), 100 * (row[f"{c}_hi"] - row[c])] for c, _ in spec]).T
    axes[1].bar(np.arange(3), vals, yerr=np.nan_to_num(err), color="tab:purple", capsize=3)
    axes[1].axhline(10, color="0.4", linestyle=":", linewidth=1, label="claimed bound (10 points)")
    axes[1].axhline(0, color="0.2", linewidth=0.8)
    axes[1].set_xticks(np.arange(3), [label for _, label in spec], fontsize=8)
    axes[1].set_ylabel("change after the edit (percentage points)")
    axes[1].set_title(
        f"held-out loss: background {100 * row['heldout_loss_change']:+.2f} %, fresh records "
        f"{100 * row['fresh_loss_change']:+.2f} %",
        fontsize=9,
    )
    axes[1].legend(fontsize=8)
    layers = sorted(c for c in models.columns if c.startswith("contribution_layer") and not c.endswith(("_lo", "_hi")))
    contrib = np.array([row[c] for c in layers])
    axes[2].bar(np.arange(len(layers)), contrib, color="tab:blue")
    axes[2].set_xticks(np.arange(len(layers)), [c.removeprefix("contribution_layer") for c in layers])
    axes[2].set_xlabel("layer (its MLP mean-ablated at the name)")
    axes[2].set_ylabel("drop in log p(first leaked token) (nats)")
    axes[2].set_title(
        f"edited at layer {row['layer']:.0f}: rank {row['edit_rank']:.0f},\n‖Δ‖/‖W‖ = {row['edit_relative_norm']:.2f}",
        fontsize=9,
    )
    fig.suptitle(
        f"Private Memorization Editing at size {row['size']}, keys at the records' names (means over seeds, "
        f"95 % intervals)\n{LAB_NOTE}",
        fontsize=10,
    )
    return fig


DISTILL_LABELS = {
    "teacher": "teacher (fine-tuned)",
    "direct": "student, direct fine-tuning",
    "word_kd": "student, word-level KD",
    "seq_kd": "student, sequence-level KD",
    "reverse_kl": "student, on-policy reverse KL",
}


def distillation(table, by_repetition):
    """Distillation: extraction rate against repetition count per model, and each student's
    extraction rate against its held-out loss (the memorization and utility it trades)."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    methods = [m for m in DISTILL_LABELS if m in set(table["method"])]
    pal = dict(zip(methods, ["0.25", *palette("colorblind", len(methods) - 1)], strict=True))
    marks = dict(zip(methods, "s^ovDP", strict=False))
    for method in methods:
        t = by_repetition[by_repetition["method"] == method]
        _band(axes[0], t["repetitions"], t, "extraction_rate", pal[method], DISTILL_LABELS[method], marks[method])
    axes[0].set_xscale("log", base=2)
    axes[0].set_xlabel("repetitions of the record in the fine-tuning data")
    axes[0].set_ylabel("extraction rate (fraction of records)")
    axes[0].set_ylim(-0.02, 1.02)
    axes[0].legend(fontsize=8)
    for r in table.itertuples():
        axes[1].errorbar(
            r.heldout_bits_per_word,
            r.extraction_rate,
            xerr=[
                [r.heldout_bits_per_word - r.heldout_bits_per_word_lo],
                [r.heldout_bits_per_word_hi - r.heldout_bits_per_word],
            ],
            yerr=[[r.extraction_rate - r.extraction_rate_lo], [r.extraction_rate_hi - r.extraction_rate]],
            marker=marks[r.method],
            color=pal[r.method],
            capsize=3,
            linestyle="none",
            label=f"{DISTILL_LABELS[r.method]} ({r.size})",
        )
    direct = table[table["method"] == "direct"]
    if len(direct):
        h = float(direct["heldout_bits_per_word"].iloc[0])
        axes[1].axvspan(0.95 * h, 1.05 * h, color="0.85", zorder=0, label="within 5 % of direct's held-out loss")
    axes[1].set_xlabel("held-out loss (bits per word)")
    axes[1].set_ylabel("extraction rate (fraction of records)")
    axes[1].legend(fontsize=7)
    fig.suptitle(f"Distillation of a fine-tuned teacher (means over seeds, 95 % intervals)\n{LAB_NOTE}", fontsize=10)
    return fig


STIM_LABELS = {
    "local": "local\n(n-gram)",
    "mid": "mid-range\n(generated prefix)",
    "long": "long-range\n(question)",
    "undefined": "undefined\n(no source)",
}


def _bars(ax, x, t, col, color, label, width):
    lo, hi = t[f"{col}_lo"].fillna(t[col]), t[f"{col}_hi"].fillna(t[col])
    ax.bar(x, t[col], width, yerr=[t[col] - lo, hi - t[col]], color=color, capsize=3, label=label)


def stim(sources, tail, precision):
    """STIM: the dominant memorization source of wrong and right tokens, the scores on long-tail
    and frequent inputs, and precision@k per wrong step against their random baselines."""
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.2))
    names = [s for s in STIM_LABELS if s in set(sources["source"])]
    x = np.arange(len(names))
    for off, cls, color in ((-0.2, "wrong", "tab:red"), (0.2, "right", "0.6")):
        t = sources[sources["token_class"] == cls].set_index("source").reindex(names)
        n = t["tokens"].max() if t["tokens"].notna().any() else 0
        _bars(axes[0], x + off, t, "share", color, f"{cls} tokens ({n:.0f} per seed)", 0.38)
    axes[0].set_xticks(x, [STIM_LABELS[s] for s in names], fontsize=8)
    axes[0].set_ylabel("share of tokens with this dominant source")
    axes[0].set_ylim(0, 1.05)
    axes[0].legend(fontsize=8)
    t = tail.set_index("inputs").reindex(["head", "long_tail"])
    xi = np.arange(2)
    _bars(axes[1], xi - 0.2, t, "example_score", "tab:purple", "per answer (top 5 of its step; claimed)", 0.38)
    _bars(axes[1], xi + 0.2, t, "score_wrong", "tab:red", "wrong tokens", 0.38)
    axes[1].set_xticks(xi, ["frequent inputs", "long-tail inputs"])
    axes[1].set_ylabel("STIM score (max Spearman ρ over sources)")
    axes[1].axhline(0, color="0.3", linewidth=0.8)
    low, high = axes[1].get_ylim()
    axes[1].set_ylim(low, high + 0.3 * (high - low))  # room for the legend above the bars
    axes[1].legend(fontsize=8, loc="upper center")
    _band(axes[2], precision["k"], precision, "precision", "tab:red", "precision@k = recall@k (one wrong token a step)")
    _band(axes[2], precision["k"], precision, "precision_random", "0.4", "random precision@k (theirs)", marker="x")
    _band(axes[2], precision["k"], precision, "recall_random", "tab:blue", "random recall@k (theirs)", marker="s")
    axes[2].set_xticks(precision["k"])
    axes[2].set_xlabel("k (top-scored tokens of the wrong step)")
    axes[2].set_ylabel("fraction of wrong steps")
    axes[2].set_ylim(0, 1.05)
    axes[2].legend(fontsize=8)
    fig.suptitle(
        f"STIM: token-level memorization sources in step-wise reasoning (means over seeds, 95 % intervals)\n{LAB_NOTE}",
        fontsize=10,
    )
    return fig
