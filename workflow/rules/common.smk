# Shared helpers: output paths, library inputs, per-job config slices.
from memtrade.imports import library_files
from memtrade.config import (
    blackbox_pairs,
    brown_protocol_models,
    learners_for,
    mixture_priors,
)

PROBLEMS = sorted(config["problems"])
RESULTS = "results"
FIGURES = ["mem_vs_n", "mem_vs_d", "frontier"]
SUMMARY_FIGURES = ["rates", "sdpi_constants", "ratios", "tightness"]
MIXTURE = "mixture" in config
MIXTURE_PRIORS = mixture_priors(config["mixture"]) if MIXTURE else {}
MIXTURE_FIGURES = ["mem_vs_n", "frontier", "singletons", "feldman"]
BLACKBOX = "blackbox" in config
BLACKBOX_SEEDS = list(range(config["blackbox"]["seeds"])) if BLACKBOX else []
BLACKBOX_PAIRS = blackbox_pairs(config["blackbox"]) if BLACKBOX else []
BROWN = "brown" in config
BROWN_PROTOCOLS = list(config["brown"]["protocols"]) if BROWN else []
BROWN_SEEDS = (
    list(range(max(m["seeds"] for m in config["brown"]["models"].values())))
    if BROWN
    else []
)
LAB = "lab" in config
MEMSCORE = "memscore" in config
DIFFUSION = "diffusion" in config
GALLERY = (
    ["rates", "tightness", "gaussian_mem_vs_n", "sparse_mem_vs_n"]
    + (["mixture_frontier", "mixture_feldman"] if MIXTURE else [])
    + (["brown"] if BROWN else [])
    + (["lab_extraction", "lab_defences"] if LAB else [])
    + (
        ["lab_distillation", "lab_stim"]
        if LAB and {"distillation", "stim"} <= set(config["lab"])
        else []
    )
    + (["memscore_top", "memscore_frequency"] if MEMSCORE else [])
    + (["diffusion_crossover", "diffusion_templates"] if DIFFUSION else [])
    + (
        ["blackbox_boolean"]
        if BLACKBOX and "boolean" in config["blackbox"]["problems"]
        else []
    )
)


def lib_for(script):
    """The library files ``script`` (relative to workflow/rules) imports, found by memtrade.imports.

    Declared as the rule's ``lib`` input, so editing library code a job runs reruns that job.
    """
    base = Path(workflow.basedir) / "workflow"
    return library_files(base / "rules" / script, base / "memtrade")


def brown_chunks(model):
    """The seeds of one Brown et al. model, split into jobs of ``seeds_per_job`` seeds."""
    m = config["brown"]["models"][model]
    per = m["seeds_per_job"]
    return [list(range(i, min(i + per, m["seeds"]))) for i in range(0, m["seeds"], per)]


def brown_model_settings(model):
    """A Brown et al. model's settings without its cluster resources (they do not change results)."""
    return {
        k: v for k, v in config["brown"]["models"][model].items() if k != "resources"
    }


def brown_resources(model):
    """Cluster resources of one Brown et al. training job (config ``resources``, else defaults)."""
    return {
        "mem_mb": 4000,
        "runtime": 60,
        **config["brown"]["models"][model].get("resources", {}),
    }


def brown_runs():
    """Every Brown et al. training job's output: one per (protocol, model, chunk of seeds)."""
    return [
        f"{RESULTS}/brown/{p}/{m}/chunk{c}.csv"
        for p in BROWN_PROTOCOLS
        for m in brown_protocol_models(
            config["brown"]["protocols"][p], config["brown"]["models"]
        )
        for c in range(len(brown_chunks(m)))
    ]


def problem_params(problem):
    """The parameters of one problem, without its grids."""
    return {k: v for k, v in config["problems"][problem].items() if k not in ("d", "n")}


def exact_files(wildcards):
    grid = config["problems"][wildcards.problem]
    return [
        f"{RESULTS}/exact/{wildcards.problem}/{learner}/d{d}.csv"
        for learner in learners_for(config, wildcards.problem)
        for d in grid["d"]
    ]


