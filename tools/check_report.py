"""Open the HTML report in headless Chromium (Debian's chromium) and check what it renders.

    python tools/check_report.py results/report.html [--screenshot results/report.png]

Checks, on the DOM after the report's JavaScript has run: the report app and its result
categories are rendered, the workflow description is shown, and every figure marked for the
report (results/figures/*.png) is embedded. Prints one line per check; exits 1 if one fails.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=15000",
    "--window-size=1400,1000",
]


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def render(report: Path, *extra: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        cmd = [chromium(), *FLAGS, f"--user-data-dir={profile}", *extra, report.resolve().as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    return proc.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report", type=Path)
    parser.add_argument("--screenshot", type=Path)
    args = parser.parse_args()
    if chromium() is None:
        print("chromium not found (Debian package chromium): report not checked")
        return 1
    dom = render(args.report, "--dump-dom")
    figures = sorted(p.name for p in (args.report.parent / "figures").glob("*.png"))
    checks = [
        ("report app rendered", "Snakemake" in dom and "RESULTS" in dom.upper()),
        ("categories shown", all(c in dom for c in ("Figures", "Tables", "Claims"))),
        ("workflow description shown", "memtrade reproduces" in dom),
        (f"all {len(figures)} figures embedded", bool(figures) and all(f in dom for f in figures)),
    ]
    if args.screenshot:
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run(
                [
                    chromium(),
                    *FLAGS,
                    f"--user-data-dir={profile}",
                    f"--screenshot={args.screenshot.resolve()}",
                    args.report.resolve().as_uri(),
                ],
                capture_output=True,
                timeout=120,
            )
        checks.append(("screenshot written", args.screenshot.exists()))
    for name, ok in checks:
        print(f"{'ok  ' if ok else 'FAIL'} {name}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
