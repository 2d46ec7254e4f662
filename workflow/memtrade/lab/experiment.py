"""The laboratory's jobs as library calls: build a corpus, pretrain, fine-tune (with or without a
defence) and measure one model. Rule scripts only read and write; every setting arrives as an
argument (the config's ``lab`` section) and every random draw comes from :mod:`memtrade.seeds`.

Streams: ("lab", "corpus", seed_index, part), ("lab", size, seed_index, "init"|"pretrain"),
("lab", size, seed_index, variant, "finetune"|"noise"|"measure").
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import pandas as pd

from .. import seeds
from ..io import atomic_path, write_csv
from . import corpus as C
from . import distill as D
from . import editing as E
from . import measure as M
from . import stats as S
from . import stim as ST
from . import tokenizer as T
from .chunks import map_chunks
from .gpt2 import GPT2Config, init_params, load_checkpoint, n_params, save_checkpoint
from .train import dp_epsilon, sequence_nll, train, train_dp

VARIANTS = ("undefended", "dedup_exact", "dedup_near", "dpsgd")
logger = logging.getLogger(__name__)


def model_config(size: dict, context: int, vocab_size: int) -> GPT2Config:
    """The GPT-2 config of a laboratory size (``n_embd``, ``n_layer``, ``n_head``)."""
    return GPT2Config(vocab_size, context, size["n_embd"], size["n_layer"], size["n_head"])


# ---------------------------------------------------------------------------------------------
# corpus


def build_corpus(cfg: dict, seed: int, index: int) -> dict:
    """The corpus of seed ``index``: source, texts, records, tokenizer (JSON) and exact statistics.

    Returns a dict with frames ``pretrain``, ``heldout``, ``finetune``, ``records`` (column
    ``text``, the fine-tuning set also ``record``, ``copy``, ``near_duplicate``), ``tokenizer``
    (tokenizer.json text) and ``meta`` (entropy rate, document entropy, sizes, the stream).
    """
    rng = seeds.generator(seed, "lab", "corpus", index, "source")
    source = C.MarkovSource(rng, cfg["words"], cfg["zipf_exponent"], cfg["context_mix"])
    w = cfg["words_per_doc"]
    docs = {
        part: source.text(source.sample(seeds.generator(seed, "lab", "corpus", index, part), cfg[f"{part}_docs"], w))
        for part in ("pretrain", "finetune", "heldout")
    }
    r = cfg["records"]
    records = C.make_records(
        seeds.generator(seed, "lab", "corpus", index, "records"),
        r["repetitions"],
        r["motif_lengths"],
        r["per_cell"],
        r["note_length"],
        r["pin_digits"],
        r["acct_digits"],
        exclude_words=source.words,
    )
    finetune = C.finetune_texts(
        seeds.generator(seed, "lab", "corpus", index, "mixture"),
        records,
        docs["finetune"],
        r["near_duplicate_fraction"],
        source.words,
    )
    # the tokenizer is trained on the whole training corpus (pretraining and unique fine-tuning texts)
    tok = T.train(docs["pretrain"] + sorted(set(finetune["text"])), cfg["tokenizer_vocab"])
    meta = {
        "seed": seed,
        "seed_stream": ["lab", "corpus", index],
        "entropy_rate_bits_per_word": source.entropy_rate_bits,
        "document_entropy_bits_per_word": C.document_entropy_bits(source, w),
        "words_per_doc": w,
        "vocabulary_words": len(source.words),
        "records": len(records),
        "finetune_rows": len(finetune),
        "digits_are_tokens": T.digits_are_tokens(tok),
    }
    return {
        "pretrain": pd.DataFrame({"text": docs["pretrain"]}),
        "heldout": pd.DataFrame({"text": docs["heldout"]}),
        "finetune": finetune,
        "records": records,
        "tokenizer": tok.to_str(),
        "meta": meta,
    }


def save_corpus(corpus: dict, out: dict) -> None:
    """Write the corpus parts to the paths in ``out`` (keys as in :func:`build_corpus`), atomically."""
    for part in ("pretrain", "heldout", "finetune", "records"):
        write_csv(corpus[part], out[part])
    for part, text in (("tokenizer", corpus["tokenizer"]), ("meta", json.dumps(corpus["meta"], indent=1) + "\n")):
        with atomic_path(out[part]) as tmp:
            Path(tmp).write_text(text)


def read_texts(path) -> list[str]:
    """The ``text`` column of a corpus CSV (read as strings; no value is parsed as a number)."""
    return pd.read_csv(path, dtype={"text": str}, keep_default_na=False)["text"].tolist()


def read_records(path) -> pd.DataFrame:
    """The records CSV of a corpus, secrets read as strings (leading zeros kept)."""
    return pd.read_csv(path, dtype={"pin": str, "acct": str, "note": str, "text": str}, keep_default_na=False)


# ---------------------------------------------------------------------------------------------
# training


def _train_log(log, **extra) -> dict:
    return {
        "steps": log.steps,
        "tokens": log.tokens,
        "seconds": log.seconds,
        "tokens_per_second": log.tokens_per_second,
        "final_loss": log.final_loss,
    } | extra


def _adamw(settings: dict) -> dict:
    """The keyword arguments of :func:`memtrade.lab.train.train` from a ``lab.pretrain``/``lab.finetune`` entry."""
    return {k: settings[k] for k in ("epochs", "batch", "lr", "warmup_fraction", "weight_decay")}


def pretrain(size: dict, context: int, settings: dict, texts, tokenizer_json: str, seed: int, name: str, index: int):
    """Initialise a model of ``size`` and train it on the background texts. Returns (params, cfg, log dict)."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_str(tokenizer_json)
    cfg = model_config(size, context, tok.get_vocab_size())
    params = init_params(cfg, seeds.generator(seed, "lab", name, index, "init"))
    ids, mask = T.pack(tok, texts, limit=context)
    if ids.shape[1] > context:
        raise ValueError(f"a pretraining document needs {ids.shape[1]} tokens, more than lab.context = {context}")
    params, log = train(
        params,
        cfg,
        ids,
        mask,
        seeds.generator(seed, "lab", name, index, "pretrain"),
        **_adamw(settings),
    )
    return params, cfg, _train_log(log, params=n_params(cfg))


