"""``memtrade bound`` and ``memtrade eta``: the SDPI constants and lower bound; η_KL of a finite channel."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from .common import PROBLEMS, UsageError, check_n, emit, problem


def bound_table(problem_name: str, d: int, ns, errors, c: float = 1.0) -> pd.DataFrame:
    """Check the arguments of ``memtrade bound``, then :func:`memtrade.bounds.bound_table`."""
    from ..bounds import bound_table as table

    made = problem(problem_name, d, c)
    check_n(ns)
    bad = [e for e in errors if not (0.0 <= e <= 0.5)]
    if bad:
        raise UsageError(f"--error must lie in [0, 1/2], got {bad[0]}")
    return table(made, ns, errors)


def _read_matrix(path: str, what: str) -> np.ndarray:
    try:
        text = Path(path).read_text()
    except OSError as err:
        raise UsageError(f"{what} {path}: cannot read ({err.strerror})") from None
    try:
        m = np.loadtxt(io.StringIO(text), delimiter=",", ndmin=2)
    except ValueError as err:
        raise UsageError(f"{what} {path}: not a numeric CSV matrix ({str(err).splitlines()[0]})") from None
    if not np.all(np.isfinite(m)):
        raise UsageError(f"{what} {path}: every entry must be a finite number")
    if np.any(m < 0):
        r, col = np.argwhere(m < 0)[0]
        raise UsageError(f"{what} {path}: negative entry {m[r, col]:g} at row {r + 1}, column {col + 1}")
    return m


def eta_inputs(joint: str | None, channel: str | None, input_: str | None, tol: float = 1e-9):
    """(P_B, P_{A|B}) from a joint P(A, B) (rows: values of B; columns: values of A) or a channel and an input."""
    if joint is not None:
        m = _read_matrix(joint, "joint")
        if abs(m.sum() - 1.0) > tol:
            raise UsageError(f"joint {joint}: entries sum to {m.sum():.12g}, not 1 (tolerance {tol:g})")
        p_b = m.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            w = np.where(p_b[:, None] > 0, m / p_b[:, None], 1.0 / m.shape[1])
        return p_b, w
    if channel is None or input_ is None:
        raise UsageError("give --joint FILE, or --channel FILE with --input FILE_OR_LIST")
    w = _read_matrix(channel, "channel")
    sums = w.sum(axis=1)
    bad = np.flatnonzero(np.abs(sums - 1.0) > tol)
    if len(bad):
        raise UsageError(f"channel {channel}: row {bad[0] + 1} sums to {sums[bad[0]]:.12g}, not 1 (tolerance {tol:g})")
    if Path(input_).exists():
        p_b = _read_matrix(input_, "input").ravel()
    else:
        try:
            p_b = np.array([float(x) for x in input_.split(",")])
        except ValueError:
            raise UsageError(f"input {input_!r}: neither a file nor a comma-separated list of numbers") from None
        if np.any(~np.isfinite(p_b)) or np.any(p_b < 0):
            raise UsageError(f"input {input_!r}: entries must be finite and non-negative")
    if len(p_b) != w.shape[0]:
        raise UsageError(f"input has {len(p_b)} entries but the channel has {w.shape[0]} rows (values of B)")
    if abs(p_b.sum() - 1.0) > tol:
        raise UsageError(f"input sums to {p_b.sum():.12g}, not 1 (tolerance {tol:g})")
    return p_b, w


def add(sub, fmt, common) -> None:
    """The ``bound`` and ``eta`` parsers."""
    b = sub.add_parser(
        "bound",
        formatter_class=fmt,
        help="SDPI constants and the memorization lower bound",
        description="tau_n, rho_n, F_n = (1 - tau_n)/rho_n and LB_n(err) = F_n (1 - h2(err)) bits.\n\n"
        "example:\n  memtrade bound --problem boolean --d 1000 --n 1 2 4 8 --error 0.1 0.25",
    )
    b.add_argument("--problem", required=True, choices=PROBLEMS)
    b.add_argument("--d", required=True, type=int)
    b.add_argument("--n", required=True, type=int, nargs="+")
    b.add_argument(
        "--c", type=float, default=1.0, help="scale constant (sigma^2 = c sqrt d, r = c d^-1/4, q = c/sqrt d)"
    )
    b.add_argument("--error", type=float, nargs="+", default=[0.0], help="test error(s) in [0, 1/2]")
    common(b)
    b.set_defaults(run=run_bound)

    e = sub.add_parser(
        "eta",
        formatter_class=fmt,
        help="eta_KL of a finite channel",
        description="eta_KL(P_B, P_{A|B}) = sup_Q D(Q_B P_{A|B} || P_A) / D(Q_B || P_B), the maximal correlation^2,\n"
        "the Dobrushin coefficient and the maximising Q_B. CSV rows index the values of B, columns those of A.\n\n"
        "examples:\n  memtrade eta --joint joint.csv\n  memtrade eta --channel channel.csv --input 0.5,0.5",
    )
    e.add_argument("--joint", help="CSV matrix of P(A, B), rows B, columns A, summing to 1")
    e.add_argument("--channel", help="CSV matrix of P(A | B), rows B, each row summing to 1")
    e.add_argument("--input", help="P_B: a CSV file or a comma-separated list")
    e.add_argument("--restarts", type=int, default=4, help="optimiser restarts per scale (non-binary A)")
    common(e)
    e.set_defaults(run=run_eta)


def run_bound(args) -> None:
    """``memtrade bound``."""
    emit(bound_table(args.problem, args.d, args.n, args.error, args.c), args.format, args.output)


def run_eta(args) -> None:
    """``memtrade eta``."""
    p_b, w = eta_inputs(args.joint, args.channel, args.input)
    if args.restarts < 1:
        raise UsageError("--restarts must be at least 1")
    from ..eta import eta_record

    emit(pd.DataFrame([eta_record(p_b, w, args.restarts)]), args.format, args.output)
