rule claims:
    """Evaluate every claim of claims.yaml on this run's tables: pass / fail / not-run."""
    input:
        unpack(claim_tables),
        claims=str(Path(workflow.basedir) / "claims.yaml"),
        lib=lib("claims", "bounds", "info", "io"),
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
