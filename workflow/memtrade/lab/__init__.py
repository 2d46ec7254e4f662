"""The language-model memorization laboratory (laboratory scale: small GPT-2 models trained from scratch).

Importing this package fixes how JAX runs, before JAX is imported, so that the same config gives
byte-identical tables on CPU: one XLA intra-op thread (Eigen's multi-threaded contractions may
split sums differently from run to run). Parallelism comes from Snakemake running several
single-threaded jobs at once. Compiled programs are cached on disk (``$XDG_CACHE_HOME/memtrade/jax``,
or ``JAX_COMPILATION_CACHE_DIR``). With the CUDA plugin installed (``envs/jax-cuda.yaml``, selected
by ``lab.accelerator: cuda`` in ``config/lab_paper_scale.yaml``) JAX runs on the GPU instead; GPU
results are reproducible in distribution, not bit for bit. Settings already present in the
environment are kept.

Modules (each job of the rules, ``memtrade.lab.jobs``, only reads and writes; its computation is
one library call, in the module of what it computes):

- :mod:`memtrade.lab.corpus`: the synthetic corpus (Markov background text with an exact entropy
  rate, planted PII-like records with controlled repetition and redundancy), deduplication, and a
  seed's whole corpus with its tokenizer (``lab_corpus``).
- :mod:`memtrade.lab.tokenizer`: the byte-level BPE tokenizer (Hugging Face ``tokenizers``).
- :mod:`memtrade.lab.gpt2`: the GPT-2 model in JAX, parameters under the Hugging Face GPT-2 names,
  safetensors checkpoints.
- :mod:`memtrade.lab.models`: the laboratory sizes' configs, corpus CSVs, checkpoint directories
  with their training log.
- :mod:`memtrade.lab.train`: the AdamW and DP-SGD loops (optax, dp-accounting) and pretraining
  (``lab_pretrain``).
- :mod:`memtrade.lab.finetune`: fine-tuning under each variant, with DP-SGD's ε per row and per
  record (``lab_finetune``).
- :mod:`memtrade.lab.measure`: extraction, memorization score, prefix perturbation, exposure,
  output filters: the primitives on one model.
- :mod:`memtrade.lab.extraction`: the planted records' prompts, targets and secrets, and every
  measurement of one model's memorization of them (``lab_measure``).
- :mod:`memtrade.lab.editing`: Private Memorization Editing (MEMIT-style closed-form MLP edits)
  and its study on one model (``lab_edit``).
- :mod:`memtrade.lab.distill`: distillation objectives (word-level and on-policy reverse KL),
  teacher sampling for sequence-level distillation, and the study of one seed (``lab_distill``).
- :mod:`memtrade.lab.stim`: STIM's token-level memorization sources: the reasoning task, exact
  n-gram and co-occurrence counts, gradient × input saliency, Spearman scores, and the study of one
  seed (``lab_stim``).
- :mod:`memtrade.lab.stats`: intervals over seeds, certified bits, loss units (no JAX).
- :mod:`memtrade.lab.tables`: per-seed rows to tables with 95 % intervals over seeds (no JAX).
- :mod:`memtrade.lab.editing_tables`, :mod:`memtrade.lab.distill_tables`, :mod:`memtrade.lab.stim_tables`:
  the PME editing, distillation and STIM tables (no JAX).
- :mod:`memtrade.lab.plots`: the laboratory's figures (no JAX).
- :mod:`memtrade.lab.audit`: the measures on any GPT-2 checkpoint and the user's samples
  (``memtrade lm-audit``).
"""

from __future__ import annotations

from ..jaxsetup import XLA_FLAGS, configure

__all__ = ["XLA_FLAGS"]

configure()
