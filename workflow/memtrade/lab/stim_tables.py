"""The STIM tables (docs/science.md section 8.7, docs/outputs.md): dominant sources, the long-tail
comparison and precision@k per wrong step, from the ``lab_stim`` jobs' token rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..intervals import summarize
from .tables import NONNEGATIVE, RATE, per_seed

STIM_SOURCES = ("local", "mid", "long")


def _up_to_error(tokens: pd.DataFrame) -> pd.DataFrame:
    """The scored tokens of every step up to its first error (a wrong step's later digits, kept as
    candidates of its precision@k, left out)."""
    return tokens[~tokens["after_error"].astype(bool)] if "after_error" in tokens else tokens


def stim_sources_table(tokens: pd.DataFrame, level: float) -> pd.DataFrame:
    """STIM, per token class (``wrong``, ``right``) and source (``local``, ``mid``, ``long``, and
    ``undefined`` where no source is defined): the share of the class's tokens whose dominant source it
    is and the mean score under it. Shares per seed, then means and intervals over seeds."""
    tokens = _up_to_error(tokens)
    t = tokens.assign(token_class=np.where(tokens["wrong"].astype(bool), "wrong", "right"))
    parts = []
    for source in (*STIM_SOURCES, "undefined"):
        part = t.assign(source=source, share=(t["dominant"] == source).astype(float))
        part["source_score"] = t[f"score_{source}"] if source != "undefined" else np.nan
        parts.append(part)
    long = pd.concat(parts, ignore_index=True)
    per = per_seed(long, ["token_class", "source"], {"share": "share", "source_score": "mean_score"})
    counts = t.groupby(["seed", "token_class"]).size().rename("tokens").reset_index()
    per = per.merge(counts, on=["seed", "token_class"])
    # paired by seed: local's share minus the larger of mid-range's and long-range's (on the local rows)
    wide = per.pivot(index=["seed", "token_class"], columns="source", values="share")
    margin = (wide["local"] - wide[["mid", "long"]].max(axis=1)).rename("local_margin").reset_index()
    per = per.merge(margin.assign(source="local"), on=["seed", "token_class", "source"], how="left")
    cols = ["share", "mean_score", "tokens", "local_margin"]
    out = summarize(per, ["token_class", "source"], cols, level, {"share": RATE, "local_margin": (-1.0, 1.0)})
    order = {s: i for i, s in enumerate((*STIM_SOURCES, "undefined"))}
    return out.sort_values(
        ["token_class", "source"], key=lambda s: s.map(order) if s.name == "source" else s, ignore_index=True
    )


#: Scores averaged per example in INK-USC/STIM's long-tail comparison (``plot.py``,
#: ``get_mem_dict_agg(all_d, 5, "max")``).
EXAMPLE_TOP_SCORES = 5


def stim_example_scores(tokens: pd.DataFrame, top: int = EXAMPLE_TOP_SCORES) -> pd.DataFrame:
    """STIM's memorization score of each example, as their ``plot.py`` (``get_mem_dict_agg``)
    aggregates it: the mean of the ``top`` largest defined STIM scores among the tokens of the
    example's selected step (0 where none is defined). The selected step is their
    ``pr_score_select``'s: in a wrong answer the first wrong step; in a right answer theirs is the
    step their process-reward model scores lowest, here the step whose tokens the model gave the
    lowest mean probability (ties: the first). Questions with no scored step are left out.
    Returns one row per (seed, question): ``long_tail``, ``correct``, ``step``, ``example_score``."""
    keys = ["seed", "question"]
    t = tokens.sort_values([*keys, "step", "position"], kind="stable")
    wrong = t[t["wrong"].astype(bool)].groupby(keys)["step"].min().rename("wrong_step")
    conf = t.groupby([*keys, "step"], sort=True)["prob"].mean().reset_index()
    least = conf.loc[conf.groupby(keys)["prob"].idxmin(), [*keys, "step"]].set_index(keys)["step"]
    chosen = least.rename("step").to_frame().join(wrong)
    chosen["correct"] = chosen["wrong_step"].isna()
    chosen["step"] = chosen["wrong_step"].fillna(chosen["step"]).astype(int)
    sel = t.merge(chosen[["step", "correct"]].reset_index(), on=[*keys, "step"])
    ranked = sel.dropna(subset=["score"]).sort_values([*keys, "score"], ascending=[True, True, False], kind="stable")
    top_mean = ranked.groupby(keys).head(top).groupby(keys)["score"].mean()
    out = chosen[["step", "correct"]].join(top_mean.rename("example_score")).fillna({"example_score": 0.0})
    tail = t.groupby(keys)["long_tail"].first()
    return out.join(tail).reset_index()[[*keys, "long_tail", "correct", "step", "example_score"]]


def stim_tail_table(tokens: pd.DataFrame, level: float) -> pd.DataFrame:
    """STIM by input (``long_tail``: the half of the test questions whose rarest operand is rarest
    in the training questions; ``head``: the other half): their per-example memorization score
    (:func:`stim_example_scores`, every answered question) and, beside it, the mean score of the
    wrong tokens and of all scored tokens, the share of scored tokens that are wrong, and the wrong
    tokens per seed; on the ``long_tail`` row, ``tail_minus_head`` (their example score there minus
    on ``head``) and ``wrong_tail_minus_head`` (the same for the wrong tokens' score), paired by seed."""
    examples = stim_example_scores(tokens)
    tokens = _up_to_error(tokens)
    t = tokens.assign(
        inputs=np.where(tokens["long_tail"].astype(bool), "long_tail", "head"),
        wrong_score=tokens["score"].where(tokens["wrong"].astype(bool)),
        wrong_f=tokens["wrong"].astype(float),
    )
    per = per_seed(t, ["inputs"], {"wrong_score": "score_wrong", "score": "score_all", "wrong_f": "wrong_share"})
    counts = t.groupby(["seed", "inputs"])["wrong_f"].sum().rename("wrong_tokens").reset_index()
    per = per.merge(counts, on=["seed", "inputs"])
    ex = examples.assign(inputs=np.where(examples["long_tail"].astype(bool), "long_tail", "head"))
    per = per.merge(per_seed(ex, ["inputs"], {"example_score": "example_score"}), on=["seed", "inputs"], how="left")
    # paired by seed: long-tail minus frequent inputs
    for col, name in (("example_score", "tail_minus_head"), ("score_wrong", "wrong_tail_minus_head")):
        wide = per.pivot(index="seed", columns="inputs", values=col)
        if {"long_tail", "head"} <= set(wide.columns):
            diff = (wide["long_tail"] - wide["head"]).rename(name).reset_index()
            per = per.merge(diff.assign(inputs="long_tail"), on=["seed", "inputs"], how="left")
        else:
            per[name] = np.nan
    cols = ["example_score", "score_wrong", "score_all", "wrong_share", "wrong_tokens", "tail_minus_head",
            "wrong_tail_minus_head"]  # fmt: skip
    clip = {"wrong_share": RATE, "wrong_tokens": NONNEGATIVE}
    clip |= {"tail_minus_head": (-2.0, 2.0), "wrong_tail_minus_head": (-2.0, 2.0)}  # scores in [-1, 1]
    return summarize(per, ["inputs"], cols, level, clip)


def stim_step_ranks(tokens: pd.DataFrame) -> pd.DataFrame:
    """STIM's precision@k as their ``calculate.py`` ranks (``cal_p_k``): per seed and question, the
    first wrong step (one erroneous step per example, as their process-reward selection picks one);
    its digit tokens ranked by STIM score, highest first (undefined scores last, ties by position).
    Returns one row per wrong step: seed, question, step, ``candidates`` (its tokens) and
    ``wrong_rank`` (the rank of its wrong token, 1 = top)."""
    keys = ["seed", "question", "step"]
    wrong_steps = tokens.loc[tokens["wrong"].astype(bool), keys].drop_duplicates()
    first = wrong_steps.sort_values(keys, kind="stable").drop_duplicates(["seed", "question"])
    t = tokens.merge(first, on=keys).sort_values([*keys, "position"], kind="stable")
    t["filled"] = t["score"].fillna(-np.inf)
    t["rank"] = t.groupby(keys, sort=False)["filled"].rank(method="first", ascending=False)
    g = t.groupby(keys, sort=True)
    out = pd.DataFrame({"candidates": g.size(), "wrong_rank": t[t["wrong"].astype(bool)].groupby(keys)["rank"].min()})
    return out.reset_index().astype({"candidates": int, "wrong_rank": int})


def stim_precision_table(tokens: pd.DataFrame, ks, level: float) -> pd.DataFrame:
    """Precision@k and recall@k per wrong step against their random baselines (INK-USC/STIM
    ``calculate.py``): per step (:func:`stim_step_ranks`), with its one wrong token, precision@k is
    ``cal_p_k``'s hits / min(k, 1), the wrong token among the top k (the top n when the step has
    n < k tokens); recall@k (``cal_hit_k``) is the same hit. The random baselines are theirs:
    ``cal_p_k_random`` chooses k of the n tokens at random (k / n; n / k when n < k, their formula),
    ``cal_hit_k_random`` 1 - C(n - 1, k) / C(n, k) (k / n; 1 when n <= k). Per seed, means over
    its wrong steps; then means and intervals over seeds, with the paired per-seed difference of
    precision and its random baseline."""
    steps = stim_step_ranks(tokens)
    rows = []
    for k in ks:
        n = steps["candidates"].to_numpy(float)
        hit = (steps["wrong_rank"].to_numpy() <= k).astype(float)
        rows.append(
            steps[["seed"]].assign(
                k=int(k),
                precision=hit,
                recall=hit,
                precision_random=np.where(n < k, n / k, k / n),
                recall_random=np.minimum(k / n, 1.0),
                candidates=n,
            )
        )
    per = pd.concat(rows, ignore_index=True).groupby(["seed", "k"], as_index=False).mean()
    counts = steps.groupby("seed").size().rename("wrong_steps").reset_index()
    per = per.merge(counts, on="seed")
    per["precision_minus_random"] = per["precision"] - per["precision_random"]
    cols = ["precision", "precision_random", "recall", "recall_random", "precision_minus_random", "candidates",
            "wrong_steps"]  # fmt: skip
    clip = dict.fromkeys(cols[:4], RATE) | {"precision_minus_random": (-1.0, 1.0)}
    clip |= {"candidates": NONNEGATIVE, "wrong_steps": NONNEGATIVE}
    return summarize(per, ["k"], cols, level, clip)
