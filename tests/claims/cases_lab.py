"""Synthetic cases of the language-model laboratory's claims (tests/claims/cases.py).

The tables have the columns of the laboratory's tables (docs/outputs.md, memtrade/lab/*tables.py):
every summarised column ``x`` with ``x_lo`` and ``x_hi`` and a ``seeds`` count. Each fail case
breaks what its claim states, on tables that are otherwise complete; the not-run cases are the
checks' own "cannot decide" paths (no such row in the run)."""

import math

import pandas as pd

SEEDS = 5
SIZES = (("tiny", 50_000), ("small", 200_000), ("base", 800_000))


def _ci(name, mean, half=0.05):
    """A summarised column: its mean and interval ends."""
    return {name: mean, f"{name}_lo": mean - half, f"{name}_hi": mean + half}


# --- extraction against repetition count (lab_extraction)


def _repetition(large_rates, small_rates=(0.02, 0.2, 0.5, 0.8)):
    """Secret leakage per count of two sizes; exact extraction a fifth of it (not what is judged)."""

    def tables():
        rows = []
        for size, params, rates in (("tiny", 50_000, small_rates), ("small", 200_000, large_rates)):
            for reps, rate in zip((1, 2, 4, 8), rates, strict=True):
                rows.append(
                    {"size": size, "params": params, "repetitions": reps, "seeds": SEEDS}
                    | _ci("extraction_rate", rate / 5)
                    | _ci("secret_leakage", rate)
                    | _ci("mem_score", min(1.0, rate + 0.1))
                )
        return {"lab_extraction": pd.DataFrame(rows)}

    return tables


# --- extraction against size (lab_models)


def _size(rates, variant="undefended"):
    def tables():
        rows = []
        for (size, params), rate in zip(SIZES, rates, strict=True):
            for v, r in ((variant, rate), ("dedup_exact", 0.5 - rate / 2)):  # the defended rows are not read
                rows.append(
                    {"size": size, "params": params, "variant": v, "seeds": SEEDS}
                    | _ci("extraction_rate", r, 0.02)
                    | _ci("mem_score", r)
                    | _ci("heldout_bits_per_word", 9.0)
                    | _ci("excess_bits_per_word", 0.5)
                    | {"document_entropy_bits_per_word": 8.5}
                )
        return {"lab_models": pd.DataFrame(rows)}

    return tables


# --- prefix perturbation (lab_redundancy)


def _perturbation(memorized_drop, sizes=("tiny", "small")):
    def tables():
        rows = []
        for size in sizes:
            for memorized, drop in ((True, memorized_drop), (False, 0.02)):
                for j in (0, 2, 4):
                    d = 0.0 if j == 0 else drop * j / 4  # the largest j is the one compared
                    for bin_ in ("low", "high", "all"):
                        rows.append(
                            {
                                "size": size,
                                "params": 50_000,
                                "memorized": memorized,
                                "redundancy_bin": bin_,
                                "perturbed_tokens": j,
                                "seeds": SEEDS,
                            }
                            | _ci("mem_score", (0.9 if memorized else 0.3) - d, 0.02)
                            | _ci("drop", d, 0.02)
                            | {"records_per_seed": 10.0}
                        )
        return {"lab_redundancy": pd.DataFrame(rows)}

    return tables


def _memorized_in_one_seed(memorized_drop, sizes=("tiny", "small"), kind=True):
    """As :func:`_perturbation`, with the first size's memorized records (``kind`` True; otherwise
    the others) in one seed: no interval."""

    def tables():
        t = _perturbation(memorized_drop, sizes)()["lab_redundancy"]
        one = (t["size"] == sizes[0]) & (t["memorized"] == kind)
        t.loc[one, "seeds"] = 1
        t.loc[one, ["drop_lo", "drop_hi", "mem_score_lo", "mem_score_hi"]] = math.nan
        return {"lab_redundancy": t}

    return tables


