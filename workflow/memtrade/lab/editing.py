"""Private Memorization Editing (Ruzzetti, Xompero, Venditti & Zanzotto, ACL 2025) on the
laboratory's GPT-2 models.

Their method, as built here:

1. **Detect** the personal data the model has memorized by extraction: the records whose greedy
   continuation reproduces the target (:func:`memtrade.lab.measure.greedy`).
2. **Choose the layer** by measured contribution: for each layer but the last, the drop in the
   log-probability of the first leaked token when that layer's MLP output at the last token of the
   record's name is mean-ablated, averaged over the edited records (:func:`layer_contributions`).
   (Their public code keys at the prompt's last token over all layers, weighted by contribution;
   docs/science.md section 8 names the difference.)
3. **Read the MLP as a key-value memory** (Geva et al. 2021): the keys are the inputs of the
   output projection ``mlp.c_proj`` at the name's last token (MEMIT's last subject token;
   :func:`prompt_pass`); a target value
   adds to the layer's output the vector that makes the placeholder token the model's choice
   (found by gradient steps on that vector alone, as ROME and MEMIT find theirs:
   :func:`target_deltas`).
4. **Edit** ``mlp.c_proj`` in closed form, the MEMIT least-squares update
   ``Δ = (KᵀK + λ C)⁻¹ Kᵀ R`` that maps the keys K to the value changes R while keeping the
   output on background keys (second-moment matrix C of keys over held-out text) unchanged
   (:func:`least_squares_edit`). Its rank is at most the number of edited records.

:func:`edit_study` runs the whole method on one fine-tuned model and measures it (the ``lab_edit``
job); stream ("lab", "editing", seed_index).
"""

from __future__ import annotations

from functools import partial

import jax.numpy as jnp
import numpy as np
import optax
import pandas as pd

from .. import optim, seeds
from ..jaxpin import jax
from . import measure as M
from . import stats as S
from . import tokenizer as T
from .extraction import account_recall, extract, non_secret_bits_per_token, record_layout
from .gpt2 import GPT2Config, block, causal_mask, embed, unembed
from .measure import left_padded_positions
from .train import sequence_nll


@partial(jax.jit, static_argnames=("cfg", "layer"))
def prompt_pass(params, cfg: GPT2Config, ids, valid, starts, layer: int, at, gate=None, delta=None):
    """Left-padded prompts [N, P] through the model, with layer ``layer``'s MLP output at position
    ``at`` [N] (an index into the padded prompt: the key position, the record's name) multiplied
    by ``gate`` [N] and shifted by ``delta`` [N, D] (both optional).

    Returns (log-probabilities of the token after the prompt [N, V], that layer's MLP keys at ``at``
    [N, 4D], its MLP output there before the intervention [N, D]).
    """
    n, p = ids.shape
    x = embed(params, ids, left_padded_positions(valid, starts))
    mask = causal_mask(p, p, 0, valid)
    here = jnp.arange(p)[None, :] == jnp.asarray(at)[:, None]  # [N, P]
    g = None if gate is None else jnp.where(here[..., None], gate[:, None, None], 1.0)
    d = None if delta is None else jnp.where(here[..., None], delta[:, None, :], 0.0)
    keys_at = None
    for i in range(cfg.n_layer):
        x, _, keys = block(
            params, cfg, i, x, mask, mlp_gate=g if i == layer else None, mlp_delta=d if i == layer else None
        )
        if i == layer:
            keys_at = keys[jnp.arange(n), jnp.asarray(at)]
    w = params[f"h.{layer}.mlp.c_proj.weight"]
    b = params[f"h.{layer}.mlp.c_proj.bias"]
    return jax.nn.log_softmax(unembed(params, cfg, x)[:, -1], axis=-1), keys_at, keys_at @ w + b


