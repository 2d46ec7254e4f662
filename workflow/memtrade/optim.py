"""One optimizer step, shared by every JAX training loop (the language-model and diffusion
laboratories): the loss's value and gradient, the optax update, and the gradient's global norm (the
evidence, beside the loss, that a model has stopped moving).
"""

from __future__ import annotations

import optax

from .jaxpin import jax


def step(loss, opt: optax.GradientTransformation):
    """The function ``(params, state, *args) -> (params, state, loss, gradient norm)`` of one step of
    ``opt`` on ``loss(params, *args)``; jit it, or scan or map it inside a compiled loop."""

    def update(params, state, *args):
        value, grads = jax.value_and_grad(loss)(params, *args)
        updates, state = opt.update(grads, state, params)
        return optax.apply_updates(params, updates), state, value, optax.global_norm(grads)

    return update
