"""memtrade.seeds: one derivation of every random stream, from the run seed and whole names."""

import numpy as np
import pytest
from memtrade import seeds


def test_names_with_a_common_8_byte_prefix_get_different_streams():
    """The old mixture scheme kept only a name's first 8 bytes: heavy_tail_1 and heavy_tail_2 shared streams."""
    a, b = "heavy_tail_1", "heavy_tail_2"
    assert a.encode()[:8] == b.encode()[:8]
    x = seeds.generator(0, "mixture", "frequencies", a, 100).random(1000)
    y = seeds.generator(0, "mixture", "frequencies", b, 100).random(1000)
    assert not np.array_equal(x, y)
    assert abs(np.corrcoef(x, y)[0, 1]) < 0.15  # independent-looking, not shifted copies
    # likewise two Zipf priors whose names agree in their first 8 characters
    assert seeds.entropy(0, "zipf_1.25") != seeds.entropy(0, "zipf_1.2")


def test_a_stream_is_a_function_of_the_seed_and_the_names_only():
    a = seeds.generator(7, "blackbox", "dataset", "boolean", 3).integers(0, 2**31, 16)
    b = seeds.generator(7, "blackbox", "dataset", "boolean", 3).integers(0, 2**31, 16)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, seeds.generator(8, "blackbox", "dataset", "boolean", 3).integers(0, 2**31, 16))
    # order, type and grouping of names matter
    assert seeds.entropy(0, "a", "b") != seeds.entropy(0, "b", "a")
    assert seeds.entropy(0, 3) != seeds.entropy(0, "3")
    assert seeds.entropy(0, "ab") != seeds.entropy(0, "a", "b")


def test_the_derivation_is_fixed_across_processes():
    """Recorded in dataset sidecars, so it must not depend on Python's salted hash: a fixed value."""
    assert seeds.entropy(0, "x")[0] == 0 and len(seeds.entropy(0, "x")) == 5
    import subprocess
    import sys

    code = "from memtrade import seeds; print(seeds.entropy(5, 'brown', 'dataset', 'faithful', 2))"
    outs = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONHASHSEED": h, "PATH": ""}
        ).stdout
        for h in ("1", "2")
    }
    assert len(outs) == 1 and str(seeds.entropy(5, "brown", "dataset", "faithful", 2)) in outs.pop()


def test_integer_seeds_fit_scikit_learn_and_bad_names_are_refused():
    r = seeds.integer(0, "blackbox", "fit")
    assert 0 <= r < 2**31 and r == seeds.integer(0, "blackbox", "fit")
    with pytest.raises(TypeError, match="stream name"):
        seeds.generator(0, 1.5)
    with pytest.raises(ValueError, match="run seed"):
        seeds.generator(-1, "a")
