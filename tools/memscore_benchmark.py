"""Speed of the memorization scores and membership inference (issue budgets), printed as a Markdown table.

Measured, each on 2 processes (``--jobs 2``), on scikit-learn's digits:

- 1,000 logistic-regression fits (``max_iter`` 1000) on random 70 % subsets of the 1,257-row
  training split, without and with the membership signal (one ``predict_proba`` per fit), twice
  each, interleaved: the faster of each and LiRA's share (budgets: 1,000 fits in 120 s; LiRA adds at most 10 %);
- LiRA's evaluation over those fits (``memtrade.memscore.lira.evaluate``);
- 64 forests of 50 trees on a 600-row subset, without and with the signal;
- ``memtrade memscore`` on a 600-row CSV with 64 forests of 50 trees, end to end in a new process
  (budget: 60 s);
- ``memtrade mia`` against a fitted logistic regression: 400 candidates (half of them members),
  32 reference models on halves of a 500-row population, end to end in a new process.

    python tools/memscore_benchmark.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "workflow"))

from benchmark import markdown_table  # noqa: E402  (tools/, this script's folder)
from memtrade import seeds  # noqa: E402
from memtrade.memscore import lira  # noqa: E402
from memtrade.memscore.estimator import Factory, fit_subsets, subset_masks  # noqa: E402

JOBS = 2


def _fits(path: str, params: dict, X, y, models: int, fraction: float, name: str) -> list[tuple[str, str]]:
    masks = subset_masks(len(y), models, fraction, seeds.generator(0, "memscore-benchmark", name))
    make = Factory(path, params)
    empty = (X[:0], y[:0])
    runs = {False: [], True: []}
    for _ in range(2):  # interleaved, the faster of two each: the first fits also warm the worker pool
        for with_signal in (False, True):
            fits = fit_subsets(make, X, y, *empty, masks, 0, (name,), n_jobs=JOBS, signal=with_signal)
            runs[with_signal].append(fits)
    plain, signal = (min(runs[k], key=lambda f: f.seconds) for k in (False, True))
    share = 100.0 * (signal.seconds - plain.seconds) / plain.seconds
    rows = [
        (f"{models} {name} fits on {len(y)} rows, right/wrong only (faster of 2)", f"{plain.seconds:.1f} s"),
        (
            f"{models} {name} fits on {len(y)} rows, with LiRA's signal (one predict_proba per fit; faster of 2)",
            f"{signal.seconds:.1f} s: LiRA adds {share:+.1f} % (budget: at most 10 %)",
        ),
    ]
    start = time.perf_counter()
    lira.evaluate(masks, signal.signal["phi"])
    rows.append(
        (f"LiRA online, offline and loss attacks over those {models} fits", f"{time.perf_counter() - start:.1f} s")
    )
    return rows


def _cli(args: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "memtrade", *args], cwd=ROOT / "workflow", capture_output=True)
    if proc.returncode != 0:
        raise SystemExit(f"memtrade {' '.join(args)} failed:\n{proc.stderr.decode()[-2000:]}")
    return time.perf_counter() - start


def main() -> None:
    import joblib
    import pandas as pd
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression

    X, y = load_digits(return_X_y=True)
    order = seeds.generator(0, "memscore-benchmark", "split").permutation(len(y))
    train = order[:1257]  # the pipeline's split size (70 % of 1,797)
    rows = _fits(
        "sklearn.linear_model.LogisticRegression", {"max_iter": 1000}, X[train], y[train], 1000, 0.7, "logistic"
    )
    rows[0] = (rows[0][0], rows[0][1] + " (budget: 1,000 fits in 120 s)")
    small = order[:600]
    forest = ("sklearn.ensemble.RandomForestClassifier", {"n_estimators": 50})
    rows += _fits(*forest, X[small], y[small], 64, 0.7, "forest")[:2]
    with tempfile.TemporaryDirectory(prefix="memtrade-memscore-bench-") as tmp:
        tmp = Path(tmp)
        frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])]).assign(y=y)
        frame.iloc[small].to_csv(tmp / "rows.csv", index=False)
        cmd = ["memscore", "--data", str(tmp / "rows.csv"), "--label", "y"]
        cmd += ["--estimator", forest[0], "--param", "n_estimators=50", "--models", "64", "--jobs", str(JOBS)]
        wall = _cli([*cmd, "--output", str(tmp / "out"), "--format", "json"])
        rows.append(
            ("memtrade memscore, 600-row CSV, 64 forests of 50 trees (new process)", f"{wall:.1f} s (budget: 60 s)")
        )
        members, outsiders, population = order[:200], order[200:400], order[400:900]
        model = LogisticRegression(max_iter=1000).fit(X[members], y[members])
        joblib.dump(model, tmp / "model.joblib")
        cand = np.concatenate([members, outsiders])
        frame.iloc[cand].assign(member=np.repeat([1, 0], 200)).to_csv(tmp / "candidates.csv", index=False)
        frame.iloc[population].to_csv(tmp / "population.csv", index=False)
        cmd = ["mia", "--model", str(tmp / "model.joblib"), "--candidates", str(tmp / "candidates.csv")]
        cmd += ["--population", str(tmp / "population.csv"), "--label-column", "y", "--membership-column", "member"]
        wall = _cli([*cmd, "--references", "32", "--jobs", str(JOBS), "--output", str(tmp / "audit")])
        rows.append(
            (
                "memtrade mia, logistic regression, 400 candidates, 32 references, 500-row population (new process)",
                f"{wall:.1f} s",
            )
        )
    print(markdown_table(rows), end="")


if __name__ == "__main__":
    main()
