rule brown_dataset:
    """Brown et al. datasets, one file per seed (temporary; sidecars record seed and parameters)."""
    input:
        lib=lib("brown", "blackbox", "info", "io"),
    output:
        data=temp([f"{RESULTS}/datasets/brown/seed{s}.npz" for s in BROWN_SEEDS]),
        meta=[f"{RESULTS}/datasets/brown/seed{s}.npz.json" for s in BROWN_SEEDS],
    log:
        f"{RESULTS}/logs/dataset/brown.log",
    conda:
        "../../envs/compute.yaml"
    params:
        brown=config.get("brown"),
        seed=config["seed"],
    script:
        "../scripts/brown_dataset.py"


rule brown_run:
    """Train one model family (logistic, mlp) on every seed; errors and singleton attacks along training."""
    input:
        data=[f"{RESULTS}/datasets/brown/seed{s}.npz" for s in BROWN_SEEDS],
        lib=lib("brown", "blackbox", "info", "io"),
    output:
        f"{RESULTS}/brown/{{bmodel}}.csv",
    log:
        f"{RESULTS}/logs/brown/{{bmodel}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/brown/{{bmodel}}.tsv"
    conda:
        "../../envs/compute.yaml"
    resources:
        mem_mb=4000,
        runtime=60,
        cpus_per_task=1,
    params:
        brown=config.get("brown"),
        seed=config["seed"],
    script:
        "../scripts/brown_run.py"


rule brown_table:
    """Means and 95 % intervals over seeds per (model, step); certified bits per singleton."""
    input:
        stats=expand(f"{RESULTS}/brown/{{bmodel}}.csv", bmodel=BROWN_MODELS),
        lib=lib("brown", "blackbox", "info", "io"),
    output:
        report(
            f"{RESULTS}/tables/brown_attack.csv",
            caption="../report/brown.rst",
            category="Brown et al.",
        ),
    log:
        f"{RESULTS}/logs/brown/table.log",
    conda:
        "../../envs/compute.yaml"
    params:
        bootstrap=config["brown"]["bootstrap"] if BROWN else None,
        seed=config["seed"],
    script:
        "../scripts/brown_table.py"


rule brown_figure:
    """Reconstruction and classification errors over training steps, with 95 % bands."""
    input:
        table=f"{RESULTS}/tables/brown_attack.csv",
        style=str(
            Path(workflow.basedir) / "workflow" / "memtrade" / "memtrade.mplstyle"
        ),
        lib=lib("plotting", "bounds", "info", "io"),
    output:
        pdf=f"{RESULTS}/figures/brown.pdf",
        png=report(
            f"{RESULTS}/figures/brown.png",
            caption="../report/brown_figure.rst",
            category="Brown et al.",
        ),
    log:
        f"{RESULTS}/logs/figure/brown.log",
    conda:
        "../../envs/plot.yaml"
    script:
        "../scripts/brown_figure.py"
