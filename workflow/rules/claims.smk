rule claims:
    """Evaluate every claim of claims.yaml on this run's tables: pass / fail / not-run."""
    input:
        unpack(claim_tables),
        claims=str(Path(workflow.basedir) / "claims.yaml"),
        lib=lib_for("../scripts/claims.py"),
    output:
        csv=report(
            f"{RESULTS}/tables/claims.csv",
            caption="../report/claims.rst",
            category="Claims",
        ),
        md=f"{RESULTS}/claims.md",
    log:
        f"{RESULTS}/logs/claims.log",
    conda:
        "../../envs/compute.yaml"
    script:
        "../scripts/claims.py"


rule report_landing:
    """The report's landing page: claim verdicts, the two headline figures, the configuration last."""
    input:
        claims=f"{RESULTS}/tables/claims.csv",
        rates=f"{RESULTS}/figures/rates.png",
        tightness=f"{RESULTS}/figures/tightness.png",
        lib=lib_for("../scripts/report_landing.py"),
    output:
        rst=f"{RESULTS}/report/landing.rst",
        config=report(
            f"{RESULTS}/report/config.json",
            caption="../report/config.rst",
            category="Configuration",
        ),
    log:
        f"{RESULTS}/logs/report_landing.log",
    conda:
        "../../envs/compute.yaml"
    params:
        config=config,
    script:
        "../scripts/report_landing.py"
