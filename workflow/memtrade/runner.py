"""Run one workflow job: the library module a rule names, called with the rule's job.

Every rule runs the same thin script (``workflow/scripts/job.py``), which calls :func:`run`. The
rule's ``job`` input is the file of the job module (``memtrade/<study>/jobs/<job>.py``) and its
``lib`` input the library files that module imports (:mod:`memtrade.imports`), so that editing
library code reruns exactly the jobs that run it. A job module defines ``run(job, log)``; ``job``
has the rule's ``input``, ``output``, ``params``, ``wildcards``, ``threads`` and ``log`` (the
Snakemake object; the library does not import Snakemake), ``log`` is the job's logger. After a job
that succeeded, :func:`finish` ends the process without the interpreter's teardown.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from importlib import import_module
from pathlib import Path

from .io import open_log

PACKAGE_DIR = Path(__file__).resolve().parent


def module_name(path) -> str:
    """The dotted name of the library module at ``path``."""
    rel = Path(path).resolve().relative_to(PACKAGE_DIR).with_suffix("")
    return ".".join((PACKAGE_DIR.name, *rel.parts))


def module_file(name: str) -> Path:
    """The file of library module ``name`` (relative to the package: ``<study>.jobs.<job>``)."""
    return PACKAGE_DIR.joinpath(*name.split(".")).with_suffix(".py")


def run(job) -> None:
    """Open the job's log and call its module's ``run(job, log)``."""
    log = open_log(job.log[0])
    import_module(module_name(job.input.job)).run(job, log)


def finish() -> None:
    """End a job's process after its job succeeded, without the interpreter's teardown.

    Every output is written and closed by then (:mod:`memtrade.io` writes through ``with`` blocks and
    renames). The interpreter's own first two steps of shutting down still run, in its order: it
    waits for the threads and runs the threading module's exit callbacks (joblib's process pool
    stops its workers there), then the exit handlers (logging flushes and closes the job's log,
    multiprocessing joins its children, temporary directories are removed). Then stdout and stderr
    are flushed and the process leaves with status 0. The order matters: run before the pool is
    stopped, multiprocessing's handler would wait for the idle workers' 300 s timeout.

    What is skipped is the teardown that frees every module and object one by one: in a process
    that imported JAX, pandas and SciPy it costs about 0.3 CPU-s (measured), paid once by each of a
    run's jobs. A job that fails raises before this and exits as Python does.
    """
    threading._shutdown()  # what the interpreter calls first when it exits
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
