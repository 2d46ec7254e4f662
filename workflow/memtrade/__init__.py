"""memtrade: memorization lower bounds via strong data processing inequalities.

The importable library behind the Snakemake workflow and the ``memtrade`` command. It has no
Snakemake dependency; every module does one job:

- ``info``           entropies, divergences and Fano's bound in bits, computed stably;
- ``distributions``  binomial functions (scipy.special, without importing scipy.stats);
- ``intervals``      confidence intervals: Student t over seeds, paired, per group; Wilson and Clopper-Pearson;
- ``quadrature``     composite Gauss-Legendre grids, vectorised;
- ``seeds``          the one derivation of every random stream, from the run seed and names;
- ``problems``       problem definitions: parameters, simulation, per-problem attack constants;
- ``learners/``      structured learners and their per-coordinate output laws;
- ``exact/``         exact memorization and exact test error of structured learners;
- ``eta``            eta_KL of finite channels (exact for binary outputs);
- ``sdpi``           SDPI constants tau_n, rho_n, F_n;
- ``bounds``         the memorization lower bound LB_n(err), and its table;
- ``aggregate``      tidy tables: bound at each learner's error, invariants, best learners;
- ``datasets``       generated datasets on disk (arrays with JSON sidecars);
- ``attacks``        Brown et al.'s query-only attacks (sign, coordinate ascent), shared with the black-box study;
- ``optim``          the one optimizer step of every JAX training loop;
- ``jaxsetup``       how the JAX stages run (flags, compilation cache, the one-thread pool), before JAX loads;
- ``jaxpin``         JAX as the library imports it: configured, its pool pinned to one thread;
- ``study``          the study contract and the registry of studies;
- ``claims``         the claim engine: checks and gates registered per study, verdicts on a run's tables;
- ``config``         configuration validation, composed from the studies' schema fragments;
- ``estimators``     scikit-learn-compatible estimators named by import path: the check, and its cache;
- ``schema_docs``    the configuration reference: every schema key's description, docs/configuration.md's tables;
- ``provenance``     the commit and machine of the full run the README shows, and its dependencies;
- ``docs``           generated document sections, the report's landing page, the README gallery;
- ``plotting``       the figures' shared parts (one style file, ``memtrade.mplstyle``) and saving;
- ``imports``        the library files a job imports (its rule's code inputs);
- ``runner``         runs the library job a rule names (``workflow/scripts/job.py``);
- ``jobs/``          the engine's jobs: claims, the report's landing page, the gallery;
- ``io``             atomic writes and logging;
- ``cli/``           the ``memtrade`` command: parsing and printing only, a module per subcommand.

The studies, each a package with its declaration (``study``), config checks (``settings``), claim
checks (``claims``), jobs (``jobs/``), figures (``plots``), results sections (``docs``) and report
captions (``report/``):

- ``theory/``        the FKL bound and the structured learners, per problem;
- ``mixture/``       mixtures of clusters under long-tailed frequencies (Feldman 2020);
- ``brown/``         Brown et al.'s experiment: data, training, attacks, summaries;
- ``blackbox/``      black-box learners, reconstruction attacks, certified bounds, the audit;
- ``lab/``           the language-model laboratory (GPT-2 in JAX, corpus, measures, defences);
- ``memscore/``      Feldman & Zhang's memorization and influence scores on real data, LiRA, RetroPrompt;
- ``diffusion/``     the diffusion laboratory (Buchanan et al.'s crossover, FB-Mem; JAX).
"""

__version__ = "0.1.0"
