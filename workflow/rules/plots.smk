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


rule summary_figure:
    """A figure across problems: decay rates, SDPI constants, or ratios to the bound."""
    input:
        sdpi=expand(f"{RESULTS}/sdpi/{{problem}}.csv", problem=PROBLEMS),
        ratios=f"{RESULTS}/tables/ratios.csv",
        style=str(
            Path(workflow.basedir) / "workflow" / "memtrade" / "memtrade.mplstyle"
        ),
        lib=lib("plotting", "bounds", "info", "io"),
    output:
        pdf=f"{RESULTS}/figures/{{summary}}.pdf",
        png=report(
            f"{RESULTS}/figures/{{summary}}.png",
            caption="../report/summary.rst",
            category="Figures",
            subcategory="All problems",
        ),
    log:
        f"{RESULTS}/logs/figure/{{summary}}.log",
    conda:
        "../../envs/plot.yaml"
    script:
        "../scripts/summary_figure.py"


rule gallery:
    """README gallery: downscaled copies of the main figures in docs/gallery/ (run: bash bin/gallery)."""
    input:
        figures=expand(f"{RESULTS}/figures/{{name}}.png", name=GALLERY),
        lib=lib("io"),
    output:
        expand("docs/gallery/{name}.png", name=GALLERY),
    log:
        f"{RESULTS}/logs/gallery.log",
    conda:
        "../../envs/plot.yaml"
    params:
        width=900,
    script:
        "../scripts/gallery.py"