def _nothing_memorized():
    t = _perturbation(0.5)()["lab_redundancy"]
    return {"lab_redundancy": t[~t["memorized"]]}


# --- low-redundancy share among memorized records (lab_redundancy_share)


def _share(shares, half=0.05, seeds=SEEDS):
    def tables():
        rows = [
            {"size": size, "params": params, "seeds": seeds}
            | _ci("low_share_memorized", share, half)
            | _ci("low_share_all", 0.5, 0.01)
            | {"memorized_per_seed": 0.0 if math.isnan(share) else 12.0}
            for (size, params), share in zip(SIZES, shares, strict=True)
        ]
        return {"lab_redundancy_share": pd.DataFrame(rows)}

    return tables


# --- defences (lab_defences)

FILTERS = ("filter_regex", "filter_entropy", "filter_regex_evasive", "filter_entropy_evasive")
DEFENCES = ("no_finetune", "undefended", "dedup_exact", "dedup_near", "dpsgd", *FILTERS)


def _defences(secret=None, paired_half=None, seeds=SEEDS, **changes):
    """The defences table: ``changes`` maps a defence to the values it takes instead of the default,
    ``secret`` a defence to its secret leakage, ``paired_half`` a defence to the half-width of its
    paired differences from the undefended model (default 0.02 in rates, 0.3 bits)."""
    secret = secret or {}
    paired_half = paired_half or {}
    default = {  # defence: extraction rate, pin exposure, utility, epsilon per row (, epsilon per record)
        "no_finetune": (math.nan, math.nan, 0.7, math.nan),  # the pretrained model: utility only
        "undefended": (0.5, 6.0, 1.0, math.nan),
        "dedup_exact": (0.3, 4.0, 0.98, math.nan),
        "dedup_near": (0.25, 3.5, 0.95, math.nan),
        "dpsgd": (0.01, 0.5, 0.6, 1.0, 6.5),  # DP-SGD's utility is not among the claim's defences
        "filter_regex": (0.0, 6.0, 0.99, math.nan),  # a filter keeps the model: undefended exposure
        "filter_entropy": (0.1, 6.0, 0.93, math.nan),
        "filter_regex_evasive": (math.nan, 6.0, 0.99, math.nan),
        "filter_entropy_evasive": (math.nan, 6.0, 0.93, math.nan),
    }
    # the share of records whose pin reaches the attacker (the evasive rows' leakage)
    # (the chunked queries get every secret the undefended model gives: that row is reported, not judged)
    leakage = {"undefended": 0.6, "filter_regex": 0.0, "filter_regex_evasive": 0.6, "filter_entropy_evasive": 0.3}

    def value(d):
        rate, exposure, *_ = changes.get(d, default[d])
        return {
            "extraction_rate": rate,
            "secret_leakage": secret.get(d, leakage.get(d, rate)),
            "pin_exposure": exposure,
        }

    def tables():
        rows = []
        base = value("undefended")
        for d in DEFENCES:
            rate, exposure, utility, eps, *record = changes.get(d, default[d])
            dp = d == "dpsgd"
            own = value(d)
            paired = {}
            for c, half in (("extraction_rate", 0.02), ("secret_leakage", 0.02), ("pin_exposure", 0.3)):
                paired |= _ci(f"{c}_vs_undefended", own[c] - base[c], paired_half.get(d, half))
            rows.append(
                {"size": "small", "defence": d, "seeds": seeds}
                | _ci("extraction_rate", rate, 0.02)
                | _ci("secret_leakage", own["secret_leakage"], 0.02)
                | _ci("pin_exposure", exposure, 0.3)
                | paired
                | _ci("utility", utility, 0.01)
                | _ci("heldout_bits_per_word", 9.0 if d in FILTERS else 9.0 / utility)
                | {"epsilon": eps, "max_copies": 8.0 if dp else math.nan}
                | {"delta_record": 1e-4 if dp else math.nan, "epsilon_record": record[0] if record else math.nan}
            )
        return {"lab_defences": pd.DataFrame(rows)}

    return tables


