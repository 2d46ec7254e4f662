"""Memorization and influence scores of any classifier on real data (Feldman & Zhang 2020), and
retrieval against memorization (RetroPrompt, Chen et al. 2022); docs/science.md section 9.

- :mod:`.estimator`: the subsampled estimator (membership matrix, subset fits in parallel,
  per-example memorization with standard errors, influence on test examples), and the exact
  memorization of 1-NN under the same subsampling;
- :mod:`.data`: the datasets (scikit-learn's digits with known flipped labels, a long-tailed
  mixture with known subpopulation frequencies) and their subpopulations;
- :mod:`.lira`: membership inference from the same fits (LiRA online and offline, the loss attack,
  ROC, AUC and TPR at low FPR, leave one target out) and the continuous memorization score;
- :mod:`.mia`: offline LiRA against one fitted model, with reference models on population halves;
- :mod:`.retro`: a kNN datastore with interpolated output and the kNN-weighted loss;
- :mod:`.experiments`: their experiments (removal, influence pairs, memorization by frequency,
  the retrieval comparison) as tidy tables;
- :mod:`.plots`: the figures.
"""
