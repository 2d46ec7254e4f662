"""The one place where random streams are derived: every draw of the workflow and the command starts here.

A stream is named by the run seed (config ``seed``, or ``--seed`` on the command line) and a tuple
of names, for example ``("blackbox", "dataset", "boolean", 3)``. Each name is hashed whole
(BLAKE2b over its type and its full text), so names that share a prefix of any length get
independent streams, and the derivation does not depend on Python's salted ``hash`` or on the
process. The digests and the run seed are the entropy of a :class:`numpy.random.SeedSequence`.

>>> a = generator(0, "mixture", "heavy_tail_1").random()
>>> b = generator(0, "mixture", "heavy_tail_2").random()
>>> a != b
True
"""

from __future__ import annotations

import hashlib

import numpy as np

Name = str | int


def _digest(name: Name) -> list[int]:
    """Four 32-bit words of the BLAKE2b digest of one name, its type included (``3`` differs from ``"3"``)."""
    if isinstance(name, bool) or not isinstance(name, (str, int, np.integer)):
        raise TypeError(f"a stream name must be a str or an int, got {type(name).__name__} {name!r}")
    tag = "s" if isinstance(name, str) else "i"
    raw = hashlib.blake2b(f"{tag}:{name}".encode(), digest_size=16).digest()
    return [int.from_bytes(raw[i : i + 4], "little") for i in range(0, 16, 4)]


def entropy(seed: int, *names: Name) -> list[int]:
    """The SeedSequence entropy of the stream (``seed``, ``names``): the run seed, then each name's digest.

    Recorded in dataset sidecars, so that a file says which stream made it.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"the run seed must be a non-negative integer, got {seed!r}")
    words = [int(seed)]
    for name in names:
        words += _digest(name)
    return words


def sequence(seed: int, *names: Name) -> np.random.SeedSequence:
    """The :class:`numpy.random.SeedSequence` of the stream (``seed``, ``names``)."""
    return np.random.SeedSequence(entropy(seed, *names))


def generator(seed: int, *names: Name) -> np.random.Generator:
    """A NumPy generator (PCG64) on the stream (``seed``, ``names``)."""
    return np.random.default_rng(sequence(seed, *names))


def integer(seed: int, *names: Name) -> int:
    """A 31-bit integer from the stream, for libraries that take an int seed (scikit-learn's ``random_state``)."""
    return int(sequence(seed, *names).generate_state(1, np.uint32)[0] >> 1)
