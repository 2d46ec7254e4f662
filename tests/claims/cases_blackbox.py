"""Synthetic cases of the black-box study's claims (tests/claims/cases.py)."""

import numpy as np
import pandas as pd


def _tables(certified):
    def tables():
        ok = pd.DataFrame({"certified_bits": [1.0, 0.5], "exact_bits": [2.0, np.nan]})
        return {
            "blackbox_gaussian": ok,
            "blackbox_boolean": pd.DataFrame({"certified_bits": [certified], "exact_bits": [2.0]}),
        }

    return tables


CASES = {"blackbox_certified_below_exact": {"pass": _tables(2.0), "fail": _tables(2.5)}}
