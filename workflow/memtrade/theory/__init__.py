"""The FKL theory study: the SDPI constants, the lower bound, and the exact memorization and error
of the structured learners, per problem (docs/science.md sections 2-5).

The computations are the library's core modules (``problems``, ``learners/``, ``exact/``,
``eta``, ``sdpi``, ``bounds``, ``aggregate``), shared with the other studies; this package holds the
study's declaration, claim checks, jobs, figures and documents.
"""
