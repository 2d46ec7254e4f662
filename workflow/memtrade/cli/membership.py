"""``memtrade mia``: membership inference against one fitted model (offline LiRA with reference models
on halves of a population; :func:`memtrade.memscore.mia.audit`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .common import FORMATS, UsageError, class_labels, emit, features, progress, read_csv, same_columns

MIN_POPULATION = 20  # rows: each reference model trains on half of them


def load_model(path: str):
    """A fitted classifier from a joblib file, with ``predict_proba`` and ``classes_``."""
    import joblib

    file = Path(path)
    if not file.is_file():
        raise UsageError(f"{file}: no such model file")
    try:
        model = joblib.load(file)
    except Exception as err:  # unpickling raises whatever the pickled classes raise
        detail = str(err).splitlines()[0][:80] if str(err) else ""
        raise UsageError(f"{file}: not a joblib model file ({type(err).__name__}: {detail})") from None
    if not hasattr(model, "predict_proba"):
        raise UsageError(f"{file}: the model ({type(model).__name__}) has no predict_proba: LiRA needs probabilities")
    if not hasattr(model, "classes_"):
        raise UsageError(f"{file}: the model ({type(model).__name__}) is not fitted (no classes_)")
    return model


def mia(
    model_path, candidates, population, label="label", membership=None, references=32, seed=0, jobs=1, progress=None
):
    """Check the arguments of ``memtrade mia``, then :func:`memtrade.memscore.mia.audit`: (table, records, roc)."""
    from ..memscore import mia as library

    if references < 2 or jobs < 1:
        raise UsageError(f"--references must be at least 2 and --jobs at least 1, got {references} and {jobs}")
    model = load_model(model_path)
    cand = read_csv(candidates, "--candidates ")
    y = class_labels(cand, candidates, label)
    drop = [label] + ([membership] if membership else [])
    if membership and membership not in cand.columns:
        raise UsageError(f"{candidates}: no membership column {membership!r}")
    X_frame = features(cand, candidates, drop)
    names = [str(c) for c in X_frame.columns]
    pop = read_csv(population, "--population ")
    y_pop = class_labels(pop, population, label)
    X_pop = same_columns(features(pop, population, [label]), names, population, "the candidates")
    if len(pop) < MIN_POPULATION:
        raise UsageError(
            f"{population}: {len(pop)} rows are too few for reference models on halves (at least {MIN_POPULATION})"
        )
    if len(np.unique(y_pop)) < 2:
        raise UsageError(f"{population}: the label column {label!r} has a single class")
    expected = getattr(model, "feature_names_in_", None)
    if expected is not None and [str(c) for c in expected] != names:
        raise UsageError(f"{model_path}: the model was fitted on columns {list(expected)}, the candidates have {names}")
    if getattr(model, "n_features_in_", len(names)) != len(names):
        raise UsageError(
            f"{model_path}: the model takes {model.n_features_in_} features, the candidates have {len(names)}"
        )
    truth = None
    if membership:
        values = cand[membership]
        if not values.isin([0, 1]).all():
            raise UsageError(f"{candidates}: membership column {membership!r} must hold 0/1 or true/false")
        truth = values.to_numpy().astype(bool)
        if truth.all() or not truth.any():
            raise UsageError(f"{candidates}: membership column {membership!r} needs members and non-members")
    X = X_frame.to_numpy(dtype=np.float64)
    if expected is not None:  # fitted on a DataFrame: predict on one too (no feature-name warning)
        X, X_pop = pd.DataFrame(X, columns=expected), pd.DataFrame(X_pop, columns=expected)
    try:
        return library.audit(model, X_pop, y_pop, X, y, references, seed, jobs, progress, truth)
    except (ValueError, TypeError) as err:
        raise UsageError(f"scoring with {type(model).__name__} failed: {str(err).strip().splitlines()[0]}") from None


def add(sub, fmt, common) -> None:
    """The ``mia`` parser."""
    p = sub.add_parser(
        "mia",
        formatter_class=fmt,
        help="membership inference against one fitted model (offline LiRA with reference models)",
        description="Audits a fitted scikit-learn classifier (a joblib file): reference models of the same class\n"
        "and hyperparameters (sklearn.base.clone) are trained on random halves of a population CSV from the\n"
        "same distribution, and every candidate row is scored by offline LiRA (Carlini et al. 2022): the\n"
        "logit phi of its label under the model against the Gaussian of its phi under the references.\n"
        "The candidates are assumed absent from the population. With --membership-column (0/1), the ROC,\n"
        "AUC and TPR at 0.1 % and 1 % FPR of LiRA and of the loss attack.\n\n"
        "example:\n  memtrade mia --model model.joblib --candidates candidates.csv --population population.csv \\\n"
        "      --label-column y --membership-column member --output audit/",
    )
    p.add_argument("--model", required=True, metavar="M.joblib", help="the fitted classifier (joblib.dump)")
    p.add_argument("--candidates", required=True, metavar="C.csv", help="the rows to score: features and label")
    p.add_argument("--population", required=True, metavar="P.csv", help="rows of the same columns, not candidates")
    p.add_argument("--label-column", default="label", metavar="COLUMN")
    p.add_argument("--membership-column", metavar="COLUMN", help="the candidates' true membership (0/1)")
    p.add_argument("--references", type=int, default=32, help="reference models (fewer than 32: global variance)")
    p.add_argument("--jobs", type=int, default=1, help="processes for the reference fits (joblib)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument(
        "--output",
        metavar="DIR",
        help="folder for mia.{csv|json}; with membership, membership.json and roc.{csv,pdf,png}",
    )
    p.set_defaults(run=run)


def run(args) -> None:
    """``memtrade mia``: the candidates, highest LiRA score first (the 20 highest as a table)."""
    table, records, roc = mia(
        args.model,
        args.candidates,
        args.population,
        args.label_column,
        args.membership_column,
        args.references,
        args.seed,
        args.jobs,
        progress,
    )
    table = table.sort_values(["lira_offline", "index"], ascending=[False, True], kind="stable")
    for r in records or []:
        progress(
            f"{r['attack']}: AUC {r['auc']:.3f}, TPR {100 * r['tpr_at_0.1pct_fpr']:.2f} % at 0.1 % FPR, "
            f"{100 * r['tpr_at_1pct_fpr']:.2f} % at 1 % FPR"
        )
    if args.output:
        out = Path(args.output)
        out.mkdir(parents=True, exist_ok=True)
        emit(
            table,
            "json" if args.format == "json" else "csv",
            str(out / f"mia.{'json' if args.format == 'json' else 'csv'}"),
        )
        if records is not None:
            from ..memscore import plots
            from .common import save, use_style

            use_style()
            emit(pd.DataFrame(records), "json", str(out / "membership.json"))
            emit(roc, "csv", str(out / "roc.csv"))
            save(plots.roc(roc, records, f"{Path(args.model).name}: {len(table)} candidates"), out, "roc")
    emit(table.head(20) if args.format == "table" else table, args.format, None)
