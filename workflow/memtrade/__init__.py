"""memtrade: memorization lower bounds via strong data processing inequalities.

The importable library behind the Snakemake workflow. It has no Snakemake
dependency; every module does one job:

- ``info``        entropies and divergences in bits, computed stably;
- ``problems``    problem definitions (parameters, simulation);
- ``learners``    structured learners and their per-coordinate output laws;
- ``estimators``  exact memorization and exact test error;
- ``sdpi``        SDPI constants tau_n, rho_n;
- ``bounds``      the memorization lower bound LB_n(err);
- ``aggregate``   tidy tables;
- ``plotting``    figures;
- ``config``      configuration validation and expansion;
- ``io``          atomic writes and logging.
"""

__version__ = "0.1.0"
