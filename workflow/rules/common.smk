# Shared helpers of every study's rules: output paths, job modules and their library inputs,
# resources, conda envs. Nothing here names a study: the registry (memtrade.study) does.
from memtrade.imports import library_files
from memtrade.runner import module_file
from memtrade.study import enabled, figures, tables

RESULTS = "results"
STUDIES = enabled(config)
TABLES = tables(config)
FIGURES = figures(config)
BASE = Path(workflow.basedir)
STYLE = str(BASE / "workflow" / "memtrade" / "memtrade.mplstyle")  # the one style file
# What a study's rules file gives the jobs the engine generates for it (engine.smk), by job name:
# the inputs and params of <study>_tables and <study>_figures.
INPUTS = {}
PARAMS = {}


def path(*parts):
    """A path under the results folder."""
    return "/".join([RESULTS, *map(str, parts)])


def job(module):
    """The inputs that make a job run library module ``module`` (``<study>.jobs.<job>``): the module's
    file (``job``, which workflow/scripts/job.py runs) and every library file it imports (``lib``),
    so that editing library code reruns exactly the jobs that run it."""
    file = module_file(module)
    return {
        "job": str(file),
        "lib": library_files(file, BASE / "workflow" / "memtrade"),
    }


def settings(section, *keys):
    """The entries ``keys`` of config section ``section``: what a job's results depend on, so that
    editing another entry does not rerun it."""
    return {k: config[section][k] for k in keys}


def resources(study):
    """Cluster resources of a study's heavy jobs: its declared defaults, then its section's ``resources``."""
    return next(s for s in STUDIES if s.name == study).cluster_resources(config)


def jax_env(section):
    """The conda env of a study's JAX jobs: CPU jaxlib, or jax[cuda12] where ``accelerator`` is cuda."""
    cuda = config[section].get("accelerator", "cpu") == "cuda"
    return "../../envs/jax-cuda.yaml" if cuda else "../../envs/jax.yaml"


def report_table(name):
    """Table ``name``'s output, marked for the report with its caption where it has one."""
    t, study = TABLES[name], STUDY_OF[TABLES[name].rule]
    if not t.caption:
        return path(t.file)
    return report(
        path(t.file),
        caption=study.caption(t.caption),
        category=study.title,
        subcategory=t.subcategory or None,
    )


def report_figure(name):
    """Figure ``name``'s PNG, marked for the report with its caption."""
    f, study = FIGURES[name], STUDY_OF[FIGURES[name].rule]
    return report(
        path("figures", f"{name}.png"),
        caption=study.caption(f.caption),
        category=study.title,
        subcategory=f.subcategory or None,
    )


def outputs_of(producer, kind):
    """The named outputs (tables or figures) of the job ``producer``, as its study declares them."""
    if kind == "tables":
        return {n: report_table(n) for n, t in TABLES.items() if t.rule == producer}
    mine = [n for n, f in FIGURES.items() if f.rule == producer]
    out = {f"{n}_pdf": path("figures", f"{n}.pdf") for n in mine}
    return out | {f"{n}_png": report_figure(n) for n in mine}


def group_seeds(groups, wildcard):
    """Params function: the seeds of the group of seeds that a job's ``wildcard`` numbers."""
    return lambda wc: groups[int(wc[wildcard])]


def for_group(pattern, groups, wildcard):
    """Input function: ``pattern`` (a path with ``{seed}`` and the job's wildcards) for every seed of
    the job's group of seeds."""
    return lambda wc: [pattern.format(seed=s, **wc) for s in groups[int(wc[wildcard])]]


def written_by(producer):
    """The tables that the job ``producer`` writes, by name: a figures job's inputs."""
    return {n: path(t.file) for n, t in TABLES.items() if t.rule == producer}


def claim_tables(wildcards):
    """Every table of this run, by name (the claims and the documents read them)."""
    return {name: path(t.file) for name, t in TABLES.items()}


def all_outputs():
    """The targets of the all job: every table and figure of every study this config runs, and the
    studies' further outputs, the claims and the report's landing page."""
    out = [path(t.file) for t in TABLES.values()]
    out += [path("figures", f"{n}.{ext}") for n in FIGURES for ext in ("pdf", "png")]
    out += [path(p) for s in STUDIES for p in s.outputs(config)]
    return out + [path("tables", "claims.csv"), path("report", "landing.rst")]


STUDY_OF = {t.rule: s for s in STUDIES for t in [*s.tables(config), *s.figures(config)]}


def cancel_rescheduling_timers(log):
    """Cancel the timers of Snakemake's job-rate re-evaluation (profiles/default) still pending when
    the run ends, so that the process exits at once instead of waiting up to one timespan. Only its
    own timers (made by JobScheduler._schedule_reevalutation, Snakemake's spelling); should that name
    change, none is cancelled and the process waits at most one timespan, as without this handler.
    """
    import threading

    for timer in threading.enumerate():
        made_by = getattr(getattr(timer, "function", None), "__qualname__", "")
        if isinstance(timer, threading.Timer) and "_schedule_reevalutation" in made_by:
            timer.cancel()
