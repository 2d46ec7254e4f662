"""Audit any GPT-2 checkpoint (ours or a Hugging Face GPT-2 one) on the user's own samples.

The laboratory's measurements without the laboratory: for each sample (one line of text) the
extraction test and memorization score of its first ``k`` tokens against the next ``m``, the
score under prefix perturbation and the sample's redundancy; for a canary with a digit secret,
its exposure. ``memtrade lm-audit`` is the command-line front end.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from . import corpus as C
from . import measure as M
from . import tokenizer as T


def audit_samples(
    params, cfg, tok, samples, k: int, m: int, perturb_tokens, draws: int, rng, bos: bool = True
) -> pd.DataFrame:
    """Per sample: extraction of its first ``k`` tokens' continuation (``m`` tokens), memorization
    score, mean score with ``j`` prompt tokens replaced (column ``mem_score_j``) and redundancy.

    Samples shorter than ``k + m`` tokens are reported with ``extracted`` empty (not measurable).
    ``bos`` prepends ``<|endoftext|>`` (GPT-2's document separator) to every prompt.
    """
    eot = T.eot_id(tok)
    ids = T.encode(tok, samples)
    ok = np.array([len(x) >= k + m for x in ids])
    out = pd.DataFrame({"sample": np.arange(len(samples)), "tokens": [len(x) for x in ids], "measurable": ok})
    out["redundancy"] = C.redundancy([s if s else " " for s in samples])
    if not ok.any():
        return out
    lead = [eot] if bos else []
    prompts = M.Prompts.from_lists(
        [lead + x[:k] for x, good in zip(ids, ok, strict=True) if good], eot, width=k + len(lead)
    )
    target = np.array([x[k : k + m] for x, good in zip(ids, ok, strict=True) if good])
    gen, _ = M.greedy(params, cfg, prompts, m)
    score, extracted = M.match_scores(gen, target)
    out.loc[ok, "mem_score"] = score
    out.loc[ok, "extracted"] = extracted
    scores = M.perturbed_scores(params, cfg, prompts, target, perturb_tokens, draws, T.ordinary_tokens(tok), rng)
    for j, s in zip(perturb_tokens, scores, strict=True):
        out.loc[ok, f"mem_score_{j}"] = s
    return out


def audit_checkpoint(directory, samples, k: int, m: int, perturb_tokens, draws: int, seed: int, name: str):
    """:func:`audit_samples` for a GPT-2 checkpoint directory (``model.safetensors``, ``config.json``,
    ``tokenizer.json``); blank samples are skipped. Randomness: stream ("lab", "audit", name)."""
    from .. import seeds
    from .gpt2 import load_checkpoint

    params, cfg = load_checkpoint(directory)
    tok = T.load(Path(directory) / "tokenizer.json")
    lines = [s for s in samples if s.strip()]
    return audit_samples(
        params, cfg, tok, lines, k, m, perturb_tokens, draws, seeds.generator(seed, "lab", "audit", name)
    )


def _score_texts(params, cfg, tok, prompt_ids, texts) -> np.ndarray:
    """Log-probability (nats) of each continuation text after the prompt, by its own tokenization.

    Continuations are grouped by token count and scored in batches (any tokenizer, digits merged or not).
    """
    enc = T.encode(tok, texts)
    lengths = np.array([len(e) for e in enc])
    out = np.empty(len(texts))
    for n in np.unique(lengths):  # one batch per continuation length
        idx = np.flatnonzero(lengths == n)
        out[idx] = M.continuation_logprob(params, cfg, np.asarray(prompt_ids), np.array([enc[i] for i in idx]))
    return out


def canary_exposure(
    params, cfg, tok, prefix: str, secret: str, candidates: int, rng, exact_limit: int = 100_000
) -> dict:
    """Exposure of a digit ``secret`` after the text ``prefix`` (Carlini et al. 2019).

    Exact rank over all 10^len(secret) digit strings when there are at most ``exact_limit``; the
    skew-normal extrapolation from ``candidates`` random other strings always.
    """
    if not secret.isdigit():
        raise ValueError(f"the secret must be a string of digits, got {secret!r}")
    d = len(secret)
    eot = T.eot_id(tok)
    prompt = [eot, *T.encode(tok, [prefix])[0]]
    space = 10**d
    out = {"digits": d, "log2_candidates": d * np.log2(10)}
    if space <= exact_limit:
        allc = [str(i).zfill(d) for i in range(space)]
        lp = _score_texts(params, cfg, tok, prompt, allc)
        out["exposure_exact"] = M.exposure_exact(lp, int(secret))
        sample = rng.choice(np.delete(np.arange(space), int(secret)), size=min(candidates, space - 1), replace=False)
        perp = -lp / M.LN2
        out["exposure_extrapolated"] = M.exposure_extrapolated(perp[sample], perp[int(secret)])
    else:
        others = ["".join(map(str, row)) for row in rng.integers(0, 10, size=(candidates, d))]
        lp = _score_texts(params, cfg, tok, prompt, [secret, *others])
        out["exposure_exact"] = np.nan
        out["exposure_extrapolated"] = M.exposure_extrapolated(-lp[1:] / M.LN2, -lp[0] / M.LN2)
    return out
