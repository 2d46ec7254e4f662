"""Rule lab_corpus: the laboratory corpus and tokenizer of one seed."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

from memtrade.io import open_log
from memtrade.lab.experiment import build_corpus, save_corpus

log = open_log(snakemake.log[0])
corpus = build_corpus(snakemake.params.corpus, snakemake.params.seed, int(snakemake.wildcards.lab_seed))
save_corpus(corpus, dict(snakemake.output.items()))
log.info("corpus: %s", corpus["meta"])
