"""Private Memorization Editing (memtrade.lab.editing): interventions, background statistics, the
closed-form edit against an independent least-squares solve, and an edit of a trained model."""

import jax
import jax.numpy as jnp
import memtrade.lab  # noqa: F401  (JAX settings before JAX is imported)
import numpy as np
import pytest
from memtrade import seeds
from memtrade.lab import editing as E
from memtrade.lab import gpt2
from memtrade.lab import measure as M
from memtrade.lab.train import train

CFG = gpt2.GPT2Config(vocab_size=64, n_positions=16, n_embd=16, n_layer=2, n_head=2)


@pytest.fixture(scope="module")
def params():
    return gpt2.init_params(CFG, np.random.default_rng(0))


def _prompts(rows, width=8):
    return M.Prompts.from_lists(rows, 0, width=width)


def test_prompt_pass_matches_the_forward_pass_and_its_interventions_replace_one_output(params):
    rng = np.random.default_rng(1)
    rows = [rng.integers(1, 64, n).tolist() for n in (8, 5, 3)]
    p = _prompts(rows)
    ids, valid, starts = jnp.asarray(p.ids), jnp.asarray(p.valid()), jnp.asarray(p.starts)
    last = jnp.full(3, 7)
    for layer in range(CFG.n_layer):
        lp, keys, out = E.prompt_pass(params, CFG, ids, valid, starts, layer, last)
        for i, r in enumerate(rows):  # the unpadded row through the plain forward pass
            logits, _ = gpt2.forward(params, CFG, jnp.asarray([r], jnp.int32))
            np.testing.assert_allclose(lp[i], jax.nn.log_softmax(logits[0, -1]), atol=2e-5)
        # zeroing the output and adding it back is the identity; adding a vector changes the result
        same, _, _ = E.prompt_pass(params, CFG, ids, valid, starts, layer, last, gate=jnp.zeros(3), delta=out)
        np.testing.assert_allclose(same, lp, atol=2e-5)
        push = jnp.asarray(rng.normal(size=(3, CFG.n_embd)), jnp.float32)  # not constant: LayerNorm removes that
        moved, _, _ = E.prompt_pass(params, CFG, ids, valid, starts, layer, last, delta=push)
        assert np.abs(np.asarray(moved - lp)).max() > 1e-3
        assert keys.shape == (3, 4 * CFG.n_embd)


def test_an_intervention_at_an_earlier_key_position_reaches_the_prompts_end_only_through_later_layers(params):
    rows = [[3, 8, 12, 40, 41, 42, 43, 44]]
    p = _prompts(rows)
    ids, valid, starts = jnp.asarray(p.ids), jnp.asarray(p.valid()), jnp.asarray(p.starts)
    at = jnp.asarray([2])
    push = jnp.asarray(np.random.default_rng(5).normal(size=(1, CFG.n_embd)), jnp.float32)
    lp, keys, _ = E.prompt_pass(params, CFG, ids, valid, starts, 0, at)
    # the keys are read at the key position: layer 0's MLP input there, from the plain blocks
    x = gpt2.embed(params, ids, jnp.arange(8)[None])
    _, _, k = gpt2.block(params, CFG, 0, x, gpt2.causal_mask(8, 8))
    np.testing.assert_allclose(keys[0], k[0, 2], rtol=1e-5, atol=1e-6)
    moved, _, _ = E.prompt_pass(params, CFG, ids, valid, starts, 0, at, delta=push)
    assert np.abs(np.asarray(moved - lp)).max() > 1e-3  # through layer 1's attention
    last_layer, _, _ = E.prompt_pass(params, CFG, ids, valid, starts, CFG.n_layer - 1, at, delta=push)
    np.testing.assert_allclose(last_layer, E.prompt_pass(params, CFG, ids, valid, starts, CFG.n_layer - 1, at)[0])


def test_mean_ablation_with_a_prompts_own_output_contributes_nothing(params):
    p = _prompts([[5, 9, 17, 33, 2]])
    ids, valid, starts = p.ids, p.valid(), p.starts
    first = np.array([7])
    at = np.array([6])
    own = np.stack(
        [np.asarray(E.prompt_pass(params, CFG, ids, valid, starts, layer, at)[2][0]) for layer in range(CFG.n_layer)]
    )
    np.testing.assert_allclose(E.layer_contributions(params, CFG, ids, valid, starts, at, first, own), 0.0, atol=1e-5)
    other = np.zeros((CFG.n_layer, CFG.n_embd))
    contrib = E.layer_contributions(params, CFG, ids, valid, starts, at, first, other)
    assert np.abs(contrib[:-1]).max() > 1e-4
    assert contrib[-1] == pytest.approx(0.0, abs=1e-6)  # the last layer at an earlier position: no route


