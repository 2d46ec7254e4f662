"""Generated sections of the documents: fill the text between markers from a run's tables.

A document marks each generated section with a pair of HTML comments,
``<!-- memtrade:NAME -->`` and ``<!-- /memtrade:NAME -->``; ``fill`` replaces what lies between them.
No measured number in README.md or docs/results.md is typed by hand: rule ``gallery`` builds the
sections from the full run's tables under results/gallery/, ``install_gallery`` (run by
``bash bin/gallery``, outside the workflow) fills them in, and ``bin/benchmark`` writes
docs/performance.md.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

_MARK = re.compile(r"(<!-- memtrade:(?P<name>[a-z_]+) -->\n)(?P<body>.*?)(<!-- /memtrade:(?P=name) -->)", re.S)


class MarkerError(ValueError):
    """A document lacks a marker pair that a generator fills, or has one that nothing fills."""


def markers(text: str) -> dict[str, str]:
    """Each marked section's name and current content."""
    return {m["name"]: m["body"] for m in _MARK.finditer(text)}


def fill(text: str, fragments: dict[str, str]) -> str:
    """``text`` with every marked section replaced by its fragment; every marker and fragment must match."""
    names = set(markers(text))
    if names != set(fragments):
        raise MarkerError(f"markers {sorted(names)} do not match the generated sections {sorted(fragments)}")

    def sub(m):
        return m.group(1) + fragments[m["name"]].rstrip("\n") + "\n" + m.group(4)

    return _MARK.sub(sub, text)


def downscale(src, dst, width: int) -> None:
    """A PNG scaled to ``width`` pixels wide (96-colour palette), written atomically: a README gallery image."""
    from PIL import Image

    from .io import atomic_path

    with Image.open(src) as im:
        im = im.convert("RGB")
        im = im.resize((width, round(im.height * width / im.width)), Image.LANCZOS)
        with atomic_path(dst) as tmp:
            im.quantize(colors=96, method=Image.Quantize.MEDIANCUT).save(tmp, format="PNG", optimize=True)


def install_gallery(built, repo) -> list[str]:
    """Copy a gallery built by rule ``gallery`` into the repository's documents; the paths written.

    ``built`` is the rule's folder (results/gallery: the PNGs and sections.json, which lists them);
    ``repo`` the repository. The PNGs go to docs/gallery/, the claims section into README.md and every section
    into docs/results.md, between their markers (:func:`fill`, which refuses mismatched markers
    before anything is written).
    """
    import json
    import shutil
    from pathlib import Path

    from .io import atomic_path, write_text

    built, repo = Path(built), Path(repo)
    manifest = json.loads((built / "sections.json").read_text())
    sections = manifest["sections"]
    readme, results = repo / "README.md", repo / "docs" / "results.md"
    texts = {
        readme: fill(readme.read_text(), {"claims": sections["claims"]}),
        results: fill(results.read_text(), sections),
    }
    written = []
    for name in manifest["figures"]:
        dst = repo / "docs" / "gallery" / name
        with atomic_path(dst) as tmp:
            shutil.copyfile(built / name, tmp)
        written.append(str(dst))
    for path, text in texts.items():
        write_text(text, path)
        written.append(str(path))
    return written


def _table(frame: pd.DataFrame) -> str:
    head = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    rows = ["| " + " | ".join(str(v) for v in r) + " |" for r in frame.itertuples(index=False)]
    return "\n".join([head, rule, *rows]) + "\n"


def _g(x, digits: int = 3) -> str:
    return "–" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:.{digits}g}"


def claims_table(verdicts: pd.DataFrame) -> str:
    """The claims and their verdicts, compact (the README's table)."""
    t = pd.DataFrame(
        {
            "claim": [f"{r.statement} (`{r.id}`)" for r in verdicts.itertuples()],
            "verdict": [f"**{v}**" for v in verdicts["verdict"]],
            "measured": verdicts["measured"],
        }
    )
    counts = verdicts["verdict"].value_counts()
    tally = ", ".join(f"{counts.get(v, 0)} {v}" for v in ("pass", "fail", "not-run"))
    return _table(t) + f"\n{tally}\n"


