"""The Brown et al. study's jobs (one module per rule, each with ``run(job, log)``; :mod:`memtrade.runner`)."""
