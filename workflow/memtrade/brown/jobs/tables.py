"""Job brown_tables: means and 95 % intervals over seeds per (protocol, model, step): errors,
recovery, certified bits."""

from __future__ import annotations

import pandas as pd

from ...io import write_csv
from ..experiment import summarize


def run(job, log) -> None:
    """Every training job's statistics, summarised."""
    stats = pd.concat([pd.read_csv(p) for p in job.input.stats], ignore_index=True)
    table = summarize(stats, job.params.confidence)
    table.insert(1, "ablation", table["protocol"].isin(job.params.ablations))
    write_csv(table, job.output.brown_attack)
    log.info("wrote %d rows", len(table))
