"""``memtrade memscore``: Feldman & Zhang's memorization scores of every row of a user's CSV, and
membership inference (LiRA) from the same fits: the memscore study's library functions
(:func:`memtrade.memscore.experiments.estimate`, :func:`~memtrade.memscore.experiments.scores`,
:func:`~memtrade.memscore.experiments.influence_pairs`, :func:`~memtrade.memscore.experiments.membership`)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pandas as pd

from .common import FORMATS, UsageError, emit, progress, read_csv, read_labelled_csv, same_columns

NAMES = ("memscore-cli",)  # the seed streams: (seed, "memscore-cli", "masks") and (..., "fit", r)
COLUMNS = ["index", "label", "mem", "mem_se", "mem_lo", "mem_hi", "p_in", "p_out", "n_in", "n_out"]


class Result(NamedTuple):
    """What ``memtrade memscore`` computes: the per-example scores (highest first); with class
    probabilities, the membership table (by row index), the attacks' summary records and ROC table;
    with a test set, the influence pairs."""

    table: pd.DataFrame
    membership: pd.DataFrame | None = None
    attacks: list | None = None
    roc: pd.DataFrame | None = None
    pairs: pd.DataFrame | None = None


def _check_counts(masks, models: int, fraction: float) -> None:
    inside = masks.sum(0)
    if models < 4 or inside.min() < 2 or (models - inside).min() < 2:
        raise UsageError(
            f"--models {models} is too few for a standard error: with --fraction {fraction} some example is in "
            f"{int(inside.min())} and out of {int(models - inside.max())} subsets (each needs at least 2); "
            "raise --models"
        )


def memscore(
    data, label, estimator, params, models, fraction, seed=0, jobs=1, progress=None, scale=False, test=None, pairs=100
) -> Result:
    """Check the arguments of ``memtrade memscore``, fit the subset models and score every example."""
    from ..memscore import experiments
    from ..memscore.estimator import Factory, memorization_interval

    if not (0 < fraction < 1):
        raise UsageError(f"--fraction must lie strictly between 0 and 1, got {fraction}")
    if jobs < 1 or pairs < 1:
        raise UsageError(f"--jobs and --pairs must be at least 1, got {jobs} and {pairs}")
    X, y, names = read_labelled_csv(data, label)
    try:
        factory = Factory(estimator, params, scale)
    except ValueError as err:
        raise UsageError(str(err)) from None
    d = {"X": X, "y": y, "X_test": X[:0], "y_test": y[:0]}
    if test is not None:
        frame = read_csv(test, "--test ")
        if label not in frame.columns:
            raise UsageError(f"--test {test}: no label column {label!r}")
        d["X_test"], d["y_test"] = (
            same_columns(frame.drop(columns=[label]), names, test, "--data"),
            frame[label].to_numpy(),
        )
    _check_counts(experiments.draw_masks(len(y), models, fraction, seed, NAMES), models, fraction)
    try:
        masks, fits = experiments.estimate(d, factory, models, fraction, seed, NAMES, jobs, progress, factory.proba)
    except (ValueError, TypeError) as err:  # scikit-learn's parameter checks run at fit time
        raise UsageError(f"fitting {estimator} failed: {str(err).strip().splitlines()[0]}") from None
    learner = estimator.rpartition(".")[2]
    say = progress or (lambda message: None)
    rate = models / fits.seconds
    say(f"{models} models in {fits.seconds:.1f} s ({rate:.1f} models/s), {fits.unconverged} unconverged")
    table = experiments.scores(d, masks, fits.heads, Path(data).name, learner)
    table["mem_lo"], table["mem_hi"] = memorization_interval(table)
    table = table[COLUMNS]
    fit_in = float(table["p_in"].mean())
    if fit_in < 0.5:
        say(
            f"warning: {learner} fits only {100 * fit_in:.0f} % of its own training labels (mean p_in): "
            "right/wrong scores miss what it does not fit; try --scale or a more flexible learner, "
            "and read mem_phi in membership.csv"
        )
    result = {"table": table.sort_values(["mem", "index"], ascending=[False, True], kind="stable")}
    if fits.signal is None:
        say(f"note: {learner} has no predict_proba: no membership inference (membership.csv, roc.*)")
    else:
        per, attacks, roc = experiments.membership(d, masks, fits.signal["phi"], Path(data).name, learner)
        result["attacks"] = attacks.drop(columns=["dataset", "learner"]).to_dict(orient="records")
        result["roc"] = roc.drop(columns=["dataset", "learner"])
        mem = table.set_index("index").loc[per["index"], ["mem", "mem_lo", "mem_hi"]].reset_index(drop=True)
        result["membership"] = pd.concat(
            [per[["index", "label"]], mem, per.drop(columns=["dataset", "learner", "index", "label"])], axis=1
        )
        for r in result["attacks"]:
            say(
                f"{r['attack']}: AUC {r['auc']:.3f}, TPR {100 * r['tpr_at_0.1pct_fpr']:.2f} % at 0.1 % FPR, "
                f"{100 * r['tpr_at_1pct_fpr']:.2f} % at 1 % FPR ({r['targets']} target fits)"
            )
    if test is not None:
        infl = experiments.influence_pairs(d, masks, fits.heads["model"][1], pairs, Path(test).name, learner)
        result["pairs"] = infl.drop(columns=["dataset", "learner"])
    return Result(**result)


def add(sub, fmt, common) -> None:
    """The ``memscore`` parser."""
    ms = sub.add_parser(
        "memscore",
        formatter_class=fmt,
        help="Feldman & Zhang memorization scores and LiRA membership inference of every example of your CSV",
        description="Fits M models of a scikit-learn-compatible classifier on random subsets holding a fraction\n"
        "of the rows and scores each row: mem = P[h(x_i) = y_i | i in subset] - P[h(x_i) = y_i | i not in it],\n"
        "with a standard error and a 95 % interval (Feldman & Zhang 2020; docs/science.md, section 9).\n"
        "With predict_proba, the same fits give membership inference (LiRA online and offline, the loss\n"
        "attack: ROC, AUC, TPR at 0.1 % and 1 % FPR) and the continuous score mean phi_in - mean phi_out,\n"
        "phi the logit of the label's probability. Every column but the label is a numeric feature.\n\n"
        "example:\n  memtrade memscore --data digits.csv --label target --models 1000 --fraction 0.7 \\\n"
        "      --estimator sklearn.linear_model.LogisticRegression --param max_iter=1000 --output scores/",
    )
    ms.add_argument("--data", required=True, metavar="FILE.csv")
    ms.add_argument("--label", required=True, metavar="COLUMN", help="the label column")
    ms.add_argument(
        "--estimator", required=True, help="import path module.Class of a scikit-learn-compatible classifier"
    )
    ms.add_argument("--param", action="append", default=[], help="estimator parameter KEY=VALUE (repeatable)")
    ms.add_argument("--models", type=int, default=1000, help="subset models M")
    ms.add_argument("--fraction", type=float, default=0.7, help="subset fraction (Feldman & Zhang: 0.7; LiRA: 0.5)")
    ms.add_argument("--scale", action="store_true", help="standardise the features within each fit")
    ms.add_argument("--test", metavar="FILE.csv", help="test rows (same columns): influence pairs in influence.csv")
    ms.add_argument("--pairs", type=int, default=100, help="influence pairs written with --test")
    ms.add_argument("--threshold", type=float, default=0.25, help="the figure's highly-memorized cut")
    ms.add_argument("--jobs", type=int, default=1, help="processes for the fits (joblib)")
    ms.add_argument("--seed", type=int, default=0)
    ms.add_argument("--format", choices=FORMATS, default="table")
    ms.add_argument(
        "--output",
        metavar="DIR",
        help="folder for memscore.{csv|json,pdf,png}, membership.{csv,json}, roc.{csv,pdf,png} and influence.csv",
    )
    ms.set_defaults(run=run)


def run(args) -> None:
    """``memtrade memscore``: the 20 highest scores (every row with --format csv|json), and the folder."""
    from .common import param

    if args.test and not args.output:
        raise UsageError("--test writes influence.csv into the --output folder: give --output DIR")
    r = memscore(
        args.data,
        args.label,
        args.estimator,
        dict(param(p) for p in args.param),
        args.models,
        args.fraction,
        args.seed,
        args.jobs,
        progress,
        args.scale,
        args.test,
        args.pairs,
    )
    if args.output:
        write(r, args)
    emit(r.table.head(20) if args.format == "table" else r.table, args.format, None)


def write(r: Result, args) -> None:
    """The --output folder: the scores and their histogram, the membership tables and ROC, the influence pairs."""
    from ..memscore import plots
    from .common import save, use_style, write_folder

    use_style()
    keys = {"dataset": Path(args.data).name, "learner": args.estimator.rpartition(".")[2], "head": "model"}
    share = float((r.table["mem"] > args.threshold).mean())
    figure = plots.histogram(
        r.table.assign(**keys), pd.DataFrame([{**keys, "share_above_threshold": share}]), args.threshold
    )
    write_folder(r.table, args.format, args.output, "memscore", figure)
    out = Path(args.output)
    if r.membership is not None:
        emit(r.membership, "csv", str(out / "membership.csv"))
        emit(r.roc, "csv", str(out / "roc.csv"))
        emit(pd.DataFrame(r.attacks), "json", str(out / "membership.json"))
        save(plots.roc(r.roc, r.attacks, f"{keys['learner']} on {keys['dataset']}, {len(r.table)} rows"), out, "roc")
    if r.pairs is not None:
        emit(r.pairs, "csv", str(out / "influence.csv"))