def layer_contributions(params, cfg: GPT2Config, ids, valid, starts, at, first, means) -> np.ndarray:
    """Per layer: mean drop (nats) in log p(first leaked token) when that layer's MLP output at the
    key position ``at`` [N] is mean-ablated (replaced by ``means[layer]``, its mean over background
    tokens: what the layer writes whatever the input, so that only the input-specific part is
    removed). ``first`` [N] token ids. Returns [n_layer]."""
    ids, valid, starts = jnp.asarray(ids), jnp.asarray(valid), jnp.asarray(starts, jnp.int32)
    at = jnp.asarray(at, jnp.int32)
    rows = jnp.arange(len(first))
    zero = jnp.zeros(len(first))
    out = []
    for layer in range(cfg.n_layer):  # one pass per layer (a handful), each over every record
        clean, _, _ = prompt_pass(params, cfg, ids, valid, starts, layer, at)
        mean = jnp.broadcast_to(jnp.asarray(means[layer], jnp.float32), (len(first), cfg.n_embd))
        ablated, _, _ = prompt_pass(params, cfg, ids, valid, starts, layer, at, gate=zero, delta=mean)
        out.append(float(jnp.mean(clean[rows, first] - ablated[rows, first])))
    return np.array(out)


def target_deltas(
    params, cfg: GPT2Config, ids, valid, starts, at, layer: int, placeholder: int, steps: int, lr: float, decay: float
):
    """The value changes R [N, D]: vectors added to layer ``layer``'s MLP output at each prompt's
    key position ``at`` [N] that make ``placeholder`` the token after the prompt (the change reaches
    the prompt's end through the later layers' attention, as MEMIT's ``compute_z``), found by
    ``steps`` Adam steps on -log p(placeholder) + ``decay`` ‖δ‖² (all records at once, the model
    fixed).

    Returns (R [N, D] float64, log p(placeholder) after the steps [N]).
    """
    ids, valid, starts = jnp.asarray(ids), jnp.asarray(valid), jnp.asarray(starts, jnp.int32)
    at = jnp.asarray(at, jnp.int32)
    n = ids.shape[0]
    opt = optax.adam(lr)

    def loss(delta):
        lp, _, _ = prompt_pass(params, cfg, ids, valid, starts, layer, at, delta=delta)
        return -lp[:, placeholder].sum() + decay * (delta**2).sum()

    update = optim.step(loss, opt)

    @jax.jit
    def run(delta):
        def body(carry, _):
            delta, state, _, _ = update(*carry)
            return (delta, state), None

        (delta, _), _ = jax.lax.scan(body, (delta, opt.init(delta)), None, length=steps)
        return delta

    delta = run(jnp.zeros((n, cfg.n_embd), jnp.float32))
    lp, _, _ = prompt_pass(params, cfg, ids, valid, starts, layer, at, delta=delta)
    return np.asarray(delta, np.float64), np.asarray(lp[:, placeholder], np.float64)


@partial(jax.jit, static_argnames=("cfg",))
def _sequence_keys(params, cfg: GPT2Config, ids):
    """Every layer's MLP keys on full rows [B, T] (positions from 0): [L, B, T, 4D]."""
    p = ids.shape[1]
    x = embed(params, ids, jnp.broadcast_to(jnp.arange(p), ids.shape))
    mask = causal_mask(p, p)
    out = []
    for i in range(cfg.n_layer):
        x, _, keys = block(params, cfg, i, x, mask)
        out.append(keys)
    return jnp.stack(out)