def _without(defence):
    def tables():
        t = _defences()()["lab_defences"]
        return {"lab_defences": t[t["defence"] != defence]}

    return tables


def _no_dpsgd():
    t = _defences()()["lab_defences"]
    return {"lab_defences": t[t["defence"] != "dpsgd"]}


# --- certified bits (lab_bits)


def _bits(largest_certified, smallest_certified=0.0):
    def tables():
        rows = []
        for size, params, variant, certified in (
            ("tiny", 50_000, "undefended", smallest_certified),
            ("small", 200_000, "undefended", largest_certified),
            ("small", 200_000, "dpsgd", 0.0),
        ):
            digits = 20.0
            rows.append(
                {
                    "size": size,
                    "params": params,
                    "variant": variant,
                    "seeds": SEEDS,
                    "secret_digits": digits,
                    "digit_error_rate": 0.4,
                    "certified_bits_estimate": certified + 2.0,
                    "certified_bits": certified,
                    "planted_bits": digits * math.log2(10),
                }
            )
        return {"lab_bits": pd.DataFrame(rows)}

    return tables


# --- Private Memorization Editing (lab_editing, lab_editing_models)


def _editing(edited_after, groups=("edited", "leaking_not_edited", "not_leaking"), half=0.02, seeds=SEEDS):
    def tables():
        before_after = {"edited": (1.0, edited_after), "leaking_not_edited": (1.0, 0.8), "not_leaking": (0.0, 0.0)}
        rows = [
            {"group": g, "seeds": seeds}
            | _ci("extraction_before", before_after[g][0], 0.0)
            | _ci("extraction_after", before_after[g][1], half)
            | _ci("secret_recall_before", before_after[g][0], 0.0)
            | _ci("secret_recall_after", before_after[g][1], 0.02)
            | _ci("placeholder_first", 0.9 if g == "edited" else 0.0, 0.05)
            | _ci("records", 6.0, 1.0)
            for g in groups
        ]
        return {"lab_editing": pd.DataFrame(rows)}

    return tables


def _edit_models(
    after,
    fresh_after=6.05,
    spared=(0.0, 0.05),
    seeds=SEEDS,
    edited=6.0,
    acct=(0.01, 0.03),
    edited_after=0.02,
    edited_seeds=None,
):
    """``spared``: the leaking-not-edited extraction fall (mean, half-width), NaN when none is left;
    ``edited_after``: the edited records' extraction after the edit (the lab_editing table beside it);
    ``edited_seeds``: the seeds whose model was edited (default all)."""

    def tables():
        before = 8.0
        row = (
            {"size": "small", "seeds": seeds, "edited_seeds": seeds if edited_seeds is None else edited_seeds}
            | _ci("leaking", 8.0, 1.0)
            | _ci("edited", edited, 1.0)
            | _ci("layer", 1.0, 0.0)
            | _ci("preservation_weight", 1.0, 0.0)
            | _ci("edit_rank", 6.0, 0.0)
            | _ci("edit_norm", 2.0, 0.1)
            | _ci("edit_relative_norm", 0.05, 0.01)
            | _ci("value_fit", 0.95, 0.01)
            | _ci("placeholder_logprob", -0.1, 0.05)
            | _ci("heldout_bits_per_word_before", before, 0.1)
            | _ci("heldout_bits_per_word_after", after, 0.1)
            | _ci("heldout_loss_change", after / before - 1.0, 0.005)
            | _ci("fresh_bits_per_token_before", 6.0, 0.1)
            | _ci("fresh_bits_per_token_after", fresh_after, 0.1)
            | _ci("fresh_loss_change", fresh_after / 6.0 - 1.0, 0.005)
            | _ci("fresh_placeholder_before", 0.0, 0.0)
            | _ci("fresh_placeholder_after", 0.02, 0.02)
            | _ci("spared_extraction_fall", *spared)
            | _ci("acct_recall_fall", *acct)
            | _ci("fresh_placeholder_rise", 0.02, 0.02)
            | _ci("contribution_layer0", 0.1)
            | _ci("contribution_layer1", 0.8)
        )
        return {"lab_editing_models": pd.DataFrame([row])} | _editing(edited_after)()

    return tables


