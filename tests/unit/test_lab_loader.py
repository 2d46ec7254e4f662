"""The GPT-2 loader honours or refuses every Hugging Face GPT2Config field that changes the computation."""

import json

import memtrade.lab  # noqa: F401  (JAX settings before JAX is imported)
import numpy as np
import pytest
from memtrade.lab import gpt2

CFG = gpt2.GPT2Config(vocab_size=50, n_positions=12, n_embd=16, n_layer=2, n_head=2)


def _checkpoint(tmp_path, cfg=CFG, **fields):
    params = gpt2.init_params(cfg, np.random.default_rng(0))
    gpt2.save_checkpoint(tmp_path, params, cfg)
    path = tmp_path / "config.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **fields}))
    return params


REFUSED = {
    "activation_function": ["gelu", "relu", "silu", "gelu_fast", "quick_gelu"],
    "scale_attn_weights": [False],
    "scale_attn_by_inverse_layer_idx": [True],
    "tie_word_embeddings": [False],
    "add_cross_attention": [True],
    "model_type": ["gpt_neo"],
}


@pytest.mark.parametrize("field, value", [(f, v) for f, vs in REFUSED.items() for v in vs])
def test_a_variant_the_forward_pass_does_not_compute_is_refused_naming_the_field(tmp_path, field, value):
    _checkpoint(tmp_path, **{field: value})
    with pytest.raises(gpt2.CheckpointError, match=rf"config\.json: {field} = {value!r}"):
        gpt2.load_checkpoint(tmp_path)


@pytest.mark.parametrize(
    "fields",
    [{}, {"activation_function": "gelu_pytorch_tanh"}, {"scale_attn_weights": True},
     {"scale_attn_by_inverse_layer_idx": False}, {"tie_word_embeddings": True}, {"add_cross_attention": False},
     {"reorder_and_upcast_attn": True}, {"reorder_and_upcast_attn": False}, {"attn_pdrop": 0.5}],
)  # fmt: skip
def test_the_values_the_forward_pass_computes_are_accepted(tmp_path, fields):
    _checkpoint(tmp_path, **fields)
    _, cfg = gpt2.load_checkpoint(tmp_path)
    assert cfg == CFG


def _numpy_forward(p, cfg, ids, eps):
    """An independent GPT-2 forward pass (gelu_new, tied head) in float64 NumPy."""
    p = {k: np.asarray(v, np.float64) for k, v in p.items()}

    def ln(x, g, b):
        mu = x.mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(((x - mu) ** 2).mean(-1, keepdims=True) + eps) * g + b

    t, d, nh = len(ids), cfg.n_embd, cfg.n_head
    x = p["wte.weight"][ids] + p["wpe.weight"][np.arange(t)]
    for i in range(cfg.n_layer):
        h = f"h.{i}."
        a = ln(x, p[h + "ln_1.weight"], p[h + "ln_1.bias"]) @ p[h + "attn.c_attn.weight"] + p[h + "attn.c_attn.bias"]
        q, k, v = (z.reshape(t, nh, d // nh).transpose(1, 0, 2) for z in np.split(a, 3, axis=-1))
        s = q @ k.transpose(0, 2, 1) / np.sqrt(d // nh)
        s = np.where(np.tril(np.ones((t, t), bool)), s, -np.inf)
        w = np.exp(s - s.max(-1, keepdims=True))
        y = ((w / w.sum(-1, keepdims=True)) @ v).transpose(1, 0, 2).reshape(t, d)
        x = x + y @ p[h + "attn.c_proj.weight"] + p[h + "attn.c_proj.bias"]
        u = ln(x, p[h + "ln_2.weight"], p[h + "ln_2.bias"]) @ p[h + "mlp.c_fc.weight"] + p[h + "mlp.c_fc.bias"]
        u = 0.5 * u * (1 + np.tanh(np.sqrt(2 / np.pi) * (u + 0.044715 * u**3)))
        x = x + u @ p[h + "mlp.c_proj.weight"] + p[h + "mlp.c_proj.bias"]
    return ln(x, p["ln_f.weight"], p["ln_f.bias"]) @ p["wte.weight"].T


def test_n_inner_and_layer_norm_epsilon_are_honoured(tmp_path):
    """A non-default MLP width (n_inner = 24, not 4 * 16) and epsilon load and compute as an
    independent NumPy forward pass does."""
    wide = gpt2.GPT2Config(vocab_size=50, n_positions=12, n_embd=16, n_layer=2, n_head=2, n_inner=24)
    params = _checkpoint(tmp_path, wide, layer_norm_epsilon=0.3)
    loaded, cfg = gpt2.load_checkpoint(tmp_path)
    assert cfg.n_inner == 24 and cfg.layer_norm_epsilon == 0.3
    assert loaded["h.1.mlp.c_fc.weight"].shape == (16, 24)
    ids = np.random.default_rng(2).integers(0, 50, 12)
    ours = np.asarray(gpt2.forward(loaded, cfg, ids[None].astype(np.int32))[0][0])
    np.testing.assert_allclose(ours, _numpy_forward(params, cfg, ids, 0.3), atol=2e-5)
    # the epsilon matters: the default one gives other logits
    assert np.abs(ours - _numpy_forward(params, cfg, ids, 1e-5)).max() > 1e-3


def test_n_inner_that_the_parameters_do_not_have_is_refused(tmp_path):
    _checkpoint(tmp_path, n_inner=24)  # the parameters have 4 * 16 = 64
    with pytest.raises(gpt2.CheckpointError, match=r"wrong shapes: h\.0\.mlp\.c_fc\.weight"):
        gpt2.load_checkpoint(tmp_path)


def test_a_default_config_writes_no_n_inner(tmp_path):
    """Checkpoints of the default width keep the config.json they had (no ``n_inner: null``)."""
    _checkpoint(tmp_path)
    assert "n_inner" not in json.loads((tmp_path / "config.json").read_text())
