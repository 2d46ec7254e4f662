"""Job claims: evaluate claims.yaml on this run's tables; the verdicts as CSV and Markdown."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from ..claims import evaluate, tally, to_markdown
from ..io import write_csv, write_text


def run(job, log) -> None:
    """Read every table of the run and the claims, write the verdicts."""
    skip = {"claims", "lib", "job"}
    tables = {key: pd.read_csv(path) for key, path in job.input.items() if key not in skip}
    verdicts = evaluate(yaml.safe_load(Path(job.input.claims).read_text()), tables)
    write_csv(verdicts, job.output.csv)
    write_text(to_markdown(verdicts), job.output.md)
    log.info("verdicts: %s", tally(verdicts))
