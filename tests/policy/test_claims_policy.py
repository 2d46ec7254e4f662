"""Claims policy: every claim of claims.yaml is written so that it can fail. Each has a synthetic
case on which it fails and one on which it passes (tests/claims/), and one on which its gates make
it not-run if it has gates; each names a registered check and gates with exactly their settings."""

import sys

import yaml
from conftest import ROOT
from memtrade.claims import bind, evaluate, load

sys.path.insert(0, str(ROOT / "tests" / "claims"))
from cases import all_cases  # noqa: E402

CLAIMS = yaml.safe_load((ROOT / "claims.yaml").read_text())
KEYS = {"id", "study", "statement", "source", "test", "gates", "description"}


def test_every_claim_has_a_pass_and_a_fail_case_and_a_gated_case_where_it_has_gates():
    cases = all_cases()
    missing = []
    for c in CLAIMS:
        need = {"pass", "fail"} | ({"not-run"} if c.get("gates") else set())
        have = set(cases.get(c["id"], {}))
        if need - have:
            missing.append(f"{c['id']}: no {sorted(need - have)} case")
    assert not missing, "\n".join(missing)


def test_every_claim_binds_to_a_registered_check_and_gates_and_reads_every_key():
    from memtrade.study import studies

    assert len({c["id"] for c in CLAIMS}) == len(CLAIMS)
    load([s.name for s in studies()])
    for c in CLAIMS:
        assert c["statement"] and c["source"] and c["study"] in {s.name for s in studies()}, c["id"]
        assert set(c) <= KEYS, sorted(set(c) - KEYS)
        bind(c)


def test_without_tables_every_claim_is_not_run():
    verdicts = evaluate(CLAIMS, {})
    assert set(verdicts["verdict"]) == {"not-run"} and len(verdicts) == len(CLAIMS)