# --- distillation (lab_distillation)


def _distillation(seeds=SEEDS, **changes):
    """``changes`` maps a method to its (extraction rate, held-out change against direct) instead,
    or to None to leave it out."""
    default = {
        "teacher": (0.9, -0.1),
        "direct": (0.6, 0.0),
        "word_kd": (0.2, 0.02),
        "seq_kd": (0.1, 0.04),
        "reverse_kl": (0.3, -0.01),
    }

    def tables():
        rows = []
        for method in [m for m in default if changes.get(m, True) is not None]:
            rate, change = changes.get(method) or default[method]
            rows.append(
                {"method": method, "size": "base" if method == "teacher" else "tiny", "params": 50_000, "seeds": seeds}
                | _ci("extraction_rate", rate)
                | _ci("mem_score", rate)
                | _ci("secret_recall", rate)
                | _ci("pin_exposure", 10 * rate, 0.5)
                | _ci("acct_exposure", 20 * rate, 1.0)
                | _ci("heldout_bits_per_word", 9.0 * (1 + change), 0.1)
                | _ci("extraction_vs_direct", rate - default["direct"][0])
                | _ci("heldout_change_vs_direct", change, 0.01)
                | _ci("sampled_secrets", 3.0 if method == "seq_kd" else math.nan, 1.0)
                | _ci("steps", 300.0, 0.0)
            )
        return {"lab_distillation": pd.DataFrame(rows)}

    return tables


# --- STIM (lab_stim_sources, lab_stim_tail, lab_stim_precision)


def _on_row(here, name, mean, lo):
    """A paired-difference column defined on one row of a table (mean, lower end lo, symmetric), empty elsewhere."""
    return {name: mean, f"{name}_lo": lo, f"{name}_hi": 2 * mean - lo} if here else _ci(name, math.nan)


def _stim_sources(wrong_shares, classes=("wrong", "right"), margin_lo=None, seeds=SEEDS):
    """``wrong_shares``: the wrong tokens' dominant-source shares (local, mid, long, undefined);
    ``margin_lo``: the lower end of local's paired margin (default: the point margin - 0.05)."""

    def tables():
        shares = {"wrong": wrong_shares, "right": (0.1, 0.2, 0.6, 0.1)}  # the right tokens are not read
        rows = []
        for c in classes:
            local, mid, long = shares[c][:3]
            margin = local - max(mid, long)
            lo = margin - 0.05 if margin_lo is None else margin_lo
            for s, share in zip(("local", "mid", "long", "undefined"), shares[c], strict=True):
                rows.append(
                    {"token_class": c, "source": s, "seeds": seeds}
                    | _ci("share", share, 0.03)
                    | _ci("mean_score", math.nan if s == "undefined" else 0.3, 0.05)
                    | _ci("tokens", 40.0, 5.0)
                    | _on_row(s == "local", "local_margin", margin, lo)
                )
        return {"lab_stim_sources": pd.DataFrame(rows)}

    return tables


