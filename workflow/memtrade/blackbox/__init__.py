"""Black-box learners on generated datasets, reconstruction attacks, certified memorization bounds.

- :mod:`.learners`  one scikit-learn-style class per config ``family`` (``natural``, ``logistic``,
  ``ridge``, ``knn``, ``mlp``, ``sklearn``), and the import check of user estimators;
- :mod:`.attack`    the white-box and query-only reconstruction attacks, and the loop that trains
  and attacks a learner over a grid of n;
- :mod:`.certify`   certified lower bounds in bits from attack statistics, and the black-box tables;
- :mod:`.audit`     ``memtrade audit``: the same pipeline for one user estimator, in one call.

Datasets are written and read by :mod:`memtrade.datasets`.
"""