def background_statistics(params, cfg: GPT2Config, ids, mask, batch: int = 64):
    """Over the real tokens of background rows (ids, mask [N, T]), per layer: the second moment
    C = mean k kᵀ of the MLP keys [L, 4D, 4D] (what the edit must leave alone) and the mean MLP
    output [L, D] (for mean ablation). Both float64."""
    ids, mask = np.asarray(ids), np.asarray(mask, bool)
    width = 4 * cfg.n_embd
    total = np.zeros((cfg.n_layer, width, width))
    key_sum = np.zeros((cfg.n_layer, width))
    count = 0
    for s in range(0, len(ids), batch):  # fixed-size chunks: one compilation; the last is padded
        x, m = ids[s : s + batch], mask[s : s + batch]
        pad = batch - len(x)
        if pad:
            x = np.concatenate([x, np.repeat(x[-1:], pad, 0)])
            m = np.concatenate([m, np.zeros((pad, m.shape[1]), bool)])
        k = np.asarray(_sequence_keys(params, cfg, jnp.asarray(x)), np.float64)[:, m]  # [L, tokens, 4D]
        total += np.einsum("lti,ltj->lij", k, k)
        key_sum += k.sum(axis=1)
        count += k.shape[1]
    w = np.stack([np.asarray(params[f"h.{i}.mlp.c_proj.weight"], np.float64) for i in range(cfg.n_layer)])
    b = np.stack([np.asarray(params[f"h.{i}.mlp.c_proj.bias"], np.float64) for i in range(cfg.n_layer)])
    count = max(count, 1)
    means = np.einsum("li,lid->ld", key_sum / count, w) + b
    return total / count, means


def least_squares_edit(keys: np.ndarray, residuals: np.ndarray, moment: np.ndarray, weight: float) -> np.ndarray:
    """MEMIT's closed form: Δ = argmin ‖KΔ − R‖² + weight · tr(Δᵀ C Δ) = (KᵀK + weight·C)⁻¹ KᵀR.

    ``keys`` K [N, 4D], ``residuals`` R [N, D], ``moment`` C [4D, 4D] (background keys' second
    moment). Returns Δ [4D, D] (float64), added to ``mlp.c_proj.weight`` (Conv1D (in, out) layout).
    """
    k = np.asarray(keys, np.float64)
    a = k.T @ k + weight * np.asarray(moment, np.float64)
    return np.linalg.solve(a, k.T @ np.asarray(residuals, np.float64))


def calibrated_edit(keys, residuals, moment, weights, min_fit: float):
    """The edit at the first preservation weight of ``weights`` (tried in the order given, MEMIT's
    own first) whose edit delivers at least ``min_fit`` of the requested value change on the edited
    keys (:func:`edit_summary`'s ``value_fit``), else at the last. A method-level rule fixed before
    any run: the weight's scale depends on the key dimension and the background sample, so a value
    tuned for GPT-J's 16,384-dimensional keys need not deliver the edit at 4 x 96.

    Returns (Δ, the weight used, its value fit).
    """
    for weight in weights:
        delta = least_squares_edit(keys, residuals, moment, weight)
        fit = value_fit(keys, residuals, delta)
        if fit >= min_fit:
            break
    return delta, float(weight), fit


def apply_edit(params, layer: int, delta: np.ndarray):
    """A copy of ``params`` with Δ added to layer ``layer``'s ``mlp.c_proj.weight``."""
    name = f"h.{layer}.mlp.c_proj.weight"
    out = dict(params)
    out[name] = jnp.asarray(np.asarray(params[name], np.float64) + delta, jnp.float32)
    return out


def value_fit(keys, residuals, delta) -> float:
    """1 - ‖KΔ − R‖/‖R‖: the share of the requested value change R the edit Δ delivers on the keys K."""
    k, r = np.asarray(keys, np.float64), np.asarray(residuals, np.float64)
    return 1.0 - float(np.linalg.norm(k @ delta - r) / max(np.linalg.norm(r), 1e-300))


def edit_summary(keys, residuals, delta, weight_matrix) -> dict:
    """The edit's numerical rank, Frobenius norm (absolute and relative to the weight) and how much
    of the requested value change it delivers on the edited keys (1 - ‖KΔ − R‖/‖R‖)."""
    w = np.asarray(weight_matrix, np.float64)
    sv = np.linalg.svd(delta, compute_uv=False)
    rank = int((sv > sv[0] * max(delta.shape) * np.finfo(np.float32).eps).sum()) if sv.size and sv[0] > 0 else 0
    norm = float(np.linalg.norm(delta))
    return {
        "edit_rank": rank,
        "edit_norm": norm,
        "edit_relative_norm": norm / float(np.linalg.norm(w)),
        "value_fit": value_fit(keys, residuals, delta),
    }


