rule sdpi:
    """SDPI constants tau_n, rho_n and F_n for every (d, n) of a problem."""
    input:
        lib=lib_for("../scripts/sdpi.py"),
    output:
        f"{RESULTS}/sdpi/{{problem}}.csv",
    log:
        f"{RESULTS}/logs/sdpi/{{problem}}.log",
    conda:
        "../../envs/compute.yaml"
    params:
        problem=lambda wc: problem_params(wc.problem),
        d=lambda wc: config["problems"][wc.problem]["d"],
        n=lambda wc: config["problems"][wc.problem]["n"],
        inject_failure=lambda wc: config.get("inject_failure") == f"sdpi:{wc.problem}",
    script:
        "../scripts/sdpi.py"
