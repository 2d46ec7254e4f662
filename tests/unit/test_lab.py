"""The language-model laboratory's library: GPT-2 model and checkpoints, corpus, measures, DP accounting."""

import json

import jax
import memtrade.lab  # noqa: F401  (JAX settings before JAX is imported)
import numpy as np
import pandas as pd
import pytest
from memtrade import seeds
from memtrade.intervals import summarize
from memtrade.lab import corpus as C
from memtrade.lab import gpt2
from memtrade.lab import measure as M
from memtrade.lab import stats as S
from memtrade.lab import tokenizer as T
from memtrade.lab.train import dp_epsilon, train

CFG = gpt2.GPT2Config(vocab_size=300, n_positions=24, n_embd=16, n_layer=2, n_head=2)


@pytest.fixture(scope="module")
def params():
    return gpt2.init_params(CFG, np.random.default_rng(0))


@jax.jit
def _forward(p, ids):
    return gpt2.forward(p, CFG, ids)[0]


def _logits(p, ids):
    return np.asarray(_forward(p, np.asarray(ids, dtype=np.int32)))


def test_parameter_names_and_shapes_are_gpt2s():
    shapes = gpt2.param_shapes(CFG)
    d = CFG.n_embd
    assert shapes["wte.weight"] == (300, d) and shapes["wpe.weight"] == (24, d)
    assert shapes["h.1.attn.c_attn.weight"] == (d, 3 * d)  # Conv1D (in, out) layout
    assert shapes["h.1.mlp.c_fc.weight"] == (d, 4 * d) and shapes["h.1.mlp.c_proj.weight"] == (4 * d, d)
    assert shapes["ln_f.bias"] == (d,)
    per_block = {k.split(".", 2)[2] for k in shapes if k.startswith("h.0.")}
    assert per_block == {
        "ln_1.weight", "ln_1.bias", "attn.c_attn.weight", "attn.c_attn.bias", "attn.c_proj.weight",
        "attn.c_proj.bias", "ln_2.weight", "ln_2.bias", "mlp.c_fc.weight", "mlp.c_fc.bias",
        "mlp.c_proj.weight", "mlp.c_proj.bias",
    }  # fmt: skip
    # GPT-2 small's published count, 124,439,808, from the same formula
    small = gpt2.GPT2Config(50257, 1024, 768, 12, 12)
    assert gpt2.n_params(small) == 124_439_808


def test_checkpoint_round_trip_gives_identical_logits(params, tmp_path):
    from safetensors.numpy import load_file

    gpt2.save_checkpoint(tmp_path, params, CFG, tokenizer_json="{}")
    raw = load_file(str(tmp_path / "model.safetensors"))
    assert {k: v.shape for k, v in raw.items()} == gpt2.param_shapes(CFG)
    meta = json.loads((tmp_path / "config.json").read_text())
    assert meta["model_type"] == "gpt2" and meta["n_embd"] == 16 and meta["n_ctx"] == 24
    loaded, cfg = gpt2.load_checkpoint(tmp_path)
    assert cfg == CFG
    ids = np.random.default_rng(1).integers(0, 300, (3, 24))
    np.testing.assert_array_equal(_logits(params, ids), _logits(loaded, ids))


def test_loader_reads_the_hugging_face_gpt2lmheadmodel_layout(params, tmp_path):
    """``transformer.`` prefixes, the attention-mask buffers and a tied lm_head are what HF writes."""
    from safetensors.numpy import save_file

    gpt2.save_checkpoint(tmp_path, params, CFG)
    arrays = {f"transformer.{k}": np.asarray(v) for k, v in params.items()}
    arrays["transformer.h.0.attn.bias"] = np.tril(np.ones((1, 1, 24, 24), np.float32))
    arrays["lm_head.weight"] = np.asarray(params["wte.weight"])
    save_file(arrays, str(tmp_path / "model.safetensors"))
    loaded, _ = gpt2.load_checkpoint(tmp_path)
    ids = np.arange(10)[None, :]
    np.testing.assert_array_equal(_logits(params, ids), _logits(loaded, ids))


