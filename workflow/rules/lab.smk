# The language-model memorization laboratory (docs/science.md section 8): corpus -> pretraining ->
# fine-tuning (undefended and defended) -> the studies' measurements -> tables -> figures.
# JAX jobs run single-threaded (memtrade.lab fixes the XLA flags); Snakemake runs them side by side.
# Training and measurement jobs take a chunk of seeds (lab.seeds_per_job); a model directory holds
# one GPT-2-format checkpoint per seed (seed<s>/model.safetensors, config.json, tokenizer.json,
# train.json).


rule lab_corpus:
    """The synthetic corpus of one seed: background text, records, fine-tuning mixture, BPE tokenizer."""
    input:
        lib=lib_for("../scripts/lab_corpus.py"),
    output:
        pretrain=f"{RESULTS}/lab/corpus/seed{{lab_seed}}/pretrain.csv",
        heldout=f"{RESULTS}/lab/corpus/seed{{lab_seed}}/heldout.csv",
        finetune=f"{RESULTS}/lab/corpus/seed{{lab_seed}}/finetune.csv",
        records=f"{RESULTS}/lab/corpus/seed{{lab_seed}}/records.csv",
        tokenizer=f"{RESULTS}/lab/corpus/seed{{lab_seed}}/tokenizer.json",
        meta=f"{RESULTS}/lab/corpus/seed{{lab_seed}}/meta.json",
    log:
        f"{RESULTS}/logs/lab/corpus_seed{{lab_seed}}.log",
    conda:
        LAB_ENV
    params:
        corpus=config["lab"]["corpus"] if LAB else None,
        seed=config["seed"],
    script:
        "../scripts/lab_corpus.py"


rule lab_pretrain:
    """Pretrain one GPT-2 size on the background text of each seed of a chunk; GPT-2-format checkpoints."""
    input:
        pretrain=lab_corpus_files("pretrain.csv"),
        tokenizer=lab_corpus_files("tokenizer.json"),
        lib=lib_for("../scripts/lab_pretrain.py"),
    output:
        directory(f"{RESULTS}/lab/models/{{lab_size}}/pretrained/chunk{{lab_chunk}}"),
    log:
        f"{RESULTS}/logs/lab/pretrain_{{lab_size}}_chunk{{lab_chunk}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/lab/pretrain_{{lab_size}}_chunk{{lab_chunk}}.tsv"
    conda:
        LAB_ENV
    resources:
        mem_mb=lambda wc: lab_resources()["mem_mb"],
        runtime=lambda wc: lab_resources()["runtime"],
        gres=lambda wc: lab_resources()["gres"],
    params:
        seeds=lab_chunk_seeds,
        size=lambda wc: config["lab"]["sizes"][wc.lab_size],
        settings=lab_settings("context", "pretrain"),
        seed=config["seed"],
    script:
        "../scripts/lab_pretrain.py"


rule lab_finetune:
    """Fine-tune the pretrained models of a chunk on the records mixture: undefended, deduplicated or DP-SGD."""
    input:
        pretrained=f"{RESULTS}/lab/models/{{lab_size}}/pretrained/chunk{{lab_chunk}}",
        finetune=lab_corpus_files("finetune.csv"),
        lib=lib_for("../scripts/lab_finetune.py"),
    output:
        directory(
            f"{RESULTS}/lab/models/{{lab_size}}/{{lab_variant}}/chunk{{lab_chunk}}"
        ),
    log:
        f"{RESULTS}/logs/lab/finetune_{{lab_size}}_{{lab_variant}}_chunk{{lab_chunk}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/lab/finetune_{{lab_size}}_{{lab_variant}}_chunk{{lab_chunk}}.tsv"
    conda:
        LAB_ENV
    resources:
        mem_mb=lambda wc: lab_resources()["mem_mb"],
        runtime=lambda wc: lab_resources()["runtime"],
        gres=lambda wc: lab_resources()["gres"],
    params:
        seeds=lab_chunk_seeds,
        settings=lab_settings("finetune"),
        # only the variant's own defence settings, so editing one defence reruns only its jobs
        defences=lambda wc: lab_defence_settings(wc.lab_variant),
        seed=config["seed"],
    script:
        "../scripts/lab_finetune.py"


