"""Fixed-size chunks (memtrade.lab.chunks): every call sees full chunks, the chunk index, and the
results come back in order without the padding."""

import memtrade.lab  # noqa: F401  (JAX settings before JAX is imported)
import numpy as np
from memtrade.lab.chunks import map_chunks


def test_chunks_are_full_indexed_and_trimmed():
    a = np.arange(10)[:, None] * np.array([[1, 10]])
    b = np.arange(10) + 100
    seen = []

    def fn(c, x, y):
        seen.append((c, x.shape, y.shape, x[-1, 0], y[-1]))
        return x.sum(axis=1) + c, y * 2

    s, y2 = map_chunks(fn, (a, b), 4)
    # chunks 0, 1 full; chunk 2 holds rows 8, 9 padded with row 9 repeated
    assert [t[:3] for t in seen] == [(0, (4, 2), (4,)), (1, (4, 2), (4,)), (2, (4, 2), (4,))]
    assert seen[2][3:] == (9, 109)
    np.testing.assert_array_equal(s, 11 * np.arange(10) + np.repeat([0, 1, 2], [4, 4, 2]))
    np.testing.assert_array_equal(y2, 2 * b)


def test_a_single_array_output_and_an_exact_multiple():
    out = map_chunks(lambda c, x: x[:, ::-1], (np.arange(12).reshape(6, 2),), 3)
    np.testing.assert_array_equal(out, np.arange(12).reshape(6, 2)[:, ::-1])
