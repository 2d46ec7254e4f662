"""Mixtures of clusters under long-tailed frequencies (Feldman 2020) with the FKL bound split by
cluster count (docs/science.md section 7).

- :mod:`.tradeoff`: exact per-cluster values for every count, the trade-off over thresholds per
  frequency prior, Feldman's τ₁ prediction, the best threshold at the target;
- :mod:`.study`, :mod:`.claims`, :mod:`.jobs`: the study's declaration, claim checks and jobs.
"""