def _specificity(params, cfg, layout: dict, fresh: dict, placeholder: int) -> dict:
    """What the edit must leave alone, on one model: every record's account-number recall, and on
    fresh records (never trained on) whether the first token after "pin " is the placeholder."""
    first, _ = M.greedy(params, cfg, fresh["prompts"], 1)
    return {"acct_recall": account_recall(params, cfg, layout), "fresh_placeholder": first[:, 0] == placeholder}


def _changes(out: pd.DataFrame, summary: dict) -> dict:
    """One model's specificity: what the edit changed where it should change nothing. The fall of
    the extraction rate of the leaking records that were not edited (NaN when every leaking record
    was edited), the fall of the account-number recall over every record, and the rise of the fresh
    records' placeholder rate."""
    spared = out[out["group"] == "leaking_not_edited"]
    fall = spared["extracted_before"].astype(float) - spared["extracted_after"].astype(float)
    return {
        "spared_extraction_fall": float(fall.mean()) if len(spared) else float("nan"),
        "acct_recall_fall": float((out["acct_recall_before"] - out["acct_recall_after"]).mean()),
        "fresh_placeholder_rise": summary.get("fresh_placeholder_after", summary["fresh_placeholder_before"])
        - summary["fresh_placeholder_before"],
    }


def edit_study(
    params,
    cfg,
    tok,
    records: pd.DataFrame,
    fresh: pd.DataFrame,
    heldout,
    settings: dict,
    k: int,
    m: int,
    words_per_doc: int,
    seed: int,
    index: int,
):
    """Private Memorization Editing (docs/science.md section 8) on one fine-tuned model.

    Detects the records the model leaks (extraction), and edits the MLP of the layer with the
    largest measured contribution at the records' names (the key position, MEMIT's last subject
    token) so that a random ``edit_fraction`` of them yield ``placeholder`` instead. Measures every
    record's extraction and account-number recall before and after; on fresh records (never trained
    on), how often "pin " is followed by the placeholder and their non-secret loss; and the held-out
    loss on background documents not used for the edit's preservation term. ``settings``: the
    config's ``lab.editing``.

    Returns (records frame: one row per record, edit dict: one row per model).
    """
    rng = seeds.generator(seed, "lab", "editing", index)
    layout = record_layout(tok, records, k, m)
    # fresh records (never trained on): the first half joins the preservation term's text (record-format
    # text of the fine-tuning distribution), the second half measures specificity and utility
    fresh_fit, fresh = fresh.iloc[: len(fresh) // 2], fresh.iloc[len(fresh) // 2 :]
    fresh_layout = record_layout(tok, fresh, k, m)
    prompts = layout["prompts"]
    before = extract(params, cfg, layout, m)
    extracted = before["extracted"]
    leaking = np.flatnonzero(extracted)
    edited = np.sort(rng.permutation(leaking)[: int(round(settings["edit_fraction"] * len(leaking)))])
    placeholder = tok.token_to_id(settings["placeholder"])
    if placeholder is None:
        raise ValueError(f"lab.editing.placeholder {settings['placeholder']!r} is not one token of the tokenizer")
    if (layout["name_at"] < 0).any():
        raise ValueError("lab.extraction.prefix_tokens cuts a record's name off its prompt: the edit has no key")

    # background documents: the first half fixes the preservation term, the second measures utility
    half = len(heldout) // 2
    ids, mask = T.pack(tok, heldout[half:], limit=cfg.n_positions)
    before_nll = sequence_nll(params, cfg, ids, mask)
    spec_before = _specificity(params, cfg, layout, fresh_layout, placeholder)
    out = records[["record", "repetitions", "motif_length"]].copy()
    out["group"] = np.where(extracted, "leaking_not_edited", "not_leaking")
    out.loc[out.index[edited], "group"] = "edited"
    out["extracted_before"] = extracted
    out["secret_digits"] = layout["secret_in_target"].sum(axis=1)
    out["secret_digits_correct_before"] = before["digits_correct"]
    out["acct_recall_before"] = spec_before["acct_recall"]
    summary = {
        "leaking": len(leaking),
        "edited": len(edited),
        "heldout_bits_per_word_before": S.bits_per_word(before_nll, words_per_doc),
        "fresh_bits_per_token_before": non_secret_bits_per_token(params, cfg, tok, fresh),
        "fresh_placeholder_before": float(spec_before["fresh_placeholder"].mean()),
    }
    if len(edited) == 0:  # nothing leaks: no edit (the tables report the counts)
        out["extracted_after"] = extracted
        out["secret_digits_correct_after"] = out["secret_digits_correct_before"]
        out["acct_recall_after"] = out["acct_recall_before"]
        out["placeholder_first"] = False
        nan = float("nan")
        return out, summary | {  # no edit, so nothing to describe: NaN, left out of the means over seeds
            "layer": nan, "preservation_weight": nan, "edit_rank": nan, "edit_norm": nan,
            "edit_relative_norm": nan, "value_fit": nan, "placeholder_logprob": nan,
            "heldout_bits_per_word_after": summary["heldout_bits_per_word_before"],
            "fresh_bits_per_token_after": summary["fresh_bits_per_token_before"],
            "fresh_placeholder_after": summary["fresh_placeholder_before"],
        } | _changes(out, summary)  # fmt: skip

    p_ids, p_valid, p_starts = prompts.ids[edited], prompts.valid()[edited], prompts.starts[edited]
    at = layout["name_at"][edited]
    fit_ids, fit_mask = T.pack(tok, list(heldout[:half]) + fresh_fit["text"].tolist(), limit=cfg.n_positions)
    moments, means = background_statistics(params, cfg, fit_ids, fit_mask)
    contrib = layer_contributions(params, cfg, p_ids, p_valid, p_starts, at, layout["targets"][edited, 0], means)
    # the last layer's MLP at the name reaches no later attention (its contribution is 0): never chosen
    layer = int(np.argmax(contrib[:-1])) if settings["layer"] == "auto" else int(settings["layer"])
    residuals, lp = target_deltas(
        params, cfg, p_ids, p_valid, p_starts, at, layer, placeholder,
        settings["value_steps"], settings["value_lr"], settings["value_decay"],
    )  # fmt: skip
    _, keys, _ = prompt_pass(params, cfg, p_ids, p_valid, p_starts, layer, at)
    delta, weight, _ = calibrated_edit(
        np.asarray(keys), residuals, moments[layer], settings["preservation_weights"], settings["min_value_fit"]
    )
    edited_params = apply_edit(params, layer, delta)

    after = extract(edited_params, cfg, layout, m)
    spec_after = _specificity(edited_params, cfg, layout, fresh_layout, placeholder)
    out["extracted_after"] = after["extracted"]
    out["secret_digits_correct_after"] = after["digits_correct"]
    out["acct_recall_after"] = spec_after["acct_recall"]
    out["placeholder_first"] = after["generated"][:, 0] == placeholder
    after_nll = sequence_nll(edited_params, cfg, ids, mask)
    summary |= {"layer": layer, "preservation_weight": weight, "placeholder_logprob": float(np.mean(lp))}
    summary |= edit_summary(keys, residuals, delta, params[f"h.{layer}.mlp.c_proj.weight"])
    summary |= {f"contribution_layer{i}": float(c) for i, c in enumerate(contrib)}
    summary["heldout_bits_per_word_after"] = S.bits_per_word(after_nll, words_per_doc)
    summary["fresh_bits_per_token_after"] = non_secret_bits_per_token(edited_params, cfg, tok, fresh)
    summary["fresh_placeholder_after"] = float(spec_after["fresh_placeholder"].mean())
    return out, summary | _changes(out, summary)
