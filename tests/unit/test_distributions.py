"""memtrade.distributions gives bit-for-bit the values of scipy.stats, without importing it in the library."""

import subprocess
import sys

import numpy as np
import pytest
from memtrade import distributions as dist
from memtrade.intervals import t_quantile
from scipy import stats

CASES = [  # (n, p) including the edges and the huge counts of d = 1e9
    (0, 0.3),
    (1, 0.5),
    (5, 0.0),
    (5, 1.0),
    (40, 0.013),
    (1000, 0.5),
    (10**5, 0.4999),
    (10**9, 0.5 + 1e-5),
]


@pytest.mark.parametrize(("n", "p"), CASES)
def test_binomial_functions_equal_scipy_stats_bit_for_bit(n, p):
    mid = int(n * p)
    k = np.unique(np.clip(np.r_[-3, -1, 0, 1, 2, mid - 7 : mid + 8, n - 1, n, n + 1, n + 5], -3, n + 5))
    for ours, theirs in ((dist.pmf, stats.binom.pmf), (dist.sf, stats.binom.sf), (dist.cdf, stats.binom.cdf)):
        np.testing.assert_array_equal(ours(k, n, p), theirs(k, n, p))
        assert ours(int(k[3]), n, p) == theirs(int(k[3]), n, p)  # scalars stay scalars


def test_broadcasting_over_p_like_scipy():
    k, n, p = np.arange(11)[None, :], 10, np.array([0.1, 0.5, 0.9])[:, None]
    np.testing.assert_array_equal(dist.pmf(k, n, p), stats.binom.pmf(k, n, p))


@pytest.mark.parametrize("df", [1, 2, 19, 1000])
def test_t_quantile_equals_scipy_stats(df):
    q = np.array([0.025, 0.5, 0.975])
    np.testing.assert_array_equal(t_quantile(q, df), stats.t.ppf(q, df))


def test_the_exact_stage_does_not_import_scipy_stats():
    """The point of the module: a job of the exact stage does not pay for scipy.stats."""
    code = "import sys; import memtrade.exact, memtrade.mixture, memtrade.brown; print('scipy.stats' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd="workflow")
    assert out.stdout.strip() == "False"
