"""Job report_landing: the report's landing page and the run's configuration as a file."""

from __future__ import annotations

import json

import pandas as pd

from ..docs import report_landing
from ..io import write_text


def run(job, log) -> None:
    """The verdicts, the headline figures (with their gallery captions) and the configuration."""
    config_json = json.dumps(job.params.config, indent=2, sort_keys=True) + "\n"
    figures = {
        f"{caption} ({path.rsplit('/', 1)[-1]})": path
        for caption, path in zip(job.params.captions, job.input.figures, strict=True)
    }
    text = report_landing(pd.read_csv(job.input.claims), figures, config_json)
    write_text(text, job.output.rst)
    write_text(config_json, job.output.config)
    log.info("wrote the landing page and the configuration")
