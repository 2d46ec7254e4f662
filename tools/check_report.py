"""Open the HTML report in headless Chromium and use it as a person would (Playwright, Debian's chromium).

    python tools/check_report.py results/report.html --results results [--screenshots DIR]

Checks, printing one line each and exiting 1 if one fails:

- the landing page opens with the claim verdicts, then the two headline figures, which load and
  are displayed at a readable size; the configuration comes last, collapsed;
- every result category of the menu opens and lists its files;
- every file opens: a figure is displayed (an image that loaded, at least 400 px wide), a table is
  handed over as a download whose bytes equal the file in ``--results``;
- screenshots of the landing page and of one figure page are written to ``--screenshots``.

Playwright is a benchmark-only dependency (requirements-bench.txt); it drives the system's
chromium and downloads no browser.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _open(page, report: Path) -> None:
    page.goto(report.resolve().as_uri())
    page.wait_for_selector("text=Claims and verdicts", timeout=30_000)


def _menu_after(lines: list[str], start: int) -> list[str]:
    """The menu entries from line ``start`` to the first empty line (where the page's content begins)."""
    out = []
    for line in lines[start:]:
        if not line.strip():
            break
        out.append(line.strip())
    return out


def _results_heading(lines: list[str]) -> int:
    """The line of the menu's RESULTS heading (rendered in capitals on the landing page, by CSS
    text-transform, and inner_text returns rendered text)."""
    return next(i for i, line in enumerate(lines) if line.strip().upper() == "RESULTS")


def _categories(page) -> list[str]:
    """Names of the result categories in the menu (below the RESULTS heading), read from the page's
    rendered text like a person reads the menu, so that the page's content is never taken for one."""
    lines = page.inner_text("body").split("\n")
    return [n for n in _menu_after(lines, _results_heading(lines) + 1) if n not in ("RESULTS", "GENERAL")]


def _open_path(page, report: Path, path: list[str]) -> None:
    """Open the report afresh and click through the menu: category, then subcategories."""
    _open(page, report)
    for name in path:
        page.get_by_text(name, exact=True).first.click()


def _submenu(page, path: list[str]) -> list[str]:
    """The menu entries listed under the last opened entry (its subcategories)."""
    lines = page.inner_text("body").split("\n")
    return _menu_after(lines, lines.index(path[-1], _results_heading(lines)) + 1)


def check(report: Path, results: Path, shots: Path | None) -> list[tuple[str, bool]]:
    from playwright.sync_api import sync_playwright

    checks = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page = context.new_page()
        _open(page, report)
        body = page.inner_text("body")
        order = [
            body.find(s) for s in ("Claims and verdicts", "rates.png", "tightness.png", "Configuration of this run")
        ]
        checks.append(
            (
                "landing: verdicts, then the two headline figures, then the configuration",
                -1 not in order and order == sorted(order),
            )
        )
        shown = page.evaluate(
            "Array.from(document.images).filter(i => i.src.startsWith('data:image/png;base64'))"
            ".map(i => [i.naturalWidth, i.getBoundingClientRect().width])"
        )
        checks.append(
            (
                "landing: both headline figures load and are displayed",
                len(shown) == 2 and all(w > 0 and shown_w >= 400 for w, shown_w in shown),
            )
        )
        collapsed = page.evaluate(
            "Array.from(document.querySelectorAll('details'))"
            ".filter(d => d.innerText.startsWith('Configuration of this run')).map(d => d.open)"
        )
        checks.append(("landing: configuration collapsed", collapsed == [False]))
        if shots:
            page.screenshot(path=str(shots / "report_landing.png"))
        categories = _categories(page)
        checks.append((f"menu lists {len(categories)} result categories", len(categories) >= 3))
        shot_taken = False
        todo = [[c] for c in categories]
        while todo:
            path = todo.pop(0)
            _open_path(page, report, path)
            files = [t.strip() for t in page.locator("tr").filter(has_text="results/").all_inner_texts()]
            if not files:  # a category with subcategories: open each
                subs = _submenu(page, path)
                checks.append((f"{' / '.join(path)!r} opens and lists {len(subs)} subcategories", len(subs) > 0))
                todo += [[*path, sub] for sub in subs]
                continue
            checks.append((f"{' / '.join(path)!r} opens and lists {len(files)} files", True))
            for name in files:
                _open_path(page, report, path)
                eye = page.locator("tr").filter(has_text=name).first.locator("a").first
                local = results / Path(name).relative_to("results")
                if name.endswith(".png"):
                    eye.click()
                    stem = Path(name).name
                    page.wait_for_function(
                        f"Array.from(document.images).some(i => i.src.includes('filename={stem}') && i.complete)",
                        timeout=15_000,
                    )
                    w, shown_w = page.evaluate(
                        f"(() => {{ const i = Array.from(document.images).find(i => i.src.includes('filename={stem}'));"
                        " return [i.naturalWidth, i.getBoundingClientRect().width]; })()"
                    )
                    checks.append((f"  figure {name} displayed ({shown_w:.0f} px wide)", w > 0 and shown_w >= 400))
                    if shots and not shot_taken:
                        page.screenshot(path=str(shots / "report_figure.png"))
                        shot_taken = True
                else:
                    with page.expect_download(timeout=15_000) as info:
                        eye.click()
                    same = Path(info.value.path()).read_bytes() == local.read_bytes()
                    checks.append((f"  table {name} downloads, identical to the file", same))
        browser.close()
    return checks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report", type=Path)
    parser.add_argument("--results", type=Path, required=True, help="the run's results/ folder")
    parser.add_argument("--screenshots", type=Path)
    args = parser.parse_args()
    if chromium() is None:
        print("chromium not found (Debian package chromium): report not checked")
        return 1
    if args.screenshots:
        args.screenshots.mkdir(parents=True, exist_ok=True)
    checks = check(args.report, args.results, args.screenshots)
    for name, ok in checks:
        print(f"{'ok  ' if ok else 'FAIL'} {name}")
    failed = sum(not ok for _, ok in checks)
    print(f"{len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
