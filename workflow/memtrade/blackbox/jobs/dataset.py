"""Job blackbox_dataset: the generated datasets of one problem, one file per seed (with JSON sidecars
recording the seed and the parameters)."""

from __future__ import annotations

from pathlib import Path

from ... import seeds
from ...datasets import blackbox_stream, problem_dataset, save_dataset, stream_meta
from ...problems import make_problem


def run(job, log) -> None:
    """One dataset per output file, each from its own seed stream."""
    p, name = job.params, job.wildcards.blackbox_problem
    problem = make_problem(name, p.problem["d"], p.problem)
    for path in job.output.data:
        stream = blackbox_stream(name, int(Path(path).stem.removeprefix("seed")))
        data = problem_dataset(problem, p.n_max, p.n_test, seeds.generator(p.seed, *stream))
        meta = {"problem": name, "d": problem.d, "c": problem.c, problem.scale_name: problem.scale}
        meta.update(n_train=p.n_max, n_test=p.n_test, **stream_meta(p.seed, stream))
        save_dataset(path, data, meta)
        log.info("wrote %s", path)
