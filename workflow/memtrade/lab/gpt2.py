"""GPT-2 in JAX, with the parameters under the Hugging Face GPT-2 names and layout.

The parameters are a flat dict ``{name: array}`` whose keys and shapes are those of a Hugging Face
``model.safetensors`` for ``GPT2Model`` (``wte.weight`` [V, D], ``wpe.weight`` [P, D],
``h.{i}.attn.c_attn.weight`` [D, 3D] in Conv1D (in, out) layout, ..., ``ln_f.bias`` [D]). A
checkpoint directory holds ``model.safetensors``, ``config.json`` (``n_embd``, ``n_layer``,
``n_head``, ``n_positions``, ``vocab_size``, ``layer_norm_epsilon``, optionally ``n_inner``) and ``tokenizer.json``, as
a Hugging Face GPT-2 repository does, so real GPT-2 weights load into the same code.

Architecture: learned positional embeddings, pre-LayerNorm blocks, causal multi-head attention,
GELU MLP (the tanh approximation GPT-2 uses, ``gelu_new``), final LayerNorm, output embedding
tied to ``wte``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import jax.numpy as jnp
import numpy as np

from ..io import atomic_path
from ..jaxpin import jax

#: keys in a Hugging Face checkpoint that are buffers or the tied head, not parameters
_IGNORED_SUFFIXES = (".attn.bias", ".attn.masked_bias")


class CheckpointError(ValueError):
    """A checkpoint directory or file is missing or malformed; the message names the file."""


@dataclass(frozen=True)
class GPT2Config:
    """The hyperparameters of a GPT-2 model (the names of Hugging Face's ``config.json``)."""

    vocab_size: int
    n_positions: int
    n_embd: int
    n_layer: int
    n_head: int
    layer_norm_epsilon: float = 1e-5
    #: the MLP's inner width (Hugging Face's ``n_inner``; None means 4 * n_embd)
    n_inner: int | None = None

    def __post_init__(self):
        if self.n_embd % self.n_head:
            raise ValueError(f"n_embd = {self.n_embd} is not a multiple of n_head = {self.n_head}")


def param_shapes(cfg: GPT2Config) -> dict[str, tuple[int, ...]]:
    """Every parameter's name and shape, in Hugging Face GPT-2 order and layout."""
    d, v, p = cfg.n_embd, cfg.vocab_size, cfg.n_positions
    f = cfg.n_inner or 4 * d
    shapes = {"wte.weight": (v, d), "wpe.weight": (p, d)}
    for i in range(cfg.n_layer):
        h = f"h.{i}."
        shapes |= {
            h + "ln_1.weight": (d,),
            h + "ln_1.bias": (d,),
            h + "attn.c_attn.weight": (d, 3 * d),
            h + "attn.c_attn.bias": (3 * d,),
            h + "attn.c_proj.weight": (d, d),
            h + "attn.c_proj.bias": (d,),
            h + "ln_2.weight": (d,),
            h + "ln_2.bias": (d,),
            h + "mlp.c_fc.weight": (d, f),
            h + "mlp.c_fc.bias": (f,),
            h + "mlp.c_proj.weight": (f, d),
            h + "mlp.c_proj.bias": (d,),
        }
    return shapes | {"ln_f.weight": (d,), "ln_f.bias": (d,)}


def n_params(cfg: GPT2Config) -> int:
    """The number of parameters (the tied output embedding counted once, as GPT-2's 124M does)."""
    return int(sum(np.prod(s) for s in param_shapes(cfg).values()))


def init_params(cfg: GPT2Config, rng: np.random.Generator) -> dict[str, jnp.ndarray]:
    """GPT-2's initialisation: N(0, 0.02) weights, residual projections scaled by 1/sqrt(2 n_layer),
    zero biases, unit LayerNorm gains. Drawn with NumPy from ``rng`` (a :mod:`memtrade.seeds` stream)."""
    out = {}
    for name, shape in param_shapes(cfg).items():
        if name.endswith(".bias"):
            w = np.zeros(shape)
        elif ".ln_" in name or name.startswith("ln_f"):
            w = np.ones(shape)
        else:
            std = 0.02
            if name.endswith("c_proj.weight"):
                std /= np.sqrt(2 * cfg.n_layer)
            w = rng.normal(0.0, std, size=shape)
        out[name] = jnp.asarray(w, dtype=jnp.float32)
    return out


def _layer_norm(x, g, b, eps):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) * jax.lax.rsqrt(var + eps) * g + b


