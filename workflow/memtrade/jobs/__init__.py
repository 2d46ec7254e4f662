"""The engine's jobs (claims, the report's landing page, the gallery); each study's jobs are in
``memtrade/<study>/jobs/``. Each module defines ``run(job, log)`` (:mod:`memtrade.runner`)."""
