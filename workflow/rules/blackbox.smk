rule dataset:
    """Generated datasets of one problem, one file per seed (temporary; sidecars record seed and parameters)."""
    input:
        lib=lib("blackbox", "problems", "info", "io"),
    output:
        data=temp(
            [f"{RESULTS}/datasets/{{bproblem}}/seed{s}.npz" for s in BLACKBOX_SEEDS]
        ),
        meta=[
            f"{RESULTS}/datasets/{{bproblem}}/seed{s}.npz.json" for s in BLACKBOX_SEEDS
        ],
    log:
        f"{RESULTS}/logs/dataset/{{bproblem}}.log",
    conda:
        "../../envs/learn.yaml"
    params:
        problem=lambda wc: config["blackbox"]["problems"][wc.bproblem],
        n_max=max(config["blackbox"]["n"]) if BLACKBOX else None,
        n_test=config["blackbox"]["n_test"] if BLACKBOX else None,
        seed=config["seed"],
    script:
        "../scripts/dataset.py"


rule blackbox_run:
    """Train one black-box learner on every seed and n, save the models, attack them."""
    input:
        data=[f"{RESULTS}/datasets/{{bproblem}}/seed{s}.npz" for s in BLACKBOX_SEEDS],
        lib=lib("blackbox", "problems", "info", "io"),
    output:
        stats=f"{RESULTS}/blackbox/{{bproblem}}/{{blearner}}.csv",
        models=f"{RESULTS}/models/{{bproblem}}/{{blearner}}.npz",
    log:
        f"{RESULTS}/logs/blackbox/{{bproblem}}/{{blearner}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/blackbox/{{bproblem}}/{{blearner}}.tsv"
    conda:
        "../../envs/learn.yaml"
    resources:
        mem_mb=4000,
        runtime=60,
        cpus_per_task=1,
    params:
        problem=lambda wc: config["blackbox"]["problems"][wc.bproblem],
        learner=lambda wc: blackbox_learner(wc.bproblem, wc.blearner),
        n=config["blackbox"]["n"] if BLACKBOX else None,
    script:
        "../scripts/blackbox_run.py"


rule blackbox_table:
    """Certified memorization per (n, learner) with bootstrap intervals; fails if a certified bound exceeds an exact value."""
    input:
        stats=lambda wc: [
            f"{RESULTS}/blackbox/{wc.bproblem}/{learner}.csv"
            for p, learner in BLACKBOX_PAIRS
            if p == wc.bproblem
        ],
        lib=lib(
            "blackbox",
            "problems",
            "learners",
            "estimators",
            "sdpi",
            "eta",
            "bounds",
            "quadrature",
            "info",
            "io",
        ),
    output:
        report(
            f"{RESULTS}/tables/blackbox_{{bproblem}}.csv",
            caption="../report/blackbox.rst",
            category="Black-box learners",
        ),
    log:
        f"{RESULTS}/logs/blackbox/{{bproblem}}_table.log",
    conda:
        "../../envs/learn.yaml"
    params:
        problem=lambda wc: config["blackbox"]["problems"][wc.bproblem],
        learners=lambda wc: [l for p, l in BLACKBOX_PAIRS if p == wc.bproblem],
        bootstrap=config["blackbox"]["bootstrap"] if BLACKBOX else None,
        seed=config["seed"],
    script:
        "../scripts/blackbox_table.py"


rule blackbox_figure:
    """Certified memorization against n per learner, with the SDPI bound at each learner's error."""
    input:
        table=f"{RESULTS}/tables/blackbox_{{bproblem}}.csv",
        style=str(
            Path(workflow.basedir) / "workflow" / "memtrade" / "memtrade.mplstyle"
        ),
        lib=lib("plotting", "bounds", "info", "io"),
    output:
        pdf=f"{RESULTS}/figures/blackbox_{{bproblem}}.pdf",
        png=report(
            f"{RESULTS}/figures/blackbox_{{bproblem}}.png",
            caption="../report/blackbox_figure.rst",
            category="Black-box learners",
        ),
    log:
        f"{RESULTS}/logs/figure/blackbox_{{bproblem}}.log",
    conda:
        "../../envs/plot.yaml"
    script:
        "../scripts/blackbox_figure.py"
