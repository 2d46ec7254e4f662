"""The language-model laboratory's section of docs/results.md."""

from __future__ import annotations

import pandas as pd

from ..docs import markdown_table, num


def section(tables: dict[str, pd.DataFrame]) -> str:
    """The language-model laboratory: per undefended size, then per defence (means over seeds)."""
    models = tables["lab_models"]
    ext, exp, bits = tables["lab_extraction"], tables["lab_exposure"], tables["lab_bits"]
    rows = []
    for r in models[models["variant"] == "undefended"].sort_values("params").itertuples():
        e = ext[ext["size"] == r.size].sort_values("repetitions")
        x = exp[exp["size"] == r.size].sort_values("repetitions")
        b = bits[(bits["size"] == r.size) & (bits["variant"] == "undefended")].iloc[0]
        lo, hi = e.iloc[0], e.iloc[-1]
        rows.append(
            {
                "size (parameters)": f"{r.size} ({int(r.params)})",
                "held-out bits/word (entropy)": (
                    f"{r.heldout_bits_per_word:.2f} ({r.document_entropy_bits_per_word:.2f})"
                ),
                f"extraction at {int(lo['repetitions'])} / {int(hi['repetitions'])} copies": (
                    f"{100 * lo['extraction_rate']:.0f} % / {100 * hi['extraction_rate']:.0f} %"
                ),
                f"pin exposure at {int(hi['repetitions'])} copies (bits, of {x['pin_log2_candidates'].iloc[0]:.1f})": (
                    f"{x['pin_exposure_exact'].iloc[-1]:.1f}"
                ),
                "certified bits (estimate) of planted": (
                    f"{num(float(b['certified_bits']))} ({num(float(b['certified_bits_estimate']))}) of "
                    f"{num(float(b['planted_bits']))}"
                ),
            }
        )
    d = tables["lab_defences"]
    defences = pd.DataFrame(
        {
            "defence": d["defence"],
            "extraction rate": ["" if pd.isna(v) else f"{100 * v:.1f} %" for v in d["extraction_rate"]],
            "secret leakage": ["" if pd.isna(v) else f"{100 * v:.1f} %" for v in d["secret_leakage"]],
            "pin exposure (bits)": ["" if pd.isna(v) else f"{v:.2f}" for v in d["pin_exposure"]],
            "utility (fresh records)": [f"{100 * v:.1f} %" for v in d["utility"]],
            "utility (background)": ["" if pd.isna(v) else f"{100 * v:.1f} %" for v in d["background_utility"]],
            "epsilon per row (delta = 1/N)": ["" if pd.isna(v) else f"{v:.3g}" for v in d["epsilon"]],
            "epsilon per record (all its copies)": [
                "" if pd.isna(v) else f"{v:.3g} at delta = {dl:.2g}"
                for v, dl in zip(d["epsilon_record"], d["delta_record"], strict=True)
            ],
        }
    )
    size = d["size"].iloc[0]
    out = markdown_table(pd.DataFrame(rows)) + f"\nDefences at size {size}:\n\n" + markdown_table(defences)
    if "lab_editing" in tables:  # Private Memorization Editing (lab.editing)
        e, m = tables["lab_editing"], tables["lab_editing_models"].iloc[0]
        editing = pd.DataFrame(
            {
                "records": e["group"].str.replace("_", " "),
                "per model": [f"{v:.1f}" for v in e["records"]],
                "extraction before -> after": [
                    f"{100 * a:.1f} % -> {100 * b:.1f} %"
                    for a, b in zip(e["extraction_before"], e["extraction_after"], strict=True)
                ],
                "account recall before -> after": [
                    f"{100 * a:.1f} % -> {100 * b:.1f} %"
                    for a, b in zip(e["acct_recall_before"], e["acct_recall_after"], strict=True)
                ],
                "placeholder first": [f"{100 * v:.1f} %" for v in e["placeholder_first"]],
            }
        )
        out += (
            f"\nPrivate Memorization Editing at size {m['size']} (keys at the records' names): layer "
            f"{m['layer']:.0f}, rank {m['edit_rank']:.0f}, relative norm {m['edit_relative_norm']:.2f}; held-out "
            f"loss {100 * m['heldout_loss_change']:+.2f} % on background text, {100 * m['fresh_loss_change']:+.2f} % "
            f"on fresh records; fresh records' placeholder rate {100 * m['fresh_placeholder_before']:.1f} % -> "
            f"{100 * m['fresh_placeholder_after']:.1f} %:\n\n" + markdown_table(editing)
        )
    if "lab_distillation" in tables:  # distillation (lab.distillation)
        d = tables["lab_distillation"]

        def ci(r, col, scale=100.0, fmt=".1f"):
            lo, hi = r[f"{col}_lo"], r[f"{col}_hi"]
            span = "" if pd.isna(lo) else f" ({scale * lo:{fmt}} to {scale * hi:{fmt}})"
            return f"{scale * r[col]:{fmt}}{span}"

        distill = pd.DataFrame(
            {
                "model (size)": [f"{r['method'].replace('_', ' ')} ({r['size']})" for _, r in d.iterrows()],
                "extraction rate, %": [ci(r, "extraction_rate") for _, r in d.iterrows()],
                "pin exposure (bits)": [f"{v:.2f}" for v in d["pin_exposure"]],
                "held-out bits/word": [f"{v:.3f}" for v in d["heldout_bits_per_word"]],
                "held-out loss vs direct, %": [ci(r, "heldout_change_vs_direct", fmt="+.2f") for _, r in d.iterrows()],
            }
        )
        out += "\nDistillation of the fine-tuned teacher (95 % intervals over seeds):\n\n" + markdown_table(distill)
    return out