def blackbox_learner_spec(problem, learner):
    """The config entry of a black-box learner; ``natural`` is the problem's structured learner."""
    if learner == "natural":
        return {"kind": "natural", "problem": problem}
    return config["blackbox"]["learners"][learner]


def claim_tables(wildcards):
    """The tables the claims read, by key (sdpi:<problem>, targets:<problem>, ratios, ...)."""
    tables = {
        "ratios": f"{RESULTS}/tables/ratios.csv",
        "tightness": f"{RESULTS}/tables/tightness.csv",
        "memorization": f"{RESULTS}/tables/memorization.csv",
    }
    for problem in PROBLEMS:
        tables[f"sdpi:{problem}"] = f"{RESULTS}/sdpi/{problem}.csv"
        tables[f"targets:{problem}"] = f"{RESULTS}/tables/{problem}_targets.csv"
    if BROWN:
        tables["brown_attack"] = f"{RESULTS}/tables/brown_attack.csv"
    if BLACKBOX:
        for problem in config["blackbox"]["problems"]:
            tables[f"blackbox:{problem}"] = f"{RESULTS}/tables/blackbox_{problem}.csv"
    if LAB:
        for name in LAB_TABLES:
            tables[f"lab_{name}"] = f"{RESULTS}/tables/lab_{name}.csv"
    if MEMSCORE:
        for name in MEMSCORE_TABLES:
            tables[f"memscore_{name}"] = f"{RESULTS}/tables/memscore_{name}.csv"
    if DIFFUSION:
        for name in DIFFUSION_TABLES:
            tables[f"diffusion_{name}"] = f"{RESULTS}/tables/diffusion_{name}.csv"
    if MIXTURE:
        tables["mixture_tradeoff"] = f"{RESULTS}/tables/mixture_tradeoff.csv"
        tables["mixture_feldman"] = f"{RESULTS}/tables/mixture_feldman.csv"
    return tables


def all_outputs():
    out = [
        f"{RESULTS}/tables/memorization.csv",
        f"{RESULTS}/tables/ratios.csv",
        f"{RESULTS}/tables/claims.csv",
        f"{RESULTS}/report/landing.rst",
    ]
    out += expand(
        f"{RESULTS}/figures/{{summary}}.{{ext}}",
        summary=SUMMARY_FIGURES,
        ext=["pdf", "png"],
    )
    for problem in PROBLEMS:
        out.append(f"{RESULTS}/tables/{problem}_best_at_target.csv")
        out += expand(
            f"{RESULTS}/figures/{problem}_{{figure}}.{{ext}}",
            figure=FIGURES,
            ext=["pdf", "png"],
        )
    if BROWN:
        out += [f"{RESULTS}/figures/brown.pdf", f"{RESULTS}/figures/brown.png"]
    if BLACKBOX:
        out += expand(
            f"{RESULTS}/figures/blackbox_{{p}}.{{ext}}",
            p=list(config["blackbox"]["problems"]),
            ext=["pdf", "png"],
        )
    if LAB:
        out += expand(
            f"{RESULTS}/figures/lab_{{f}}.{{ext}}", f=LAB_FIGURES, ext=["pdf", "png"]
        )
        out += [f"{RESULTS}/lab/audit/{name}.csv" for name in lab_audits()]
    if MEMSCORE:
        out += expand(
            f"{RESULTS}/figures/memscore_{{f}}.{{ext}}",
            f=MEMSCORE_FIGURES,
            ext=["pdf", "png"],
        )
    if DIFFUSION:
        out += expand(
            f"{RESULTS}/figures/diffusion_{{f}}.{{ext}}",
            f=DIFFUSION_FIGURES,
            ext=["pdf", "png"],
        )
    if MIXTURE:
        out += expand(
            f"{RESULTS}/figures/mixture_{{f}}.{{ext}}",
            f=MIXTURE_FIGURES,
            ext=["pdf", "png"],
        )
    return out


