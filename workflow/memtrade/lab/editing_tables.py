"""The PME editing tables (docs/science.md section 8.5, docs/outputs.md), from the ``lab_edit`` jobs'
rows with intervals over seeds at the run's confidence level: the changes per record group, and each
size's edit (its description and changes over the edited seeds only)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..intervals import summarize
from .tables import NONNEGATIVE, RATE, per_seed

EDIT_GROUPS = ("edited", "leaking_not_edited", "not_leaking")
#: the per-seed changes the edit made (lab_editing_models), averaged over the seeds that were edited
EDIT_CHANGES = (
    "heldout_loss_change",
    "fresh_loss_change",
    "spared_extraction_fall",
    "acct_recall_fall",
    "fresh_placeholder_rise",
)


def editing_table(records: pd.DataFrame, level: float) -> pd.DataFrame:
    """Private Memorization Editing, per record group (edited; leaking but not edited; not leaking):
    extraction rate, secret-digit recall and account-number recall before and after the edit, and
    how often the edited model's first token is the placeholder. Rates per seed, then means and
    intervals over seeds."""
    r = records.copy()
    for c in ("extracted_before", "extracted_after", "placeholder_first"):
        r[c] = r[c].astype(float)
    digits = r["secret_digits"].where(r["secret_digits"] > 0)
    r["secret_recall_before"] = r["secret_digits_correct_before"] / digits
    r["secret_recall_after"] = r["secret_digits_correct_after"] / digits
    cols = {
        "extracted_before": "extraction_before",
        "extracted_after": "extraction_after",
        "secret_recall_before": "secret_recall_before",
        "secret_recall_after": "secret_recall_after",
        "acct_recall_before": "acct_recall_before",
        "acct_recall_after": "acct_recall_after",
        "placeholder_first": "placeholder_first",
    }
    per = per_seed(r, ["group"], cols)
    counts = r.groupby(["seed", "group"]).size().rename("records").reset_index()
    per = per.merge(counts, on=["seed", "group"])
    names = list(cols.values())
    out = summarize(per, ["group"], names + ["records"], level, dict.fromkeys(names, RATE))
    order = {g: i for i, g in enumerate(EDIT_GROUPS)}
    return out.sort_values("group", key=lambda s: s.map(order), kind="stable", ignore_index=True)


def editing_models_table(edits: pd.DataFrame, level: float) -> pd.DataFrame:
    """Per edited model size: the edit (layer, preservation weight, rank, norms, value fit), the
    records it found and edited, its specificity (the changes, paired by seed, where it should change
    nothing), and the held-out losses (background, bits per word; fresh records' non-secret tokens,
    bits per token) before and after with their relative changes. The edit's description and its
    changes are over the seeds that were edited (``edited_seeds``); ``seeds`` counts every seed."""
    e = edits.copy()
    e["heldout_loss_change"] = e["heldout_bits_per_word_after"] / e["heldout_bits_per_word_before"] - 1.0
    e["fresh_loss_change"] = e["fresh_bits_per_token_after"] / e["fresh_bits_per_token_before"] - 1.0
    # a seed whose model leaked nothing was not edited: its "changes" are zeros by construction, not
    # evidence about the edit, so the changes are averaged over the edited seeds only
    e.loc[e["edited"] == 0, list(EDIT_CHANGES)] = np.nan
    cols = [
        "leaking",
        "edited",
        "layer",
        "preservation_weight",
        "edit_rank",
        "edit_norm",
        "edit_relative_norm",
        "value_fit",
        "placeholder_logprob",
        "heldout_bits_per_word_before",
        "heldout_bits_per_word_after",
        "heldout_loss_change",
        "fresh_bits_per_token_before",
        "fresh_bits_per_token_after",
        "fresh_loss_change",
        "fresh_placeholder_before",
        "fresh_placeholder_after",
        "spared_extraction_fall",
        "acct_recall_fall",
        "fresh_placeholder_rise",
    ]
    cols += sorted(c for c in e.columns if c.startswith("contribution_layer"))
    counts = ("leaking", "edited", "layer", "preservation_weight", "edit_rank", "edit_norm", "edit_relative_norm")
    losses = ("heldout_bits_per_word_before", "heldout_bits_per_word_after")
    losses += ("fresh_bits_per_token_before", "fresh_bits_per_token_after")
    clip = dict.fromkeys(counts + losses, NONNEGATIVE) | {"value_fit": (-np.inf, 1.0)}
    clip |= dict.fromkeys(("fresh_placeholder_before", "fresh_placeholder_after"), RATE)
    clip |= dict.fromkeys(("spared_extraction_fall", "acct_recall_fall", "fresh_placeholder_rise"), (-1.0, 1.0))
    out = summarize(e, ["size"], cols, level, clip)
    edited_seeds = (e["edited"] > 0).groupby(e["size"], sort=True).sum().to_numpy()
    out.insert(out.columns.get_loc("seeds") + 1, "edited_seeds", edited_seeds)
    return out
