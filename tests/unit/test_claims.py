"""The claim evaluator: verdicts on synthetic tables (pass, fail, not-run) and on the quick run."""

import numpy as np
import pandas as pd
import yaml
from conftest import ROOT
from memtrade.claims import evaluate, to_markdown

CLAIMS = yaml.safe_load((ROOT / "claims.yaml").read_text())


def _by_id(claim_id):
    return [c for c in CLAIMS if c["id"] == claim_id]


def _sdpi(F_of_n, ds=(100, 1000), ns=(1, 2, 4, 8, 16), scale=0.1):
    rows = [{"problem": "gaussian", "d": d, "n": n, "scale": scale, "F": F_of_n(n, d)} for d in ds for n in ns]
    return pd.DataFrame(rows)


def test_one_over_n_passes_and_square_root_fails():
    claim = _by_id("gaussian_one_over_n")
    good = evaluate(claim, {"sdpi:gaussian": _sdpi(lambda n, d: d / n)})
    bad = evaluate(claim, {"sdpi:gaussian": _sdpi(lambda n, d: d / np.sqrt(n))})
    assert good["verdict"].item() == "pass" and bad["verdict"].item() == "fail"
    assert "-0.5000" in bad["measured"].item()


def test_missing_tables_are_not_run():
    verdicts = evaluate(CLAIMS, {})
    assert set(verdicts["verdict"]) == {"not-run"}
    assert len(verdicts) == len(CLAIMS)


def test_invariant_violation_fails():
    table = pd.DataFrame({"memorization_bits": [5.0, 1.0], "lower_bound_bits": [4.0, 2.0]})
    assert evaluate(_by_id("invariants"), {"memorization": table})["verdict"].item() == "fail"


def test_exponential_decay_claim():
    claim = _by_id("sparse_exponential")
    halves = _sdpi(lambda n, d: d * 0.5**n).assign(problem="sparse")
    one_over_n = _sdpi(lambda n, d: d / n).assign(problem="sparse")
    assert evaluate(claim, {"sdpi:sparse": halves})["verdict"].item() == "pass"
    assert evaluate(claim, {"sdpi:sparse": one_over_n})["verdict"].item() == "fail"


def test_feldman_claim_fails_on_disagreement():
    f = pd.DataFrame(
        {"predicted_excess_error": [0.10], "simulated_excess_error": [0.05], "simulated_excess_error_se": [0.001]}
    )
    assert evaluate(_by_id("feldman_tau1"), {"mixture_feldman": f})["verdict"].item() == "fail"


def test_markdown_lists_every_claim():
    md = to_markdown(evaluate(CLAIMS, {}))
    assert all(f"`{c['id']}`" in md for c in CLAIMS) and f"{len(CLAIMS)} not-run" in md


def test_every_claim_has_statement_source_and_a_known_test_and_no_unread_keys():
    from memtrade.claims import KINDS

    assert len({c["id"] for c in CLAIMS}) == len(CLAIMS)
    for c in CLAIMS:
        assert c["statement"] and c["source"] and c["test"]["kind"] in KINDS
        # every key is read: id, statement, source and test by the claims rule, description by the report
        assert set(c) <= {"id", "statement", "source", "test", "description"}, sorted(c)
