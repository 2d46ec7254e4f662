"""``memtrade lm-audit``: extraction, memorization score, prefix perturbation and exposure of a GPT-2 checkpoint."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .common import UsageError, emit


def lm_audit(checkpoint, samples_path, k, m, perturb, draws, seed, canary=None, secret=None, candidates=1000, bos=True):
    """Check the arguments of ``memtrade lm-audit``, load the checkpoint and run
    :func:`memtrade.lab.audit.audit_samples` (and :func:`~memtrade.lab.audit.canary_exposure`).

    Returns (per-sample table, exposure table or None).
    """
    if k < 1 or m < 1:
        raise UsageError(f"--prefix-tokens and --suffix-tokens must be positive, got {k} and {m}")
    if draws < 1 or any(j < 1 or j >= k for j in perturb):
        raise UsageError(f"--perturb values must lie in [1, {k - 1}] and --draws be positive")
    if (canary is None) != (secret is None):
        raise UsageError("--canary and --secret go together")
    if secret is not None and not secret.isdigit():
        raise UsageError(f"--secret must be a string of digits, got {secret!r}")
    path = Path(samples_path)
    if not path.is_file():
        raise UsageError(f"{path}: no such samples file")
    samples = [line for line in path.read_text().splitlines() if line.strip()]
    if not samples:
        raise UsageError(f"{path}: no samples (one per line)")
    import memtrade.lab  # noqa: F401  (fixes the JAX settings before JAX is imported)

    from .. import seeds
    from ..lab.audit import audit_samples, canary_exposure
    from ..lab.gpt2 import CheckpointError, load_checkpoint
    from ..lab.tokenizer import load as load_tokenizer

    directory = Path(checkpoint)
    try:
        params, cfg = load_checkpoint(directory)
    except CheckpointError as err:
        raise UsageError(str(err)) from None
    tok_path = directory / "tokenizer.json"
    if not tok_path.is_file():
        raise UsageError(f"{tok_path}: missing (a GPT-2 checkpoint directory needs tokenizer.json)")
    try:
        tok = load_tokenizer(tok_path)
    except Exception as err:  # the tokenizers library raises its own exception types
        raise UsageError(f"{tok_path}: not a tokenizer.json ({err})") from None
    if k + m + 1 > cfg.n_positions:
        raise UsageError(f"--prefix-tokens + --suffix-tokens + 1 = {k + m + 1} exceeds the context {cfg.n_positions}")
    table = audit_samples(
        params, cfg, tok, samples, k, m, perturb, draws, seeds.generator(seed, "lm-audit", "perturb"), bos
    )
    exposure = None
    if canary is not None:
        rng = seeds.generator(seed, "lm-audit", "exposure")
        exposure = pd.DataFrame([canary_exposure(params, cfg, tok, canary, secret, candidates, rng)])
    return table, exposure


def add(sub, fmt, common) -> None:
    """The ``lm-audit`` parser."""
    lm = sub.add_parser(
        "lm-audit",
        formatter_class=fmt,
        help="extraction, memorization score, prefix perturbation and exposure of a GPT-2 checkpoint",
        description="Audits a GPT-2 checkpoint directory (model.safetensors, config.json, tokenizer.json: ours or a\n"
        "Hugging Face GPT-2 one) on your samples, one per line: greedy extraction of the m tokens after the\n"
        "first k, the memorization score, the score with j prompt tokens replaced, the zlib redundancy;\n"
        "with --canary/--secret the exposure of a digit secret (docs/science.md, section 8).\n\n"
        "example:\n  memtrade lm-audit --checkpoint gpt2/ --samples train_lines.txt --prefix-tokens 32 \\\n"
        "      --suffix-tokens 32 --canary 'my pin is ' --secret 4821",
    )
    lm.add_argument("--checkpoint", required=True, metavar="DIR")
    lm.add_argument("--samples", required=True, metavar="FILE", help="text file, one sample per line")
    lm.add_argument("--prefix-tokens", type=int, default=32, help="k (Pythia: 32)")
    lm.add_argument("--suffix-tokens", type=int, default=32, help="m (Pythia: 32)")
    lm.add_argument("--perturb", type=int, nargs="*", default=[1, 2, 4], help="prompt tokens replaced")
    lm.add_argument("--draws", type=int, default=4, help="random replacements per sample and count")
    lm.add_argument("--no-bos", action="store_true", help="do not prepend <|endoftext|> to prompts")
    lm.add_argument("--canary", help="text before the secret")
    lm.add_argument("--secret", help="the digit string planted after --canary")
    lm.add_argument("--candidates", type=int, default=1000, help="sampled candidates of the skew-normal fit")
    lm.add_argument("--seed", type=int, default=0)
    common(lm)
    lm.set_defaults(run=run)


def run(args) -> None:
    """``memtrade lm-audit``: one row per sample, the canary's exposure in columns canary_*."""
    table, exposure = lm_audit(
        args.checkpoint,
        args.samples,
        args.prefix_tokens,
        args.suffix_tokens,
        args.perturb,
        args.draws,
        args.seed,
        args.canary,
        args.secret,
        args.candidates,
        not args.no_bos,
    )
    if exposure is not None:
        table = table.assign(**{f"canary_{k}": v for k, v in exposure.iloc[0].items()})
    emit(table, args.format, args.output)
