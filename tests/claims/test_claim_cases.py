"""Every claim of claims.yaml decided on synthetic tables: it passes on its pass case, fails on its
fail case, and a failed gate makes it not-run (never pass). The policy that every claim has a pass
and a fail case (and a not-run case where it has gates) is tests/policy/test_claims_policy.py."""

import pytest
from cases import CLAIMS, OUTCOMES, all_cases, more_cases
from memtrade.claims import evaluate

CASES = all_cases()
PARAMS = [(cid, outcome) for cid in sorted(CASES) for outcome in OUTCOMES if outcome in CASES[cid]]


@pytest.mark.parametrize(("claim_id", "outcome"), PARAMS)
def test_claim_verdict_on_its_synthetic_tables(claim_id, outcome):
    assert claim_id in CLAIMS, f"cases for {claim_id}, which is not a claim of claims.yaml"
    verdict = evaluate([CLAIMS[claim_id]], CASES[claim_id][outcome]())
    row = verdict.iloc[0]
    assert row["verdict"] == outcome, f"{claim_id}: expected {outcome}, got {row['verdict']}: {row['measured']}"
    if outcome == "not-run" and CLAIMS[claim_id].get("gates"):
        assert "gate" in row["measured"], row["measured"]


MORE = more_cases()


@pytest.mark.parametrize(
    ("claim_id", "outcome", "tables"), MORE, ids=[f"{c}-{o}-{i}" for i, (c, o, _) in enumerate(MORE)]
)
def test_more_ways_a_claim_fails_or_is_not_run(claim_id, outcome, tables):
    row = evaluate([CLAIMS[claim_id]], tables()).iloc[0]
    assert row["verdict"] == outcome, f"{claim_id}: expected {outcome}, got {row['verdict']}: {row['measured']}"
