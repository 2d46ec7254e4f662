"""Brown, Bun, Feldman, Smith and Talwar's synthetic experiment (STOC 2021; docs/science.md section 6).

- :mod:`.experiment`: their data (subpopulations of a hypercube, singletons), training along
  their protocol, query-only attacks on singletons, summaries with intervals over seeds;
- :mod:`.nets`: NumPy softmax networks and Nesterov SGD, as their PyTorch code;
- :mod:`.study`, :mod:`.claims`, :mod:`.jobs`: the study's declaration, claim checks and jobs.
"""
