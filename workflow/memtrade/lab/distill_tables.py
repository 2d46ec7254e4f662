"""The distillation tables (docs/science.md section 8.6, docs/outputs.md): each student against the
directly fine-tuned one by seed, and extraction by repetition, from the ``lab_distill`` jobs' rows."""

from __future__ import annotations

import pandas as pd

from ..intervals import summarize
from .record import TRAINING
from .tables import NONNEGATIVE, RATE, per_seed

#: the distillation table's row order: the teacher, the direct student, then the distilled ones
DISTILL_ORDER = ("teacher", "direct", "word_kd", "seq_kd", "reverse_kl")


def _distill_per_seed(records: pd.DataFrame) -> pd.DataFrame:
    r = records.copy()
    r["extracted"] = r["extracted"].astype(float)
    r["secret_recall"] = r["secret_digits_correct"] / r["secret_digits"].where(r["secret_digits"] > 0)
    cols = {
        "extracted": "extraction_rate",
        "mem_score": "mem_score",
        "secret_recall": "secret_recall",
        "pin_exposure_exact": "pin_exposure",
        "acct_exposure_extrapolated": "acct_exposure",
    }
    return per_seed(r, ["method"], cols)


def distillation_table(records: pd.DataFrame, models: pd.DataFrame, level: float) -> pd.DataFrame:
    """Per model of the distillation study (teacher, direct student, distilled students): extraction
    rate, memorization score, secret-digit recall, exact pin and extrapolated account exposure,
    held-out loss, and, paired by seed with the direct student, the extraction difference and the
    relative held-out loss change; and each model's training record (its own objective and gradient
    norm over the first and last tenth of its steps). Means and intervals over seeds."""
    per = _distill_per_seed(records).merge(models, on=["seed", "method"], validate="one_to_one")
    direct = per[per["method"] == "direct"].set_index("seed")
    per["extraction_vs_direct"] = per["extraction_rate"] - per["seed"].map(direct["extraction_rate"])
    per["heldout_change_vs_direct"] = (
        per["heldout_bits_per_word"] / per["seed"].map(direct["heldout_bits_per_word"]) - 1
    )
    rates = ("extraction_rate", "mem_score", "secret_recall")
    cols = [*rates, "pin_exposure", "acct_exposure", "heldout_bits_per_word", "extraction_vs_direct"]
    cols += ["heldout_change_vs_direct", "sampled_secrets", "steps", *TRAINING]
    clip = dict.fromkeys(rates, RATE) | dict.fromkeys(
        ("heldout_bits_per_word", "sampled_secrets", "steps"), NONNEGATIVE
    )
    out = summarize(per, ["method", "size", "params"], cols, level, clip)
    order = {m: i for i, m in enumerate(DISTILL_ORDER)}
    return out.sort_values("method", key=lambda s: s.map(order), kind="stable", ignore_index=True)


def distillation_repetition_table(records: pd.DataFrame, level: float) -> pd.DataFrame:
    """Extraction rate against the records' repetition count, per model of the distillation study."""
    r = records.copy()
    r["extracted"] = r["extracted"].astype(float)
    per = per_seed(r, ["method", "repetitions"], {"extracted": "extraction_rate"})
    out = summarize(per, ["method", "repetitions"], ["extraction_rate"], level, {"extraction_rate": RATE})
    order = {m: i for i, m in enumerate(DISTILL_ORDER)}
    return out.sort_values(["method", "repetitions"], key=lambda s: s.map(order) if s.name == "method" else s,
                           kind="stable", ignore_index=True)  # fmt: skip