def finetune_rows(finetune: pd.DataFrame, variant: str, dedup: dict) -> pd.DataFrame:
    """The fine-tuning rows a variant trains on: all of them, or those kept by exact or near deduplication."""
    if variant in ("undefended", "dpsgd"):
        return finetune
    keep = C.deduplicate(
        finetune["text"],
        near=variant == "dedup_near",
        threshold=dedup["threshold"],
        shingle=dedup["shingle"],
        num_perm=dedup["num_perm"],
    )
    return finetune.iloc[keep].reset_index(drop=True)


def finetune(
    checkpoint, finetune: pd.DataFrame, variant: str, settings: dict, defences: dict, seed: int, name: str, index: int
):
    """Fine-tune a pretrained checkpoint on the fine-tuning set under ``variant``.

    ``undefended`` and the deduplications use AdamW (``settings``); ``dpsgd`` uses DP-SGD
    (``defences['dpsgd']``) and reports ε at δ = 1/N. Returns (params, cfg, tokenizer json, log dict).
    """
    from tokenizers import Tokenizer

    if variant not in VARIANTS:
        raise ValueError(f"unknown fine-tuning variant {variant!r}; known: {VARIANTS}")
    params, cfg = load_checkpoint(checkpoint)
    tok_json = (Path(checkpoint) / "tokenizer.json").read_text()
    tok = Tokenizer.from_str(tok_json)
    rows = finetune_rows(finetune, variant, (defences or {}).get("dedup"))
    ids, mask = T.pack(tok, rows["text"].tolist(), limit=cfg.n_positions)
    if ids.shape[1] > cfg.n_positions:
        raise ValueError(f"a fine-tuning row needs {ids.shape[1]} tokens, more than lab.context = {cfg.n_positions}")
    rng = seeds.generator(seed, "lab", name, index, variant, "finetune")
    extra = {"rows": len(rows), "record_rows": int((rows["record"] >= 0).sum())}
    if variant == "dpsgd":
        dp = defences["dpsgd"]
        key = jax.random.PRNGKey(seeds.integer(seed, "lab", name, index, variant, "noise"))
        params, log, q, steps = train_dp(
            params,
            cfg,
            ids,
            mask,
            rng,
            key,
            epochs=dp["epochs"],
            batch=dp["batch"],
            lr=dp["lr"],
            warmup_fraction=settings["warmup_fraction"],
            clip=dp["clip"],
            noise_multiplier=dp["noise_multiplier"],
        )
        delta = 1.0 / len(rows)
        extra |= {
            "noise_multiplier": dp["noise_multiplier"],
            "clip": dp["clip"],
            "sampling_rate": q,
            "dp_steps": steps,
            "delta": delta,
            "epsilon": dp_epsilon(q, dp["noise_multiplier"], steps, delta),
        }
    else:
        params, log = train(params, cfg, ids, mask, rng, **_adamw(settings))
    return params, cfg, tok_json, _train_log(log, **extra)


# ---------------------------------------------------------------------------------------------
# measurement


