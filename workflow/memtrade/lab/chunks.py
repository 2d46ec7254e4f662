"""Rows through a compiled function in fixed-size chunks, so that one compilation serves them all."""

from __future__ import annotations

import numpy as np

from ..jaxpin import jax


def map_chunks(fn, arrays, chunk: int):
    """``fn(c, *parts)`` on chunk ``c`` of the rows of ``arrays`` (arrays sharing their first axis),
    each part ``chunk`` rows, the last chunk padded by repeating its final row; ``fn``'s outputs (an
    array or a tuple of arrays, rows first) with the padding dropped, concatenated over the chunks."""
    n = len(arrays[0])
    out = []
    for c, s in enumerate(range(0, n, chunk)):
        parts = [np.asarray(a[s : s + chunk]) for a in arrays]
        keep = len(parts[0])
        if keep < chunk:
            parts = [np.concatenate([p, np.repeat(p[-1:], chunk - keep, 0)]) for p in parts]
        out.append(jax.tree.map(lambda a, keep=keep: np.asarray(a)[:keep], fn(c, *parts)))
    return jax.tree.map(lambda *a: np.concatenate(a), *out)
