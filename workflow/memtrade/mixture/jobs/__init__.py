"""The mixture study's jobs (one module per rule, each with ``run(job, log)``; :mod:`memtrade.runner`)."""
