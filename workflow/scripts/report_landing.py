"""Rule report_landing: the report's landing page and the run's configuration as a file."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd

from memtrade.docs import report_landing
from memtrade.io import open_log, write_text

log = open_log(snakemake.log[0])
config_json = json.dumps(snakemake.params.config, indent=2, sort_keys=True) + "\n"
figures = {
    "The bound's factor F_n against n, per problem (rates.png)": snakemake.input.rates,
    "How close the best learner gets to the bound, with and without randomized learners (tightness.png)": (
        snakemake.input.tightness
    ),
}
text = report_landing(pd.read_csv(snakemake.input.claims), figures, config_json)
write_text(text, snakemake.output.rst)
write_text(config_json, snakemake.output.config)
log.info("wrote the landing page and the configuration")
