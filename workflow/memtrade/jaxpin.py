"""JAX as the library uses it: imported after :func:`memtrade.jaxsetup.configure` (flags, cache) and
with its CPU pool pinned to one thread (:func:`memtrade.jaxsetup.one_thread_pool`). Every library
module that uses JAX imports it from here (``from ..jaxpin import jax``), before anything else of
JAX (a policy test), so that the pin happens before JAX's backends exist, and only in the jobs that
use JAX.
"""

from __future__ import annotations

from .jaxsetup import configure, one_thread_pool

configure()

import jax  # noqa: E402

one_thread_pool(jax)

__all__ = ["jax"]
