# The rules generated from the registry, after every study's rule file: each study's tables and
# figures rules (outputs and captions from its declaration, inputs and params from its rule file
# through INPUTS and PARAMS), then the claims, the report's landing page, the gallery and all.
# They run where Snakemake runs (localrule): each takes seconds, less than a queued job's start-up.
for study in STUDIES:
    for kind, env in study.envs.items():
        name = f"{study.name}_{kind}"
        if name not in STUDY_OF:
            continue

        rule:
            name:
                name
            input:
                **INPUTS.get(name, {}),
                **job(f"{study.name}.jobs.{kind}"),
                **({"style": STYLE} if kind == "figures" else {}),
            output:
                **outputs_of(name, kind),
            log:
                path("logs", f"{name}.log"),
            localrule: True
            conda:
                f"../../envs/{env}.yaml"
            params:
                **PARAMS.get(name, {}),
            script:
                "../scripts/job.py"


rule claims:
    """Evaluate every claim of claims.yaml on this run's tables: pass / fail / not-run."""
    input:
        unpack(claim_tables),
        **job("jobs.claims"),
        claims=str(BASE / "claims.yaml"),
    output:
        csv=report(
            path("tables", "claims.csv"),
            caption="../report/claims.rst",
            category="Claims",
        ),
        md=path("claims.md"),
    log:
        path("logs", "claims.log"),
    localrule: True
    conda:
        "../../envs/compute.yaml"
    script:
        "../scripts/job.py"


rule report_landing:
    """The report's landing page: claim verdicts, the headline figures, the configuration last."""
    input:
        **job("jobs.landing"),
        claims=path("tables", "claims.csv"),
        figures=[path("figures", f"{n}.png") for n, f in FIGURES.items() if f.landing],
    output:
        rst=path("report", "landing.rst"),
        config=report(
            path("report", "config.json"),
            caption="../report/config.rst",
            category="Configuration",
        ),
    log:
        path("logs", "report_landing.log"),
    localrule: True
    conda:
        "../../envs/compute.yaml"
    params:
        config=config,
        captions=[f.gallery for f in FIGURES.values() if f.landing],
    script:
        "../scripts/job.py"


rule gallery:
    """The README gallery and the generated document sections, built under results/gallery/ (nothing
    tracked: bash bin/gallery then installs them into docs/gallery/, README.md and docs/results.md).
    """
    input:
        unpack(claim_tables),
        **job("jobs.gallery"),
        claims=path("tables", "claims.csv"),
        figures=[path("figures", f"{n}.png") for n, f in FIGURES.items() if f.gallery],
    output:
        figures=[path("gallery", f"{n}.png") for n, f in FIGURES.items() if f.gallery],
        sections=path("gallery", "sections.json"),
    log:
        path("logs", "gallery.log"),
    localrule: True
    conda:
        "../../envs/plot.yaml"
    params:
        width=900,
        alt=[f.gallery for f in FIGURES.values() if f.gallery],
        config=config,
    script:
        "../scripts/job.py"