def test_background_statistics_against_keys_computed_row_by_row(params):
    rng = np.random.default_rng(2)
    ids = rng.integers(1, 64, (5, 10)).astype(np.int32)
    mask = np.ones_like(ids, bool)
    mask[3, 6:] = False  # padding never enters the statistics
    moments, means = E.background_statistics(params, CFG, ids, mask, batch=2)
    for layer in range(CFG.n_layer):
        keys = []
        for row, m in zip(ids, mask, strict=True):
            x = gpt2.embed(params, jnp.asarray(row[None]), jnp.arange(len(row))[None])
            for i in range(layer + 1):
                x, _, k = gpt2.block(params, CFG, i, x, gpt2.causal_mask(len(row), len(row)))
            keys.append(np.asarray(k[0], np.float64)[m])
        k = np.concatenate(keys)
        np.testing.assert_allclose(moments[layer], k.T @ k / len(k), rtol=1e-5, atol=1e-7)
        w = np.asarray(params[f"h.{layer}.mlp.c_proj.weight"], np.float64)
        b = np.asarray(params[f"h.{layer}.mlp.c_proj.bias"], np.float64)
        np.testing.assert_allclose(means[layer], (k @ w + b).mean(0), rtol=1e-5, atol=1e-6)


def test_least_squares_edit_against_an_independent_stacked_solve():
    rng = np.random.default_rng(3)
    k, r = rng.normal(size=(4, 12)), rng.normal(size=(4, 6))
    background = rng.normal(size=(40, 12))
    c = background.T @ background / 40
    for weight in (1e-4, 0.5, 20.0):
        delta = E.least_squares_edit(k, r, c, weight)
        # argmin ||K D - R||^2 + weight ||B D||^2 / 40 as one stacked least-squares problem
        a = np.vstack([k, np.sqrt(weight / 40) * background])
        b = np.vstack([r, np.zeros((40, 6))])
        np.testing.assert_allclose(delta, np.linalg.lstsq(a, b, rcond=None)[0], rtol=1e-6, atol=1e-8)
        s = E.edit_summary(k, r, delta, np.eye(12, 6))
        assert s["edit_rank"] == 4  # at most the number of edited keys
        if weight < 1e-3:
            assert s["value_fit"] > 0.999
    fits = [E.edit_summary(k, r, E.least_squares_edit(k, r, c, w), np.eye(12, 6))["value_fit"] for w in (100, 1, 0.01)]
    assert fits[0] < fits[1] < fits[2]  # preservation trades against delivering the edit
    delta, weight, fit = E.calibrated_edit(k, r, c, [100.0, 1.0, 0.01], min_fit=fits[1] - 1e-9)
    assert weight == 1.0 and fit == pytest.approx(fits[1])
    _, weight, _ = E.calibrated_edit(k, r, c, [100.0, 1.0], min_fit=1.1)  # never reached: the last weight
    assert weight == 1.0


def test_an_edit_makes_a_trained_model_emit_the_placeholder_where_it_leaked(params):
    rng = np.random.default_rng(4)
    secrets = rng.integers(10, 64, (6, 8)).astype(np.int32)
    secrets[:, :4] = [1, 2, 3, 4]  # a shared context, then a record-specific secret
    ids = np.repeat(secrets, 16, axis=0)
    trained, _ = train(
        params, CFG, ids, np.ones_like(ids, np.float32), seeds.generator(0, "test", "edit"),
        epochs=12, batch=16, lr=1e-2, warmup_fraction=0.1, weight_decay=0.0,
    )  # fmt: skip
    prompts = _prompts([s[:5].tolist() for s in secrets], width=5)
    gen, _ = M.greedy(trained, CFG, prompts, 3)
    np.testing.assert_array_equal(gen, secrets[:, 5:])  # memorized
    # the placeholder: a token the model has learned to emit (record 0's first secret token), for
    # records 1-3 (an untrained token's output embedding is too small to become the argmax)
    placeholder, layer, edited = int(secrets[0, 5]), CFG.n_layer - 1, np.arange(1, 4)
    assert (secrets[edited, 5] != placeholder).all()
    sub = (prompts.ids[edited], prompts.valid()[edited], prompts.starts[edited])
    at = np.full(3, 4)  # the record-specific token: here the prompt's last
    residuals, lp = E.target_deltas(trained, CFG, *sub, at, layer, placeholder, 200, 0.3, 1e-3)
    assert (lp > np.log(0.5)).all()
    _, keys, _ = E.prompt_pass(trained, CFG, *sub, layer, at)
    background = rng.integers(10, 64, (20, 8)).astype(np.int32)
    moments, _ = E.background_statistics(trained, CFG, background, np.ones_like(background, bool))
    delta, _, fit = E.calibrated_edit(np.asarray(keys), residuals, moments[layer], [100.0, 1.0, 0.01], 0.9)
    assert fit >= 0.9
    edited_params = E.apply_edit(trained, layer, delta)
    changed = [n for n in trained if not np.array_equal(np.asarray(trained[n]), np.asarray(edited_params[n]))]
    assert changed == [f"h.{layer}.mlp.c_proj.weight"]
    after, _ = M.greedy(edited_params, CFG, prompts, 3)
    assert (after[edited, 0] == placeholder).all()


