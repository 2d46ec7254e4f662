rule figure:
    """The figures of one problem (memorization against n and d, the frontier), as PDF and PNG."""
    input:
        table=f"{RESULTS}/tables/{{problem}}_memorization.csv",
        best=f"{RESULTS}/tables/{{problem}}_best_at_target.csv",
        sdpi=f"{RESULTS}/sdpi/{{problem}}.csv",
        targets=f"{RESULTS}/tables/{{problem}}_targets.csv",
        style=str(
            Path(workflow.basedir) / "workflow" / "memtrade" / "memtrade.mplstyle"
        ),
        lib=lib_for("../scripts/figure.py"),
    output:
        pdf=[f"{RESULTS}/figures/{{problem}}_{f}.pdf" for f in FIGURES],
        png=[
            report(
                f"{RESULTS}/figures/{{problem}}_{f}.png",
                caption=f"../report/figure_{f}.rst",
                category="Figures",
                subcategory="{problem}",
            )
            for f in FIGURES
        ],
    log:
        f"{RESULTS}/logs/figure/{{problem}}.log",
    conda:
        "../../envs/plot.yaml"
    params:
        names=FIGURES,
        frontier_n=config["analysis"]["frontier_n"],
    script:
        "../scripts/figure.py"


rule summary_figure:
    """The figures across problems: decay rates, SDPI constants, ratios and tightness to the bound."""
    input:
        sdpi=expand(f"{RESULTS}/sdpi/{{problem}}.csv", problem=PROBLEMS),
        ratios=f"{RESULTS}/tables/ratios.csv",
        tightness=f"{RESULTS}/tables/tightness.csv",
        style=str(
            Path(workflow.basedir) / "workflow" / "memtrade" / "memtrade.mplstyle"
        ),
        lib=lib_for("../scripts/summary_figure.py"),
    output:
        pdf=[f"{RESULTS}/figures/{f}.pdf" for f in SUMMARY_FIGURES],
        png=[
            report(
                f"{RESULTS}/figures/{f}.png",
                caption=f"../report/summary_{f}.rst",
                category="Figures",
                subcategory="All problems",
            )
            for f in SUMMARY_FIGURES
        ],
    log:
        f"{RESULTS}/logs/figure/summary.log",
    conda:
        "../../envs/plot.yaml"
    params:
        names=SUMMARY_FIGURES,
    script:
        "../scripts/summary_figure.py"


rule gallery:
    """The README gallery and the generated document sections, built under results/gallery/ (nothing tracked:
    bash bin/gallery then installs them into docs/gallery/, README.md and docs/results.md, outside the DAG).
    """
    input:
        unpack(claim_tables),
        figures=expand(f"{RESULTS}/figures/{{name}}.png", name=GALLERY),
        claims=f"{RESULTS}/tables/claims.csv",
        lib=lib_for("../scripts/gallery.py"),
    output:
        figures=expand(f"{RESULTS}/gallery/{{name}}.png", name=GALLERY),
        sections=f"{RESULTS}/gallery/sections.json",
    log:
        f"{RESULTS}/logs/gallery.log",
    conda:
        "../../envs/plot.yaml"
    params:
        width=900,
    script:
        "../scripts/gallery.py"