def secret_positions(tok, texts, spans) -> tuple[list[list[int]], np.ndarray]:
    """Token ids of each text and, per text, a boolean array over its tokens marking the characters in ``spans``.

    ``spans`` [N, 2]: character start and end per text. A token is marked when its characters
    overlap the span.
    """
    enc = tok.encode_batch(list(texts), add_special_tokens=False)
    ids = [e.ids for e in enc]
    marks = []
    for e, (a, b) in zip(enc, spans, strict=True):
        off = np.asarray(e.offsets)
        marks.append((off[:, 0] < b) & (off[:, 1] > a))
    return ids, marks


def record_layout(tok, records: pd.DataFrame, k: int, m: int) -> dict:
    """Prompts, targets and secret positions of every record for extraction and exposure.

    Sequence = ``<|endoftext|>`` + record tokens + ``<|endoftext|>`` (a training row). The secret
    starts at the pin's first digit. Prompt: the last ``k`` tokens before it; target: the next
    ``m`` tokens (the row is padded with ``<|endoftext|>`` if shorter). ``pin_prompts`` and
    ``acct_prompts``: the last ``k`` tokens before the pin and before the account number, for
    exposure.
    """
    eot = T.eot_id(tok)
    texts = records["text"].tolist()
    pin_start = np.array([t.index(" pin ") + 5 for t in texts])
    acct_start = np.array([t.index(" acct ") + 6 for t in texts])
    pin_len = records["pin"].str.len().to_numpy()
    acct_len = records["acct"].str.len().to_numpy()
    ids, pin_marks = secret_positions(tok, texts, np.stack([pin_start, pin_start + pin_len], 1))
    _, acct_marks = secret_positions(tok, texts, np.stack([acct_start, acct_start + acct_len], 1))
    prompts, targets, secret_in_target, pin_prompts, acct_prompts, starts, acct_starts = [], [], [], [], [], [], []
    for row, pm, am in zip(ids, pin_marks, acct_marks, strict=True):  # ragged token lists
        seq = np.array([eot, *row, eot], dtype=np.int32)
        secret = np.concatenate([[False], pm | am, [False]])
        s = 1 + int(np.argmax(pm))
        a = 1 + int(np.argmax(am))
        tgt = np.concatenate([seq[s : s + m], np.full(max(0, s + m - len(seq)), eot, np.int32)])
        sec = np.concatenate([secret[s : s + m], np.zeros(max(0, s + m - len(seq)), bool)])
        prompts.append(seq[max(0, s - k) : s])
        targets.append(tgt)
        secret_in_target.append(sec)
        pin_prompts.append(seq[max(0, s - k) : s])
        acct_prompts.append(seq[max(0, a - k) : a])
        starts.append(max(0, s - k))
        acct_starts.append(max(0, a - k))
    return {
        "prompts": M.Prompts.from_lists(prompts, eot, width=k, starts=starts),
        "acct_starts": np.array(acct_starts),
        "targets": np.stack(targets),
        "secret_in_target": np.stack(secret_in_target),
        "pin_prompts": pin_prompts,
        "acct_prompts": acct_prompts,
    }


def _digit_ids(tok) -> np.ndarray:
    ids = [tok.token_to_id(str(v)) for v in range(10)]
    if None in ids or not T.digits_are_tokens(tok):
        raise ValueError("exact exposure needs one token per digit; this tokenizer merges digits")
    return np.array(ids, dtype=np.int32)


def exposures(params, cfg, tok, records: pd.DataFrame, layout: dict, candidates: int, rng) -> pd.DataFrame:
    """Per record: exact exposure of the pin, its skew-normal extrapolation from ``candidates``
    sampled candidates, and the extrapolated exposure of the account number."""
    digit_ids = _digit_ids(tok)
    pins = records["pin"].to_numpy()
    accts = records["acct"].to_numpy()
    pin_digits = len(pins[0])
    acct_digits = len(accts[0])
    rows = []
    acct_sample = rng.integers(0, 10, size=(len(records), candidates, acct_digits))
    pin_sample = rng.choice(10**pin_digits - 1, size=(len(records), candidates), replace=True)
    pin_prompts, acct_prompts = layout["pin_prompts"], layout["acct_prompts"]
    pin_width = acct_width = layout["prompts"].ids.shape[1]  # one compiled shape for every record
    for i in range(len(records)):  # one shared prompt per record; candidates are batched
        lp = M.exact_secret_logprobs(
            params, cfg, pin_prompts[i], digit_ids, pin_digits, pin_width, int(layout["prompts"].starts[i])
        )
        secret = int(pins[i])
        others = np.delete(np.arange(10**pin_digits), secret)[pin_sample[i]]
        perp = -lp / M.LN2
        cand = np.concatenate([np.array([list(accts[i])], dtype=np.int64), acct_sample[i]])
        a_lp = M.continuation_logprob(
            params, cfg, acct_prompts[i], digit_ids[cand], acct_width, int(layout["acct_starts"][i])
        )
        rows.append(
            {
                "record": int(records["record"].iloc[i]),
                "pin_exposure_exact": M.exposure_exact(lp, secret),
                "pin_exposure_extrapolated": M.exposure_extrapolated(perp[others], perp[secret]),
                "acct_exposure_extrapolated": M.exposure_extrapolated(-a_lp[1:] / M.LN2, -a_lp[0] / M.LN2),
                "pin_log2_candidates": pin_digits * np.log2(10),
                "acct_log2_candidates": acct_digits * np.log2(10),
            }
        )
    return pd.DataFrame(rows)


