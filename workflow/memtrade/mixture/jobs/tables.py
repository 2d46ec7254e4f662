"""Job mixture_tables: every prior's tables combined, the best threshold at the target; fails if
memorization falls below the bound on any row."""

from __future__ import annotations

import pandas as pd

from ...io import write_csv
from ..tradeoff import best_at_target, check_invariant


def run(job, log) -> None:
    """Concatenate the priors' tables, check the invariant, pick the best thresholds."""
    inp, out = job.input, job.output

    def concat(files):
        return pd.concat([pd.read_csv(f) for f in files], ignore_index=True)

    trade = concat(inp.trade)
    check_invariant(trade)
    write_csv(trade, out.mixture_tradeoff)
    write_csv(concat(inp.by_count), out.mixture_by_count)
    write_csv(concat(inp.feldman), out.mixture_feldman)
    write_csv(best_at_target(trade, job.params.target_slack), out.mixture_best_at_target)
    log.info("wrote mixture tables; memorization >= bound on every row and every simulated count vector")