def _stim_tail(tail, head, inputs=("head", "long_tail"), diff_lo=None, seeds=SEEDS):
    def tables():
        score = {"long_tail": tail, "head": head}
        diff = tail - head
        lo = diff - 0.05 if diff_lo is None else diff_lo
        rows = [
            {"inputs": i, "seeds": seeds}
            | _ci("example_score", score[i], 0.05)
            | _ci("score_wrong", 0.3, 0.05)
            | _ci("score_all", 0.1, 0.02)
            | _ci("wrong_share", 0.2, 0.03)
            | _ci("wrong_tokens", 15.0, 3.0)
            | _on_row(i == "long_tail", "tail_minus_head", diff, lo)
            | _on_row(i == "long_tail", "wrong_tail_minus_head", 0.0, -0.05)
            for i in inputs
        ]
        return {"lab_stim_tail": pd.DataFrame(rows)}

    return tables


def _stim_precision(at1_lo, steps=12.0, ks=(1, 2)):
    def tables():
        rows = []
        for k in ks:  # the claim reads k = 1, not the other k
            diff_lo = at1_lo if k == 1 else 0.3
            diff = diff_lo + 0.05
            rnd = 0.25 * k
            rows.append(
                {"k": k, "seeds": SEEDS}
                | _ci("precision", rnd + diff)
                | _ci("precision_random", rnd, 0.02)
                | _ci("recall", rnd + diff)
                | _ci("recall_random", rnd, 0.02)
                | _ci("precision_minus_random", diff)
                | _ci("candidates", 4.0, 0.2)
                | _ci("wrong_steps", steps, 2.0)
            )
        return {"lab_stim_precision": pd.DataFrame(rows)}

    return tables


