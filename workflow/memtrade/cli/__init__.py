"""The ``memtrade`` command: the bound, eta_KL, memorization audits of any learner and of GPT-2
checkpoints, memorization scores and membership inference.

    memtrade bound --problem boolean --d 1000 --n 1 2 4 8 --error 0.1 0.2
    memtrade eta --joint joint.csv
    memtrade audit --problem sparse --d 100 --n 1 2 4 --estimator sklearn.tree.DecisionTreeClassifier
    memtrade lm-audit --checkpoint gpt2/ --samples lines.txt --canary "my pin is " --secret 4821
    memtrade memscore --data my.csv --label y --estimator sklearn.linear_model.LogisticRegression --output out/
    memtrade mia --model model.joblib --candidates rows.csv --population more_rows.csv --label-column y

Each subcommand prints a readable table, or writes ``--format json|csv``; ``--output`` names the
one file (or, for ``audit``, ``memscore`` and ``mia``, the one folder) it writes, and nothing is
written anywhere else. Bad input gets a one-line message and exit status 2, never a traceback.
Every number comes from the same library functions as the workflow's tables (docs/science.md).

This module is the argument parser; each subcommand lives in its own module (``theory``: bound and
eta; ``blackbox``: audit; ``lab``: lm-audit; ``scores``: memscore; ``membership``: mia), which
checks the arguments, calls the library and prints. Heavy libraries (scikit-learn, JAX,
matplotlib) are imported only by the subcommand that needs them.
"""

from __future__ import annotations

import argparse
import sys

from . import blackbox, lab, membership, scores, theory
from .blackbox import audit
from .common import PROBLEMS, UsageError, load_estimator, read_labelled_csv
from .lab import lm_audit
from .membership import mia
from .scores import memscore
from .theory import bound_table, eta_inputs

__all__ = [
    "PROBLEMS",
    "UsageError",
    "audit",
    "bound_table",
    "eta_inputs",
    "lm_audit",
    "load_estimator",
    "main",
    "memscore",
    "mia",
    "read_labelled_csv",
]
SUBCOMMANDS = (theory, blackbox, lab, scores, membership)


def _parser() -> argparse.ArgumentParser:
    fmt = argparse.RawDescriptionHelpFormatter
    top = argparse.ArgumentParser(prog="memtrade", description=__doc__.split("\n\nThis module")[0], formatter_class=fmt)
    sub = top.add_subparsers(dest="command", required=True)

    def common(p, what="FILE"):
        p.add_argument("--format", choices=["table", "json", "csv"], default="table", help="output format")
        p.add_argument("--output", metavar=what, help="write here instead of standard output")

    for module in SUBCOMMANDS:
        module.add(sub, fmt, common)
    return top


def main(argv=None) -> int:
    """Run the command with ``argv`` (default: sys.argv); the exit status (0, or 2 on bad input)."""
    args = _parser().parse_args(argv)
    try:
        args.run(args)
    except UsageError as err:
        print(f"memtrade {args.command}: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
