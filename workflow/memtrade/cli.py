"""The ``memtrade`` command: the bound, eta_KL, memorization audits of any learner and of GPT-2 checkpoints.

    memtrade bound --problem boolean --d 1000 --n 1 2 4 8 --error 0.1 0.2
    memtrade eta --joint joint.csv
    memtrade audit --problem sparse --d 100 --n 1 2 4 --estimator sklearn.tree.DecisionTreeClassifier
    memtrade lm-audit --checkpoint gpt2/ --samples lines.txt --canary "my pin is " --secret 4821
    memtrade memscore --data my.csv --label y --estimator sklearn.linear_model.LogisticRegression --output out/

Each subcommand prints a readable table, or writes ``--format json|csv``; ``--output`` names the
one file (or, for ``audit``, the one folder) it writes, and nothing is written anywhere else. Bad
input gets a one-line message and exit status 2, never a traceback. Every number comes from the
same library functions as the workflow's tables (docs/science.md).
"""

from __future__ import annotations

import argparse
import io
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

PROBLEMS = ("gaussian", "boolean", "sparse")


class UsageError(ValueError):
    """Bad input: reported as one line, exit status 2."""


def _problem(name: str, d: int, c: float):
    from .config import ConfigError, check_scale
    from .problems import make_problem

    if d < 1:
        raise UsageError(f"--d must be a positive integer, got {d}")
    if not (math.isfinite(c) and c > 0):
        raise UsageError(f"--c must be a positive finite number, got {c}")
    problem = make_problem(name, d, {"c": c})
    try:
        check_scale("--c", problem, f"at d = {d}")
    except ConfigError as err:
        raise UsageError(str(err).replace("config key ", "")) from None
    return problem


def _check_n(ns) -> None:
    bad = [n for n in ns if n < 1]
    if bad:
        raise UsageError(f"--n must be positive integers, got {bad[0]}")


def _emit(table: pd.DataFrame, fmt: str, output: str | None, extra_text: str = "") -> None:
    """Print or write a table: a readable table, JSON records or CSV."""
    if fmt == "json":  # full precision: json writes floats by repr; NaN and +-inf as null
        clean = table.replace([np.inf, -np.inf], np.nan)
        records = clean.astype(object).where(clean.notna(), None).to_dict(orient="records")
        text = json.dumps(records, indent=2, default=_plain) + "\n"
    elif fmt == "csv":
        text = table.to_csv(index=False)  # floats by repr: full precision
    else:
        text = table.to_string(index=False) + "\n" + extra_text
    if output:
        from .io import write_text

        write_text(text, output)
    else:
        sys.stdout.write(text)


def _write_folder(table: pd.DataFrame, fmt: str, output: str, stem: str, figure) -> None:
    """The one folder a command writes: ``stem.csv`` (``stem.json`` with --format json) and the figure
    as ``stem.pdf`` and ``stem.png``."""
    from .plotting import save_figure

    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    suffix = "json" if fmt == "json" else "csv"
    _emit(table, suffix, str(out / f"{stem}.{suffix}"))
    save_figure(figure, [out / f"{stem}.pdf", out / f"{stem}.png"])


def _plain(value):
    """NumPy scalars as Python numbers for json (full precision)."""
    return value.item() if hasattr(value, "item") else str(value)


# ------------------------------------------------------------------------------------------ bound


def bound_table(problem_name: str, d: int, ns, errors, c: float = 1.0) -> pd.DataFrame:
    """Check the arguments of ``memtrade bound``, then :func:`memtrade.bounds.bound_table`."""
    from .bounds import bound_table as table

    problem = _problem(problem_name, d, c)
    _check_n(ns)
    bad = [e for e in errors if not (0.0 <= e <= 0.5)]
    if bad:
        raise UsageError(f"--error must lie in [0, 1/2], got {bad[0]}")
    return table(problem, ns, errors)


# ------------------------------------------------------------------------------------------- eta


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


# ----------------------------------------------------------------------------------------- audit


def _param(text: str):
    import yaml

    key, sep, value = text.partition("=")
    if not sep or not key:
        raise UsageError(f"--param {text!r}: expected KEY=VALUE")
    return key, yaml.safe_load(value)


