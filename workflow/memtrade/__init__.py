"""memtrade: memorization lower bounds via strong data processing inequalities.

The importable library behind the Snakemake workflow and the ``memtrade`` command. It has no
Snakemake dependency; every module does one job:

- ``info``           entropies, divergences and Fano's bound in bits, computed stably;
- ``distributions``  binomial and Student-t functions (scipy.special, without importing scipy.stats);
- ``quadrature``     composite Gauss-Legendre grids, vectorised;
- ``seeds``          the one derivation of every random stream, from the run seed and names;
- ``problems``       problem definitions: parameters, simulation, per-problem attack constants;
- ``learners/``      structured learners and their per-coordinate output laws;
- ``exact/``         exact memorization and exact test error of structured learners;
- ``eta``            eta_KL of finite channels (exact for binary outputs);
- ``sdpi``           SDPI constants tau_n, rho_n, F_n;
- ``bounds``         the memorization lower bound LB_n(err), and its table;
- ``aggregate``      tidy tables: bound at each learner's error, invariants, best learners;
- ``mixture``        mixtures of clusters under long-tailed frequencies (Feldman 2020);
- ``datasets``       generated datasets on disk (arrays with JSON sidecars);
- ``blackbox/``      black-box learners, reconstruction attacks, certified bounds, the audit;
- ``attacks``        Brown et al.'s query-only attacks (sign, coordinate ascent);
- ``nets``           NumPy softmax networks and Nesterov SGD, as Brown et al.'s PyTorch code;
- ``brown``          Brown et al.'s experiment: data, training, attacks, summaries;
- ``lab/``           the language-model laboratory (GPT-2 in JAX, corpus, measures, defences);
- ``diffusion/``     the diffusion laboratory (Buchanan et al.'s crossover, FB-Mem; JAX);
- ``jaxsetup``       how the JAX stages run (one XLA thread, compilation cache), before JAX loads;
- ``memscore/``      Feldman & Zhang's memorization and influence scores on real data, RetroPrompt;
- ``claims``         claim verdicts on a run's tables;
- ``docs``           generated document sections, the report's landing page, the gallery;
- ``plotting``       figures (one style file, ``memtrade.mplstyle``);
- ``config``         configuration validation and expansion;
- ``imports``        the library files a workflow script imports (its rule's code inputs);
- ``io``             atomic writes and logging;
- ``cli``            the ``memtrade`` command: parsing and printing only.
"""

__version__ = "0.1.0"