rule lab_measure:
    """The studies' measurements of a chunk's models: extraction, perturbation, exposure, filters, held-out loss."""
    input:
        models=f"{RESULTS}/lab/models/{{lab_size}}/{{lab_variant}}/chunk{{lab_chunk}}",
        records=lab_corpus_files("records.csv"),
        heldout=lab_corpus_files("heldout.csv"),
        meta=lab_corpus_files("meta.json"),
        lib=lib_for("../scripts/lab_measure.py"),
    output:
        records=f"{RESULTS}/lab/measure/{{lab_size}}/{{lab_variant}}/chunk{{lab_chunk}}_records.csv",
        perturbation=f"{RESULTS}/lab/measure/{{lab_size}}/{{lab_variant}}/chunk{{lab_chunk}}_perturbation.csv",
        model=f"{RESULTS}/lab/measure/{{lab_size}}/{{lab_variant}}/chunk{{lab_chunk}}_model.csv",
    log:
        f"{RESULTS}/logs/lab/measure_{{lab_size}}_{{lab_variant}}_chunk{{lab_chunk}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/lab/measure_{{lab_size}}_{{lab_variant}}_chunk{{lab_chunk}}.tsv"
    conda:
        LAB_ENV
    resources:
        mem_mb=lambda wc: lab_resources()["mem_mb"],
        runtime=lambda wc: lab_resources()["runtime"],
        gres=lambda wc: lab_resources()["gres"],
    params:
        seeds=lab_chunk_seeds,
        settings=lab_settings("extraction", "perturbation", "exposure"),
        filters=(
            {k: config["lab"]["defences"][k] for k in ("regex", "entropy")}
            if LAB
            else None
        ),
        words_per_doc=config["lab"]["corpus"]["words_per_doc"] if LAB else None,
        seed=config["seed"],
    script:
        "../scripts/lab_measure.py"


rule lab_edit:
    """Private Memorization Editing of a chunk's fine-tuned models (lab.editing): detect, edit one MLP, measure."""
    input:
        models=f"{RESULTS}/lab/models/{LAB_EDIT_SIZE}/none/chunk{{lab_chunk}}",
        records=lab_corpus_files("records.csv"),
        heldout=lab_corpus_files("heldout.csv"),
        lib=lib_for("../scripts/lab_edit.py"),
    output:
        records=f"{RESULTS}/lab/editing/chunk{{lab_chunk}}_records.csv",
        edits=f"{RESULTS}/lab/editing/chunk{{lab_chunk}}_edits.csv",
    log:
        f"{RESULTS}/logs/lab/edit_chunk{{lab_chunk}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/lab/edit_chunk{{lab_chunk}}.tsv"
    conda:
        LAB_ENV
    resources:
        mem_mb=lambda wc: lab_resources()["mem_mb"],
        runtime=lambda wc: lab_resources()["runtime"],
        gres=lambda wc: lab_resources()["gres"],
    params:
        seeds=lab_chunk_seeds,
        settings=config["lab"]["editing"] if LAB_EDIT else None,
        extraction=config["lab"]["extraction"] if LAB_EDIT else None,
        words_per_doc=config["lab"]["corpus"]["words_per_doc"] if LAB_EDIT else None,
        seed=config["seed"],
    script:
        "../scripts/lab_edit.py"


rule lab_distill:
    """Distil a chunk's fine-tuned teacher into students of a smaller size (lab.distillation) and measure them."""
    input:
        teacher=lab_distill_model("teacher", "none"),
        student_init=lab_distill_model("student", "pretrained"),
        direct=lab_distill_model("student", "none"),
        finetune=lab_corpus_files("finetune.csv"),
        records=lab_corpus_files("records.csv"),
        heldout=lab_corpus_files("heldout.csv"),
        lib=lib_for("../scripts/lab_distill.py"),
    output:
        records=f"{RESULTS}/lab/distillation/chunk{{lab_chunk}}_records.csv",
        models=f"{RESULTS}/lab/distillation/chunk{{lab_chunk}}_models.csv",
    log:
        f"{RESULTS}/logs/lab/distill_chunk{{lab_chunk}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/lab/distill_chunk{{lab_chunk}}.tsv"
    conda:
        LAB_ENV
    resources:
        mem_mb=lambda wc: lab_resources()["mem_mb"],
        runtime=lambda wc: lab_resources()["runtime"],
        gres=lambda wc: lab_resources()["gres"],
    params:
        seeds=lab_chunk_seeds,
        settings=config["lab"]["distillation"] if LAB_DISTILL else None,
        training=config["lab"]["finetune"] if LAB_DISTILL else None,
        extraction=config["lab"]["extraction"] if LAB_DISTILL else None,
        candidates=config["lab"]["exposure"]["candidates"] if LAB_DISTILL else None,
        words_per_doc=config["lab"]["corpus"]["words_per_doc"] if LAB_DISTILL else None,
        seed=config["seed"],
    script:
        "../scripts/lab_distill.py"