CASES = {
    "lab_extraction_grows_with_repetition": {
        "pass": _repetition([0.05, 0.3, 0.7, 0.95]),
        "fail": _repetition([0.4, 0.5, 0.3, 0.35]),  # the larger size's extraction does not grow with copies
    },
    "lab_extraction_grows_with_size": {
        "pass": _size([0.1, 0.3, 0.6]),
        "fail": _size([0.1, 0.05, 0.6]),  # the middle size extracts less than the smallest
        "not-run": _size([0.1, 0.3, 0.6], variant="dpsgd"),  # no undefended models: nothing to compare
    },
    "lab_perturbation_memorized_drop": {
        "pass": _perturbation(0.5),
        "fail": _perturbation(0.08),  # memorized records lose barely more than the others
        "not-run": _nothing_memorized,
    },
    "lab_low_redundancy_majority": {
        "pass": _share([math.nan, 0.7, 0.8]),  # a size without memorized records is left out
        "fail": _share([math.nan, 0.7, 0.4]),  # the largest size's memorized records are mostly redundant
        "not-run": _share([math.nan, math.nan, math.nan]),
    },
    "lab_defences_lower_leakage": {
        "pass": _defences(),
        "fail": _defences(dedup_near=(0.55, 3.5, 0.95, math.nan)),  # near-deduplication leaks more
        # the undefended model extracts nothing: every difference is at least 0 (gate undefended_leaks)
        "not-run": _defences(undefended=(0.0, 6.0, 1.0, math.nan), secret={"undefended": 0.0}),
    },
    "lab_defences_keep_utility": {
        "pass": _defences(),
        "fail": _defences(filter_entropy=(0.1, 6.0, 0.85, math.nan)),  # the entropy filter blocks 15 % of benign text
        # without any fine-tuning the model keeps 103 % of the utility: the bar cannot tell a defence that learns less
        "not-run": _defences(no_finetune=(math.nan, math.nan, 1.03, math.nan)),
    },
    "lab_dpsgd_epsilon_reported": {
        "pass": _defences(),
        # each row is protected (epsilon 1.0) but the record, counting its 8 copies, is not (epsilon 12)
        "fail": _defences(dpsgd=(0.01, 0.5, 0.6, 1.0, 12.0)),
        "not-run": _no_dpsgd,
    },
    "lab_certified_bits": {
        "pass": _bits(12.0),
        "fail": _bits(0.0),  # the largest undefended model certifies nothing
    },
    "lab_edit_removes_leak": {
        "pass": _editing(0.02),
        "fail": _editing(0.2),  # a fifth of the edited records still leak
        "not-run": _editing(0.0, groups=("not_leaking",)),  # nothing leaked, nothing edited
    },
    "lab_edit_keeps_utility": {
        "pass": _edit_models(8.1),  # +1.25 % on background, +0.8 % on fresh records
        "fail": _edit_models(8.4),  # +5 % on background
        "not-run": _edit_models(8.0, edited_after=0.9),  # the edit removed nothing: gate edit_took_effect
    },
    "lab_edit_is_specific": {
        "pass": _edit_models(8.1),
        # the spared leakers fall by 5 points on average, but the interval reaches 15
        "fail": _edit_models(8.1, spared=(0.05, 0.1)),
        "not-run": _edit_models(8.1, edited_after=1.0),  # an edit that does nothing spares everything
    },
    "lab_distillation_word_kd_memorizes_less": {
        "pass": _distillation(),
        # below direct on average, but the paired interval reaches above 0
        "fail": _distillation(word_kd=(0.57, 0.02)),
        # the directly fine-tuned student extracts nothing: no student can memorize less (gate direct_memorizes)
        "not-run": _distillation(direct=(0.0, 0.0), word_kd=(0.0, 0.0)),
    },
    "lab_distillation_seq_kd_memorizes_less": {
        "pass": _distillation(),
        "fail": _distillation(seq_kd=(0.65, 0.04)),  # sequence-level KD memorizes more than direct
        "not-run": _distillation(direct=(0.01, 0.0)),  # the direct student's interval reaches 0: gate
    },
    "lab_distillation_reverse_kl_memorizes_less": {
        "pass": _distillation(),
        "fail": _distillation(reverse_kl=(0.0, -0.08)),  # memorizes nothing, but at 8 % lower held-out loss
        "not-run": _distillation(direct=(0.0, 0.0)),  # gate direct_memorizes
    },
    "lab_stim_local_dominant": {
        "pass": _stim_sources((0.5, 0.2, 0.2, 0.1)),
        "fail": _stim_sources((0.3, 0.4, 0.2, 0.1)),  # mid-range dominates the wrong tokens
        "not-run": _stim_sources((0.5, 0.2, 0.2, 0.1), classes=("right",)),
    },
    "lab_stim_long_tail": {
        "pass": _stim_tail(0.4, 0.2),
        "fail": _stim_tail(0.2, 0.4),  # frequent inputs' wrong tokens score higher
        "not-run": _stim_tail(0.4, 0.2, inputs=("head",)),
    },
    "lab_stim_precision": {
        "pass": _stim_precision(0.05),
        "fail": _stim_precision(-0.02),  # at k = 1 the interval reaches below the random choice
        "not-run": _stim_precision(0.05, steps=0.0),  # no wrong step was scored
    },
}

