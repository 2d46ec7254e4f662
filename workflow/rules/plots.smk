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
        tightness=f"{RESULTS}/tables/tightness.csv",
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
    """README gallery and generated findings: downscaled figures in docs/gallery/; the README claims
    table and docs/results.md filled between markers from this run's tables (run: bash bin/gallery).
    """
    input:
        unpack(claim_tables),
        figures=expand(f"{RESULTS}/figures/{{name}}.png", name=GALLERY),
        claims=f"{RESULTS}/tables/claims.csv",
        lib=lib("docs", "io"),
    output:
        figures=expand("docs/gallery/{name}.png", name=GALLERY),
        sections=f"{RESULTS}/docs/sections.json",
    log:
        f"{RESULTS}/logs/gallery.log",
    conda:
        "../../envs/plot.yaml"
    params:
        width=900,
        documents={"readme": "README.md", "results": "docs/results.md"},
    script:
        "../scripts/gallery.py"
