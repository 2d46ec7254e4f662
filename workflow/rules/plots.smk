rule figure:
    """One figure of one problem, as PDF and PNG."""
    input:
        table=f"{RESULTS}/tables/{{problem}}_memorization.csv",
        best=f"{RESULTS}/tables/{{problem}}_best_at_target.csv",
        sdpi=f"{RESULTS}/sdpi/{{problem}}.csv",
        targets=f"{RESULTS}/tables/{{problem}}_targets.csv",
        style=str(
            Path(workflow.basedir) / "workflow" / "memtrade" / "memtrade.mplstyle"
        ),
        lib=lib("plotting", "bounds", "info", "io"),
    output:
        pdf=f"{RESULTS}/figures/{{problem}}_{{figure}}.pdf",
        png=report(
            f"{RESULTS}/figures/{{problem}}_{{figure}}.png",
            caption="../report/figure.rst",
            category="Figures",
            subcategory="{problem}",
        ),
    log:
        f"{RESULTS}/logs/figure/{{problem}}_{{figure}}.log",
    conda:
        "../../envs/plot.yaml"
    params:
        frontier_n=config["analysis"]["frontier_n"],
    script:
        "../scripts/figure.py"
