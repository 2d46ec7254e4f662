rule mixture_curves:
    """Exact per-cluster memorization, error, F_m and bound for every count m."""
    input:
        lib=lib_for("../scripts/mixture_curves.py"),
    output:
        f"{RESULTS}/mixture/curves.csv",
    log:
        f"{RESULTS}/logs/mixture/curves.log",
    benchmark:
        f"{RESULTS}/benchmarks/mixture/curves.tsv"
    conda:
        "../../envs/compute.yaml"
    resources:
        mem_mb=2000,
        runtime=60,
        cpus_per_task=1,
    params:
        problem=config["mixture"]["problem"] if MIXTURE else None,
        problem_params=(
            {k: config["mixture"][k] for k in ("d", "c")} if MIXTURE else None
        ),
        k_fraction=config["mixture"]["k_fraction"] if MIXTURE else None,
        m_max=max(config["mixture"]["n"]) if MIXTURE else None,
    script:
        "../scripts/mixture_curves.py"


rule mixture_prior:
    """Trade-off over thresholds, bound split by count, Feldman's prediction: one prior."""
    input:
        curves=f"{RESULTS}/mixture/curves.csv",
        lib=lib_for("../scripts/mixture_prior.py"),
    output:
        trade=f"{RESULTS}/mixture/prior/{{prior}}_tradeoff.csv",
        by_count=f"{RESULTS}/mixture/prior/{{prior}}_by_count.csv",
        feldman=f"{RESULTS}/mixture/prior/{{prior}}_feldman.csv",
    log:
        f"{RESULTS}/logs/mixture/{{prior}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/mixture/{{prior}}.tsv"
    conda:
        "../../envs/compute.yaml"
    resources:
        mem_mb=4000,
        runtime=30,
        cpus_per_task=1,
    params:
        prior=lambda wc: MIXTURE_PRIORS[wc.prior],
        K=config["mixture"]["K"] if MIXTURE else None,
        n=config["mixture"]["n"] if MIXTURE else None,
        thresholds=config["mixture"]["thresholds"] if MIXTURE else None,
        monte_carlo=config["mixture"]["monte_carlo"] if MIXTURE else None,
        seed=config["seed"],
    script:
        "../scripts/mixture_prior.py"


rule mixture_tables:
    """All priors' mixture tables; the best threshold at the target; fails if the bound is broken."""
    input:
        trade=expand(
            f"{RESULTS}/mixture/prior/{{prior}}_tradeoff.csv", prior=MIXTURE_PRIORS
        ),
        by_count=expand(
            f"{RESULTS}/mixture/prior/{{prior}}_by_count.csv", prior=MIXTURE_PRIORS
        ),
        feldman=expand(
            f"{RESULTS}/mixture/prior/{{prior}}_feldman.csv", prior=MIXTURE_PRIORS
        ),
        lib=lib_for("../scripts/mixture_tables.py"),
    output:
        trade=report(
            f"{RESULTS}/tables/mixture_tradeoff.csv",
            caption="../report/mixture_tables.rst",
            category="Mixtures",
        ),
        by_count=f"{RESULTS}/tables/mixture_by_count.csv",
        feldman=report(
            f"{RESULTS}/tables/mixture_feldman.csv",
            caption="../report/mixture_tables.rst",
            category="Mixtures",
        ),
        best=f"{RESULTS}/tables/mixture_best_at_target.csv",
    log:
        f"{RESULTS}/logs/mixture/tables.log",
    conda:
        "../../envs/compute.yaml"
    params:
        target_slack=config["mixture"]["target_slack"] if MIXTURE else None,
    script:
        "../scripts/mixture_tables.py"


rule mixture_figure:
    """The mixture figures, as PDF and PNG."""
    input:
        trade=f"{RESULTS}/tables/mixture_tradeoff.csv",
        by_count=f"{RESULTS}/tables/mixture_by_count.csv",
        feldman=f"{RESULTS}/tables/mixture_feldman.csv",
        best=f"{RESULTS}/tables/mixture_best_at_target.csv",
        style=str(
            Path(workflow.basedir) / "workflow" / "memtrade" / "memtrade.mplstyle"
        ),
        lib=lib_for("../scripts/mixture_figure.py"),
    output:
        pdf=[f"{RESULTS}/figures/mixture_{f}.pdf" for f in MIXTURE_FIGURES],
        png=[
            report(
                f"{RESULTS}/figures/mixture_{f}.png",
                caption=f"../report/mixture_{f}.rst",
                category="Mixtures",
            )
            for f in MIXTURE_FIGURES
        ],
    log:
        f"{RESULTS}/logs/figure/mixture.log",
    conda:
        "../../envs/plot.yaml"
    params:
        names=MIXTURE_FIGURES,
        frontier_n=config["mixture"]["frontier_n"] if MIXTURE else None,
    script:
        "../scripts/mixture_figure.py"
