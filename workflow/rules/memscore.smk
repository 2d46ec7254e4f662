rule memscore_dataset:
    """A dataset of the memorization-score stage: digits (optionally with flipped labels) or the mixture."""
    input:
        lib=lib_for("../scripts/memscore_dataset.py"),
    output:
        f"{RESULTS}/memscore/data/{{ms_dataset}}.npz",
    log:
        f"{RESULTS}/logs/memscore/data_{{ms_dataset}}.log",
    conda:
        "../../envs/learn.yaml"
    params:
        seed=config["seed"],
        settings={k: MS[k] for k in ("digits", "mixture")} if MEMSCORE else None,
    script:
        "../scripts/memscore_dataset.py"


rule memscore_estimate:
    """Feldman & Zhang's subsampled memorization and influence of one learner on one dataset."""
    input:
        data=f"{RESULTS}/memscore/data/{{ms_dataset}}.npz",
        lib=lib_for("../scripts/memscore_estimate.py"),
    output:
        scores=f"{RESULTS}/memscore/scores/{{ms_dataset}}/{{ms_learner}}.csv",
        summary=f"{RESULTS}/memscore/summary/{{ms_dataset}}/{{ms_learner}}.csv",
        pairs=f"{RESULTS}/memscore/influence/{{ms_dataset}}/{{ms_learner}}.csv",
    log:
        f"{RESULTS}/logs/memscore/{{ms_dataset}}_{{ms_learner}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/memscore/{{ms_dataset}}_{{ms_learner}}.tsv"
    conda:
        "../../envs/learn.yaml"
    threads: MS.get("threads", 1)
    resources:
        mem_mb=2000,
        runtime=30,
    params:
        spec=lambda wc: memscore_learner(wc.ms_learner),
        models=lambda wc: MS["learners"][wc.ms_learner]["models"],
        fraction=MS.get("fraction"),
        threshold=MS.get("threshold"),
        pairs=MS.get("influence", {}).get("pairs"),
        seed=config["seed"],
    script:
        "../scripts/memscore_estimate.py"


rule memscore_removal:
    """Test accuracy after removing the top-memorized digits against removing as many random ones."""
    input:
        data=f"{RESULTS}/memscore/data/digits.npz",
        scores=f"{RESULTS}/memscore/scores/digits/{{ms_learner}}.csv",
        lib=lib_for("../scripts/memscore_removal.py"),
    output:
        f"{RESULTS}/memscore/removal/{{ms_learner}}.csv",
    log:
        f"{RESULTS}/logs/memscore/removal_{{ms_learner}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/memscore/removal_{{ms_learner}}.tsv"
    conda:
        "../../envs/learn.yaml"
    threads: MS.get("threads", 1)
    params:
        spec=lambda wc: memscore_learner(wc.ms_learner),
        k=MS.get("removal", {}).get("k"),
        seeds=MS.get("removal", {}).get("seeds"),
        seed=config["seed"],
    script:
        "../scripts/memscore_removal.py"


rule memscore_retro:
    """RetroPrompt's comparison: the parametric model alone against the same with a kNN datastore."""
    input:
        data=f"{RESULTS}/memscore/data/{{ms_dataset}}.npz",
        lib=lib_for("../scripts/memscore_retro.py"),
    output:
        scores=f"{RESULTS}/memscore/retro/{{ms_dataset}}_scores.csv",
        summary=f"{RESULTS}/memscore/retro/{{ms_dataset}}.csv",
    log:
        f"{RESULTS}/logs/memscore/retro_{{ms_dataset}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/memscore/retro_{{ms_dataset}}.tsv"
    conda:
        "../../envs/learn.yaml"
    threads: MS.get("threads", 1)
    params:
        spec=lambda wc: memscore_learner(MS["retro"]["base"]),
        retro=MS.get("retro"),
        fraction=MS.get("fraction"),
        seed=config["seed"],
    script:
        "../scripts/memscore_retro.py"


rule memscore_tables:
    """The stage's tidy tables: per-example scores, summaries, frequency bins, influence, removal, retrieval."""
    input:
        scores=expand(
            f"{RESULTS}/memscore/scores/{{d}}/{{l}}.csv",
            d=MEMSCORE_DATASETS,
            l=MEMSCORE_LEARNERS,
        ),
        summary=expand(
            f"{RESULTS}/memscore/summary/{{d}}/{{l}}.csv",
            d=MEMSCORE_DATASETS,
            l=MEMSCORE_LEARNERS,
        ),
        pairs=expand(
            f"{RESULTS}/memscore/influence/{{d}}/{{l}}.csv",
            d=MEMSCORE_DATASETS,
            l=MEMSCORE_LEARNERS,
        ),
        removal=expand(
            f"{RESULTS}/memscore/removal/{{l}}.csv",
            l=MS.get("removal", {}).get("learners", []),
        ),
        retro_scores=expand(
            f"{RESULTS}/memscore/retro/{{d}}_scores.csv",
            d=MS.get("retro", {}).get("datasets", []),
        ),
        retro=expand(
            f"{RESULTS}/memscore/retro/{{d}}.csv",
            d=MS.get("retro", {}).get("datasets", []),
        ),
        lib=lib_for("../scripts/memscore_tables.py"),
    output:
        **{
            name: (
                report(
                    f"{RESULTS}/tables/memscore_{name}.csv",
                    caption="../report/memscore_tables.rst",
                    category="Memorization scores",
                )
                if name in ("summary", "retro", "removal")
                else f"{RESULTS}/tables/memscore_{name}.csv"
            )
            for name in MEMSCORE_TABLES
        },
    log:
        f"{RESULTS}/logs/memscore/tables.log",
    conda:
        "../../envs/learn.yaml"
    params:
        level=MS.get("removal", {}).get("level"),
    script:
        "../scripts/memscore_tables.py"


rule memscore_figures:
    """The stage's figures, as PDF and PNG."""
    input:
        **{
            name: f"{RESULTS}/tables/memscore_{name}.csv"
            for name in MEMSCORE_TABLES
            if name != "removal_runs"
        },
        digits=f"{RESULTS}/memscore/data/digits.npz",
        style=str(
            Path(workflow.basedir) / "workflow" / "memtrade" / "memtrade.mplstyle"
        ),
        lib=lib_for("../scripts/memscore_figures.py"),
    output:
        **{f"{f}_pdf": f"{RESULTS}/figures/memscore_{f}.pdf" for f in MEMSCORE_FIGURES},
        **{
            f"{f}_png": report(
                f"{RESULTS}/figures/memscore_{f}.png",
                caption=f"../report/memscore_{f}.rst",
                category="Memorization scores",
            )
            for f in MEMSCORE_FIGURES
        },
    log:
        f"{RESULTS}/logs/figure/memscore.log",
    conda:
        "../../envs/plot.yaml"
    params:
        grid=MS.get("top_grid"),
        pairs=MS.get("influence", {}).get("pairs"),
        threshold=MS.get("threshold"),
    script:
        "../scripts/memscore_figures.py"
