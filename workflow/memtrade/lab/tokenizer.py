"""The byte-level BPE tokenizer (Hugging Face ``tokenizers``), saved as a GPT-2-style ``tokenizer.json``.

Like GPT-2's: byte-level pre-tokenization (every byte is in the alphabet, so any text encodes) and
``<|endoftext|>`` as the one special token, used as beginning, end and padding. Unlike GPT-2's,
digits are split into single tokens before BPE (as LLaMA's tokenizer does), so a d-digit secret is
d tokens and exposure can be computed exactly over all 10^d candidates (docs/science.md section 8).
A real GPT-2 ``tokenizer.json`` loads through :func:`load` as well.
"""

from __future__ import annotations

import numpy as np

EOT = "<|endoftext|>"


def train(texts, vocab_size: int):
    """A byte-level BPE tokenizer with ``vocab_size`` tokens trained on ``texts`` (deterministic)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.Digits(individual_digits=True), pre_tokenizers.ByteLevel(add_prefix_space=False)]
    )
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[EOT],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(list(texts), trainer=trainer)
    return tok


def load(path):
    """A tokenizer from a ``tokenizer.json`` file."""
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(path))


def eot_id(tok) -> int:
    """The id of ``<|endoftext|>``."""
    i = tok.token_to_id(EOT)
    if i is None:
        raise ValueError(f"the tokenizer has no {EOT} token")
    return int(i)


def ordinary_tokens(tok) -> np.ndarray:
    """Every token id except ``<|endoftext|>`` (the replacements of prefix perturbation)."""
    return np.array(sorted(set(range(tok.get_vocab_size())) - {eot_id(tok)}), dtype=np.int32)


def encode(tok, texts) -> list[list[int]]:
    """Token ids of each text (no special tokens added)."""
    return [e.ids for e in tok.encode_batch(list(texts), add_special_tokens=False)]


def pack(
    tok, texts, width: int | None = None, multiple: int = 16, limit: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Each text as one row ``<|endoftext|> text <|endoftext|>``, padded with ``<|endoftext|>``.

    Returns ids [N, width] and a mask [N, width] that is 1 on real tokens (the leading one
    included, which is never a target). ``width`` defaults to the longest row rounded up to a
    ``multiple`` (so that corpora of every seed share compiled shapes), at most ``limit``; a row
    longer than the width is an error, naming the text.
    """
    eot = eot_id(tok)
    rows = [[eot, *ids, eot] for ids in encode(tok, texts)]
    longest = max(len(r) for r in rows)
    if width is None:
        width = -(-longest // multiple) * multiple
        width = width if limit is None else min(width, max(limit, longest))
    if longest > width:
        i = int(np.argmax([len(r) for r in rows]))
        raise ValueError(f"a text needs {longest} tokens, more than the context of {width}: {list(texts)[i][:80]!r}")
    ids = np.full((len(rows), width), eot, dtype=np.int32)
    mask = np.zeros((len(rows), width), dtype=np.float32)
    for i, r in enumerate(rows):  # ragged rows: one copy each
        ids[i, : len(r)] = r
        mask[i, : len(r)] = 1.0
    return ids, mask


def digits_are_tokens(tok) -> bool:
    """Whether every digit is one token and digit strings split into one token per digit."""
    enc = tok.encode(" 0123456789 9876543210", add_special_tokens=False)
    digits = [t for t in enc.tokens if any(c.isdigit() for c in t)]
    return len(digits) == 20 and all(sum(c.isdigit() for c in t) == 1 for t in digits)