def bounds_section(sdpi: dict[str, pd.DataFrame]) -> str:
    """F_n at the smallest and largest n of each (problem, d)."""
    rows = []
    for problem, s in sdpi.items():
        for d, g in s.groupby("d"):
            g = g.sort_values("n")
            first, last = g.iloc[0], g.iloc[-1]
            rows.append(
                {
                    "problem": problem,
                    "d": int(d),
                    "scale": _g(float(first["scale"])),
                    "F_n at the smallest n": f"{_g(float(first['F']))} (n = {int(first['n'])})",
                    "F_n at the largest n": f"{_g(float(last['F']))} (n = {int(last['n'])})",
                }
            )
    return _table(pd.DataFrame(rows))


def ratios_section(ratios: pd.DataFrame) -> str:
    """Per (problem, d): the best learner's memorization over the bound at matched error, smallest and largest n."""
    rows = []
    r = ratios.dropna(subset=["ratio_to_bound"])
    for (problem, d), g in r.groupby(["problem", "d"], sort=True):
        g = g.sort_values("n")
        worst = g.loc[g["ratio_to_bound"].idxmax()]
        rows.append(
            {
                "problem": problem,
                "d": int(d),
                "ratio at the smallest n": f"{_g(float(g['ratio_to_bound'].iloc[0]))} (n = {int(g['n'].iloc[0])})",
                "largest ratio (n, learner)": (
                    f"{_g(float(worst['ratio_to_bound']))} (n = {int(worst['n'])}, {worst['learner']})"
                ),
            }
        )
    return _table(pd.DataFrame(rows))


def brown_section(brown: pd.DataFrame) -> str:
    """Last attacked checkpoint per (protocol, model): recovery, errors, certified bits."""
    rows = []
    b = brown.dropna(subset=["recovery_all"])
    for (protocol, model), g in b.groupby(["protocol", "model"], sort=False):
        last = g.loc[g["step"].idxmax()]
        rows.append(
            {
                "protocol": protocol + (" (ablation)" if bool(last["ablation"]) else ""),
                "model, attack": f"{model}, {last['attack']}",
                "seeds": int(last["seeds"]),
                "updates": int(last["step"]),
                "recovery, all d (95 % CI)": (
                    f"{100 * last['recovery_all']:.1f} % ({100 * last['recovery_all_lo']:.1f}–"
                    f"{100 * last['recovery_all_hi']:.1f})"
                ),
                "recovery, free": f"{100 * last['recovery_free']:.1f} %",
                "error: represented / singletons": (
                    f"{100 * last['represented_error']:.1f} % / {100 * last['singletons_error']:.1f} %"
                ),
                "certified bits per singleton": _g(float(last["certified_bits_per_singleton"])),
            }
        )
    return _table(pd.DataFrame(rows))


def blackbox_section(tables: dict[str, pd.DataFrame]) -> str:
    """Per problem and learner: certified bits of its best attack at the smallest and largest n."""
    rows = []
    for problem, t in tables.items():
        best = t.loc[t.groupby(["learner", "n"], sort=False)["certified_bits"].idxmax()]
        for learner, g in best.groupby("learner", sort=False):
            g = g.sort_values("n")
            lo, hi = g.iloc[0], g.iloc[-1]

            def cell(r):
                return f"{_g(float(r['certified_bits']))} ({r['attack']}, n = {int(r['n'])})"

            rows.append(
                {
                    "problem": f"{problem} (d = {int(lo['d'])})",
                    "learner": learner,
                    "certified bits (attack), smallest n": cell(lo),
                    "certified bits (attack), largest n": cell(hi),
                    "exact bits (largest n)": _g(float(hi["exact_bits"])),
                }
            )
    return _table(pd.DataFrame(rows))


