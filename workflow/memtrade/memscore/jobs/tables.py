"""Job memscore_tables: the memorization-score stage's tidy tables (docs/outputs.md)."""

from __future__ import annotations

import pandas as pd

from ...io import write_csv
from .. import experiments


def run(job, log) -> None:
    """The memorization-score stage's tidy tables (docs/outputs.md)."""
    inp, out = job.input, job.output

    def concat(paths):
        return pd.concat([pd.read_csv(p) for p in paths], ignore_index=True)

    scores = concat(inp.scores)
    retro_scores = concat(inp.retro_scores)
    write_csv(scores, out.memscore_scores)
    write_csv(concat(inp.summary), out.memscore_summary)
    write_csv(experiments.by_frequency(pd.concat([scores, retro_scores], ignore_index=True)), out.memscore_by_frequency)
    write_csv(concat(inp.pairs), out.memscore_influence)
    runs = concat(inp.removal)
    write_csv(runs, out.memscore_removal_runs)
    write_csv(experiments.removal_summary(runs, job.params.level), out.memscore_removal)
    write_csv(concat(inp.retro), out.memscore_retro)
    write_csv(concat(inp.retro_sweep), out.memscore_retro_sweep)
    write_csv(concat(inp.membership), out.memscore_membership)
    write_csv(concat(inp.attacks), out.memscore_attacks)
    write_csv(concat(inp.roc), out.memscore_roc)
    log.info("wrote %d memorization-score tables", len(out))
