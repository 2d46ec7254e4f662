# Sourced by bin/*: create or reuse the virtualenv and install the pinned packages.
# MEMTRADE_VENV overrides where the virtualenv lives (default: .venv in the repo).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${MEMTRADE_VENV:-$ROOT/.venv}"
PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else 1)'; then
    echo "memtrade needs Python >= 3.11 (found: $("$PY" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2
    exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
    echo "[memtrade] creating virtualenv $VENV" >&2
    "$PY" -m venv "$VENV"
fi
STAMP="$VENV/.memtrade-requirements.sha256"
WANT="$(sha256sum requirements.txt | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
    echo "[memtrade] installing pinned packages from requirements.txt" >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt
    echo "$WANT" > "$STAMP"
fi
PKG_STAMP="$VENV/.memtrade-package.sha256"
PKG_WANT="$(cat pyproject.toml requirements.txt | sha256sum | cut -d' ' -f1)"
if [ ! -f "$PKG_STAMP" ] || [ "$(cat "$PKG_STAMP")" != "$PKG_WANT" ]; then
    echo "[memtrade] installing the memtrade command (editable, pyproject.toml)" >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -e .
    echo "$PKG_WANT" > "$PKG_STAMP"
fi
export PATH="$VENV/bin:$PATH"
export PYTHONHASHSEED=0
