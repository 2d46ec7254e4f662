rule dataset:
    """Generated datasets of one problem, one file per seed (temporary; sidecars record seed and parameters)."""
    input:
        lib=lib_for("../scripts/dataset.py"),
    output:
        data=temp(
            [
                f"{RESULTS}/datasets/{{blackbox_problem}}/seed{s}.npz"
                for s in BLACKBOX_SEEDS
            ]
        ),
        meta=[
            f"{RESULTS}/datasets/{{blackbox_problem}}/seed{s}.npz.json"
            for s in BLACKBOX_SEEDS
        ],
    log:
        f"{RESULTS}/logs/dataset/{{blackbox_problem}}.log",
    conda:
        "../../envs/learn.yaml"
    params:
        problem=lambda wc: config["blackbox"]["problems"][wc.blackbox_problem],
        n_max=max(config["blackbox"]["n"]) if BLACKBOX else None,
        n_test=config["blackbox"]["n_test"] if BLACKBOX else None,
        seed=config["seed"],
    script:
        "../scripts/dataset.py"


rule blackbox_run:
    """Train one black-box learner on every seed and n, save the models, attack them."""
    input:
        data=[
            f"{RESULTS}/datasets/{{blackbox_problem}}/seed{s}.npz"
            for s in BLACKBOX_SEEDS
        ],
        lib=lib_for("../scripts/blackbox_run.py"),
    output:
        stats=f"{RESULTS}/blackbox/{{blackbox_problem}}/{{blackbox_learner}}.csv",
        models=f"{RESULTS}/models/{{blackbox_problem}}/{{blackbox_learner}}.npz",
    log:
        f"{RESULTS}/logs/blackbox/{{blackbox_problem}}/{{blackbox_learner}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/blackbox/{{blackbox_problem}}/{{blackbox_learner}}.tsv"
    conda:
        "../../envs/learn.yaml"
    resources:
        mem_mb=4000,
        runtime=60,
        cpus_per_task=1,
    params:
        problem=lambda wc: config["blackbox"]["problems"][wc.blackbox_problem],
        learner=lambda wc: blackbox_learner_spec(
            wc.blackbox_problem, wc.blackbox_learner
        ),
        n=config["blackbox"]["n"] if BLACKBOX else None,
        seed=config["seed"],
    script:
        "../scripts/blackbox_run.py"


rule blackbox_table:
    """Certified memorization per (n, learner) with bootstrap intervals; fails if a certified bound exceeds an exact value."""
    input:
        stats=lambda wc: [
            f"{RESULTS}/blackbox/{wc.blackbox_problem}/{learner}.csv"
            for p, learner in BLACKBOX_PAIRS
            if p == wc.blackbox_problem
        ],
        lib=lib_for("../scripts/blackbox_table.py"),
    output:
        report(
            f"{RESULTS}/tables/blackbox_{{blackbox_problem}}.csv",
            caption="../report/blackbox.rst",
            category="Black-box learners",
        ),
    log:
        f"{RESULTS}/logs/blackbox/{{blackbox_problem}}_table.log",
    conda:
        "../../envs/learn.yaml"
    params:
        problem=lambda wc: config["blackbox"]["problems"][wc.blackbox_problem],
        learners=lambda wc: [l for p, l in BLACKBOX_PAIRS if p == wc.blackbox_problem],
        bootstrap=config["blackbox"]["bootstrap"] if BLACKBOX else None,
        seed=config["seed"],
    script:
        "../scripts/blackbox_table.py"


rule blackbox_figure:
    """Certified memorization against n per learner, with the SDPI bound at each learner's error."""
    input:
        table=f"{RESULTS}/tables/blackbox_{{blackbox_problem}}.csv",
        style=str(
            Path(workflow.basedir) / "workflow" / "memtrade" / "memtrade.mplstyle"
        ),
        lib=lib_for("../scripts/blackbox_figure.py"),
    output:
        pdf=f"{RESULTS}/figures/blackbox_{{blackbox_problem}}.pdf",
        png=report(
            f"{RESULTS}/figures/blackbox_{{blackbox_problem}}.png",
            caption="../report/blackbox_figure.rst",
            category="Black-box learners",
        ),
    log:
        f"{RESULTS}/logs/figure/blackbox_{{blackbox_problem}}.log",
    conda:
        "../../envs/plot.yaml"
    script:
        "../scripts/blackbox_figure.py"
