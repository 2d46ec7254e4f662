"""Bad configurations, each with the config key its error message must name (unit and end-to-end tests)."""

BAD = {
    "negative d": (lambda c: c["problems"]["gaussian"]["d"].__setitem__(0, -5), "problems.gaussian.d[0]"),
    "unknown learner": (lambda c: c["learners"].__setitem__("ridge", {"family": "ridgeline"}), "learners.ridge.family"),
    "n = 0": (lambda c: c["problems"]["gaussian"]["n"].__setitem__(0, 0), "problems.gaussian.n[0]"),
    "missing section": (lambda c: c.pop("learners"), "'learners'"),
    "string for a number": (lambda c: c["problems"]["gaussian"].__setitem__("c", "large"), "problems.gaussian.c"),
    "frontier n off the grid": (lambda c: c["analysis"].__setitem__("frontier_n", 3), "analysis.frontier_n"),
    "bits not an integer": (
        lambda c: c["learners"]["store_all"].__setitem__("bits", [1.5]),
        "learners.store_all.bits[0]",
    ),
    "Boolean bias r >= 1": (lambda c: c["problems"]["boolean"].__setitem__("c", 10.0), "problems.boolean.c"),
    "target error above 1/2": (lambda c: c["analysis"].__setitem__("target_error", 0.6), "analysis.target_error"),
    "d beyond what exact evaluation handles": (
        lambda c: c["problems"]["boolean"]["d"].__setitem__(0, 10**11),
        "problems.boolean.d[0]",
    ),
    "sklearn estimator that does not import": (
        lambda c: c["blackbox"]["learners"].__setitem__(
            "x", {"family": "sklearn", "estimator": "sklearn.nothere.Tree"}
        ),
        "blackbox.learners.x.estimator",
    ),
    "sklearn estimator without fit/predict": (
        lambda c: c["blackbox"]["learners"].__setitem__(
            "x", {"family": "sklearn", "estimator": "collections.OrderedDict"}
        ),
        "blackbox.learners.x.estimator",
    ),
    "NaN in a float key": (lambda c: c["problems"]["gaussian"].__setitem__("c", float("nan")), "problems.gaussian.c"),
    "inf in an integer key": (lambda c: c["blackbox"].__setitem__("seeds", float("inf")), "blackbox.seeds"),
    "-inf in a list": (
        lambda c: c["mixture"]["zipf_exponents"].__setitem__(0, float("-inf")),
        "mixture.zipf_exponents[0]",
    ),
    "Brown attack unknown": (
        lambda c: c["brown"]["models"]["mlp"].__setitem__("attack", "gradient"),
        "brown.models.mlp.attack",
    ),
    "Brown sign attack without repeats": (
        lambda c: c["brown"]["models"]["logistic"].pop("repeats"),
        "brown.models.logistic.repeats",
    ),
    "Brown protocol trains an unknown model": (
        lambda c: c["brown"]["protocols"]["faithful"].__setitem__("models", ["logistic", "resnet"]),
        "brown.protocols.faithful.models",
    ),
    "Brown labels neither subpopulation nor a count": (
        lambda c: c["brown"]["protocols"]["faithful"].__setitem__("labels", "classes"),
        "brown.protocols.faithful.labels",
    ),
    "memscore: unknown removal learner": (
        lambda c: c["memscore"]["removal"].__setitem__("learners", ["svm"]),
        "memscore.removal.learners",
    ),
    "memscore: removal without the clean digits": (
        lambda c: c["memscore"].__setitem__("datasets", ["mixture"]),
        "memscore.datasets",
    ),
    "memscore: subset fraction 1": (lambda c: c["memscore"].__setitem__("fraction", 1.0), "memscore.fraction"),
    "memscore: too few subset models": (
        lambda c: c["memscore"]["learners"]["logistic"].__setitem__("models", 2),
        "memscore.learners.logistic.models",
    ),
    "memscore: estimator that does not import": (
        lambda c: c["memscore"]["learners"].__setitem__("x", {"estimator": "sklearn.nothere.X", "models": 10}),
        "memscore.learners.x.estimator",
    ),
    "memscore: retrieval base without sample_weight": (
        lambda c: c["memscore"]["retro"].__setitem__("base", "knn1"),
        "memscore.retro.base",
    ),
    "diffusion: ablation point out of range": (
        lambda c: c["diffusion"]["ablation"].__setitem__("point", 5),
        "diffusion.ablation.point",
    ),
    "diffusion: ablation with more seeds than the sweep": (
        lambda c: c["diffusion"]["ablation"].__setitem__("seeds", c["diffusion"]["seeds"] + 1),
        "diffusion.ablation.seeds",
    ),
    "diffusion: probe time outside the grid": (
        lambda c: c["diffusion"]["templates"]["mitigation"].__setitem__("probe_index", 99),
        "diffusion.templates.mitigation.probe_index",
    ),
    "diffusion: t_min above t_max": (
        lambda c: c["diffusion"]["times"].__setitem__("t_min", 0.9999),
        "diffusion.times",
    ),
    "diffusion: more templates than digit classes": (
        lambda c: c["diffusion"]["templates"].__setitem__("k", 11),
        "diffusion.templates.k",
    ),
    "diffusion: sweep point listed twice": (
        lambda c: c["diffusion"]["points"].append(dict(c["diffusion"]["points"][0])),
        "diffusion.points",
    ),
    "lab: unknown model size key": (
        lambda c: c["lab"]["defences"].__setitem__("size", "huge"),
        "lab.defences.size",
    ),
    "lab: unknown key in a size": (
        lambda c: c["lab"]["sizes"]["tiny"].__setitem__("n_embed", 64),
        "lab.sizes.tiny",
    ),
    "lab: repetition count 0": (
        lambda c: c["lab"]["corpus"]["records"]["repetitions"].__setitem__(0, 0),
        "lab.corpus.records.repetitions[0]",
    ),
    "lab: prefix longer than the context": (
        lambda c: c["lab"]["extraction"].__setitem__("prefix_tokens", 200),
        "lab.extraction.prefix_tokens",
    ),
    "lab: edit layer out of range": (
        lambda c: c["lab"]["editing"].__setitem__("layer", 3),
        "lab.editing.layer",
    ),
    "lab: edited size with one layer": (
        lambda c: c["lab"]["sizes"][c["lab"]["editing"]["size"]].__setitem__("n_layer", 1),
        "lab.editing.size",
    ),
    "lab: edited size unknown": (
        lambda c: c["lab"]["editing"].__setitem__("size", "huge"),
        "lab.editing.size",
    ),
    "lab: distillation student larger than its teacher": (
        lambda c: c["lab"]["distillation"].update(teacher="tiny", student="small"),
        "lab.distillation.student",
    ),
    "lab: distillation without the direct student": (
        lambda c: c["lab"]["distillation"].__setitem__("methods", ["word_kd", "seq_kd"]),
        "lab.distillation.methods",
    ),
    "lab: unknown distillation method": (
        lambda c: c["lab"]["distillation"].__setitem__("methods", ["direct", "dark_knowledge"]),
        "lab.distillation.methods[1]",
    ),
    "lab: STIM alternatives beyond the vocabulary": (
        lambda c: c["lab"]["stim"].__setitem__("alternatives", 5000),
        "lab.stim.alternatives",
    ),
    "lab: STIM foils beyond the alternatives": (
        lambda c: c["lab"]["stim"].__setitem__("foils", 50),
        "lab.stim.foils",
    ),
    "lab: STIM size unknown": (
        lambda c: c["lab"]["stim"].__setitem__("size", "huge"),
        "lab.stim.size",
    ),
    "lab: checkpoint directory without model.safetensors": (
        lambda c: c["lab"].__setitem__("audit", {"gpt2": {"checkpoint": "tests", "samples": "README.md"}}),
        "lab.audit.gpt2.checkpoint",
    ),
}