def test_bad_checkpoints_name_the_file(params, tmp_path):
    with pytest.raises(gpt2.CheckpointError, match="model.safetensors"):
        gpt2.load_checkpoint(tmp_path)  # empty directory
    gpt2.save_checkpoint(tmp_path, params, CFG)
    (tmp_path / "model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(gpt2.CheckpointError, match=r"model\.safetensors: unreadable"):
        gpt2.load_checkpoint(tmp_path)
    gpt2.save_checkpoint(tmp_path, params, CFG)
    (tmp_path / "config.json").write_text(json.dumps({"n_embd": 16}))
    with pytest.raises(gpt2.CheckpointError, match="config.json"):
        gpt2.load_checkpoint(tmp_path)
    bigger = gpt2.GPT2Config(300, 24, 16, 3, 2)
    gpt2.save_checkpoint(tmp_path, params, CFG)
    (tmp_path / "config.json").write_text(
        json.dumps({**json.loads((tmp_path / "config.json").read_text()), "n_layer": 3})
    )
    with pytest.raises(gpt2.CheckpointError, match="missing keys"):
        gpt2.load_checkpoint(tmp_path)
    assert gpt2.n_params(bigger) > gpt2.n_params(CFG)


def test_causality_and_the_key_value_cache_match_the_full_forward(params):
    ids = np.random.default_rng(2).integers(0, 300, (2, 12))
    full = _logits(params, ids)
    changed = ids.copy()
    changed[:, 8:] = 0
    np.testing.assert_allclose(_logits(params, changed)[:, :8], full[:, :8], atol=1e-5)  # the future is not seen
    step = jax.jit(lambda x, cache, offset: gpt2.forward(params, CFG, x, cache=cache, offset=offset))
    first, cache = step(ids[:, :7], gpt2.empty_cache(CFG, 2, 12), 0)
    rest = []
    for t in range(7, 12):  # one compiled step: the offset is a traced value
        out, cache = step(ids[:, t : t + 1], cache, t)
        rest.append(np.asarray(out))
    np.testing.assert_allclose(np.concatenate([np.asarray(first), *rest], axis=1), full, atol=1e-4)


def test_left_padded_prompts_give_the_unpadded_continuation(params):
    rows = [[5, 6, 7, 8, 9], [11, 12, 13]]
    prompts = M.Prompts.from_lists(rows, pad=0, width=8)
    gen, ent = M.greedy(params, CFG, prompts, m=4)
    for row, g in zip(rows, gen, strict=True):
        seq = list(row)
        for _ in range(4):  # plain greedy decoding, one full forward per token
            seq.append(int(np.argmax(_logits(params, [seq])[0, -1])))
        assert list(g) == seq[len(row) :]
    assert ent.shape == (2, 4) and (ent >= 0).all()


def test_exact_secret_logprobs_match_brute_force_scoring(params):
    digit_ids = np.arange(40, 50, dtype=np.int32)
    prompt = np.array([3, 17, 250, 9], dtype=np.int32)
    tree = M.exact_secret_logprobs(params, CFG, prompt, digit_ids, digits=3, width=6)
    brute = M.continuation_logprob(params, CFG, prompt, digit_ids[M.all_digit_strings(3)])
    np.testing.assert_allclose(tree, brute, atol=1e-4)
    assert tree.shape == (1000,) and np.all(tree < 0)


def test_exposure_rank_and_extrapolation():
    lp = np.log(np.array([0.5, 0.3, 0.1, 0.1]))
    assert M.exposure_exact(lp, 0) == pytest.approx(2.0)  # rank 1 of 4
    assert M.exposure_exact(lp, 2) == pytest.approx(0.0)  # tie: rank 4 of 4
    rng = np.random.default_rng(3)
    cand = rng.normal(20.0, 2.0, 20000)
    # a secret at the 1/1024 quantile of a normal: about 10 bits
    from scipy.stats import norm

    assert M.exposure_extrapolated(cand, norm.ppf(2**-10, 20.0, 2.0)) == pytest.approx(10.0, abs=0.3)


def test_perturbation_replaces_exactly_j_tokens_never_end_of_text():
    rng = np.random.default_rng(4)
    # 0 is <|endoftext|> (not in vocab): the first prompt starts at the context start, the second is
    # all record text, so its first token may be replaced
    prompts = M.Prompts.from_lists([[0, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12, 13, 14]], pad=0, width=8)
    vocab = np.arange(1, 100, dtype=np.int32)
    p = M.perturb(prompts, 2, draws=200, vocab=vocab, rng=rng)
    base = np.repeat(prompts.ids, 200, axis=0)
    changed = p.ids != base
    assert (changed.sum(axis=1) == 2).all()
    assert not changed[base == 0].any()  # neither the padding nor the leading <|endoftext|>
    assert changed[200:, 0].any() and changed[:200, 3].any()
    with pytest.raises(ValueError, match="fewer than 6"):
        M.perturb(prompts, 6, draws=1, vocab=vocab, rng=rng)


def test_entropy_rate_is_exact_against_a_long_sample():
    rng = np.random.default_rng(5)
    src = C.MarkovSource(rng, 30, 1.1, 0.5)
    assert src.pi.sum() == pytest.approx(1.0) and np.allclose(src.pi @ src.P, src.pi)
    docs = src.sample(rng, 2000, 60)
    nll = -np.log2(src.P[docs[:, :-1], docs[:, 1:]])
    assert nll.mean() == pytest.approx(src.entropy_rate_bits, rel=0.01)
    assert C.document_entropy_bits(src, 60) == pytest.approx(
        (src.stationary_entropy_bits + 59 * src.entropy_rate_bits) / 60
    )


def test_records_repetitions_near_duplicates_and_deduplication():
    rng = np.random.default_rng(6)
    rec = C.make_records(rng, [1, 4, 16], [1, 8], 2, 8, 4, 9)
    assert rec["text"].str.startswith("note ").all() and (rec["note"].str.split().str.len() == 8).all()
    assert len(rec) == 12 and rec["pin"].str.fullmatch(r"\d{4}").all() and rec["acct"].str.fullmatch(r"\d{9}").all()
    assert rec.groupby("motif_length")["redundancy"].mean().is_monotonic_increasing  # longer motif, less redundant
    ft = C.finetune_texts(rng, rec, ["aa bb", "cc dd"], 0.5, ["zz", "yy"])
    counts = ft[ft["record"] >= 0].groupby("record").size()
    assert (counts.to_numpy() == rec.set_index("record").loc[counts.index, "repetitions"].to_numpy()).all()
    exact = ft.iloc[C.deduplicate(ft["text"], near=False)]
    near = ft.iloc[C.deduplicate(ft["text"], near=True)]
    assert exact["text"].is_unique
    assert (near[near["record"] >= 0].groupby("record").size() == 1).all()  # one copy of each record
    assert len(near) == len(rec) + 2


def test_tokenizer_splits_digits_and_packs_rows():
    tok = T.train(["ab cd ef gh 12 345"] * 50, 300)
    assert T.digits_are_tokens(tok)
    ids, mask = T.pack(tok, ["ab cd", "ef gh ab cd ef"], multiple=8)
    eot = T.eot_id(tok)
    assert ids.shape[1] % 8 == 0 and (ids[:, 0] == eot).all()
    assert mask.sum(axis=1).tolist() == [len(T.encode(tok, [t])[0]) + 2 for t in ["ab cd", "ef gh ab cd ef"]]


def test_training_is_bitwise_reproducible(params):
    ids = np.random.default_rng(7).integers(0, 300, (16, 12)).astype(np.int32)
    mask = np.ones_like(ids, dtype=np.float32)
    runs = [
        train(
            params,
            CFG,
            ids,
            mask,
            seeds.generator(1, "test"),
            epochs=2,
            batch=4,
            lr=1e-2,
            warmup_fraction=0.1,
            weight_decay=0.1,
        )
        for _ in range(2)
    ]
    for k in params:
        np.testing.assert_array_equal(np.asarray(runs[0][0][k]), np.asarray(runs[1][0][k]))
    assert runs[0][1].final_loss < np.log(300)


def test_dp_epsilon_against_the_pld_accountant():
    """RDP (ours) is an upper bound on the tighter PLD accountant's epsilon, and moves the right way."""
    from dp_accounting import dp_event
    from dp_accounting.pld import pld_privacy_accountant

    q, sigma, steps, delta = 0.05, 1.0, 200, 1e-3
    eps = dp_epsilon(q, sigma, steps, delta)
    pld = pld_privacy_accountant.PLDAccountant()
    pld.compose(dp_event.PoissonSampledDpEvent(q, dp_event.GaussianDpEvent(sigma)), steps)
    tight = pld.get_epsilon(delta)
    assert tight <= eps <= 1.6 * tight
    assert dp_epsilon(q, 2 * sigma, steps, delta) < eps < dp_epsilon(q, sigma, 2 * steps, delta)


def test_certified_bits_are_fano_and_never_exceed_the_planted_bits():
    perfect = S.certified_bits(np.array([100, 100, 100]), np.array([100, 100, 100]))
    assert perfect["certified_bits"] == pytest.approx(100 * np.log2(10)) == perfect["planted_bits"]
    chance = S.certified_bits(np.array([100, 100]), np.array([10, 11]))
    assert chance["certified_bits"] == 0.0
    half = S.certified_bits(np.array([100, 100, 100]), np.array([50, 50, 50]))
    from memtrade.info import h2

    assert half["certified_bits"] == pytest.approx(100 * (np.log2(10) - h2(0.5) - 0.5 * np.log2(9)))


def test_summaries_over_seeds():
    frame = pd.DataFrame({"seed": [0, 1, 2, 0, 1, 2], "g": ["a"] * 3 + ["b"] * 3, "x": [1.0, 2.0, 3.0, 5.0, 5.0, 5.0]})
    out = summarize(frame, ["g"], ["x"]).set_index("g")
    assert out.loc["a", "x"] == 2.0 and out.loc["a", "x_lo"] < 2.0 < out.loc["a", "x_hi"]
    assert out.loc["b", "x_lo"] == out.loc["b", "x_hi"] == 5.0 and out.loc["a", "seeds"] == 3


def test_a_prompt_cut_from_the_middle_of_a_row_keeps_its_positions(params):
    """Scoring after seq[3:8] with start = 3 equals the full forward of that slice at positions 3..7."""
    seq = np.array([7, 21, 99, 5, 8, 13, 2, 40], dtype=np.int32)
    cont = np.array([[11, 12], [30, 31]], dtype=np.int32)
    got = M.continuation_logprob(params, CFG, seq[3:], cont, width=6, start=3)
    for c, value in zip(cont, got, strict=True):
        ids = np.concatenate([seq[3:], c])[None, :]
        pos = np.arange(3, 3 + ids.shape[1])[None, :]
        logits = jax.jit(lambda x, p: gpt2.forward(params, CFG, x, pos=p)[0])(ids, pos)
        logp = np.asarray(jax.nn.log_softmax(logits[0], axis=-1))
        want = logp[4, c[0]] + logp[5, c[1]]
        assert value == pytest.approx(want, abs=1e-4)
    with pytest.raises(ValueError, match="beyond the context"):
        M.continuation_logprob(params, CFG, seq, np.zeros((1, 20), np.int32))


def test_group_epsilon_is_group_privacy_over_the_copies():
    """One copy: the per-row ε at that δ. k copies: kε at a per-row δ whose group δ, k e^{(k-1)ε} δ,
    is within the target; more copies, a larger ε; noise too small for the group: no guarantee."""
    from memtrade.lab.train import group_epsilon

    q, sigma, steps, delta = 0.05, 4.0, 40, 1e-4
    assert group_epsilon(q, sigma, steps, 1, delta) == dp_epsilon(q, sigma, steps, delta)
    eps = [group_epsilon(q, sigma, steps, k, delta) for k in (1, 2, 4)]
    assert eps[0] < eps[1] < eps[2] < np.inf
    # the per-row δ behind k = 2: some δ' with 2 e^{ε'} δ' <= δ and 2 ε' equal to the result
    d = np.exp(np.linspace(np.log(delta / 2), np.log(1e-300), 400))
    per_row = np.array([dp_epsilon(q, sigma, steps, float(x)) for x in d])
    ok = np.log(2) + per_row + np.log(d) <= np.log(delta)
    assert eps[1] == pytest.approx(2 * per_row[ok].min()) and eps[1] > 2 * dp_epsilon(q, sigma, steps, delta)
    assert group_epsilon(0.05, 0.6, 400, 32, delta) == np.inf
    with pytest.raises(ValueError, match="copies"):
        group_epsilon(q, sigma, steps, 0, delta)


def test_sampling_follows_the_tempered_distribution_and_reports_its_entropy(params):
    """A near-zero temperature samples the greedy continuation; at temperature T the reported entropy
    is that of softmax(logits / T) at the first step, and the first token's frequencies follow it."""
    prompts = M.Prompts.from_lists([[5, 6, 7]], pad=0, width=4)
    greedy, _ = M.greedy(params, CFG, prompts, m=3)
    cold, _ = M.sample(params, CFG, prompts, 3, 1e-4, key=1)
    assert (cold == greedy).all()
    many = M.Prompts(np.repeat(prompts.ids, 4000, 0), np.repeat(prompts.lengths, 4000), np.repeat(prompts.starts, 4000))
    gen, ent = M.sample(params, CFG, many, 1, 2.0, key=2)
    lg = _logits(params, [[5, 6, 7]])[0, -1] / 2.0
    p = np.exp(lg - lg.max())
    p /= p.sum()
    assert ent[0, 0] == pytest.approx(-(p * np.log2(p)).sum(), rel=1e-4)
    freq = np.bincount(gen[:, 0], minlength=len(p)) / len(gen)
    assert np.abs(freq - p).max() < 5 * np.sqrt(p.max() / len(gen))


def test_the_chunked_attacker_gets_what_the_pattern_filter_withholds():
    """Digits are single tokens: three at a time never match [0-9]{4,}, so the chunked attacker reads a
    secret the filter blocks in the whole output; a chunk that matches stops it there."""
    tok = T.train(["pin 1234 acct 99887766 the cat"] * 50, 300)
    ids = np.array([T.encode(tok, ["1234 acct 99887766"])[0]])
    whole = tok.decode_batch(ids.tolist())[0]
    assert M.regex_blocked([whole], "[0-9]{4,}")[0]  # the naive attacker gets nothing
    assert M.chunked_leaks(tok, ids, ["1234"], "[0-9]{4,}", 3)[0]
    assert not M.chunked_leaks(tok, ids, ["1234"], "[0-9]{4,}", 4)[0]  # four digits in a chunk: blocked
    assert not M.chunked_leaks(tok, ids, ["5678"], "[0-9]{4,}", 3)[0]  # another secret is not in the output


@pytest.mark.parametrize("name", ["config.yaml", "config/quick.yaml"])
def test_the_prompts_are_record_text_and_the_redundancy_spans_a_range(name):
    """Every record's extraction prompt is lab.extraction.prefix_tokens tokens of its own text (no
    end-of-text padding), and the notes spread the zlib ratio (docs/science.md section 8)."""
    from pathlib import Path

    import yaml
    from memtrade.lab.extraction import record_layout
    from tokenizers import Tokenizer

    config = yaml.safe_load((Path(__file__).resolve().parents[2] / name).read_text())
    if name != "config.yaml":
        base = yaml.safe_load((Path(__file__).resolve().parents[2] / "config.yaml").read_text())
        config = {**base, **config}
    lab = config["lab"]
    corpus = C.build_corpus(lab["corpus"], config["seed"], lab["seeds"] - 1)  # the last seed
    tok = Tokenizer.from_str(corpus["tokenizer"])
    k, m = lab["extraction"]["prefix_tokens"], lab["extraction"]["suffix_tokens"]
    for frame in (corpus["records"], corpus["fresh"]):
        layout = record_layout(tok, frame, k, m)
        assert (layout["prompts"].lengths == k).all()
        assert not (layout["prompts"].ids == T.eot_id(tok)).any()
        assert (np.asarray(layout["name_at"]) >= 0).all()
    ratio = corpus["records"].groupby("motif_length")["redundancy"].mean()
    assert ratio.is_monotonic_increasing and ratio.iloc[-1] - ratio.iloc[0] > 0.2


def test_defence_table_pairs_each_defence_with_the_undefended_model_of_its_seed():
    """The paired columns are per-seed differences: a defence that leaks 0.1 below the undefended model
    on every seed has a difference of exactly -0.1 with a zero-width interval, however far apart the
    seeds' own rates lie (an unpaired comparison of the two means' intervals would overlap)."""
    from memtrade.lab.tables import defence_table

    rows, models = [], []
    for seed, base in ((0, 0.2), (1, 0.9)):
        for variant, rate in (("undefended", base), ("dedup_exact", base - 0.1)):
            leaked = np.arange(10) < round(10 * rate)
            rows.append(
                pd.DataFrame(
                    {
                        "size": "small", "seed": seed, "variant": variant, "record": np.arange(10),
                        "extracted": leaked, "secret_in_output": leaked, "pin_exposure_exact": 5.0 * leaked,
                        "regex_blocked": False, "regex_evasive_leaked": leaked,
                        "entropy_blocked": False, "entropy_evasive_leaked": leaked,
                    }
                )
            )  # fmt: skip
            models.append(
                {
                    "size": "small", "seed": seed, "variant": variant, "heldout_bits_per_word": 7.0,
                    "fresh_bits_per_token": 3.0, "pretrained_heldout_bits_per_word": 7.5,
                    "pretrained_fresh_bits_per_token": 5.0, "benign_pass_regex": 1.0, "benign_pass_entropy": 0.95,
                }
            )  # fmt: skip
    t = defence_table(pd.concat(rows), pd.DataFrame(models), "small", 0.95).set_index("defence")
    d = t.loc["dedup_exact"]
    assert d["secret_leakage_vs_undefended"] == pytest.approx(-0.1)
    assert d["secret_leakage_vs_undefended_hi"] == pytest.approx(-0.1)
    assert d["pin_exposure_vs_undefended"] == pytest.approx(-0.5)
    assert d["secret_leakage_hi"] > t.loc["undefended", "secret_leakage_lo"]  # the unpaired intervals overlap
    assert t.loc["undefended", "extraction_rate_vs_undefended"] == 0.0
