"""Job lab_corpus: the laboratory corpus and tokenizer of one seed."""

from __future__ import annotations

from ..corpus import build_corpus, save_corpus


def run(job, log) -> None:
    """The laboratory corpus and tokenizer of one seed."""
    corpus = build_corpus(job.params.corpus, job.params.seed, int(job.wildcards.lab_seed))
    save_corpus(corpus, dict(job.output.items()))
    log.info("corpus: %s", corpus["meta"])