rule lab_stim:
    """STIM on a reasoning task in the corpus (lab.stim): train, answer, score each step token by source."""
    input:
        background=lab_corpus_files("pretrain.csv"),
        lib=lib_for("../scripts/lab_stim.py"),
    output:
        tokens=f"{RESULTS}/lab/stim/chunk{{lab_chunk}}_tokens.csv",
        questions=f"{RESULTS}/lab/stim/chunk{{lab_chunk}}_questions.csv",
        models=f"{RESULTS}/lab/stim/chunk{{lab_chunk}}_models.csv",
    log:
        f"{RESULTS}/logs/lab/stim_chunk{{lab_chunk}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/lab/stim_chunk{{lab_chunk}}.tsv"
    conda:
        LAB_ENV
    resources:
        mem_mb=lambda wc: lab_resources()["mem_mb"],
        runtime=lambda wc: lab_resources()["runtime"],
        gres=lambda wc: lab_resources()["gres"],
    params:
        seeds=lab_chunk_seeds,
        settings=config["lab"]["stim"] if LAB_STIM else None,
        size=config["lab"]["sizes"][config["lab"]["stim"]["size"]] if LAB_STIM else None,
        context=config["lab"]["context"] if LAB_STIM else None,
        vocab=config["lab"]["corpus"]["tokenizer_vocab"] if LAB_STIM else None,
        seed=config["seed"],
    script:
        "../scripts/lab_stim.py"


rule lab_tables:
    """Means and 95 % intervals over seeds: extraction, exposure, redundancy, defences, certified bits, models."""
    input:
        records=lab_measurements("records"),
        perturbation=lab_measurements("perturbation"),
        models=lab_measurements("model"),
        editing_records=lab_editing("records"),
        editing_edits=lab_editing("edits"),
        distillation_records=lab_distillation("records"),
        distillation_models=lab_distillation("models"),
        stim_tokens=lab_stim("tokens"),
        lib=lib_for("../scripts/lab_tables.py"),
    output:
        **{
            name: report(
                f"{RESULTS}/tables/lab_{name}.csv",
                caption="../report/lab_tables.rst",
                category="Language-model laboratory",
            )
            for name in LAB_TABLES
        },
    log:
        f"{RESULTS}/logs/lab/tables.log",
    conda:
        "../../envs/compute.yaml"
    params:
        defence_size=config["lab"]["defences"]["size"] if LAB else None,
        precision_k=config["lab"]["stim"]["precision_k"] if LAB_STIM else None,
        confidence=config["lab"]["confidence"] if LAB else None,
    script:
        "../scripts/lab_tables.py"


rule lab_figures:
    """The laboratory's four figures: extraction, exposure, redundancy and defences."""
    input:
        **{name: f"{RESULTS}/tables/lab_{name}.csv" for name in LAB_TABLES},
        records=lab_measurements("records"),
        style=str(
            Path(workflow.basedir) / "workflow" / "memtrade" / "memtrade.mplstyle"
        ),
        lib=lib_for("../scripts/lab_figures.py"),
    output:
        **{f"{name}_pdf": f"{RESULTS}/figures/lab_{name}.pdf" for name in LAB_FIGURES},
        **{
            f"{f}_png": report(
                f"{RESULTS}/figures/lab_{f}.png",
                caption=f"../report/lab_{f}.rst",
                category="Language-model laboratory",
            )
            for f in LAB_FIGURES
        },
    log:
        f"{RESULTS}/logs/figure/lab.log",
    conda:
        "../../envs/plot.yaml"
    script:
        "../scripts/lab_figures.py"


rule lab_audit:
    """The laboratory's measures on a user's GPT-2 checkpoint and samples (config lab.audit; memtrade lm-audit)."""
    input:
        checkpoint=lambda wc: [
            f"{config['lab']['audit'][wc.lab_audit]['checkpoint']}/{f}"
            for f in ("model.safetensors", "config.json", "tokenizer.json")
        ],
        samples=lambda wc: config["lab"]["audit"][wc.lab_audit]["samples"],
        lib=lib_for("../scripts/lab_audit.py"),
    output:
        report(
            f"{RESULTS}/lab/audit/{{lab_audit}}.csv",
            caption="../report/lab_tables.rst",
            category="Language-model laboratory",
        ),
    log:
        f"{RESULTS}/logs/lab/audit_{{lab_audit}}.log",
    benchmark:
        f"{RESULTS}/benchmarks/lab/audit_{{lab_audit}}.tsv"
    conda:
        LAB_ENV
    resources:
        mem_mb=lambda wc: lab_resources()["mem_mb"],
        runtime=lambda wc: lab_resources()["runtime"],
        gres=lambda wc: lab_resources()["gres"],
    params:
        settings=lab_settings("extraction", "perturbation"),
        seed=config["seed"],
    script:
        "../scripts/lab_audit.py"