LAB_SEEDS = list(range(config["lab"]["seeds"])) if LAB else []
LAB_SIZES = list(config["lab"]["sizes"]) if LAB else []
LAB_DEFENCES = ["dedup_exact", "dedup_near", "dpsgd"]
# the conda env of the JAX jobs: CPU jaxlib, or jax[cuda12] where lab.accelerator is cuda
LAB_ENV = (
    "../../envs/lab-cuda.yaml"
    if LAB and config["lab"].get("accelerator", "cpu") == "cuda"
    else "../../envs/lab.yaml"
)
LAB_TABLES = [
    "extraction",
    "exposure",
    "redundancy",
    "redundancy_share",
    "defences",
    "bits",
    "models",
]
LAB_FIGURES = ["extraction", "exposure", "redundancy", "defences"]
# Private Memorization Editing (lab.editing, optional): one job per chunk of the edited size
LAB_EDIT = LAB and "editing" in config["lab"]
LAB_EDIT_SIZE = config["lab"]["editing"]["size"] if LAB_EDIT else None
if LAB_EDIT:
    LAB_TABLES += ["editing", "editing_models"]
    LAB_FIGURES += ["editing"]
# Distillation of a fine-tuned teacher into smaller students (lab.distillation, optional)
LAB_DISTILL = LAB and "distillation" in config["lab"]
if LAB_DISTILL:
    LAB_TABLES += ["distillation", "distillation_repetition"]
    LAB_FIGURES += ["distillation"]
# STIM's token-level memorization sources on a reasoning task (lab.stim, optional)
LAB_STIM = LAB and "stim" in config["lab"]
if LAB_STIM:
    LAB_TABLES += ["stim_sources", "stim_tail", "stim_precision"]
    LAB_FIGURES += ["stim"]


def lab_jobs():
    """Every (size, variant) fine-tuned: every size undefended, the defences at one size."""
    jobs = [(s, "none") for s in LAB_SIZES]
    return jobs + [(config["lab"]["defences"]["size"], v) for v in LAB_DEFENCES]


def lab_chunks():
    """The laboratory seeds split into jobs of ``lab.seeds_per_job`` (one process per chunk shares
    JAX's start-up and compilations across its seeds)."""
    per = config["lab"].get("seeds_per_job", len(LAB_SEEDS))
    return [LAB_SEEDS[i : i + per] for i in range(0, len(LAB_SEEDS), per)]


def lab_chunk_seeds(wildcards):
    """The seeds of the chunk a job's ``lab_chunk`` wildcard names."""
    return lab_chunks()[int(wildcards.lab_chunk)]


def lab_corpus_files(name):
    """Input function: file ``name`` of the corpus of every seed of the job's chunk."""

    def files(wildcards):
        return [
            f"{RESULTS}/lab/corpus/seed{s}/{name}" for s in lab_chunk_seeds(wildcards)
        ]

    return files


def lab_measurements(name):
    """One table (records, perturbation or model) of every laboratory measurement job."""
    return [
        f"{RESULTS}/lab/measure/{size}/{variant}/chunk{c}_{name}.csv"
        for size, variant in lab_jobs()
        for c in range(len(lab_chunks()))
    ]


def lab_editing(name):
    """One table (records or edits) of every editing job (none without lab.editing)."""
    if not LAB_EDIT:
        return []
    return [
        f"{RESULTS}/lab/editing/chunk{c}_{name}.csv" for c in range(len(lab_chunks()))
    ]


def lab_distillation(name):
    """One table (records or models) of every distillation job (none without lab.distillation)."""
    if not LAB_DISTILL:
        return []
    return [
        f"{RESULTS}/lab/distillation/chunk{c}_{name}.csv"
        for c in range(len(lab_chunks()))
    ]


def lab_stim(name):
    """One table (tokens, questions or models) of every STIM job (none without lab.stim)."""
    if not LAB_STIM:
        return []
    return [f"{RESULTS}/lab/stim/chunk{c}_{name}.csv" for c in range(len(lab_chunks()))]


