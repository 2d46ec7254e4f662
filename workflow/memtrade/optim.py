"""One optimizer step, shared by every JAX training loop (the language-model and diffusion
laboratories): the loss's value and gradient, the optax update, and the gradient's global norm (the
evidence, beside the loss, that a model has stopped moving).
"""

from __future__ import annotations

import jax.numpy as jnp
import optax

from .jaxpin import jax


def step(loss, opt: optax.GradientTransformation):
    """The function ``(params, state, *args) -> (params, state, loss, gradient norm)`` of one step of
    ``opt`` on ``loss(params, *args)``; jit it, or scan or map it inside a compiled loop."""

    def update(params, state, *args):
        value, grads = jax.value_and_grad(loss)(params, *args)
        return _apply(opt, params, state, value, grads)

    return update


def _apply(opt: optax.GradientTransformation, params, state, value, grads):
    """The optax update of ``grads``: (params, state, loss ``value``, the gradient's global norm)."""
    updates, state = opt.update(grads, state, params)
    return optax.apply_updates(params, updates), state, value, optax.global_norm(grads)


def accumulated_step(loss_sum, opt: optax.GradientTransformation):
    """Like :func:`step`, for a batch split into microbatches: ``(params, state, chunks, count, *args)
    -> (params, state, loss, gradient norm)``. ``chunks`` is a pytree whose leaves have a leading
    microbatch axis, ``loss_sum(params, chunk, *args)`` a sum over one chunk's terms and ``count`` the
    number of terms in all. The gradient of each chunk is taken in turn (a scan) and summed, then
    divided by ``count``: the gradient of the batch's mean, computed on arrays the size of a chunk
    (small enough to stay in cache on a CPU)."""

    def update(params, state, chunks, count, *args):
        def one(total, chunk):
            value, grads = jax.value_and_grad(loss_sum)(params, chunk, *args)
            return (total[0] + value, jax.tree.map(jnp.add, total[1], grads)), None

        if jax.tree.leaves(chunks)[0].shape[0] == 1:  # one chunk: no loop
            value, grads = jax.value_and_grad(loss_sum)(params, jax.tree.map(lambda c: c[0], chunks), *args)
        else:
            zero = (jnp.zeros(()), jax.tree.map(jnp.zeros_like, params))
            (value, grads), _ = jax.lax.scan(one, zero, chunks)
        return _apply(opt, params, state, value / count, jax.tree.map(lambda g: g / count, grads))

    return update
