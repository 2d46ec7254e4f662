# memtrade: memorization lower bounds via strong data processing inequalities.
#
# Stages: SDPI constants -> exact memorization and error of structured
# learners -> tidy tables (bound at each learner's own error, invariant
# check, best learner at a target error) -> figures -> report.
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
    problem="|".join(PROBLEMS),
    learner="[a-z][a-z0-9_]*",
    d="[0-9]+",
    prior="[a-z][a-z0-9_.]*",
    blackbox_problem="gaussian|boolean|sparse",
    blackbox_learner="[a-z][a-z0-9_]*",
    brown_model="[a-z][a-z0-9_]*",
    brown_protocol="[a-z][a-z0-9_]*",
    lab_seed="[0-9]+",
    lab_chunk="[0-9]+",
    lab_size="[a-z][a-z0-9_]*",
    lab_variant="none|dedup_exact|dedup_near|dpsgd",
    lab_audit="[a-z][a-z0-9_]*",
    ms_dataset="digits|digits_flipped|mixture",
    ms_learner="[a-z][a-z0-9_]*",
    diff_point="d[0-9]+_k[0-9]+_n[0-9]+",
    diff_seed="[0-9]+",


# Aggregation, tables, figures and claims run where Snakemake itself runs (on a cluster, the
# submitting host): each takes seconds, less than a queued job's own start-up and status polling.
# The training and estimation rules are cluster jobs with their declared resources.
localrules:
    all,
    table,
    best_at_target,
    combine,
    ratios,
    figure,
    summary_figure,
    claims,
    report_landing,
    blackbox_table,
    blackbox_figure,
    brown_table,
    brown_figure,
    mixture_tables,
    mixture_figure,
    lab_tables,
    lab_figures,
    memscore_tables,
    memscore_figures,
    diffusion_tables,
    diffusion_figures,


include: "workflow/rules/sdpi.smk"
include: "workflow/rules/exact.smk"
include: "workflow/rules/aggregate.smk"
include: "workflow/rules/plots.smk"
include: "workflow/rules/mixture.smk"
include: "workflow/rules/blackbox.smk"
include: "workflow/rules/brown.smk"
include: "workflow/rules/lab.smk"
include: "workflow/rules/memscore.smk"
include: "workflow/rules/diffusion.smk"
include: "workflow/rules/claims.smk"


rule all:
    default_target: True
    input:
        all_outputs(),