def lab_distill_model(role, variant):
    """The model directory of a distillation job's teacher or student size, fine-tuned or pretrained."""
    size = config["lab"]["distillation"][role] if LAB_DISTILL else "none"
    return f"{RESULTS}/lab/models/{size}/{variant}/chunk{{lab_chunk}}"


def lab_defence_settings(variant):
    """The defence settings a fine-tuning variant uses: dedup for the deduplications, dpsgd for DP-SGD."""
    key = {"dedup_exact": "dedup", "dedup_near": "dedup", "dpsgd": "dpsgd"}.get(variant)
    return {key: config["lab"]["defences"][key]} if key else None


def lab_audits():
    """The names of the GPT-2 checkpoints to audit (config ``lab.audit``)."""
    return list(config["lab"].get("audit", {})) if LAB else []


def lab_resources():
    """Cluster resources of a laboratory training or measurement job (config ``lab.resources``)."""
    return {
        "mem_mb": 4000,
        "runtime": 60,
        "gres": "",
        **config["lab"].get("resources", {}),
    }


def lab_settings(*keys):
    """The ``lab`` config entries ``keys`` (what a laboratory job's results depend on)."""
    return {k: config["lab"][k] for k in keys} if LAB else None


# ------------------------------------------------------------------ memorization scores (memscore)
MS = config.get("memscore", {})
MEMSCORE_DATASETS = list(MS.get("datasets", []))
MEMSCORE_LEARNERS = list(MS.get("learners", {}))
MEMSCORE_TABLES = [
    "scores",
    "summary",
    "by_frequency",
    "influence",
    "removal",
    "removal_runs",
    "retro",
]
MEMSCORE_FIGURES = ["histogram", "top", "removal", "influence", "frequency", "retro"]


def memscore_learner(name):
    """The config entry of a memscore learner, as the estimator factory takes it."""
    spec = MS["learners"][name]
    return {"estimator": spec["estimator"], "params": spec.get("params", {})}


# ------------------------------------------------------------------ diffusion laboratory
DF = config.get("diffusion", {})
DIFFUSION_SEEDS = list(range(DF["seeds"])) if DIFFUSION else []
DIFFUSION_POINTS = [f"d{p['d']}_k{p['k']}_n{p['n']}" for p in DF.get("points", [])]
DIFFUSION_TABLES = [
    "models",
    "summary",
    "window",
    "losses",
    "ablation",
    "templates",
    "fbmem",
]
DIFFUSION_FIGURES = ["crossover", "losses", "templates", "fbmem"]
# the conda env of the JAX jobs: CPU jaxlib, or jax[cuda12] where diffusion.accelerator is cuda
DIFFUSION_ENV = (
    "../../envs/lab-cuda.yaml"
    if DF.get("accelerator", "cpu") == "cuda"
    else "../../envs/lab.yaml"
)


def diffusion_point(name):
    """The sweep point (a dict d, k, n) a ``diff_point`` wildcard names."""
    return DF["points"][DIFFUSION_POINTS.index(name)]


def diffusion_settings(*keys):
    """The ``diffusion`` entries ``keys`` (what a job's results depend on, so that editing another
    section's value does not rerun it)."""
    return {k: DF[k] for k in keys} if DIFFUSION else None


DIFFUSION_POINT_KEYS = [
    "seeds",
    "n_val",
    "component_var",
    "init_var",
    "samples",
    "threshold",
    "delta",
    "coarse_step",
    "coverage",
    "eval_draws",
    "times",
    "train",
]
DIFFUSION_TEMPLATE_KEYS = [
    "seeds",
    "n_val",
    "samples",
    "threshold",
    "times",
    "templates",
]


def diffusion_resources():
    """Cluster resources of a diffusion training job (config ``diffusion.resources``)."""
    return {"mem_mb": 4000, "runtime": 60, "gres": "", **DF.get("resources", {})}
