"""The laboratory's tables: per-job measurements (one row per record, per seed) to means over seeds
with Student-t 95 % intervals. Every rate is first computed per seed (over that seed's records),
then summarised over seeds, so the interval reflects corpus, initialisation and training randomness.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..intervals import summarize
from .record import TRAINING
from .stats import certified_bits

RATE = (0.0, 1.0)
NONNEGATIVE = (0.0, np.inf)

FILTERS = ("filter_regex", "filter_entropy")


def per_seed(records: pd.DataFrame, by: list[str], cols: dict[str, str]) -> pd.DataFrame:
    """Per (seed, by): the mean of each source column over records, renamed by ``cols``."""
    g = records.groupby(["seed", *by], sort=True)[list(cols)].mean().rename(columns=cols)
    return g.reset_index()


def extraction_table(records: pd.DataFrame, level: float) -> pd.DataFrame:
    """Extraction rate (exact k -> m), secret leakage (the pin appears in the greedy output, Ramakrishnan
    & Balaji's leakage) and memorization score against repetition count, per size (undefended models)."""
    r = records[records["variant"] == "undefended"].copy()
    r["extracted"] = r["extracted"].astype(float)
    r["secret_in_output"] = r["secret_in_output"].astype(float)
    names = {"extracted": "extraction_rate", "secret_in_output": "secret_leakage", "mem_score": "mem_score"}
    per = per_seed(r, ["size", "params", "repetitions"], names)
    cols = ["extraction_rate", "secret_leakage", "mem_score"]
    return summarize(per, ["size", "params", "repetitions"], cols, level, dict.fromkeys(cols, RATE))


def exposure_table(records: pd.DataFrame, level: float) -> pd.DataFrame:
    """Exposure (exact and extrapolated pins, extrapolated account numbers) against repetition count."""
    r = records[records["variant"] == "undefended"].copy()
    r["pin_extrapolation_error"] = r["pin_exposure_extrapolated"] - r["pin_exposure_exact"]
    cols = ["pin_exposure_exact", "pin_exposure_extrapolated", "pin_extrapolation_error", "acct_exposure_extrapolated"]
    per = per_seed(r, ["size", "params", "repetitions"], {c: c for c in cols})
    clip = {c: NONNEGATIVE for c in cols if c != "pin_extrapolation_error"}
    clip["pin_exposure_exact"] = (0.0, float(records["pin_log2_candidates"].iloc[0]))  # rank 1 at most
    out = summarize(per, ["size", "params", "repetitions"], cols, level, clip)
    out["pin_log2_candidates"] = float(records["pin_log2_candidates"].iloc[0])
    out["acct_log2_candidates"] = float(records["acct_log2_candidates"].iloc[0])
    return out


def redundancy_bins(records: pd.DataFrame) -> pd.Series:
    """``low`` where a record's redundancy measure (zlib ratio) is at least the median of its corpus
    (the records of its seed), else ``high``: low redundancy means less compressible."""
    median = records.groupby("seed")["redundancy"].transform("median")
    return pd.Series(np.where(records["redundancy"] >= median, "low", "high"), index=records.index)


def redundancy_table(records: pd.DataFrame, perturbation: pd.DataFrame, level: float) -> pd.DataFrame:
    """Memorization score under prefix perturbation, for memorized and non-memorized records, by redundancy bin.

    Memorized: extracted without perturbation (all ``m`` target tokens). ``perturbed_tokens`` 0 is
    the unperturbed score; ``drop`` is the unperturbed score minus the perturbed one;
    ``perturbed_fraction`` is the mean share of the prompt's tokens replaced (j over the record's
    ``prompt_tokens``). Rows for ``redundancy`` ``all`` pool both bins.
    """
    r = records[records["variant"] == "undefended"].copy()
    r["redundancy_bin"] = redundancy_bins(r)
    r["memorized"] = r["extracted"].astype(bool)
    base = r[["seed", "size", "params", "record", "memorized", "redundancy_bin", "mem_score", "prompt_tokens"]]
    p = perturbation[perturbation["variant"] == "undefended"].merge(
        base.drop(columns=["mem_score", "params"]), on=["seed", "size", "record"], how="inner", validate="many_to_one"
    )
    zero = base.assign(perturbed_tokens=0)
    rows = pd.concat([zero, p[zero.columns]], ignore_index=True)
    rows["perturbed_fraction"] = rows["perturbed_tokens"] / rows["prompt_tokens"]
    rows = rows.merge(
        base[["seed", "size", "record", "mem_score"]].rename(columns={"mem_score": "score0"}),
        on=["seed", "size", "record"],
    )
    rows["drop"] = rows["score0"] - rows["mem_score"]
    both = pd.concat([rows, rows.assign(redundancy_bin="all")], ignore_index=True)
    keys = ["size", "params", "memorized", "redundancy_bin", "perturbed_tokens"]
    per = (
        both.groupby(["seed", *keys], sort=True)
        .agg(
            mem_score=("mem_score", "mean"),
            drop=("drop", "mean"),
            perturbed_fraction=("perturbed_fraction", "mean"),
            records=("record", "size"),
        )
        .reset_index()
    )
    out = summarize(per, keys, ["mem_score", "drop"], level, {"mem_score": RATE, "drop": (-1.0, 1.0)})
    counts = per.groupby(keys).agg(
        perturbed_fraction=("perturbed_fraction", "mean"), records_per_seed=("records", "mean")
    )
    return out.merge(counts.reset_index(), on=keys)


def redundancy_share_table(records: pd.DataFrame, level: float) -> pd.DataFrame:
    """Per size: the share of low-redundancy records among the memorized ones (per seed, then over
    seeds), beside the share among all records (one half by the median split), and the range of the
    records' redundancy measure (zlib ratio: the least, the median and the largest, means over seeds)."""
    r = records[records["variant"] == "undefended"].copy()
    r["low"] = (redundancy_bins(r) == "low").astype(float)
    r["memorized"] = r["extracted"].astype(float)
    r["low_memorized"] = r["low"] * r["memorized"]
    per = (
        r.groupby(["seed", "size", "params"])
        .agg(
            low_memorized=("low_memorized", "sum"),
            memorized=("memorized", "sum"),
            low_share_all=("low", "mean"),
            ratio_min=("redundancy", "min"),
            ratio_median=("redundancy", "median"),
            ratio_max=("redundancy", "max"),
        )
        .reset_index()
    )
    # NaN for a seed without memorized records (no share to take); summarize_rows skips it
    per["low_share_memorized"] = per["low_memorized"] / per["memorized"].where(per["memorized"] > 0)
    cols = ["low_share_memorized", "low_share_all"]
    out = summarize(per, ["size", "params"], cols, level, dict.fromkeys(cols, RATE))
    means = per.groupby(["size", "params"])[["memorized", "ratio_min", "ratio_median", "ratio_max"]].mean()
    out["memorized_per_seed"] = means["memorized"].to_numpy()
    for c in ("ratio_min", "ratio_median", "ratio_max"):
        out[c] = means[c].to_numpy()
    return out


#: the leakage statistics of a defence, each also as a paired per-seed difference from the undefended model
LEAKAGE = ("extraction_rate", "secret_leakage", "pin_exposure")
#: DP-SGD's guarantee, per seed from the model table (NaN for the other defences), mean over seeds
DP_COLUMNS = ("epsilon", "max_copies", "delta_record", "epsilon_record")


def defence_table(records: pd.DataFrame, models: pd.DataFrame, size: str, level: float) -> pd.DataFrame:
    """Leakage and utility of each defence at ``size``, against the undefended model.

    Utility: for the training defences, the undefended model's loss on the fine-tuning distribution
    (fresh records' non-secret tokens, bits per token) over the defended one's (1 = no loss), and
    the same ratio on held-out background text (``background_utility``); for the filters, the
    fraction of benign generations (held-out background prompts) passed. The ``no_finetune`` row is
    the pretrained model the others started from (utility: undefended over its loss; no leakage
    measured): a defence that matched it would have skipped what the fine-tuning was for.

    Leakage: extraction rate (after the filter, for the filters), secret leakage (the share of
    records whose pin appears in the output the attacker receives) and mean exact pin exposure (a
    filter does not change the model, so its exposure is the undefended one). Each filter has two
    rows: the naive attacker, who reads the filtered greedy output, and ``<filter>_evasive``, the
    attacker who evades it (chunked queries against the pattern, sampling at temperatures against
    the entropy threshold), for whom only the secret leakage is defined. ``<leakage>_vs_undefended``:
    each leakage statistic minus the undefended model's on the same seed, with its interval.
    """
    r = records[records["size"] == size].copy()
    mdl = models[models["size"] == size].set_index(["seed", "variant"])
    rows = []
    for (seed, variant), g in r.groupby(["seed", "variant"], sort=True):
        base, own = mdl.loc[(seed, "undefended")], mdl.loc[(seed, variant)]
        loss = own["heldout_bits_per_word"]
        common = {
            "seed": seed,
            "pin_exposure": g["pin_exposure_exact"].mean(),
            "heldout_bits_per_word": loss,
            "fresh_bits_per_token": own["fresh_bits_per_token"],
        }
        in_output = g["secret_in_output"].astype(bool)
        rows.append(
            common
            | {
                "defence": variant,
                "extraction_rate": g["extracted"].mean(),
                "secret_leakage": in_output.mean(),
                "utility": base["fresh_bits_per_token"] / own["fresh_bits_per_token"],
                "background_utility": base["heldout_bits_per_word"] / loss,
            }
            | {c: own.get(c, np.nan) for c in DP_COLUMNS}
        )
        if variant == "undefended":
            # the reference a defence must not win by skipping the fine-tuning: the pretrained model
            rows.append(
                {
                    "seed": seed,
                    "defence": "no_finetune",
                    "heldout_bits_per_word": own["pretrained_heldout_bits_per_word"],
                    "fresh_bits_per_token": own["pretrained_fresh_bits_per_token"],
                    "utility": own["fresh_bits_per_token"] / own["pretrained_fresh_bits_per_token"],
                    "background_utility": loss / own["pretrained_heldout_bits_per_word"],
                }
                | dict.fromkeys(("extraction_rate", "secret_leakage", "pin_exposure", *DP_COLUMNS), np.nan)
            )
            for name, col, evasive, passed in (
                ("filter_regex", "regex_blocked", "regex_evasive_leaked", "benign_pass_regex"),
                ("filter_entropy", "entropy_blocked", "entropy_evasive_leaked", "benign_pass_entropy"),
            ):
                let_through = ~g[col].astype(bool)
                utility = own[passed]
                # the naive attacker reads the filtered greedy output; the evasive one (its own row) gets
                # no exact extraction to compare, only the secret
                for defence, rate, leak in (
                    (name, (g["extracted"].astype(bool) & let_through).mean(), (in_output & let_through).mean()),
                    (f"{name}_evasive", np.nan, g[evasive].astype(bool).mean()),
                ):
                    rows.append(
                        common
                        | {"defence": defence, "extraction_rate": rate, "secret_leakage": leak, "utility": utility}
                        | {"background_utility": np.nan}
                        | dict.fromkeys(DP_COLUMNS, np.nan)
                    )
    per = pd.DataFrame(rows)
    per[list(DP_COLUMNS)] = per[list(DP_COLUMNS)].astype(float)
    # paired by seed: each row's leakage minus the undefended model's on the same seed (same corpus)
    undefended = per[per["defence"] == "undefended"].set_index("seed")
    for c in LEAKAGE:
        per[f"{c}_vs_undefended"] = per[c] - per["seed"].map(undefended[c])
    cols = ["extraction_rate", "secret_leakage", "pin_exposure", "utility", "background_utility"]
    cols += ["heldout_bits_per_word", "fresh_bits_per_token", *(f"{c}_vs_undefended" for c in LEAKAGE)]
    clip = {"extraction_rate": RATE, "secret_leakage": RATE, "pin_exposure": NONNEGATIVE}
    clip |= {"utility": NONNEGATIVE, "background_utility": NONNEGATIVE}
    clip |= {"extraction_rate_vs_undefended": (-1.0, 1.0), "secret_leakage_vs_undefended": (-1.0, 1.0)}
    out = summarize(per, ["defence"], cols, level, clip)
    for c in DP_COLUMNS:
        out[c] = out["defence"].map(per.groupby("defence")[c].mean())
    names = ("no_finetune", "undefended", "dedup_exact", "dedup_near", "dpsgd")
    names += tuple(f + e for f in FILTERS for e in ("", "_evasive"))
    order = {d: i for i, d in enumerate(names)}
    out.insert(0, "size", size)
    return out.sort_values("defence", key=lambda s: s.map(order)).reset_index(drop=True)


def bits_table(records: pd.DataFrame, level: float) -> pd.DataFrame:
    """Per (size, variant): the certified lower bound in bits on the secrets' information the model
    reveals through its greedy output (Fano over seeds; :func:`memtrade.lab.measure.certified_bits`)."""
    rows = []
    for (size, params, variant), g in records.groupby(["size", "params", "variant"], sort=True):
        per = g.groupby("seed")[["secret_digits", "secret_digits_correct"]].sum()
        rows.append(
            {"size": size, "params": params, "variant": variant, "seeds": len(per)}
            | certified_bits(per["secret_digits"].to_numpy(), per["secret_digits_correct"].to_numpy(), level)
        )
    return pd.DataFrame(rows)


def model_table(models: pd.DataFrame, records: pd.DataFrame, level: float) -> pd.DataFrame:
    """Per (size, variant): held-out loss (bits per word) beside the source's exact entropy, the
    extraction rate and memorization score pooled over all records, and the fine-tuning's training
    loss (nats per token) and gradient norm over its first and last tenth of steps. (Training
    throughput is wall time, recorded in each checkpoint's train.json and reported by the
    benchmark, never in a table.)"""
    per = (
        records.groupby(["seed", "size", "variant"])
        .agg(extraction_rate=("extracted", "mean"), mem_score=("mem_score", "mean"))
        .reset_index()
    )
    m = models.merge(per, on=["seed", "size", "variant"], validate="one_to_one")
    m["excess_bits_per_word"] = m["heldout_bits_per_word"] - m["document_entropy_bits_per_word"]
    cols = [
        "extraction_rate",
        "mem_score",
        "heldout_bits_per_word",
        "excess_bits_per_word",
        *TRAINING,
    ]
    out = summarize(m, ["size", "params", "variant"], cols, level, {"extraction_rate": RATE, "mem_score": RATE})
    floor = m.groupby(["size", "params", "variant"])["document_entropy_bits_per_word"].mean()
    out["document_entropy_bits_per_word"] = floor.to_numpy()
    return out.sort_values(["variant", "params"]).reset_index(drop=True)
