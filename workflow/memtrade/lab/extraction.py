"""The planted records' memorization in one model: where each record's prompt, target and secrets
lie in its tokens (:func:`record_layout`), extraction (:func:`extract`), exposure of the secrets
(:func:`exposures`), and every measurement of the ``lab_measure`` job (:func:`measure`): extraction,
prefix perturbation, exposure, the output filters and the held-out loss (docs/science.md section 8).
The model-level primitives (greedy decoding, exact and extrapolated exposure, filters) are
:mod:`memtrade.lab.measure`'s.

Stream: ("lab", size, seed_index, variant, "measure").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import seeds
from . import measure as M
from . import stats as S
from . import tokenizer as T
from .gpt2 import n_params
from .train import sequence_nll


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
    exposure. ``name_at``: where the name's last token sits in each left-padded prompt (the record's
    subject, where Private Memorization Editing reads its keys); -1 when the prompt cuts it off.
    """
    eot = T.eot_id(tok)
    texts = records["text"].tolist()
    pin_start = np.array([t.index(" pin ") + 5 for t in texts])
    acct_start = np.array([t.index(" acct ") + 6 for t in texts])
    pin_len = records["pin"].str.len().to_numpy()
    acct_len = records["acct"].str.len().to_numpy()
    ids, pin_marks = secret_positions(tok, texts, np.stack([pin_start, pin_start + pin_len], 1))
    _, acct_marks = secret_positions(tok, texts, np.stack([acct_start, acct_start + acct_len], 1))
    name_end = pin_start - 5  # the character after the last name
    _, name_marks = secret_positions(tok, texts, np.stack([name_end - 1, name_end], 1))
    name_at = []
    prompts, targets, secret_in_target, pin_prompts, acct_prompts, starts, acct_starts = [], [], [], [], [], [], []
    acct_targets = []
    for row, pm, am, nm in zip(ids, pin_marks, acct_marks, name_marks, strict=True):  # ragged token lists
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
        acct_targets.append(seq[a : a + int(am.sum())])
        starts.append(max(0, s - k))
        at = 1 + int(np.argmax(nm)) - max(0, s - k)  # in the prompt, then in its left-padded row
        name_at.append(at + k - len(prompts[-1]) if at >= 0 else -1)
        acct_starts.append(max(0, a - k))
    return {
        "prompts": M.Prompts.from_lists(prompts, eot, width=k, starts=starts),
        "acct_starts": np.array(acct_starts),
        "name_at": np.array(name_at, dtype=np.int32),
        "acct": M.Prompts.from_lists(acct_prompts, eot, width=k, starts=acct_starts),
        "acct_targets": np.stack(acct_targets),  # every account number has the same digit count
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


def account_recall(params, cfg, layout: dict) -> np.ndarray:
    """Per record: the share of its account number's digits the greedy continuation of the ``k``
    tokens before it gets right (:func:`record_layout`'s ``acct`` prompts and ``acct_targets``)."""
    targets = layout["acct_targets"]
    gen, _ = M.greedy(params, cfg, layout["acct"], targets.shape[1])
    return (gen == targets).mean(axis=1)


def non_secret_bits_per_token(params, cfg, tok, records: pd.DataFrame) -> float:
    """Next-token loss (bits per token) of ``records`` (fine-tuning-distribution text: fresh records,
    never trained on) over their non-secret tokens: every token but the pin's and the account
    number's digits (the end-of-text tokens included). Utility on the text a defence protects."""
    texts = records["text"].tolist()
    pin_start = np.array([t.index(" pin ") + 5 for t in texts])
    acct_start = np.array([t.index(" acct ") + 6 for t in texts])
    spans = [
        np.stack([start, start + records[col].astype(str).str.len().to_numpy()], 1)
        for start, col in ((pin_start, "pin"), (acct_start, "acct"))
    ]
    _, pin_marks = secret_positions(tok, texts, spans[0])
    _, acct_marks = secret_positions(tok, texts, spans[1])
    ids, mask = T.pack(tok, texts, limit=cfg.n_positions)
    for i, (pm, am) in enumerate(zip(pin_marks, acct_marks, strict=True)):  # ragged rows
        mask[i, 1 : 1 + len(pm)] *= ~(pm | am)  # row = <|endoftext|> + tokens + <|endoftext|>
    nll = sequence_nll(params, cfg, ids, mask)
    return float(nll.sum() / mask[:, 1:].sum() / np.log(2.0))


def utility_losses(params, cfg, tok, fresh: pd.DataFrame, heldout, words_per_doc: int) -> dict:
    """The two utility statistics of a model: held-out background loss (bits per word) and the
    fresh records' non-secret loss (bits per token)."""
    ids, mask = T.pack(tok, heldout, limit=cfg.n_positions)
    return {
        "heldout_bits_per_word": S.bits_per_word(sequence_nll(params, cfg, ids, mask), words_per_doc),
        "fresh_bits_per_token": non_secret_bits_per_token(params, cfg, tok, fresh),
    }


def _tempered_leaks(params, cfg, tok, layout, pins, m: int, threshold: float, evasion: dict, keys):
    """The attacker who evades the entropy filter by sampling at a temperature: per record, whether
    its pin appears in any of ``evasion['samples']`` samples at any of ``evasion['temperatures']``
    that the filter lets through (mean entropy of the served, tempered distribution at or above
    ``threshold``). ``keys``: one integer (from :mod:`memtrade.seeds`) per temperature."""
    draws = evasion["samples"]
    p = layout["prompts"]
    many = M.Prompts(np.repeat(p.ids, draws, 0), np.repeat(p.lengths, draws), np.repeat(p.starts, draws))
    leaked = np.zeros(len(pins), bool)
    for temperature, key in zip(evasion["temperatures"], keys, strict=True):  # N x samples rows each
        gen, ent = M.sample(params, cfg, many, m, float(temperature), key)
        passed = ent.mean(axis=1) >= threshold
        texts = tok.decode_batch(gen.tolist())
        hit = np.array([p in t for p, t in zip(np.repeat(pins, draws), texts, strict=True)])
        leaked |= (hit & passed).reshape(-1, draws).any(axis=1)
    return leaked


def measure(
    params,
    cfg,
    tok,
    records: pd.DataFrame,
    fresh: pd.DataFrame,
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
    ``filters``: ``lab.defences.regex``, ``lab.defences.entropy`` and ``lab.defences.evasion``.
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
    pins = records["pin"].astype(str).tolist()
    # secret-level leakage (Ramakrishnan & Balaji): the pin appears in the output
    out["secret_in_output"] = [p in t for p, t in zip(pins, texts, strict=True)]
    out["regex_blocked"] = M.regex_blocked(texts, defences["regex"])
    evasion = defences["evasion"]
    out["regex_evasive_leaked"] = M.chunked_leaks(tok, x["generated"], pins, defences["regex"], evasion["chunk_tokens"])

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
    keys = [seeds.integer(seed, "lab", name, index, variant, "evasion", i) for i in range(len(evasion["temperatures"]))]
    # the evasive attacker also has the plain greedy answer, when the filter lets it through
    out["entropy_evasive_leaked"] = _tempered_leaks(params, cfg, tok, layout, pins, m, threshold, evasion, keys) | (
        out["secret_in_output"].to_numpy() & ~out["entropy_blocked"].to_numpy()
    )

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

    # held-out losses: background text and the fine-tuning distribution (fresh records)
    model = {
        "params": n_params(cfg),
        **utility_losses(params, cfg, tok, fresh, heldout, words_per_doc),
        "entropy_threshold_bits": threshold,
        "benign_pass_entropy": float(1.0 - np.mean(benign_mean[1::2] < threshold)),
        "benign_pass_regex": float(1.0 - np.mean(M.regex_blocked(benign_text, defences["regex"]))),
    }
    return out, pert, model


def memorization(params, cfg, tok, records: pd.DataFrame, layout: dict, held: tuple, m: int, candidates: int, rng):
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
