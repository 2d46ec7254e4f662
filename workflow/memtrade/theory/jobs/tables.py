"""Job theory_tables: per problem the target errors, the tidy memorization table (the bound at each
row's own error; the job fails if a row breaks it) and each learner's least-memorizing configuration
at the target; then all problems' tables combined, the ratios to the bound and the tightness."""

from __future__ import annotations

import pandas as pd

from ...aggregate import best_at_target, check_invariant, memorization_table, ratio_table, tightness_table
from ...exact import reference_error
from ...io import write_csv
from ...learners import NOISE_KEYS, reference_learner
from ...problems import make_problem


def targets(problem: str, section: dict, target_error) -> pd.DataFrame:
    """The target test error per d: configured, or the natural learner's at n = 1 with k = d."""
    rows = []
    for d in section["d"]:
        if target_error is None:
            p = make_problem(problem, d, section)
            target, source = reference_error(p), f"{reference_learner(p).family} n=1 k=d"
        else:
            target, source = float(target_error), "config"
        rows.append({"problem": problem, "d": int(d), "target_error": target, "source": source})
    return pd.DataFrame(rows)


def run(job, log) -> None:
    """Every problem's tables, then the tables across problems."""
    out, p = job.output, job.params
    # each step reads the tables as written (floats to 12 significant digits), as a reader of the CSVs would
    tables, bests = [], []
    for problem in sorted(p.problems):
        section = p.problems[problem]
        write_csv(targets(problem, section, p.target_error), out[f"{problem}_targets"])
        target = pd.read_csv(out[f"{problem}_targets"])[["problem", "d", "target_error"]]
        exact = [pd.read_csv(f) for f in job.input[f"exact_{problem}"]]
        table = memorization_table(exact, pd.read_csv(job.input[f"sdpi_{problem}"]))
        check_invariant(table)
        write_csv(table, out[f"{problem}_memorization"])
        tables.append(pd.read_csv(out[f"{problem}_memorization"]))
        write_csv(best_at_target(tables[-1], target), out[f"{problem}_best_at_target"])
        bests.append(pd.read_csv(out[f"{problem}_best_at_target"]))
        log.info("%s: %d rows, memorization >= lower bound on every row", problem, len(table))
    write_csv(pd.concat(tables, ignore_index=True), out.memorization)
    best = pd.concat(bests, ignore_index=True)
    write_csv(ratio_table(best), out.ratios)
    write_csv(tightness_table(best, NOISE_KEYS), out.tightness)
