"""The diffusion memorization laboratory (laboratory scale, CPU): Buchanan, Pai, Ma & De Bortoli's
crossover (2025) and Di et al.'s foreground/background memorization (FB-Mem, 2025).

Importing this package fixes how JAX runs (:mod:`memtrade.jaxsetup`): one XLA thread, so the same
config gives byte-identical tables.

Modules:

- :mod:`memtrade.diffusion.process`: the variance-preserving process, the time grid, DDIM.
- :mod:`memtrade.diffusion.denoisers`: closed-form denoisers: the shared-variance isotropic GMM
  (trained model, empirical = memorizing, ground truth = generalizing) and the colored-template
  mixture.
- :mod:`memtrade.diffusion.data`: the Gaussian mixture and the colored templates (scikit-learn's
  ``load_digits``).
- :mod:`memtrade.diffusion.train`: the ε-prediction loss and full-batch Adam training (optax),
  many models at once.
- :mod:`memtrade.diffusion.models`: batches of denoisers as arrays: PMEM initialisation, DDIM
  sampling and per-t losses, vmapped over models.
- :mod:`memtrade.diffusion.metrics`: the nearest-neighbour memorization ratio, the transition
  window, per-t losses.
- :mod:`memtrade.diffusion.theory`: the analytic excess losses and the predicted crossover M*/N.
- :mod:`memtrade.diffusion.fbmem`: per-region (foreground/background) memorization, matches per
  generation, the outlier-component mitigation.
- :mod:`memtrade.diffusion.experiment`: the rules' jobs as library calls.
- :mod:`memtrade.diffusion.tables`, :mod:`memtrade.diffusion.plots`: tables and figures (no JAX).
"""

from __future__ import annotations

from ..jaxsetup import configure

configure()
