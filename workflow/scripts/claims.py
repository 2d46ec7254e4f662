"""Rule claims: evaluate claims.yaml on this run's tables; write the verdicts as CSV and Markdown."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

import pandas as pd
import yaml

from memtrade.claims import evaluate, to_markdown
from memtrade.io import open_log, write_csv, write_text

log = open_log(snakemake.log[0])
skip = {"claims", "lib"}
tables = {key: pd.read_csv(path) for key, path in snakemake.input.items() if key not in skip}
verdicts = evaluate(yaml.safe_load(Path(snakemake.input.claims).read_text()), tables)
write_csv(verdicts, snakemake.output.csv)
write_text(to_markdown(verdicts), snakemake.output.md)
log.info("verdicts: %s", verdicts["verdict"].value_counts().to_dict())