def load_estimator(path: str, params: dict, need_scores: bool = True):
    """The estimator class at ``module.Class``, checked (:func:`memtrade.blackbox.learners.check_estimator`)."""
    from .blackbox.learners import check_estimator

    try:
        return check_estimator(path, params, need_scores)
    except ValueError as err:
        raise UsageError(str(err)) from None


def audit(problem_name, d, ns, seeds, estimator, params, c=1.0, n_test=500, bootstrap=200, seed=0, progress=None):
    """Check the arguments of ``memtrade audit``, then :func:`memtrade.blackbox.audit.audit`."""
    from .blackbox.audit import audit as run_audit

    problem = _problem(problem_name, d, c)
    _check_n(ns)
    if not problem.binary_inputs:
        raise UsageError("the query-only attacks search inputs in {-1, +1}^d: use --problem boolean or sparse")
    if seeds < 2:
        raise UsageError(f"--seeds must be at least 2 (intervals over seeds), got {seeds}")
    load_estimator(estimator, params)
    return run_audit(problem, ns, seeds, estimator, params, n_test, bootstrap, seed, progress)


# -------------------------------------------------------------------------------------- lm-audit


def lm_audit(checkpoint, samples_path, k, m, perturb, draws, seed, canary=None, secret=None, candidates=1000, bos=True):
    """Check the arguments of ``memtrade lm-audit``, load the checkpoint and run
    :func:`memtrade.lab.audit.audit_samples` (and :func:`~memtrade.lab.audit.canary_exposure`).

    Returns (per-sample table, exposure table or None).
    """
    if k < 1 or m < 1:
        raise UsageError(f"--prefix-tokens and --suffix-tokens must be positive, got {k} and {m}")
    if draws < 1 or any(j < 1 or j >= k for j in perturb):
        raise UsageError(f"--perturb values must lie in [1, {k - 1}] and --draws be positive")
    if (canary is None) != (secret is None):
        raise UsageError("--canary and --secret go together")
    if secret is not None and not secret.isdigit():
        raise UsageError(f"--secret must be a string of digits, got {secret!r}")
    path = Path(samples_path)
    if not path.is_file():
        raise UsageError(f"{path}: no such samples file")
    samples = [line for line in path.read_text().splitlines() if line.strip()]
    if not samples:
        raise UsageError(f"{path}: no samples (one per line)")
    import memtrade.lab  # noqa: F401  (fixes the JAX settings before JAX is imported)

    from . import seeds
    from .lab.audit import audit_samples, canary_exposure
    from .lab.gpt2 import CheckpointError, load_checkpoint
    from .lab.tokenizer import load as load_tokenizer

    directory = Path(checkpoint)
    try:
        params, cfg = load_checkpoint(directory)
    except CheckpointError as err:
        raise UsageError(str(err)) from None
    tok_path = directory / "tokenizer.json"
    if not tok_path.is_file():
        raise UsageError(f"{tok_path}: missing (a GPT-2 checkpoint directory needs tokenizer.json)")
    try:
        tok = load_tokenizer(tok_path)
    except Exception as err:  # the tokenizers library raises its own exception types
        raise UsageError(f"{tok_path}: not a tokenizer.json ({err})") from None
    if k + m + 1 > cfg.n_positions:
        raise UsageError(f"--prefix-tokens + --suffix-tokens + 1 = {k + m + 1} exceeds the context {cfg.n_positions}")
    table = audit_samples(
        params, cfg, tok, samples, k, m, perturb, draws, seeds.generator(seed, "lm-audit", "perturb"), bos
    )
    exposure = None
    if canary is not None:
        rng = seeds.generator(seed, "lm-audit", "exposure")
        exposure = pd.DataFrame([canary_exposure(params, cfg, tok, canary, secret, candidates, rng)])
    return table, exposure


# -------------------------------------------------------------------------------------- memscore


