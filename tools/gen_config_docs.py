"""Generate docs/configuration.md's reference of every config key from the schema.

    python tools/gen_config_docs.py          # rewrite the reference in docs/configuration.md
    python tools/gen_config_docs.py --check  # exit 1 if docs/configuration.md is out of date

The reference (one table per study: key path, type, default, allowed values, description) goes
between the page's ``<!-- memtrade:schema -->`` markers (:mod:`memtrade.schema_docs`); the page's
prose around them is written by hand. Defaults are config.yaml's values.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "workflow"))

from memtrade.schema_docs import generate  # noqa: E402

PAGE = ROOT / "docs" / "configuration.md"


def main(argv: list[str]) -> int:
    text = generate(ROOT)
    if "--check" in argv:
        if PAGE.read_text() != text:
            print(
                f"{PAGE.relative_to(ROOT)} is out of date with the schema or config.yaml: "
                "run python tools/gen_config_docs.py",
                file=sys.stderr,
            )
            return 1
        return 0
    PAGE.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