# More ways each claim fails, checked by test_more_ways_a_claim_fails_or_is_not_run.
MORE = {
    "lab_edit_keeps_utility": [
        ("fail", _edit_models(8.1, fresh_after=6.3)),  # +5 % on fresh records only
        ("fail", _edit_models(8.14)),  # +1.75 % on background on the mean, the paired interval reaches +2.25 %
        ("not-run", _edit_models(8.1, seeds=1)),  # one seed: no interval
        ("not-run", _edit_models(8.0, edited=0.0)),  # nothing edited
        ("not-run", _edit_models(8.1, edited_seeds=1)),  # five seeds, one edited: no interval of the edit's changes
    ],
    "lab_edit_is_specific": [
        ("not-run", _edit_models(8.1, seeds=1)),  # one seed: no interval
        ("not-run", _edit_models(8.1, edited_seeds=1)),  # one edited seed: no interval of the edit's changes
        ("not-run", _edit_models(8.1, spared=(float("nan"), float("nan")))),  # every leaking record edited
        # spared leakers unchanged, but the account numbers are forgotten
        ("fail", _edit_models(8.1, spared=(-0.02, 0.04), acct=(0.4, 0.2))),
    ],
    "lab_extraction_grows_with_repetition": [
        # a size that never leaks is left out; the other size decides
        ("pass", _repetition([0.05, 0.3, 0.7, 0.95], small_rates=(0.0, 0.0, 0.0, 0.0))),
        ("fail", _repetition([0.4, 0.5, 0.3, 0.35], small_rates=(0.0, 0.0, 0.0, 0.0))),
        ("not-run", _repetition([0.0] * 4, small_rates=(0.0, 0.0, 0.0, 0.0))),  # no size leaks
    ],
    "lab_perturbation_memorized_drop": [
        # memorized in one seed at one size: no interval there, left out; the other size decides
        ("pass", _memorized_in_one_seed(0.5)),
        ("fail", _memorized_in_one_seed(0.08)),
        ("not-run", _memorized_in_one_seed(0.5, sizes=("small",))),  # the only size has no interval
        ("pass", _memorized_in_one_seed(0.5, kind=False)),  # the non-memorized records in one seed, likewise
    ],
    "lab_stim_precision": [("not-run", _stim_precision(0.05, ks=(2, 3)))],  # the claim's k was not measured
    "lab_stim_local_dominant": [
        ("fail", _stim_sources((0.45, 0.35, 0.1, 0.1), margin_lo=-0.02)),  # local leads, within the seeds' spread
        ("not-run", _stim_sources((0.5, 0.2, 0.2, 0.1), seeds=1)),  # one seed: no interval
    ],
    "lab_stim_long_tail": [
        ("fail", _stim_tail(0.544, 0.535, diff_lo=-0.01)),  # ahead on the means, the paired interval reaches 0
        ("not-run", _stim_tail(0.4, 0.2, seeds=1)),
    ],
    "lab_defences_lower_leakage": [
        # sampling at a temperature lifts the entropy over the threshold and the pins still come out
        ("fail", _defences(secret={"filter_entropy_evasive": 0.7})),
        # exact deduplication never reproduces a whole target, yet its outputs carry the pins
        ("fail", _defences(secret={"dedup_exact": 0.65})),
        ("not-run", _no_dpsgd),  # a judged defence has no row
        # below the undefended model on the means, but the paired interval of the secret leakage reaches above 0
        ("fail", _defences(secret={"dedup_near": 0.58}, paired_half={"dedup_near": 0.05})),
        ("not-run", _defences(seeds=1)),  # one seed: no paired interval
        # it extracts, but no pin reaches its outputs' lower end: gate undefended_leaks
        ("not-run", _defences(secret={"undefended": 0.01})),
    ],
    "lab_defences_keep_utility": [
        ("not-run", _without("no_finetune")),  # no reference row: nothing to gate on
        # 90.5 % on the mean, but the seeds' interval reaches 89.5 %
        ("fail", _defences(dedup_near=(0.25, 3.5, 0.905, math.nan))),
        ("not-run", _defences(seeds=1)),  # one seed: no interval
    ],
    "lab_low_redundancy_majority": [
        ("fail", _share([math.nan, 0.7, 0.55], half=0.1)),  # a majority on the mean, the interval reaches 45 %
        ("not-run", _share([math.nan, 0.7, 0.8], seeds=1)),  # memorized in one seed only: no interval
    ],
    "lab_distillation_word_kd_memorizes_less": [("not-run", _distillation(word_kd=None))],  # no such student
    "lab_distillation_seq_kd_memorizes_less": [("not-run", _distillation(seeds=1))],  # one seed: no paired interval
    "lab_distillation_reverse_kl_memorizes_less": [("not-run", _distillation(direct=None))],  # no direct student
    "lab_edit_removes_leak": [
        ("fail", _editing(0.03, half=0.05)),  # 3 % on the mean, the seeds' interval reaches 8 %
        ("not-run", _editing(0.02, seeds=1)),
    ],
}