def read_labelled_csv(path: str, label: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Features (numeric, no missing values) and labels of a user's CSV; UsageError naming the problem."""
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"{file}: no such file")
    try:
        frame = pd.read_csv(file)
    except (ValueError, UnicodeDecodeError) as err:
        raise UsageError(f"{file}: not a readable CSV ({err})") from None
    if label not in frame.columns:
        names = ", ".join(map(str, frame.columns[:8])) + (", ..." if len(frame.columns) > 8 else "")
        raise UsageError(f"{file}: no label column {label!r} (columns: {names})")
    features = frame.drop(columns=[label])
    if features.shape[1] == 0:
        raise UsageError(f"{file}: no feature columns besides the label {label!r}")
    bad = [c for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])]
    if bad:
        raise UsageError(f"{file}: feature column {bad[0]!r} is not numeric (encode it first)")
    missing = [c for c in features.columns if features[c].isna().any()]
    if missing or frame[label].isna().any():
        raise UsageError(f"{file}: missing values in column {(missing or [label])[0]!r}")
    y = frame[label].to_numpy()
    classes, counts = np.unique(y, return_counts=True)
    if len(classes) < 2:
        raise UsageError(f"{file}: the label column {label!r} has a single class")
    if (counts < 2).any():
        raise UsageError(
            f"{file}: class {classes[counts < 2][0]!r} of column {label!r} has one example "
            "(every class needs at least 2, so that a subset can hold it while another example is left out)"
        )
    return features.to_numpy(dtype=np.float64), y, [str(c) for c in features.columns]


def memscore(data, label, estimator, params, models, fraction, seed=0, jobs=1, progress=None):
    """Check the arguments of ``memtrade memscore`` and estimate every example's memorization
    (:mod:`memtrade.memscore.estimator`). Returns the per-example table."""
    from . import seeds
    from .memscore.estimator import Factory, fit_subsets, memorization, subset_masks

    if not (0 < fraction < 1):
        raise UsageError(f"--fraction must lie strictly between 0 and 1, got {fraction}")
    if jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {jobs}")
    X, y, _ = read_labelled_csv(data, label)
    try:
        factory = Factory(estimator, params)
    except ValueError as err:
        raise UsageError(str(err)) from None
    masks = subset_masks(len(y), models, fraction, seeds.generator(seed, "memscore-cli", "masks"))
    inside = masks.sum(0)
    if models < 4 or inside.min() < 2 or (models - inside).min() < 2:
        raise UsageError(
            f"--models {models} is too few for a standard error: with --fraction {fraction} some example is in "
            f"{int(inside.min())} and out of {int(models - inside.max())} subsets (each needs at least 2); "
            "raise --models"
        )
    heads, seconds, unconverged = fit_subsets(
        factory, X, y, X[:0], y[:0], masks, seed, ("memscore-cli", "fit"), jobs, progress
    )
    if progress:
        progress(f"{models} models in {seconds:.1f} s ({models / seconds:.1f} models/s), {unconverged} unconverged")
    est = memorization(masks, heads["model"][0])
    return pd.DataFrame({"index": np.arange(len(y)), "label": y, **est}).sort_values(
        ["mem", "index"], ascending=[False, True], kind="stable"
    )


# ------------------------------------------------------------------------------------------- main