def test_record_layout_finds_each_name_and_account_number():
    import pandas as pd
    from memtrade.lab import tokenizer as T
    from memtrade.lab.extraction import record_layout

    texts = ["ann bol pin 1234 acct 99887766 note x mail a@b", "carlota demuro pin 5678 acct 11223344 note y mail c@d"]
    tok = T.train(texts * 50, 300)
    records = pd.DataFrame({"text": texts, "pin": ["1234", "5678"], "acct": ["99887766", "11223344"]})
    layout = record_layout(tok, records, 12, 4)
    ids = layout["prompts"].ids
    for i, last in enumerate(["bol", "demuro"]):
        name_token = tok.decode([int(ids[i, layout["name_at"][i]])]).strip()
        assert name_token and last.endswith(name_token)
        assert tok.decode([int(ids[i, layout["name_at"][i] + 1])]).strip() == "pin"
    digits = [[tok.decode([int(t)]) for t in row] for row in layout["acct_targets"]]
    assert ["".join(d) for d in digits] == ["99887766", "11223344"]


def test_a_model_that_leaks_nothing_gets_no_edit_and_no_edit_description():
    """edit_study on an untrained model of the quick config's corpus: nothing leaks, nothing is edited,
    and the edit's columns are NaN (not a sentinel layer), so the tables leave the seed out of them."""
    from pathlib import Path

    import yaml
    from memtrade.lab import corpus as C
    from memtrade.lab.models import model_config
    from tokenizers import Tokenizer

    lab = yaml.safe_load((Path(__file__).resolve().parents[2] / "config" / "quick.yaml").read_text())["lab"]
    corpus = C.build_corpus(lab["corpus"], 7, 0)
    tok = Tokenizer.from_str(corpus["tokenizer"])
    cfg = model_config(lab["sizes"]["tiny"], lab["context"], tok.get_vocab_size())
    untrained = gpt2.init_params(cfg, np.random.default_rng(1))
    k, m = lab["extraction"]["prefix_tokens"], lab["extraction"]["suffix_tokens"]
    texts = corpus["heldout"]["text"].tolist()
    rows, edit = E.edit_study(
        untrained, cfg, tok, corpus["records"], corpus["fresh"], texts, lab["editing"], k, m, 10, 7, 0
    )
    assert edit["leaking"] == edit["edited"] == 0 and not rows["extracted_after"].any()
    for c in ("layer", "preservation_weight", "edit_rank", "edit_norm", "edit_relative_norm", "value_fit"):
        assert np.isnan(edit[c]), c


def test_a_seed_with_nothing_to_edit_is_left_out_of_the_edits_description():
    """A model that leaks nothing gets no edit: its layer, rank and norms are NaN, so the table's
    means describe the edits that were made (a sentinel layer of -1 would pull the mean below 0)."""
    import pandas as pd
    from memtrade.lab.editing_tables import editing_models_table

    base = {
        "size": "medium", "preservation_weight": 15.0, "value_fit": 0.98, "placeholder_logprob": -5.0,
        "heldout_bits_per_word_before": 7.0, "heldout_bits_per_word_after": 7.1,
        "fresh_bits_per_token_before": 5.0, "fresh_bits_per_token_after": 5.1, "fresh_placeholder_before": 0.0,
        "fresh_placeholder_after": 0.0, "spared_extraction_fall": 0.0, "acct_recall_fall": 0.0,
        "fresh_placeholder_rise": 0.0,
    }  # fmt: skip
    edits = [base | {"seed": s, "leaking": 6, "edited": 3, "layer": 1, "edit_rank": 3, "edit_norm": 2.0,
                     "edit_relative_norm": 1.0} for s in range(3)]  # fmt: skip
    nothing = {k: float("nan") for k in ("layer", "preservation_weight", "edit_rank", "edit_norm")}
    nothing |= {k: float("nan") for k in ("edit_relative_norm", "value_fit", "placeholder_logprob")}
    unchanged = {"heldout_bits_per_word_after": 7.0, "fresh_bits_per_token_after": 5.0}  # no edit: the same model
    edits.append(base | {"seed": 3, "leaking": 0, "edited": 0} | nothing | unchanged)
    row = editing_models_table(pd.DataFrame(edits), 0.95).iloc[0]
    assert row["seeds"] == 4 and row["edited_seeds"] == 3 and row["leaking"] == 4.5
    assert row["layer"] == 1 and row["edit_rank"] == 3 and row["edit_norm"] == 2.0
    # the changes are the edited seeds' (+1/70 and +1/50 each), not pulled towards 0 by the unedited model
    assert row["heldout_loss_change"] == pytest.approx(0.1 / 7.0) and row["heldout_loss_change_lo"] == pytest.approx(
        0.1 / 7.0
    )
    assert row["fresh_loss_change"] == pytest.approx(0.1 / 5.0)
