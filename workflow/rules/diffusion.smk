# The diffusion memorization laboratory (docs/science.md section 10): one job per sweep point of
# Buchanan et al.'s crossover (their two passes inside the job), the steps ablation, the colored
# templates with FB-Mem -> tables -> figures. JAX jobs run single-threaded (memtrade.jaxsetup).


rule diffusion_point:
    """One sweep point (d, K, N): GMM denoisers of every size trained, sampled and scored; per-t losses."""
    input:
        lib=lib_for("../scripts/diffusion_point.py"),
    output:
        models=f"{RESULTS}/diffusion/points/{{diff_point}}.csv",
        losses=f"{RESULTS}/diffusion/points/{{diff_point}}_losses.csv",
    log:
        f"{RESULTS}/logs/diffusion/{{diff_point}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/diffusion/{{diff_point}}.tsv"
    conda:
        DIFFUSION_ENV
    resources:
        mem_mb=lambda wc: diffusion_resources()["mem_mb"],
        runtime=lambda wc: diffusion_resources()["runtime"],
        gres=lambda wc: diffusion_resources()["gres"],
    params:
        point=lambda wc: diffusion_point(wc.diff_point),
        settings=diffusion_settings(*DIFFUSION_POINT_KEYS),
        steps_factor=1,
        seed=config["seed"],
    script:
        "../scripts/diffusion_point.py"


rule diffusion_ablation:
    """ABLATION: the configured sweep point's first pass again with diffusion.ablation.steps_factor x the steps."""
    input:
        lib=lib_for("../scripts/diffusion_point.py"),
    output:
        models=f"{RESULTS}/diffusion/ablation/models.csv",
        losses=f"{RESULTS}/diffusion/ablation/losses.csv",
    log:
        f"{RESULTS}/logs/diffusion/ablation.log",
    benchmark:
        f"{RESULTS}/benchmarks/diffusion/ablation.tsv"
    conda:
        DIFFUSION_ENV
    resources:
        mem_mb=lambda wc: diffusion_resources()["mem_mb"],
        runtime=lambda wc: diffusion_resources()["runtime"],
        gres=lambda wc: diffusion_resources()["gres"],
    params:
        point=DF["points"][DF["ablation"]["point"]] if DIFFUSION else None,
        settings=(
            {**diffusion_settings(*DIFFUSION_POINT_KEYS), "coverage": 0}
            if DIFFUSION
            else None
        ),
        steps_factor=DF["ablation"]["steps_factor"] if DIFFUSION else None,
        seed=config["seed"],
    script:
        "../scripts/diffusion_point.py"


rule diffusion_templates:
    """Colored digit templates, one seed: the memorization ratio over sizes, FB-Mem before and after pruning."""
    input:
        lib=lib_for("../scripts/diffusion_templates.py"),
    output:
        models=f"{RESULTS}/diffusion/templates/seed{{diff_seed}}.csv",
        fbmem=f"{RESULTS}/diffusion/templates/seed{{diff_seed}}_fbmem.csv",
        gallery=f"{RESULTS}/diffusion/templates/seed{{diff_seed}}_gallery.npz",
    log:
        f"{RESULTS}/logs/diffusion/templates_seed{{diff_seed}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/diffusion/templates_seed{{diff_seed}}.tsv"
    conda:
        DIFFUSION_ENV
    resources:
        mem_mb=lambda wc: diffusion_resources()["mem_mb"],
        runtime=lambda wc: diffusion_resources()["runtime"],
        gres=lambda wc: diffusion_resources()["gres"],
    params:
        settings=diffusion_settings(*DIFFUSION_TEMPLATE_KEYS),
        seed=config["seed"],
    script:
        "../scripts/diffusion_templates.py"


rule diffusion_tables:
    """The stage's tidy tables: per-model rows, summaries with intervals, windows, losses, ablation, FB-Mem."""
    input:
        models=expand(f"{RESULTS}/diffusion/points/{{p}}.csv", p=DIFFUSION_POINTS),
        losses=expand(
            f"{RESULTS}/diffusion/points/{{p}}_losses.csv", p=DIFFUSION_POINTS
        ),
        ablation=f"{RESULTS}/diffusion/ablation/models.csv",
        templates=expand(
            f"{RESULTS}/diffusion/templates/seed{{s}}.csv", s=DIFFUSION_SEEDS
        ),
        fbmem=expand(
            f"{RESULTS}/diffusion/templates/seed{{s}}_fbmem.csv", s=DIFFUSION_SEEDS
        ),
        lib=lib_for("../scripts/diffusion_tables.py"),
    output:
        **{
            name: (
                report(
                    f"{RESULTS}/tables/diffusion_{name}.csv",
                    caption="../report/diffusion_tables.rst",
                    category="Diffusion laboratory",
                )
                if name in ("window", "ablation", "fbmem")
                else f"{RESULTS}/tables/diffusion_{name}.csv"
            )
            for name in DIFFUSION_TABLES
        },
    log:
        f"{RESULTS}/logs/diffusion/tables.log",
    conda:
        "../../envs/lab.yaml"
    params:
        settings=(
            {k: DF[k] for k in ("times", "delta", "coarse_step", "component_var")}
            if DIFFUSION
            else None
        ),
        level=DF.get("confidence"),
    script:
        "../scripts/diffusion_tables.py"


rule diffusion_figures:
    """The stage's figures, as PDF and PNG."""
    input:
        **{
            name: f"{RESULTS}/tables/diffusion_{name}.csv"
            for name in ("summary", "window", "losses", "templates", "fbmem")
        },
        gallery=f"{RESULTS}/diffusion/templates/seed0_gallery.npz",
        style=str(
            Path(workflow.basedir) / "workflow" / "memtrade" / "memtrade.mplstyle"
        ),
        lib=lib_for("../scripts/diffusion_figures.py"),
    output:
        **{
            f"{f}_pdf": f"{RESULTS}/figures/diffusion_{f}.pdf"
            for f in DIFFUSION_FIGURES
        },
        **{
            f"{f}_png": report(
                f"{RESULTS}/figures/diffusion_{f}.png",
                caption=f"../report/diffusion_{f}.rst",
                category="Diffusion laboratory",
            )
            for f in DIFFUSION_FIGURES
        },
    log:
        f"{RESULTS}/logs/figure/diffusion.log",
    conda:
        "../../envs/plot.yaml"
    params:
        loss_point=DF["points"][-1] if DIFFUSION else None,
        # four grid times: the second, about a fifth and half way along, the last
        loss_times=(
            sorted(
                {
                    1,
                    DF["times"]["count"] // 5,
                    DF["times"]["count"] // 2,
                    DF["times"]["count"] - 1,
                }
            )
            if DIFFUSION
            else None
        ),
    script:
        "../scripts/diffusion_figures.py"
