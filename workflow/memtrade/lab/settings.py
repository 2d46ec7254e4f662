"""The language-model laboratory's configuration (``lab``): cross-field checks and model sizes (no JAX)."""

from __future__ import annotations

from pathlib import Path

from ..config import ConfigError


def gpt2_params(size: dict, vocab: int, context: int) -> int:
    """The parameter count of a GPT-2 of ``size`` (n_embd, n_layer) with the output embedding tied."""
    d, layers = size["n_embd"], size["n_layer"]
    return vocab * d + context * d + layers * (12 * d * d + 13 * d) + 2 * d


UNDEFENDED = "undefended"  # the variant fine-tuned without a defence
DEFENCES = {"dedup_exact": "dedup", "dedup_near": "dedup", "dpsgd": "dpsgd"}  # variant -> its settings


def seed_groups(lab: dict) -> list[list[int]]:
    """The seeds in groups of ``seeds_per_job`` (default all): one training or measuring job each."""
    seeds = list(range(lab["seeds"]))
    per = lab.get("seeds_per_job", len(seeds))
    return [seeds[i : i + per] for i in range(0, len(seeds), per)]


def finetune_jobs(lab: dict) -> list[tuple[str, str]]:
    """Every (size, variant) fine-tuned: every size undefended, the training defences at one size."""
    return [(s, UNDEFENDED) for s in lab["sizes"]] + [(lab["defences"]["size"], v) for v in DEFENCES]


def defence_settings(lab: dict, variant: str) -> dict | None:
    """The settings a fine-tuning variant uses (None for the undefended one)."""
    key = DEFENCES.get(variant)
    return {key: lab["defences"][key]} if key else None


def _size_key(key: str, name: str, sizes: dict) -> None:
    if name not in sizes:
        raise ConfigError(f"config key '{key}': {name!r} is not a key of lab.sizes {list(sizes)}")


def _check_distillation(distillation: dict, sizes: dict, lab: dict) -> None:
    for role in ("teacher", "student"):
        _size_key(f"lab.distillation.{role}", distillation[role], sizes)
    vocab, context = lab["corpus"]["tokenizer_vocab"], lab["context"]
    teacher = gpt2_params(sizes[distillation["teacher"]], vocab, context)
    student = gpt2_params(sizes[distillation["student"]], vocab, context)
    if student >= teacher:
        raise ConfigError(
            f"config key 'lab.distillation.student': {distillation['student']!r} has {student} parameters, "
            f"not fewer than the teacher {distillation['teacher']!r} with {teacher}"
        )
    if "direct" not in distillation["methods"]:
        raise ConfigError(
            "config key 'lab.distillation.methods': must include direct, the directly fine-tuned student "
            "the distilled ones are compared with"
        )
    if distillation["prompt_tokens"] >= context - 1:
        raise ConfigError(
            f"config key 'lab.distillation.prompt_tokens': {distillation['prompt_tokens']} leaves nothing to "
            f"sample within lab.context = {context}"
        )


def check(config: dict, estimator_cache=None) -> None:
    """Known size keys, the prompt and the continuation inside the context, head counts dividing
    widths, the optional studies' settings consistent, audited checkpoints present."""
    lab = config["lab"]
    sizes = lab["sizes"]
    _size_key("lab.defences.size", lab["defences"]["size"], sizes)
    for name, size in sizes.items():
        if size["n_embd"] % size["n_head"]:
            raise ConfigError(
                f"config key 'lab.sizes.{name}.n_head': {size['n_head']} does not divide n_embd = {size['n_embd']}"
            )
    k, m = lab["extraction"]["prefix_tokens"], lab["extraction"]["suffix_tokens"]
    if k + m > lab["context"]:
        raise ConfigError(
            f"config key 'lab.extraction.prefix_tokens': the prefix ({k}) and the continuation ({m}) "
            f"need {k + m} positions, more than the context lab.context = {lab['context']}"
        )
    if max(lab["perturbation"]["tokens"]) >= k:
        raise ConfigError(
            f"config key 'lab.perturbation.tokens': {max(lab['perturbation']['tokens'])} replaced tokens "
            f"leave no prompt token of the prefix of {k} (lab.extraction.prefix_tokens)"
        )
    editing = lab.get("editing")
    if editing is not None:
        _size_key("lab.editing.size", editing["size"], sizes)
        layers = sizes[editing["size"]]["n_layer"]
        if layers < 2:  # the key sits at the name: only a later layer's attention carries an edit there on
            raise ConfigError(
                f"config key 'lab.editing.size': size {editing['size']!r} has {layers} layer; the edit keyed at "
                "the records' names needs a later layer to carry it to the prompt's end (at least 2 layers)"
            )
        if editing["layer"] != "auto" and editing["layer"] >= layers - 1:
            raise ConfigError(
                f"config key 'lab.editing.layer': layer {editing['layer']} is out of range for size "
                f"{editing['size']!r} with {layers} layers (0 to {layers - 2}: the last layer's MLP at the name "
                "reaches no later attention; or auto)"
            )
    if lab.get("distillation") is not None:
        _check_distillation(lab["distillation"], sizes, lab)
    stim = lab.get("stim")
    if stim is not None:
        _size_key("lab.stim.size", stim["size"], sizes)
        vocab = lab["corpus"]["tokenizer_vocab"]
        if stim["alternatives"] > vocab:
            raise ConfigError(
                f"config key 'lab.stim.alternatives': {stim['alternatives']} alternative tokens, more than the "
                f"vocabulary of {vocab} tokens (lab.corpus.tokenizer_vocab)"
            )
        if stim["foils"] > stim["alternatives"]:
            raise ConfigError(
                f"config key 'lab.stim.foils': {stim['foils']} foils, more than the {stim['alternatives']} "
                "alternatives they are taken from (lab.stim.alternatives)"
            )
    if lab["corpus"]["tokenizer_vocab"] <= 257:
        raise ConfigError("config key 'lab.corpus.tokenizer_vocab': must exceed the 256 bytes and <|endoftext|>")
    for name, entry in lab.get("audit", {}).items():
        path = Path(entry["checkpoint"]) / "model.safetensors"
        if not path.is_file():
            raise ConfigError(f"config key 'lab.audit.{name}.checkpoint': {path} does not exist")
        samples = Path(entry["samples"])
        if not samples.is_file():
            raise ConfigError(f"config key 'lab.audit.{name}.samples': {samples} does not exist")
