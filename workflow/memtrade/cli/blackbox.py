"""``memtrade audit``: certified memorization of any scikit-learn-compatible learner (the black-box study)."""

from __future__ import annotations

from .common import FORMATS, PROBLEMS, UsageError, check_n, emit, load_estimator, param, problem, progress, use_style

COLUMNS = [
    "learner",
    "n",
    "attack",
    "certified_bits",
    "certified_bits_hi",
    "test_error",
    "lower_bound_bits",
    "ratio_to_bound",
    "exact_bits",
]


def audit(problem_name, d, ns, seeds, estimator, params, c=1.0, n_test=500, bootstrap=200, seed=0, progress=None):
    """Check the arguments of ``memtrade audit``, then :func:`memtrade.blackbox.audit.audit`."""
    from ..blackbox.audit import audit as run_audit

    made = problem(problem_name, d, c)
    check_n(ns)
    if not made.binary_inputs:
        raise UsageError("the query-only attacks search inputs in {-1, +1}^d: use --problem boolean or sparse")
    if seeds < 2:
        raise UsageError(f"--seeds must be at least 2 (intervals over seeds), got {seeds}")
    load_estimator(estimator, params)
    return run_audit(made, ns, seeds, estimator, params, n_test, bootstrap, seed, progress)


def add(sub, fmt, common) -> None:
    """The ``audit`` parser."""
    a = sub.add_parser(
        "audit",
        formatter_class=fmt,
        help="certified memorization of any scikit-learn-compatible learner",
        description="Trains the estimator on generated datasets of a problem and certifies its memorization\n"
        "I(S; M | theta) from below by Brown et al.'s query-only attacks (docs/science.md, section 5.3).\n\n"
        "example:\n  memtrade audit --problem sparse --d 100 --n 1 2 4 --seeds 5 \\\n"
        "      --estimator sklearn.ensemble.RandomForestClassifier --param n_estimators=200",
    )
    a.add_argument("--problem", required=True, choices=PROBLEMS)
    a.add_argument("--d", required=True, type=int)
    a.add_argument("--n", required=True, type=int, nargs="+")
    a.add_argument("--c", type=float, default=1.0)
    a.add_argument("--seeds", type=int, default=5)
    a.add_argument("--n-test", type=int, default=500)
    a.add_argument("--bootstrap", type=int, default=200)
    a.add_argument("--seed", type=int, default=0)
    a.add_argument("--estimator", required=True, help="import path module.Class of a scikit-learn-compatible estimator")
    a.add_argument("--param", action="append", default=[], help="estimator parameter KEY=VALUE (repeatable)")
    a.add_argument("--format", choices=FORMATS, default="table")
    a.add_argument("--output", metavar="DIR", help="folder for audit.{csv|json} and audit.{pdf,png}")
    a.set_defaults(run=run)


def run(args) -> None:
    """``memtrade audit``: the table, and with --output the folder (table and figure)."""
    from .common import write_folder

    params = dict(param(p) for p in args.param)
    table = audit(
        args.problem,
        args.d,
        args.n,
        args.seeds,
        args.estimator,
        params,
        args.c,
        args.n_test,
        args.bootstrap,
        args.seed,
        progress=progress,
    )
    if args.output:
        from ..blackbox import plots

        use_style()
        write_folder(table, args.format, args.output, "audit", plots.certified(table))
    emit(table[COLUMNS], args.format, None)
