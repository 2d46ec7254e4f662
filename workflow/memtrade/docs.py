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

from .claims import tally

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


def install_gallery(built, repo) -> list[str]:
    """Copy a gallery built by rule ``gallery`` into the repository's documents; the paths written.

    ``built`` is the rule's folder (results/gallery: the PNGs and sections.json, which lists them);
    ``repo`` the repository. The PNGs go to docs/gallery/, with provenance.json (the commit of the
    run, which must have no uncommitted changes to its dependencies, and its machine); the claims
    table, the gallery and the provenance statement into README.md and every section into
    docs/results.md, between their markers (:func:`fill`, which
    refuses mismatched markers before anything is written). A study's section whose marker
    docs/results.md lacks (a new study) is appended under the study's title first.
    """
    import json
    import shutil
    from pathlib import Path

    from .io import atomic_path, write_text
    from .provenance import commit, statement

    built, repo = Path(built), Path(repo)
    manifest = json.loads((built / "sections.json").read_text())
    record = {**commit(repo), "machine": manifest["machine"]}
    if record["dirty"]:
        raise MarkerError(
            "the run's dependencies (memtrade.provenance.DEPENDS) have uncommitted changes: commit them and "
            "rerun bash bin/gallery, so that the README's numbers name the code that computed them"
        )
    sections = manifest["sections"]
    readme, results = repo / "README.md", repo / "docs" / "results.md"
    text = results.read_text()
    for name, title in manifest["titles"].items():
        if name not in markers(text):
            text = text.rstrip("\n") + f"\n\n## {title}\n\n<!-- memtrade:{name} -->\n<!-- /memtrade:{name} -->\n"
    texts = {
        readme: fill(
            readme.read_text(),
            {"claims": sections["claims"], "gallery": manifest["readme_gallery"], "provenance": statement(record)},
        ),
        repo / "docs" / "gallery" / "provenance.json": json.dumps(record, indent=2) + "\n",
        results: fill(text, sections),
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


def results_fragments(tables: dict, config: dict) -> tuple[dict[str, str], dict[str, str]]:
    """Every generated section of docs/results.md from a run's tables by name, and each study
    section's title: the claims, then each study's sections (``Study.results``; a study this
    configuration does not run says so)."""
    from .study import load, studies

    sections, titles = {"claims": claims_table(tables["claims"])}, {}
    for study in studies():
        for name, target in study.results.items():
            on = study.enabled(config)
            sections[name] = load(target)(tables) if on else "Not part of this configuration.\n"
            titles[name] = study.title
    return sections, titles


def gallery_table(figures: list[tuple[str, str]]) -> str:
    """The README gallery: two images a row, (file name, alt text) each, linked to docs/gallery/."""
    cells = [f"![{alt}](docs/gallery/{name})" for name, alt in figures]
    cells += [""] * (len(cells) % 2)
    rows = [f"| {a} | {b} |" for a, b in zip(cells[::2], cells[1::2], strict=True)]
    return "\n".join(["| | |", "|---|---|", *rows]) + "\n"


def markdown_table(frame: pd.DataFrame) -> str:
    """A Markdown table of ``frame``'s rows."""
    head = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    rows = ["| " + " | ".join(str(v) for v in r) + " |" for r in frame.itertuples(index=False)]
    return "\n".join([head, rule, *rows]) + "\n"


def num(x, digits: int = 3) -> str:
    """``x`` to ``digits`` significant digits; a dash for None or NaN."""
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
    return markdown_table(t) + f"\n{tally(verdicts)}\n"


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
        f"**Claims and verdicts** ({tally(verdicts)}). Each claim is a test with a tolerance fixed before the run",
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
