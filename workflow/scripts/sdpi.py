"""Rule sdpi: tau_n, rho_n, F_n for every (d, n) of one problem."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

from memtrade.io import open_log, write_csv
from memtrade.sdpi import sdpi_table

log = open_log(snakemake.log[0])
if snakemake.params.inject_failure:  # test-only config key inject_failure
    raise RuntimeError(f"injected failure for sdpi:{snakemake.wildcards.problem} (config key inject_failure)")
table = sdpi_table(snakemake.wildcards.problem, snakemake.params.problem, snakemake.params.d, snakemake.params.n)
write_csv(table, snakemake.output[0])
log.info("wrote %d rows to %s", len(table), snakemake.output[0])