def _heads(x, n_head):
    b, t, d = x.shape
    return x.reshape(b, t, n_head, d // n_head).transpose(0, 2, 1, 3)


def causal_mask(t: int, width: int, offset: int = 0, valid=None):
    """Which key slots each query may attend to: [T, W] causal over the buffer slots, or
    [B, 1, T, W] with ``valid`` [B, W] (1 on real tokens) folded in."""
    slots = jnp.arange(width)
    mask = slots[None, :] <= (offset + jnp.arange(t))[:, None]
    if valid is not None:
        mask = mask[None, None] & (valid[:, None, None, :] > 0)
    return mask


def block(params, cfg: GPT2Config, i: int, x, mask, kv=None, offset: int = 0, mlp_gate=None, mlp_delta=None):
    """Transformer block ``i`` on the residual stream x [B, T, D].

    ``kv``: this layer's (keys, values) buffers [B, H, W, D/H] (the new ones are written at
    ``offset``). ``mlp_gate`` (broadcast to [B, T, 1]) multiplies the MLP's output and ``mlp_delta``
    [B, T, D] is added to it: the interventions of the editing study (memtrade.lab.editing).
    Returns (x, (keys, values), mlp_keys) where ``mlp_keys`` [B, T, n_inner] (4D by default) is the input of the MLP's
    output projection ``mlp.c_proj``, the "keys" of its key-value reading.
    """
    b, t, _ = x.shape
    eps = cfg.layer_norm_epsilon
    hd = cfg.n_embd // cfg.n_head
    p = f"h.{i}."
    h = _layer_norm(x, params[p + "ln_1.weight"], params[p + "ln_1.bias"], eps)
    qkv = h @ params[p + "attn.c_attn.weight"] + params[p + "attn.c_attn.bias"]
    q, k, v = (_heads(z, cfg.n_head) for z in jnp.split(qkv, 3, axis=-1))
    if kv is not None:
        ck, cv = kv
        k = jax.lax.dynamic_update_slice(ck, k.astype(ck.dtype), (0, 0, offset, 0))
        v = jax.lax.dynamic_update_slice(cv, v.astype(cv.dtype), (0, 0, offset, 0))
    att = (q @ k.transpose(0, 1, 3, 2)) / np.sqrt(hd)
    att = jnp.where(mask, att, jnp.finfo(att.dtype).min)
    y = jax.nn.softmax(att, axis=-1) @ v
    y = y.transpose(0, 2, 1, 3).reshape(b, t, cfg.n_embd)
    x = x + y @ params[p + "attn.c_proj.weight"] + params[p + "attn.c_proj.bias"]
    h = _layer_norm(x, params[p + "ln_2.weight"], params[p + "ln_2.bias"], eps)
    keys = jax.nn.gelu(h @ params[p + "mlp.c_fc.weight"] + params[p + "mlp.c_fc.bias"], approximate=True)
    out = keys @ params[p + "mlp.c_proj.weight"] + params[p + "mlp.c_proj.bias"]
    if mlp_gate is not None:
        out = out * mlp_gate
    if mlp_delta is not None:
        out = out + mlp_delta
    return x + out, (k, v), keys


def embed(params, ids, pos):
    """Token plus position embeddings [B, T, D]."""
    return params["wte.weight"][ids] + params["wpe.weight"][pos]


def unembed(params, cfg: GPT2Config, x):
    """Final LayerNorm and the tied output embedding: logits [B, T, V]."""
    x = _layer_norm(x, params["ln_f.weight"], params["ln_f.bias"], cfg.layer_norm_epsilon)
    return x @ params["wte.weight"].T


def forward(params, cfg: GPT2Config, ids, pos=None, valid=None, cache=None, offset=0, segments=None):
    """Logits [B, T, V] for token ids [B, T].

    ``pos`` [B, T] are position ids (default ``offset + arange(T)``), so left-padded rows keep
    their positions. ``valid`` [B, W] marks the key slots that hold real tokens (default all),
    ``W = T`` without a cache. ``cache`` is a per-layer list of (keys, values) buffers
    [B, H, W, D/H]; the new keys and values are written at slots ``offset .. offset+T-1`` and
    queries attend to the slots up to their own. ``segments`` [B, T] (without a cache) packs
    several documents in a row: a query attends only to earlier tokens of its own segment, so each
    document's logits are those of the document alone at positions ``pos``. Returns
    ``(logits, cache)`` (``cache`` holds the new keys and values when none was passed).
    """
    b, t = ids.shape
    if pos is None:
        pos = jnp.broadcast_to(offset + jnp.arange(t), (b, t))
    x = embed(params, ids, pos)
    width = t if cache is None else cache[0][0].shape[2]
    mask = causal_mask(t, width, offset, valid)
    if segments is not None:
        mask = mask & (segments[:, None, :, None] == segments[:, None, None, :])
    new_cache = []
    for i in range(cfg.n_layer):
        x, kv, _ = block(params, cfg, i, x, mask, None if cache is None else cache[i], offset)
        new_cache.append(kv)
    return unembed(params, cfg, x), new_cache


def empty_cache(cfg: GPT2Config, batch: int, width: int):
    """Zero key/value buffers [batch, H, width, D/H] for every layer."""
    shape = (batch, cfg.n_head, width, cfg.n_embd // cfg.n_head)
    return [(jnp.zeros(shape, jnp.float32), jnp.zeros(shape, jnp.float32)) for _ in range(cfg.n_layer)]


def token_nll(params, cfg: GPT2Config, ids, mask):
    """Negative log-likelihood (nats) of each next token: [B, T-1], zero where ``mask[:, 1:]`` is 0."""
    logits, _ = forward(params, cfg, ids[:, :-1])
    return _next_token_nll(logits, ids) * mask[:, 1:]


def _next_token_nll(logits, ids):
    """The NLL (nats) of each next token ``ids[:, 1:]`` under ``logits`` [B, T-1, V]: [B, T-1]."""
    logp = jax.nn.log_softmax(logits, axis=-1)
    return -jnp.take_along_axis(logp, ids[:, 1:, None], axis=-1)[..., 0]


def packed_nll(params, cfg: GPT2Config, ids, pos, segments, target):
    """:func:`token_nll` of packed rows (:func:`memtrade.lab.packing.pack`): [B, T-1], each token's
    NLL given the earlier tokens of its own document, zero where ``target[:, 1:]`` is 0."""
    logits, _ = forward(params, cfg, ids[:, :-1], pos=pos[:, :-1], segments=segments[:, :-1])
    return _next_token_nll(logits, ids) * target[:, 1:]


# ---------------------------------------------------------------------------------------------
# checkpoints


def save_checkpoint(directory, params, cfg: GPT2Config, tokenizer_json: str | None = None) -> None:
    """Write ``model.safetensors`` and ``config.json`` (and ``tokenizer.json``) in the GPT-2 layout, atomically."""
    from safetensors.numpy import save_file

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    arrays = {k: np.ascontiguousarray(np.asarray(params[k], dtype=np.float32)) for k in param_shapes(cfg)}
    with atomic_path(directory / "model.safetensors") as tmp:
        save_file(arrays, str(tmp), metadata={"format": "pt"})
    meta = {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "activation_function": "gelu_new"}
    meta |= {k: v for k, v in asdict(cfg).items() if v is not None} | {"n_ctx": cfg.n_positions}
    with atomic_path(directory / "config.json") as tmp:
        tmp.write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n")
    if tokenizer_json is not None:
        with atomic_path(directory / "tokenizer.json") as tmp:
            tmp.write_text(tokenizer_json)


#: activation_function values that name the computation the forward pass does: the tanh
#: approximation of GELU (Hugging Face's ``gelu_new``; ``gelu_pytorch_tanh`` is the same formula)
_ACTIVATIONS = ("gelu_new", "gelu_pytorch_tanh")

#: config fields that change the computation, the value this forward pass implements, and why
#: another value is refused. Fields absent from config.json take Hugging Face's default, which is
#: the value here. ``reorder_and_upcast_attn`` is not listed: it upcasts the attention scores to
#: float32 and applies the scale inside the matmul (``baddbmm(alpha=scale)``), the same product in
#: a different order; this forward pass computes in float32 throughout, so it changes nothing
#: beyond rounding and either value is accepted.
_FIXED_FIELDS = {
    "scale_attn_weights": (True, "the forward pass always divides attention scores by sqrt(head dim)"),
    "scale_attn_by_inverse_layer_idx": (False, "the forward pass does not divide scores by layer index + 1"),
    "tie_word_embeddings": (True, "the forward pass computes logits with the tied wte.weight"),
    "add_cross_attention": (False, "the forward pass has no cross-attention"),
}


def _check_variant(meta: dict) -> None:
    """Refuse a config whose fields ask for a computation the forward pass does not do."""
    if "model_type" in meta and meta["model_type"] != "gpt2":
        raise ValueError(f"model_type = {meta['model_type']!r}: only 'gpt2' is implemented")
    act = meta.get("activation_function", "gelu_new")
    if act not in _ACTIVATIONS:
        raise ValueError(f"activation_function = {act!r}: the forward pass implements only {list(_ACTIVATIONS)}")
    for field, (implemented, why) in _FIXED_FIELDS.items():
        value = meta.get(field, implemented)
        if not isinstance(value, bool) or value != implemented:
            raise ValueError(f"{field} = {value!r} is not supported ({why})")


def read_config(directory) -> GPT2Config:
    """The :class:`GPT2Config` of a checkpoint directory's ``config.json``.

    Every field of Hugging Face's ``GPT2Config`` that changes the computation is honoured
    (``n_inner``, ``layer_norm_epsilon``, ``reorder_and_upcast_attn``, which is a no-op in float32)
    or refused with a :class:`CheckpointError` naming the field and its value
    (``activation_function`` other than the tanh GELU, ``scale_attn_weights = false``,
    ``scale_attn_by_inverse_layer_idx = true``, ``tie_word_embeddings = false``,
    ``add_cross_attention = true``, a ``model_type`` other than gpt2). Dropout rates do not change
    the forward pass at evaluation and are ignored.
    """
    path = Path(directory) / "config.json"
    if not path.is_file():
        raise CheckpointError(f"{path}: missing (a GPT-2 checkpoint directory needs config.json)")
    try:
        meta = json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise CheckpointError(f"{path}: not a GPT-2 config.json ({type(err).__name__}: {err})") from None
    if not isinstance(meta, dict):
        raise CheckpointError(f"{path}: not a GPT-2 config.json (not a JSON object)")
    try:
        _check_variant(meta)
    except ValueError as err:
        raise CheckpointError(f"{path}: {err}") from None
    try:
        n_inner = meta.get("n_inner")
        return GPT2Config(
            vocab_size=int(meta["vocab_size"]),
            n_positions=int(meta.get("n_positions", meta.get("n_ctx"))),
            n_embd=int(meta["n_embd"]),
            n_layer=int(meta["n_layer"]),
            n_head=int(meta["n_head"]),
            layer_norm_epsilon=float(meta.get("layer_norm_epsilon", 1e-5)),
            n_inner=None if n_inner is None else int(n_inner),
        )
    except (KeyError, TypeError, ValueError) as err:
        raise CheckpointError(f"{path}: not a GPT-2 config.json ({type(err).__name__}: {err})") from None


def load_checkpoint(directory) -> tuple[dict[str, jnp.ndarray], GPT2Config]:
    """Parameters and config of a GPT-2 checkpoint directory (ours, or a Hugging Face GPT-2 one).

    Accepts keys with or without the ``transformer.`` prefix of ``GPT2LMHeadModel``; ignores the
    attention-mask buffers and an ``lm_head.weight`` equal to ``wte.weight`` (tied). Raises
    :class:`CheckpointError` naming the file if anything is missing, unexpected or mis-shaped.
    """
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    directory = Path(directory)
    if not directory.is_dir():
        raise CheckpointError(f"{directory}: not a checkpoint directory")
    path = directory / "model.safetensors"
    if not path.is_file():
        raise CheckpointError(f"{path}: missing (a GPT-2 checkpoint directory needs model.safetensors)")
    cfg = read_config(directory)
    try:
        raw = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as err:
        raise CheckpointError(f"{path}: unreadable safetensors file ({err})") from None
    tensors = {}
    for key, value in raw.items():
        key = key.removeprefix("transformer.")
        if key.endswith(_IGNORED_SUFFIXES):
            continue
        tensors[key] = value
    head = tensors.pop("lm_head.weight", None)
    if head is not None and "wte.weight" in tensors and not np.array_equal(head, tensors["wte.weight"]):
        raise CheckpointError(f"{path}: lm_head.weight differs from wte.weight (GPT-2 ties them)")
    shapes = param_shapes(cfg)
    missing = [k for k in shapes if k not in tensors]
    extra = [k for k in tensors if k not in shapes]
    if missing or extra:
        raise CheckpointError(f"{path}: missing keys {missing[:5]}, unexpected keys {extra[:5]} for {cfg}")
    bad = [f"{k} {tuple(tensors[k].shape)} != {s}" for k, s in shapes.items() if tuple(tensors[k].shape) != s]
    if bad:
        raise CheckpointError(f"{path}: wrong shapes: {'; '.join(bad[:5])}")
    return {k: jnp.asarray(tensors[k], dtype=jnp.float32) for k in shapes}, cfg
