rule brown_dataset:
    """Brown et al. datasets of one protocol, one file per seed (temporary; sidecars record seed and parameters)."""
    input:
        lib=lib_for("../scripts/brown_dataset.py"),
    output:
        data=temp(
            [
                f"{RESULTS}/datasets/brown/{{brown_protocol}}/seed{s}.npz"
                for s in BROWN_SEEDS
            ]
        ),
        meta=[
            f"{RESULTS}/datasets/brown/{{brown_protocol}}/seed{s}.npz.json"
            for s in BROWN_SEEDS
        ],
    log:
        f"{RESULTS}/logs/dataset/brown_{{brown_protocol}}.log",
    conda:
        "../../envs/compute.yaml"
    params:
        data=(
            {
                k: config["brown"][k]
                for k in ("n", "d", "subpopulations", "a", "test_size")
            }
            if BROWN
            else None
        ),
        protocol=lambda wc: config["brown"]["protocols"][wc.brown_protocol],
        seed=config["seed"],
    script:
        "../scripts/brown_dataset.py"


rule brown_run:
    """Train one model on a chunk of seeds; errors along training and query-only attacks on singletons."""
    input:
        data=lambda wc: [
            f"{RESULTS}/datasets/brown/{wc.brown_protocol}/seed{s}.npz"
            for s in brown_chunks(wc.brown_model)[int(wc.chunk)]
        ],
        lib=lib_for("../scripts/brown_run.py"),
    output:
        f"{RESULTS}/brown/{{brown_protocol}}/{{brown_model}}/chunk{{chunk}}.csv",
    log:
        f"{RESULTS}/logs/brown/{{brown_protocol}}_{{brown_model}}_chunk{{chunk}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/brown/{{brown_protocol}}_{{brown_model}}_chunk{{chunk}}.tsv"
    conda:
        "../../envs/compute.yaml"
    threads: config["brown"]["blas_threads"] if BROWN else 1
    resources:
        mem_mb=lambda wc: brown_resources(wc.brown_model)["mem_mb"],
        runtime=lambda wc: brown_resources(wc.brown_model)["runtime"],
    params:
        model=lambda wc: brown_model_settings(wc.brown_model),
        blas_threads=config["brown"]["blas_threads"] if BROWN else 1,
        seed=config["seed"],
    script:
        "../scripts/brown_run.py"


rule brown_table:
    """Means and 95 % intervals over seeds per (protocol, model, step): errors, recovery, certified bits."""
    input:
        stats=brown_runs(),
        lib=lib_for("../scripts/brown_table.py"),
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
        confidence=config["brown"]["confidence"] if BROWN else None,
        ablations=(
            [p for p, v in config["brown"]["protocols"].items() if v.get("ablation")]
            if BROWN
            else []
        ),
    script:
        "../scripts/brown_table.py"


rule brown_figure:
    """Their two panels (recovery and classification errors over training), faithful protocol and ablation."""
    input:
        table=f"{RESULTS}/tables/brown_attack.csv",
        style=str(
            Path(workflow.basedir) / "workflow" / "memtrade" / "memtrade.mplstyle"
        ),
        lib=lib_for("../scripts/brown_figure.py"),
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