def extract(params, cfg, layout: dict, m: int) -> dict:
    """Extraction of every record of ``layout`` (:func:`record_layout`): the greedy continuations
    [N, m] and their predictive entropies, the memorization scores, which records are extracted, and
    how many of the secret digits inside each target the continuation gets right."""
    gen, ent = M.greedy(params, cfg, layout["prompts"], m)
    score, extracted = M.match_scores(gen, layout["targets"])
    correct = ((gen == layout["targets"]) & layout["secret_in_target"]).sum(axis=1)
    return {"generated": gen, "entropy": ent, "score": score, "extracted": extracted, "digits_correct": correct}


def measure(
    params,
    cfg,
    tok,
    records: pd.DataFrame,
    heldout,
    settings: dict,
    filters: dict,
    words_per_doc: int,
    seed: int,
    name: str,
    index: int,
    variant: str,
):
    """All measurements of one model. Returns (records frame, perturbation frame, model dict).

    ``settings``: the config's ``lab.extraction``, ``lab.perturbation`` and ``lab.exposure``;
    ``filters``: ``lab.defences.regex`` and ``lab.defences.entropy``.
    """
    k = settings["extraction"]["prefix_tokens"]
    m = settings["extraction"]["suffix_tokens"]
    rng = seeds.generator(seed, "lab", name, index, variant, "measure")
    layout = record_layout(tok, records, k, m)
    x = extract(params, cfg, layout, m)
    texts = tok.decode_batch(x["generated"].tolist())
    out = records[["record", "repetitions", "motif_length", "redundancy"]].copy()
    out["prompt_tokens"] = layout["prompts"].lengths
    out["mem_score"] = x["score"]
    out["extracted"] = x["extracted"]
    out["secret_digits"] = layout["secret_in_target"].sum(axis=1)
    out["secret_digits_correct"] = x["digits_correct"]
    out["mean_entropy_bits"] = x["entropy"].mean(axis=1)
    defences = filters
    out["regex_blocked"] = M.regex_blocked(texts, defences["regex"])

    # benign generations (held-out background documents): utility of the filters, entropy threshold
    eot = T.eot_id(tok)
    held_ids = T.encode(tok, heldout)
    half = [np.array([eot, *h[: max(1, len(h) // 2)]], np.int32) for h in held_ids]
    benign = M.Prompts.from_lists([x[-k:] for x in half], eot, width=k, starts=[max(0, len(x) - k) for x in half])
    benign_gen, benign_ent = M.greedy(params, cfg, benign, m)
    benign_mean = benign_ent.mean(axis=1)
    calib = benign_mean[::2]  # calibrate on every other document, evaluate on the rest
    threshold = float(np.quantile(calib, defences["entropy"]["benign_block_rate"]))
    out["entropy_blocked"] = out["mean_entropy_bits"] < threshold
    benign_text = tok.decode_batch(benign_gen[1::2].tolist())

    # prefix perturbation
    counts = settings["perturbation"]["tokens"]
    scores = M.perturbed_scores(
        params, cfg, layout["prompts"], layout["targets"], counts, settings["perturbation"]["draws"],
        T.ordinary_tokens(tok), rng,
    )  # fmt: skip
    pert = pd.DataFrame(
        {
            "record": np.tile(records["record"].to_numpy(), len(counts)),
            "perturbed_tokens": np.repeat(counts, len(records)),
            "mem_score": scores.ravel(),
        }
    ).sort_values(["record", "perturbed_tokens"], kind="stable", ignore_index=True)

    ex = exposures(params, cfg, tok, records, layout, settings["exposure"]["candidates"], rng)
    out = out.merge(ex, on="record", how="left", validate="one_to_one")

    # held-out loss
    ids, mask = T.pack(tok, heldout, limit=cfg.n_positions)
    nll = sequence_nll(params, cfg, ids, mask)
    model = {
        "params": n_params(cfg),
        "heldout_bits_per_word": S.bits_per_word(nll, words_per_doc),
        "entropy_threshold_bits": threshold,
        "benign_pass_entropy": float(1.0 - np.mean(benign_mean[1::2] < threshold)),
        "benign_pass_regex": float(1.0 - np.mean(M.regex_blocked(benign_text, defences["regex"]))),
    }
    return out, pert, model


def save_model(directory, params, cfg, tokenizer_json: str, log: dict) -> None:
    """A GPT-2 checkpoint directory plus ``train.json`` (what the training did)."""
    save_checkpoint(directory, params, cfg, tokenizer_json)
    with atomic_path(Path(directory) / "train.json") as tmp:
        Path(tmp).write_text(json.dumps(log, indent=1, sort_keys=True) + "\n")


def load_model(directory):
    """(params, config, training log) of a checkpoint directory of :func:`save_model`; the log is
    empty for a checkpoint without ``train.json`` (a pretrained one)."""
    params, cfg = load_checkpoint(directory)
    log = Path(directory) / "train.json"
    return params, cfg, json.loads(log.read_text()) if log.is_file() else {}


def edit_study(
    params,
    cfg,
    tok,
    records: pd.DataFrame,
    heldout,
    settings: dict,
    k: int,
    m: int,
    words_per_doc: int,
    seed: int,
    index: int,
):
    """Private Memorization Editing (docs/science.md section 8) on one fine-tuned model.

    Detects the records the model leaks (extraction), edits the MLP of the layer with the largest
    measured contribution so that a random ``edit_fraction`` of them yield ``placeholder`` instead,
    and measures every record's extraction before and after and the held-out loss on background
    documents not used for the edit's preservation term. ``settings``: the config's ``lab.editing``.

    Returns (records frame: one row per record, edit dict: one row per model).
    """
    rng = seeds.generator(seed, "lab", "editing", index)
    layout = record_layout(tok, records, k, m)
    prompts = layout["prompts"]
    before = extract(params, cfg, layout, m)
    extracted = before["extracted"]
    leaking = np.flatnonzero(extracted)
    edited = np.sort(rng.permutation(leaking)[: int(round(settings["edit_fraction"] * len(leaking)))])
    placeholder = tok.token_to_id(settings["placeholder"])
    if placeholder is None:
        raise ValueError(f"lab.editing.placeholder {settings['placeholder']!r} is not one token of the tokenizer")

    # background documents: the first half fixes the preservation term, the second measures utility
    ids, mask = T.pack(tok, heldout, limit=cfg.n_positions)
    half = len(ids) // 2
    before_nll = sequence_nll(params, cfg, ids[half:], mask[half:])
    out = records[["record", "repetitions", "motif_length"]].copy()
    out["group"] = np.where(extracted, "leaking_not_edited", "not_leaking")
    out.loc[out.index[edited], "group"] = "edited"
    out["extracted_before"] = extracted
    out["secret_digits"] = layout["secret_in_target"].sum(axis=1)
    out["secret_digits_correct_before"] = before["digits_correct"]
    summary = {
        "leaking": len(leaking),
        "edited": len(edited),
        "heldout_bits_per_word_before": S.bits_per_word(before_nll, words_per_doc),
    }
    if len(edited) == 0:  # nothing leaks: no edit (the tables report the counts)
        out["extracted_after"] = extracted
        out["secret_digits_correct_after"] = out["secret_digits_correct_before"]
        out["placeholder_first"] = False
        nan = float("nan")
        return out, summary | {
            "layer": -1, "preservation_weight": nan, "edit_rank": 0, "edit_norm": 0.0,
            "edit_relative_norm": 0.0, "value_fit": nan, "placeholder_logprob": nan,
            "heldout_bits_per_word_after": summary["heldout_bits_per_word_before"],
        }  # fmt: skip

    p_ids, p_valid, p_starts = prompts.ids[edited], prompts.valid()[edited], prompts.starts[edited]
    moments, means = E.background_statistics(params, cfg, ids[:half], mask[:half])
    contrib = E.layer_contributions(params, cfg, p_ids, p_valid, p_starts, layout["targets"][edited, 0], means)
    layer = int(np.argmax(contrib)) if settings["layer"] == "auto" else int(settings["layer"])
    residuals, lp = E.target_deltas(
        params, cfg, p_ids, p_valid, p_starts, layer, placeholder,
        settings["value_steps"], settings["value_lr"], settings["value_decay"],
    )  # fmt: skip
    _, keys, _ = E.prompt_pass(params, cfg, p_ids, p_valid, p_starts, layer)
    delta, weight, _ = E.calibrated_edit(
        np.asarray(keys), residuals, moments[layer], settings["preservation_weights"], settings["min_value_fit"]
    )
    edited_params = E.apply_edit(params, layer, delta)

    after = extract(edited_params, cfg, layout, m)
    out["extracted_after"] = after["extracted"]
    out["secret_digits_correct_after"] = after["digits_correct"]
    out["placeholder_first"] = after["generated"][:, 0] == placeholder
    after_nll = sequence_nll(edited_params, cfg, ids[half:], mask[half:])
    summary |= {"layer": layer, "preservation_weight": weight, "placeholder_logprob": float(np.mean(lp))}
    summary |= E.edit_summary(keys, residuals, delta, params[f"h.{layer}.mlp.c_proj.weight"])
    summary |= {f"contribution_layer{i}": float(c) for i, c in enumerate(contrib)}
    summary["heldout_bits_per_word_after"] = S.bits_per_word(after_nll, words_per_doc)
    return out, summary


def _memorization(params, cfg, tok, records: pd.DataFrame, layout: dict, held: tuple, m: int, candidates: int, rng):
    """Extraction, memorization score, secret digits recalled and exposures of every record, and the
    held-out loss (total NLL per document, nats) of one model."""
    x = extract(params, cfg, layout, m)
    out = records[["record", "repetitions", "motif_length"]].copy()
    out["extracted"] = x["extracted"]
    out["mem_score"] = x["score"]
    out["secret_digits"] = layout["secret_in_target"].sum(axis=1)
    out["secret_digits_correct"] = x["digits_correct"]
    ex = exposures(params, cfg, tok, records, layout, candidates, rng)
    out = out.merge(
        ex[["record", "pin_exposure_exact", "acct_exposure_extrapolated"]], on="record", validate="one_to_one"
    )
    return out, sequence_nll(params, cfg, *held)


def sampled_secrets(texts, records: pd.DataFrame) -> int:
    """How many records' pin and account number appear together, verbatim, in ``texts``."""
    planted = set(zip(records["pin"], records["acct"], strict=True))
    found = {pair for t in texts for pair in C.SECRET_PATTERN.findall(t)}
    return len(planted & found)


def _log_throughput(what: str, train_log, cfg) -> None:
    """Log a training run's wall-clock throughput (kept out of the tables, which are byte-identical)."""
    gflops = 6 * n_params(cfg) * train_log.tokens / max(train_log.seconds, 1e-9) / 1e9  # forward + backward
    logger.info(
        "%s: %d steps, %d tokens in %.1f s (%.0f tokens/s, %.2f GFLOP/s of the 6 N per token model matmuls)",
        what, train_log.steps, train_log.tokens, train_log.seconds, train_log.tokens_per_second, gflops,
    )  # fmt: skip


def distill_study(
    teacher,
    student_init,
    direct,
    tok,
    finetune: pd.DataFrame,
    records: pd.DataFrame,
    heldout,
    settings: dict,
    training: dict,
    k: int,
    m: int,
    candidates: int,
    words_per_doc: int,
    seed: int,
    index: int,
):
    """Distillation of a fine-tuned teacher into students of a smaller size (docs/science.md section 8.6).

    ``teacher``, ``student_init`` and ``direct`` are (params, cfg, train log dict) of the fine-tuned
    teacher, the student size's pretrained checkpoint and that size fine-tuned directly (the
    ``direct`` method, trained by the laboratory's fine-tuning job). Each other method in
    ``settings['methods']`` trains a copy of ``student_init`` on the fine-tuning rows with the
    AdamW settings ``training`` (the config's ``lab.finetune``, as the direct student had). Every
    model, the teacher included, is then measured: extraction, exposure, held-out loss.

    Returns (records frame: one row per method and record, models frame: one row per method).
    """
    t_params, t_cfg, t_log = teacher
    s_init, s_cfg, _ = student_init
    if t_cfg.vocab_size != s_cfg.vocab_size:
        raise ValueError(f"teacher vocabulary {t_cfg.vocab_size} differs from the student's {s_cfg.vocab_size}")
    eot = T.eot_id(tok)
    layout = record_layout(tok, records, k, m)
    held = T.pack(tok, heldout, limit=t_cfg.n_positions)
    ids, mask = T.pack(tok, finetune["text"].tolist(), limit=t_cfg.n_positions)
    temperature, prompt_tokens = settings["temperature"], settings["prompt_tokens"]
    adamw = _adamw(training)
    models = {"teacher": (t_params, t_cfg, t_log), "direct": direct}
    for method in settings["methods"]:
        if method == "direct":
            continue
        rng = seeds.generator(seed, "lab", "distill", index, method, "batches")
        key = jax.random.PRNGKey(seeds.integer(seed, "lab", "distill", index, method, "sample"))
        extra = {}
        if method == "word_kd":
            objective = D.word_kd_objective(s_cfg, t_cfg, temperature)
            params, log = train(s_init, s_cfg, ids, mask, rng, objective=objective, aux=t_params, **adamw)
        elif method == "seq_kd":
            x, xm = D.teacher_rows(t_params, t_cfg, ids, prompt_tokens, key, 1.0, eot)
            texts = tok.decode_batch([row[: int(n)].tolist() for row, n in zip(x, xm.sum(axis=1), strict=True)])
            extra = {
                "sampled_secrets": sampled_secrets(texts, records),
                "sampled_tokens_per_row": float(xm.sum(1).mean()),
            }
            params, log = train(s_init, s_cfg, x, xm, rng, **adamw)
        elif method == "reverse_kl":
            objective = D.reverse_kl_objective(s_cfg, t_cfg, prompt_tokens, 1.0, eot)
            params, log = train(s_init, s_cfg, ids, mask, rng, objective=objective, key=key, aux=t_params, **adamw)
        else:
            raise ValueError(f"unknown distillation method {method!r}; known: {D.METHODS}")
        models[method] = (params, s_cfg, _train_log(log, **extra))
        _log_throughput(f"distillation {method}", log, s_cfg)

    rows, summaries = [], []
    for method, (params, cfg, log) in models.items():
        rng = seeds.generator(seed, "lab", "distill", index, method, "measure")
        out, nll = _memorization(params, cfg, tok, records, layout, held, m, candidates, rng)
        out.insert(0, "method", method)
        rows.append(out)
        keep = ("steps", "tokens", "final_loss", "sampled_secrets", "sampled_tokens_per_row")  # no wall-clock
        summaries.append(
            {"method": method, "params": n_params(cfg), "heldout_bits_per_word": S.bits_per_word(nll, words_per_doc)}
            | {k: log.get(k, np.nan) for k in keep}
        )
    return pd.concat(rows, ignore_index=True), pd.DataFrame(summaries)


def stim_study(background, size: dict, context: int, vocab: int, settings: dict, seed: int, index: int):
    """STIM (docs/science.md section 8.7) on one seed: build the reasoning corpus, train a model on
    it, let it answer fresh questions, and score every result token of its steps by source.

    ``background``: background documents of the laboratory corpus (the first
    ``settings['background_docs']`` are mixed with the task rows); ``size``: the model's entry of
    ``lab.sizes``; ``vocab``: the tokenizer size; ``settings``: the config's ``lab.stim``.

    Returns (tokens frame: one row per scored token; questions frame: one row per test question;
    model dict).
    """
    law = ST.operand_law(
        seeds.generator(seed, "lab", "stim", index, "law"), settings["max_operand"], settings["zipf_exponent"]
    )
    train_q = ST.questions(
        seeds.generator(seed, "lab", "stim", index, "train"), law, settings["train_questions"], settings["operands"]
    )
    test_q = ST.questions(
        seeds.generator(seed, "lab", "stim", index, "test"), law, settings["test_questions"], settings["operands"]
    )
    texts = list(background[: settings["background_docs"]]) + [ST.chain_text(q) for q in train_q]
    tok = T.train(texts, vocab)
    cfg = model_config(size, context, tok.get_vocab_size())
    k = settings["alternatives"]
    if k > cfg.vocab_size:
        raise ValueError(f"lab.stim.alternatives = {k} exceeds the tokenizer's {cfg.vocab_size} tokens")
    ids, mask = T.pack(tok, texts, limit=context)
    params = init_params(cfg, seeds.generator(seed, "lab", "stim", index, "init"))
    params, train_log = train(
        params, cfg, ids, mask, seeds.generator(seed, "lab", "stim", index, "batches"), **_adamw(settings["train"])
    )
    _log_throughput(f"STIM seed {index}", train_log, cfg)

    # the model answers fresh questions (greedy), then its steps are parsed and checked
    eot = T.eot_id(tok)
    prompts = [[eot, *p] for p in T.encode(tok, [ST.question_text(q) for q in test_q])]
    p_len = np.array([len(p) for p in prompts])
    width = int(ids.shape[1])
    gen, _ = M.greedy(params, cfg, M.Prompts.from_lists(prompts, eot), width - int(p_len.max()))
    rows = np.full((len(prompts), width), eot, np.int32)
    for i, (p, g) in enumerate(zip(prompts, gen, strict=True)):  # ragged rows: one copy each
        rows[i, : len(p)] = p
        rows[i, len(p) : len(p) + len(g)] = g[: width - len(p)]
    sep = tok.encode("1 |", add_special_tokens=False).ids[-1]
    scored = []
    for i, g in enumerate(gen):  # string parsing, one chain at a time
        stop = np.flatnonzero(g == eot)
        g = g[: stop[0]] if len(stop) else g
        for t in ST.step_tokens(tok, g, test_q[i], sep):
            scored.append(t | {"question": i, "index": int(p_len[i] + t["position"])})
    tokens = pd.DataFrame(scored, columns=["question", "step", "position", "index", "token", "wrong"])
    if tokens.empty:
        raise ValueError(
            f"seed {index}: the model wrote no step of the task that could be scored (lab.stim: train longer "
            "or a larger size)"
        )
    q_of, at = tokens["question"].to_numpy(), tokens["index"].to_numpy()

    # the model's alternatives and saliency at the scored positions
    top, prob = map_chunks(lambda c, x: ST.alternatives(params, cfg, jnp.asarray(x), k), (rows,), 64)
    cand, cprob = top[q_of, at - 1], prob[q_of, at - 1]
    sal = np.abs(map_chunks(lambda c, x: ST.saliency(params, cfg, jnp.asarray(x)), (rows,), 16))[q_of, at - 1]
    pos = np.arange(width)[None, :]
    s = settings["salient_tokens"]
    question_region = (pos >= 1) & (pos < p_len[q_of][:, None])
    prefix_region = (pos >= p_len[q_of][:, None]) & (pos < at[:, None])

    def salient(region):
        score = np.where(region, sal, -np.inf)
        best = np.argsort(-score, axis=1, kind="stable")[:, :s]
        ok = np.take_along_axis(region, best, axis=1)
        return rows[q_of[:, None], best], ok

    # corpus counts under the three sources
    corpus_rows = [r[: int(n)] for r, n in zip(ids, mask.sum(axis=1), strict=True)]
    index_ = ST.NgramIndex(corpus_rows, settings["max_ngram"])
    co = ST.cooccurrence(corpus_rows, cfg.vocab_size, settings["window"])
    ctx_w = settings["max_ngram"] - 1
    ctx_pos = at[:, None] - ctx_w + np.arange(ctx_w)[None, :]
    contexts = np.where(ctx_pos >= 0, rows[q_of[:, None], np.maximum(ctx_pos, 0)], -1)
    local, ell = ST.local_counts(index_, contexts, cand)
    counts = {"local": local}
    for name, region in (("mid", prefix_region), ("long", question_region)):
        toks_, ok = salient(region)
        # [T, K]; all zero without a salient token (no generated prefix yet): no ranking, score NaN
        counts[name] = (co[toks_[:, :, None], cand[:, None, :]] * ok[:, :, None]).sum(axis=1)
    scores = np.stack([ST.spearman_rows(cprob, counts[name]) for name in ST.SOURCES], axis=1)
    score, dom = ST.dominant(scores)

    # inputs: rare when their rarest operand is rare in the training questions
    freq = np.bincount(train_q.ravel(), minlength=len(law))
    rarity = freq[test_q].min(axis=1)
    long_tail = np.zeros(len(test_q), bool)
    long_tail[np.argsort(rarity, kind="stable")[: len(test_q) // 2]] = True
    tokens["prob"] = cprob[:, 0]  # greedy: the generated token is the most likely one
    for j, name in enumerate(ST.SOURCES):
        tokens[f"score_{name}"] = scores[:, j]
    tokens["score"] = score
    tokens["dominant"] = dom
    tokens["local_context"] = ell
    tokens["long_tail"] = long_tail[q_of]
    steps = tokens.groupby("question").agg(steps=("step", "nunique"), wrong_steps=("wrong", "sum"))
    questions_ = pd.DataFrame(
        {
            "question": np.arange(len(test_q)),
            "operands": [" ".join(map(str, q)) for q in test_q],
            "rarity": rarity,
            "long_tail": long_tail,
        }
    ).merge(steps, left_on="question", right_index=True, how="left")
    questions_[["steps", "wrong_steps"]] = questions_[["steps", "wrong_steps"]].fillna(0).astype(int)
    model = _train_log(train_log, params=n_params(cfg), vocab=cfg.vocab_size)
    for wall_clock in ("seconds", "tokens_per_second"):  # tables stay byte-identical run to run
        model.pop(wall_clock)
    return tokens, questions_, model