def _parser() -> argparse.ArgumentParser:
    fmt = argparse.RawDescriptionHelpFormatter
    top = argparse.ArgumentParser(prog="memtrade", description=__doc__, formatter_class=fmt)
    sub = top.add_subparsers(dest="command", required=True)

    def common(p, what="FILE"):
        p.add_argument("--format", choices=["table", "json", "csv"], default="table", help="output format")
        p.add_argument("--output", metavar=what, help="write here instead of standard output")

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
    a.add_argument("--format", choices=["table", "json", "csv"], default="table")
    a.add_argument("--output", metavar="DIR", help="folder for audit.{csv|json} and audit.{pdf,png}")

    lm = sub.add_parser(
        "lm-audit",
        formatter_class=fmt,
        help="extraction, memorization score, prefix perturbation and exposure of a GPT-2 checkpoint",
        description="Audits a GPT-2 checkpoint directory (model.safetensors, config.json, tokenizer.json: ours or a\n"
        "Hugging Face GPT-2 one) on your samples, one per line: greedy extraction of the m tokens after the\n"
        "first k, the memorization score, the score with j prompt tokens replaced, the zlib redundancy;\n"
        "with --canary/--secret the exposure of a digit secret (docs/science.md, section 8).\n\n"
        "example:\n  memtrade lm-audit --checkpoint gpt2/ --samples train_lines.txt --prefix-tokens 32 \\\n"
        "      --suffix-tokens 32 --canary 'my pin is ' --secret 4821",
    )
    lm.add_argument("--checkpoint", required=True, metavar="DIR")
    lm.add_argument("--samples", required=True, metavar="FILE", help="text file, one sample per line")
    lm.add_argument("--prefix-tokens", type=int, default=32, help="k (Pythia: 32)")
    lm.add_argument("--suffix-tokens", type=int, default=32, help="m (Pythia: 32)")
    lm.add_argument("--perturb", type=int, nargs="*", default=[1, 2, 4], help="prompt tokens replaced")
    lm.add_argument("--draws", type=int, default=4, help="random replacements per sample and count")
    lm.add_argument("--no-bos", action="store_true", help="do not prepend <|endoftext|> to prompts")
    lm.add_argument("--canary", help="text before the secret")
    lm.add_argument("--secret", help="the digit string planted after --canary")
    lm.add_argument("--candidates", type=int, default=1000, help="sampled candidates of the skew-normal fit")
    lm.add_argument("--seed", type=int, default=0)
    common(lm)

    ms = sub.add_parser(
        "memscore",
        formatter_class=fmt,
        help="Feldman & Zhang memorization scores of every example of your CSV",
        description="Fits M models of a scikit-learn-compatible classifier on random subsets holding a fraction\n"
        "of the rows and scores each row: mem = P[h(x_i) = y_i | i in subset] - P[h(x_i) = y_i | i not in it],\n"
        "with a standard error (Feldman & Zhang 2020; docs/science.md, section 9). Every column but the\n"
        "label is a numeric feature.\n\n"
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
    ms.add_argument("--fraction", type=float, default=0.7, help="subset fraction (Feldman & Zhang: 0.7)")
    ms.add_argument("--threshold", type=float, default=0.25, help="the figure's highly-memorized cut")
    ms.add_argument("--jobs", type=int, default=1, help="processes for the fits (joblib)")
    ms.add_argument("--seed", type=int, default=0)
    ms.add_argument("--format", choices=["table", "json", "csv"], default="table")
    ms.add_argument("--output", metavar="DIR", help="folder for memscore.{csv|json} and memscore.{pdf,png}")
    return top


def main(argv=None) -> int:
    """Run the command with ``argv`` (default: sys.argv); the exit status (0, or 2 on bad input)."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "bound":
            _emit(bound_table(args.problem, args.d, args.n, args.error, args.c), args.format, args.output)
        elif args.command == "eta":
            p_b, w = eta_inputs(args.joint, args.channel, args.input)
            if args.restarts < 1:
                raise UsageError("--restarts must be at least 1")
            from .eta import eta_record

            _emit(pd.DataFrame([eta_record(p_b, w, args.restarts)]), args.format, args.output)
        elif args.command == "lm-audit":
            table, exposure = lm_audit(
                args.checkpoint,
                args.samples,
                args.prefix_tokens,
                args.suffix_tokens,
                args.perturb,
                args.draws,
                args.seed,
                args.canary,
                args.secret,
                args.candidates,
                not args.no_bos,
            )
            if exposure is not None:
                table = table.assign(**{f"canary_{k}": v for k, v in exposure.iloc[0].items()})
            _emit(table, args.format, args.output)
        elif args.command == "memscore":
            table = memscore(
                args.data,
                args.label,
                args.estimator,
                dict(_param(p) for p in args.param),
                args.models,
                args.fraction,
                args.seed,
                args.jobs,
                progress=lambda msg: print(msg, file=sys.stderr, flush=True),
            )
            if args.output:
                from . import plotting
                from .memscore import plots

                plotting.use_style(Path(__file__).with_name("memtrade.mplstyle"))
                name = args.estimator.rpartition(".")[2]
                keys = {"dataset": Path(args.data).name, "learner": name, "head": "model"}
                share = float((table["mem"] > args.threshold).mean())
                figure = plots.histogram(
                    table.assign(**keys), pd.DataFrame([{**keys, "share_above_threshold": share}]), args.threshold
                )
                _write_folder(table, args.format, args.output, "memscore", figure)
            _emit(table.head(20) if args.format == "table" else table, args.format, None)
        else:
            params = dict(_param(p) for p in args.param)
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
                progress=lambda msg: print(msg, file=sys.stderr, flush=True),
            )
            cols = [
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
            if args.output:
                from . import plotting
                from .blackbox import plots

                plotting.use_style(Path(__file__).with_name("memtrade.mplstyle"))
                _write_folder(table, args.format, args.output, "audit", plots.certified(table))
            _emit(table[cols], args.format, None)
    except UsageError as err:
        print(f"memtrade {args.command}: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