def mixture_section(feldman: pd.DataFrame) -> str:
    """Feldman's prediction against simulation, per prior at the largest n."""
    f = feldman[feldman["n"] == feldman["n"].max()]
    t = pd.DataFrame(
        {
            "prior": f["prior"],
            "n": f["n"].astype(int),
            "predicted excess error": [_g(float(x)) for x in f["predicted_excess_error"]],
            "simulated (± s.e.)": [
                f"{_g(float(a))} ± {_g(float(b), 2)}"
                for a, b in zip(f["simulated_excess_error"], f["simulated_excess_error_se"], strict=True)
            ],
        }
    )
    return _table(t)


def lab_section(tables: dict[str, pd.DataFrame]) -> str:
    """The language-model laboratory: per undefended size, then per defence (means over seeds)."""
    models = tables["lab_models"]
    ext, exp, bits = tables["lab_extraction"], tables["lab_exposure"], tables["lab_bits"]
    rows = []
    for r in models[models["variant"] == "none"].sort_values("params").itertuples():
        e = ext[ext["size"] == r.size].sort_values("repetitions")
        x = exp[exp["size"] == r.size].sort_values("repetitions")
        b = bits[(bits["size"] == r.size) & (bits["variant"] == "none")].iloc[0]
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
                    f"{_g(float(b['certified_bits']))} ({_g(float(b['certified_bits_estimate']))}) of "
                    f"{_g(float(b['planted_bits']))}"
                ),
            }
        )
    d = tables["lab_defences"]
    defences = pd.DataFrame(
        {
            "defence": d["defence"],
            "extraction rate": [f"{100 * v:.1f} %" for v in d["extraction_rate"]],
            "pin exposure (bits)": [f"{v:.2f}" for v in d["pin_exposure"]],
            "utility": [f"{100 * v:.1f} %" for v in d["utility"]],
            "epsilon (delta = 1/N)": ["" if pd.isna(v) else f"{v:.3g}" for v in d["epsilon"]],
        }
    )
    size = d["size"].iloc[0]
    out = _table(pd.DataFrame(rows)) + f"\nDefences at size {size}:\n\n" + _table(defences)
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
                "placeholder first": [f"{100 * v:.1f} %" for v in e["placeholder_first"]],
            }
        )
        out += (
            f"\nPrivate Memorization Editing at size {m['size']}: layer {m['layer']:.0f}, rank "
            f"{m['edit_rank']:.0f}, relative norm {m['edit_relative_norm']:.2f}, held-out loss "
            f"{100 * m['heldout_loss_change']:+.2f} %:\n\n" + _table(editing)
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
        out += "\nDistillation of the fine-tuned teacher (95 % intervals over seeds):\n\n" + _table(distill)
    return out


def memscore_section(tables: dict[str, pd.DataFrame]) -> str:
    """Memorization scores: per dataset and learner, then removal at the largest k, then the retrieval heads."""
    s = tables["memscore_summary"]
    s = s[s["head"] == "model"]
    rows = pd.DataFrame(
        {
            "dataset": s["dataset"],
            "learner (models)": [f"{r.learner} ({r.models})" for r in s.itertuples()],
            "test accuracy": [f"{100 * v:.1f} %" for v in s["test_accuracy"]],
            "mean score": [f"{v:.3f}" for v in s["mean_mem"]],
            "share > threshold": [f"{100 * v:.1f} %" for v in s["share_above_threshold"]],
            "flipped labels: fitted / precision": [
                "" if r.flipped == 0 else f"{100 * r.flipped_fit_in:.0f} % / {r.precision_at_flipped:.2f}"
                for r in s.itertuples()
            ],
            "1-NN: within 4 s.d. of exact": [
                "" if r.exact_points == 0 else f"{100 * r.exact_within_4sd:.1f} % of {r.exact_points}"
                for r in s.itertuples()
            ],
        }
    )
    r = tables["memscore_removal"]
    r = r[r["k"] == r["k"].max()]
    removal = pd.DataFrame(
        {
            "learner": r["learner"],
            "k removed": r["k"],
            "accuracy, top-memorized removed": [f"{100 * v:.2f} %" for v in r["accuracy_top_removed"]],
            "accuracy, random removed": [f"{100 * v:.2f} %" for v in r["accuracy_random_removed"]],
            "difference (95 % interval)": [
                f"{100 * x.difference:.2f} ({100 * x.difference_lo:.2f}, {100 * x.difference_hi:.2f}) pp"
                for x in r.itertuples()
            ],
        }
    )
    t = tables["memscore_retro"]
    retro = pd.DataFrame(
        {
            "dataset": t["dataset"],
            "head": t["head"],
            "accuracy rare / frequent": [
                f"{100 * a:.1f} % / {100 * b:.1f} %"
                for a, b in zip(t["accuracy_rare"], t["accuracy_frequent"], strict=True)
            ],
            "mean score (rare)": [f"{a:.3f} ({b:.3f})" for a, b in zip(t["mean_mem"], t["mean_mem_rare"], strict=True)],
            "minus parametric (± s.e.)": [
                f"{a:+.4f} ± {b:.4f}"
                for a, b in zip(t["mem_minus_parametric"], t["mem_minus_parametric_se"], strict=True)
            ],
        }
    )
    return (
        _table(rows)
        + "\nRemoving training digits (largest k):\n\n"
        + _table(removal)
        + "\nRetrieval (RetroPrompt's datastore):\n\n"
        + _table(retro)
    )


def diffusion_section(tables: dict[str, pd.DataFrame]) -> str:
    """The diffusion laboratory: windows against the prediction per sweep point, the ablation, FB-Mem."""
    w = tables["diffusion_window"]
    windows = pd.DataFrame(
        {
            "d, K, N": [f"{r.d}, {r.k}, {r.n}" for r in w.itertuples()],
            "measured window (M/N)": [f"[{r.window_start:.2f}, {r.window_end:.2f}]" for r in w.itertuples()],
            "predicted M*/N (ε loss; x₀ units)": [f"{r.predicted:.5f}; {r.predicted_x0:.3f}" for r in w.itertuples()],
            "within one step": ["yes" if v else "no" for v in w["within_one_step"]],
            "monotonicity drops": w["monotone_violations"],
        }
    )
    a = tables["diffusion_ablation"]
    ablation = pd.DataFrame(
        {
            "run": a["run"],
            "steps": a["steps"],
            "window (M/N)": [f"[{r.window_start:.2f}, {r.window_end:.2f}]" for r in a.itertuples()],
            "mean ratio": [f"{v:.3f}" for v in a["mean_ratio"]],
            "shift (grid steps)": [f"{v:g}" for v in a["shift_grid_steps"]],
        }
    )
    f = tables["diffusion_fbmem"]
    f = f[f["m"] == f["m"].max()]
    fb = pd.DataFrame(
        {
            "M": f["m"],
            "": f["mitigation"],
            "components": [f"{v:.0f}" if pd.notna(v) else "" for v in f["components"]],
            "whole image": [f"{v:.3f}" if pd.notna(v) else "" for v in f["global_mem"]],
            "foreground": [f"{v:.3f}" if pd.notna(v) else "" for v in f["foreground_mem"]],
            "background": [f"{v:.3f}" if pd.notna(v) else "" for v in f["background_mem"]],
            "falls: fg / bg / bg - fg (95 %)": [
                ""
                if pd.isna(r.background_minus_foreground_fall)
                else (
                    f"{r.foreground_fall:+.3f} / {r.background_fall:+.3f} / {r.background_minus_foreground_fall:+.3f} "
                    f"[{r.background_minus_foreground_fall_lo:+.3f}, {r.background_minus_foreground_fall_hi:+.3f}]"
                )
                for r in f.itertuples()
            ],
        }
    )
    return (
        _table(windows)
        + "\nSteps ablation (first pass only):\n\n"
        + _table(ablation)
        + "\nFB-Mem on the largest template model (memorized fraction of generations):\n\n"
        + _table(fb)
    )


def results_fragments(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Every generated section of docs/results.md, from a run's tables (keys as in the claims rule)."""
    sdpi = {k.split(":", 1)[1]: v for k, v in tables.items() if k.startswith("sdpi:")}
    blackbox = {k.split(":", 1)[1]: v for k, v in tables.items() if k.startswith("blackbox:")}
    out = {
        "claims": claims_table(tables["claims"]),
        "bounds": bounds_section(sdpi),
        "ratios": ratios_section(tables["ratios"]),
    }
    none = "Not part of this configuration.\n"
    out["brown"] = brown_section(tables["brown_attack"]) if "brown_attack" in tables else none
    out["blackbox"] = blackbox_section(blackbox) if blackbox else none
    out["mixture"] = mixture_section(tables["mixture_feldman"]) if "mixture_feldman" in tables else none
    out["lab"] = lab_section(tables) if "lab_models" in tables else none
    out["memscore"] = memscore_section(tables) if "memscore_summary" in tables else none
    out["diffusion"] = diffusion_section(tables) if "diffusion_window" in tables else none
    return out


def _rst_table(frame: pd.DataFrame) -> str:
    """A reStructuredText list-table."""
    lines = [".. list-table::", "   :header-rows: 1", ""]
    for row in [list(frame.columns), *frame.astype(str).values.tolist()]:
        lines.append("   * - " + str(row[0]).replace("\n", " "))
        lines += ["     - " + str(v).replace("\n", " ") for v in row[1:]]
    return "\n".join(lines) + "\n"


def report_landing(verdicts: pd.DataFrame, figures: dict[str, str], config_json: str) -> str:
    """The report's landing page (reST): verdicts, headline figures (embedded), the configuration collapsed last."""
    import base64
    import html

    counts = verdicts["verdict"].value_counts()
    tally = ", ".join(f"{counts.get(v, 0)} {v}" for v in ("pass", "fail", "not-run"))
    table = pd.DataFrame(
        {
            "claim": [f"{r.statement} ({r.id})" for r in verdicts.itertuples()],
            "verdict": [v.upper() for v in verdicts["verdict"]],
            "measured": verdicts["measured"],
            "criterion": verdicts["criterion"],
        }
    )
    out = [
        "memtrade reproduces the memorization lower bounds of Feldman, Kornowski and Lyu (COLT 2025) and the",
        "experiments of Brown et al. (STOC 2021) and Feldman (STOC 2020). All information is in bits.",
        "",
        f"**Claims and verdicts** ({tally}). Each claim is a test with a tolerance fixed before the run",
        "(claims.yaml); failing claims are reported as failing.",
        "",
        _rst_table(table),
        "",
    ]
    for caption, path in figures.items():
        # base64 in short lines (docutils limits line length; browsers drop newlines inside URLs)
        data = base64.encodebytes(open(path, "rb").read()).decode().splitlines()
        out += [
            f"**{caption}**",
            "",
            ".. raw:: html",
            "",
            f'   <img style="max-width:100%" alt="{html.escape(caption)}" src="data:image/png;base64,',
        ]
        out += ["   " + line for line in data]
        out += ['   ">', ""]
    out += [
        "Every table and figure is under its category in the menu, with a caption that says what to look at.",
        "",
        ".. raw:: html",
        "",
        "   <details><summary>Configuration of this run (JSON)</summary><pre>",
    ]
    out += ["   " + line for line in html.escape(config_json).splitlines()]
    out += ["   </pre></details>", ""]
    return "\n".join(out)
