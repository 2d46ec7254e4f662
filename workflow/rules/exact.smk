rule exact:
    """Exact memorization and test error of one learner entry at one d, over the n grid."""
    input:
        lib=lib_for("../scripts/exact.py"),
    output:
        f"{RESULTS}/exact/{{problem}}/{{learner}}/d{{d}}.csv",
    log:
        f"{RESULTS}/logs/exact/{{problem}}/{{learner}}/d{{d}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/exact/{{problem}}/{{learner}}/d{{d}}.tsv"
    conda:
        "../../envs/compute.yaml"
    resources:
        mem_mb=2000,
        runtime=30,
        cpus_per_task=1,
    params:
        problem=lambda wc: problem_params(wc.problem),
        n=lambda wc: config["problems"][wc.problem]["n"],
        learner=lambda wc: config["learners"][wc.learner],
        seed=config["seed"],
    script:
        "../scripts/exact.py"


rule targets:
    """Target test error per d: configured, or sign_subset's at n = 1 with k = d."""
    input:
        lib=lib_for("../scripts/targets.py"),
    output:
        f"{RESULTS}/tables/{{problem}}_targets.csv",
    log:
        f"{RESULTS}/logs/targets/{{problem}}.log",
    conda:
        "../../envs/compute.yaml"
    params:
        problem=lambda wc: problem_params(wc.problem),
        d=lambda wc: config["problems"][wc.problem]["d"],
        target_error=config["analysis"]["target_error"],
    script:
        "../scripts/targets.py"
