# memtrade: memorization lower bounds via strong data processing inequalities, and the empirical
# memorization studies beside them.
#
# Each study (memtrade.study: a package of the library, registered by its study.py) brings
# its rule file, schema fragment, claims and declaration; this file validates the config, includes
# the rule files of the studies the config runs, then the rules generated from the registry.
#
#   snakemake --cores 2                          # full reproduction (config.yaml)
#   snakemake --cores 2 --configfile config/quick.yaml
#   snakemake --report results/report.html       # self-contained HTML report
import sys
from pathlib import Path

# A --configfile on the command line is the whole configuration (so a missing
# section is an error, not silently filled in from the defaults); without one,
# config.yaml is. --config key=value overrides apply on top either way.
if not workflow.overwrite_configfiles:

    configfile: "config.yaml"


sys.path.insert(0, str(Path(workflow.basedir) / "workflow"))
from memtrade.config import ConfigError, validate

try:
    validate(
        config,
        Path(workflow.basedir) / "workflow" / "schemas" / "config.schema.yaml",
        # estimators that passed their import check, so that a no-op rerun skips importing them
        estimator_cache=Path(".snakemake") / "memtrade" / "estimators.json",
    )
except ConfigError as err:
    sys.exit(f"memtrade: invalid configuration\n{err}")


# The report opens on the landing page the rule report_landing writes (verdicts, headline figures,
# the configuration last); before a run has written it, on the static description.
LANDING = Path("results/report/landing.rst")


report: str(LANDING.resolve()) if LANDING.exists() else "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"


wildcard_constraints:
    **{k: v for s in STUDIES for k, v in s.wildcards.items()},


for study in STUDIES:

    include: study.rules


include: "workflow/rules/engine.smk"


onsuccess:
    cancel_rescheduling_timers(log)


onerror:
    cancel_rescheduling_timers(log)


rule all:
    default_target: True
    input:
        all_outputs(),
