rule table:
    """Tidy memorization table of one problem; fails if any row breaks the bound."""
    input:
        exact=exact_files,
        sdpi=f"{RESULTS}/sdpi/{{problem}}.csv",
        lib=lib_for("../scripts/table.py"),
    output:
        report(
            f"{RESULTS}/tables/{{problem}}_memorization.csv",
            caption="../report/table.rst",
            category="Tables",
        ),
    log:
        f"{RESULTS}/logs/table/{{problem}}.log",
    conda:
        "../../envs/compute.yaml"
    script:
        "../scripts/table.py"


rule best_at_target:
    """Least-memorizing configuration of each learner that reaches the target error."""
    input:
        table=f"{RESULTS}/tables/{{problem}}_memorization.csv",
        targets=f"{RESULTS}/tables/{{problem}}_targets.csv",
        lib=lib_for("../scripts/best_at_target.py"),
    output:
        report(
            f"{RESULTS}/tables/{{problem}}_best_at_target.csv",
            caption="../report/best.rst",
            category="Tables",
        ),
    log:
        f"{RESULTS}/logs/best_at_target/{{problem}}.log",
    conda:
        "../../envs/compute.yaml"
    script:
        "../scripts/best_at_target.py"


rule combine:
    """All problems' memorization tables in one tidy table."""
    input:
        tables=expand(
            f"{RESULTS}/tables/{{problem}}_memorization.csv", problem=PROBLEMS
        ),
        lib=lib_for("../scripts/combine.py"),
    output:
        f"{RESULTS}/tables/memorization.csv",
    log:
        f"{RESULTS}/logs/combine.log",
    conda:
        "../../envs/compute.yaml"
    script:
        "../scripts/combine.py"


rule ratios:
    """Best learner at the target error over the bound at matched error, all problems."""
    input:
        best=expand(
            f"{RESULTS}/tables/{{problem}}_best_at_target.csv", problem=PROBLEMS
        ),
        lib=lib_for("../scripts/ratios.py"),
    output:
        ratios=report(
            f"{RESULTS}/tables/ratios.csv",
            caption="../report/ratios.rst",
            category="Tables",
        ),
        tightness=report(
            f"{RESULTS}/tables/tightness.csv",
            caption="../report/tightness.rst",
            category="Tables",
        ),
    log:
        f"{RESULTS}/logs/ratios.log",
    conda:
        "../../envs/compute.yaml"
    script:
        "../scripts/ratios.py"
