"""The laboratory corpus: background text whose statistics are known exactly, and planted records.

Background text is a first-order Markov chain over a vocabulary of synthetic words. Row ``i`` of
the transition matrix mixes a global Zipf law over the words (long-tailed unigram statistics) with
a Zipf law over a row-specific permutation (context dependence):
``P[i] = (1 - mix) * zipf + mix * zipf[perm_i]``. Its entropy rate ``sum_i pi_i H(P[i])`` (bits per
word, ``pi`` the stationary law) is computed exactly, so held-out loss is compared with the best
achievable (:func:`document_entropy_bits`). Words are distinct strings of lowercase letters joined
by single spaces, so a document's text determines its word sequence.

Records are PII-like: ``"note {note} {first} {last} pin {pin} acct {acct} mail {email}"``. The pin
and the account number are uniformly random digit strings (the secrets). The note comes first, so
the secret has a long prefix (at least the 32 tokens that Pythia's extraction and Zhang et al.'s
perturbation take, at the default settings): a motif of ``r`` words drawn uniformly from the
background vocabulary, repeated to ``note_words`` words, so records range from varied content (``r``
equal to the note's word count) to repeated content (``r = 1``), and their compression ratio over a
controlled range. Each record is repeated a controlled
number of times in the fine-tuning data; a fraction of the copies are near-duplicates (one
background word appended), which exact deduplication keeps and near-duplicate deduplication
removes. Redundancy is measured by :func:`redundancy` (docs/science.md section 8).

A seed's corpus (:func:`build_corpus`, the ``lab_corpus`` job) draws from the streams
("lab", "corpus", seed_index, part) of :mod:`memtrade.seeds`.
"""

from __future__ import annotations

import json
import re
import string
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import entr

from .. import seeds
from ..io import atomic_path, write_csv
from . import tokenizer as T

LN2 = np.log(2.0)
LETTERS = np.array(list(string.ascii_lowercase))
#: a record's two secrets in its text: (pin, account number)
SECRET_PATTERN = re.compile(r"pin (\d+) acct (\d+)")
#: the field names of a record's text, never a note word (the secrets are found after " pin " and " acct ")
FIELDS = ("note", "pin", "acct", "mail")
#: notes are drawn from the most frequent background words (one token each after BPE, so a note of
#: n words is about n tokens and the records fit the context)
NOTE_VOCABULARY = 32


def zipf_weights(n: int, exponent: float) -> np.ndarray:
    """Zipf probabilities ``k^-exponent`` over ranks 1..n, normalised."""
    w = np.arange(1, n + 1, dtype=float) ** -float(exponent)
    return w / w.sum()


def _random_strings(rng, count: int, lengths: np.ndarray, alphabet=LETTERS) -> list[str]:
    """``count`` random strings with the given lengths (drawn as one array, then cut)."""
    chars = alphabet[rng.integers(0, len(alphabet), size=int(lengths.sum()))]
    cuts = np.cumsum(lengths)[:-1]
    return ["".join(part) for part in np.split(chars, cuts)]


def unique_words(rng, count: int, min_len: int, max_len: int, exclude=()) -> list[str]:
    """``count`` distinct random lowercase words, shortest first (frequent words are short, as in language)."""
    out: list[str] = []
    seen = set(exclude)
    while len(out) < count:
        lengths = rng.integers(min_len, max_len + 1, size=2 * (count - len(out)))
        for w in _random_strings(rng, len(lengths), lengths):
            if w not in seen:
                seen.add(w)
                out.append(w)
    out = out[:count]
    return sorted(out, key=len)


def stationary(P: np.ndarray, tol: float = 1e-15, max_iter: int = 100_000) -> np.ndarray:
    """The stationary law of a positive stochastic matrix, by power iteration (unique: P > 0)."""
    pi = np.full(len(P), 1.0 / len(P))
    for _ in range(max_iter):  # geometric convergence at P's second eigenvalue
        nxt = pi @ P
        nxt /= nxt.sum()
        if np.abs(nxt - pi).max() < tol:
            return nxt
        pi = nxt
    raise RuntimeError("the Markov chain's stationary law did not converge")


class MarkovSource:
    """The background source: words, transition matrix, stationary law and exact entropy rate."""

    def __init__(self, rng: np.random.Generator, n_words: int, zipf_exponent: float, mix: float):
        self.words = unique_words(rng, n_words, 2, 7)
        base = zipf_weights(n_words, zipf_exponent)
        perms = np.argsort(rng.random((n_words, n_words)), axis=1)  # a random permutation per row
        self.P = (1.0 - mix) * base[None, :] + mix * base[perms]
        self.pi = stationary(self.P)
        self.row_entropy_bits = entr(self.P).sum(axis=1) / LN2

    @property
    def entropy_rate_bits(self) -> float:
        """Entropy rate in bits per word, sum_i pi_i H(P[i])."""
        return float(self.pi @ self.row_entropy_bits)

    @property
    def stationary_entropy_bits(self) -> float:
        """Entropy of the stationary law (the first word of a document), in bits."""
        return float(entr(self.pi).sum() / LN2)

    def sample(self, rng: np.random.Generator, n_docs: int, words_per_doc: int) -> np.ndarray:
        """Word indices [n_docs, words_per_doc]: first word from the stationary law, then the chain.

        Vectorised over documents (inverse-CDF sampling of all documents' next words at once).
        """
        v = len(self.pi)
        cdf = np.cumsum(self.P, axis=1)
        cdf[:, -1] = 1.0
        # row i's CDF shifted by i, flattened: one sorted array serves every row's inverse CDF
        flat = (cdf + np.arange(v)[:, None]).ravel()
        out = np.empty((n_docs, words_per_doc), dtype=np.int64)
        out[:, 0] = np.searchsorted(np.cumsum(self.pi), rng.random(n_docs), side="right").clip(max=v - 1)
        u = rng.random((n_docs, words_per_doc))
        for t in range(1, words_per_doc):  # the chain is sequential in time; documents are vectorised
            prev = out[:, t - 1]
            out[:, t] = (np.searchsorted(flat, prev + u[:, t], side="right") - prev * v).clip(0, v - 1)
        return out

    def text(self, docs: np.ndarray) -> list[str]:
        """The documents' texts: words joined by single spaces."""
        words = np.array(self.words, dtype=object)
        return [" ".join(row) for row in words[docs]]


def document_entropy_bits(source: MarkovSource, words_per_doc: int) -> float:
    """The entropy of one document of ``words_per_doc`` words in bits per word: the best achievable
    held-out loss of any model of the text (its first word from the stationary law)."""
    return (source.stationary_entropy_bits + (words_per_doc - 1) * source.entropy_rate_bits) / words_per_doc


def redundancy(texts) -> np.ndarray:
    """The zlib compression ratio of each text (compressed bytes / raw bytes, level 9).

    Lower is more redundant. This is the redundancy measure of docs/science.md section 8 (the source
    study's exact definition is not public).
    """
    return np.array([len(zlib.compress(t.encode(), 9)) / len(t.encode()) for t in texts])


def make_records(
    rng: np.random.Generator,
    repetitions: list[int],
    motif_lengths: list[int],
    per_cell: int,
    note_words: int,
    pin_digits: int,
    acct_digits: int,
    exclude_words=(),
    domains=None,
    vocabulary=None,
) -> pd.DataFrame:
    """The planted records: ``per_cell`` records per (repetition count, note motif length).

    Columns: record, repetitions, motif_length, first, last, pin, acct, note, email, text,
    redundancy. Names are random words distinct from the background vocabulary and each other. The
    mail domains are eight random words, or ``domains`` (more records of the same distribution).
    A note's words are drawn uniformly from ``vocabulary`` (the background words; by default 64
    random words), never one of the record's field names.
    """
    cells = [(c, r) for c in repetitions for r in motif_lengths for _ in range(per_cell)]
    n = len(cells)
    names = unique_words(rng, 2 * n, 3, 7, exclude=set(exclude_words) | set(FIELDS))
    order = rng.permutation(2 * n)
    first = [names[i] for i in order[:n]]
    last = [names[i] for i in order[n:]]
    digits = np.array(list(string.digits))
    pins = _random_strings(rng, n, np.full(n, pin_digits), digits)
    accts = _random_strings(rng, n, np.full(n, acct_digits), digits)
    if domains is None:
        domains = unique_words(rng, 8, 3, 5, exclude=set(exclude_words) | set(names))
    if vocabulary is None:
        vocabulary = unique_words(rng, 64, 2, 6, exclude=set(exclude_words) | set(names))
    vocabulary = np.array(sorted(set(vocabulary) - set(FIELDS)), dtype=object)
    notes = []
    for _, r in cells:  # ragged motifs, one draw each
        motif = list(vocabulary[rng.integers(0, len(vocabulary), size=r)])
        notes.append(" ".join((motif * (note_words // r + 1))[:note_words]))
    dom = rng.integers(0, len(domains), size=n)
    emails = [f"{f[0]}{s}@{domains[k]}.org" for f, s, k in zip(first, last, dom, strict=True)]
    text = [
        f"note {no} {f} {s} pin {p} acct {a} mail {e}"
        for f, s, p, a, no, e in zip(first, last, pins, accts, notes, emails, strict=True)
    ]
    frame = pd.DataFrame(
        {
            "record": np.arange(n),
            "repetitions": [c for c, _ in cells],
            "motif_length": [r for _, r in cells],
            "first": first,
            "last": last,
            "pin": pins,
            "acct": accts,
            "note": notes,
            "email": emails,
            "text": text,
        }
    )
    frame["redundancy"] = redundancy(frame["text"])
    return frame


def _records_of(rng: np.random.Generator, r: dict, **kw) -> pd.DataFrame:
    """:func:`make_records` with the shape of ``lab.corpus.records`` (``r``)."""
    shape = ("repetitions", "motif_lengths", "per_cell", "note_words", "pin_digits", "acct_digits")
    return make_records(rng, *(r[k] for k in shape), **kw)


def finetune_texts(
    rng: np.random.Generator, records: pd.DataFrame, background: list[str], near_fraction: float, extra_words
) -> pd.DataFrame:
    """The fine-tuning set: every record ``repetitions`` times and the background documents, shuffled.

    A ``near_fraction`` of each record's copies beyond the first are near-duplicates (a random
    background word appended). Columns: text, record (-1 for background), copy, near_duplicate.
    """
    rec = records.loc[records.index.repeat(records["repetitions"])].reset_index(drop=True)
    copy = rec.groupby("record").cumcount().to_numpy()
    near = (copy > 0) & (rng.random(len(rec)) < near_fraction)
    extra = np.asarray(extra_words, dtype=object)[rng.integers(0, len(extra_words), size=len(rec))]
    texts = np.where(near, rec["text"].to_numpy(dtype=object) + " " + extra, rec["text"].to_numpy(dtype=object))
    frame = pd.concat(
        [
            pd.DataFrame({"text": texts, "record": rec["record"], "copy": copy, "near_duplicate": near}),
            pd.DataFrame({"text": background, "record": -1, "copy": 0, "near_duplicate": False}),
        ],
        ignore_index=True,
    )
    return frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)


def deduplicate(texts, near: bool, threshold: float = 0.7, shingle: int = 5, num_perm: int = 128) -> np.ndarray:
    """Indices of the texts kept by deduplication (the first of each group, in order).

    Exact: identical texts. Near (``near=True``): additionally, texts whose MinHash estimate of the
    Jaccard similarity of their character ``shingle``-grams with an earlier kept text is at least
    ``threshold`` (datasketch's MinHash LSH; MinHash seeds fixed, so the result is deterministic).
    """
    from datasketch import MinHash, MinHashLSH

    texts = list(texts)
    _, first = np.unique(np.array(texts, dtype=object), return_index=True)
    kept = np.sort(first)
    if not near:
        return kept
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    out = []
    for i in kept:
        t = texts[i]
        m = MinHash(num_perm=num_perm, seed=1)
        m.update_batch([t[j : j + shingle].encode() for j in range(max(1, len(t) - shingle + 1))])
        if lsh.query(m):
            continue
        lsh.insert(str(i), m)
        out.append(i)
    return np.asarray(out, dtype=np.int64)


def build_corpus(cfg: dict, seed: int, index: int) -> dict:
    """The corpus of seed ``index``: source, texts, records, tokenizer (JSON) and exact statistics.

    Returns a dict with frames ``pretrain``, ``heldout``, ``finetune``, ``records``, ``fresh``
    (records of the same form never trained on; column ``text``, the fine-tuning set also
    ``record``, ``copy``, ``near_duplicate``), ``tokenizer``
    (tokenizer.json text) and ``meta`` (entropy rate, document entropy, sizes, the stream).
    """
    rng = seeds.generator(seed, "lab", "corpus", index, "source")
    source = MarkovSource(rng, cfg["words"], cfg["zipf_exponent"], cfg["context_mix"])
    w = cfg["words_per_doc"]
    docs = {
        part: source.text(source.sample(seeds.generator(seed, "lab", "corpus", index, part), cfg[f"{part}_docs"], w))
        for part in ("pretrain", "finetune", "heldout")
    }
    r = cfg["records"]
    records = _records_of(
        seeds.generator(seed, "lab", "corpus", index, "records"),
        r,
        exclude_words=source.words,
        vocabulary=source.words[:NOTE_VOCABULARY],
    )
    # fresh records of the same form, never trained on: the fine-tuning distribution's held-out text
    fresh = _records_of(
        seeds.generator(seed, "lab", "corpus", index, "fresh"),
        r,
        exclude_words=set(source.words) | set(records["first"]) | set(records["last"]),
        domains=sorted({e.split("@")[1].removesuffix(".org") for e in records["email"]}),
        vocabulary=source.words[:NOTE_VOCABULARY],
    )
    finetune = finetune_texts(
        seeds.generator(seed, "lab", "corpus", index, "mixture"),
        records,
        docs["finetune"],
        r["near_duplicate_fraction"],
        source.words,
    )
    # the tokenizer is trained on the whole training corpus (pretraining and unique fine-tuning texts)
    tok = T.train(docs["pretrain"] + sorted(set(finetune["text"])), cfg["tokenizer_vocab"])
    meta = {
        "seed": seed,
        "seed_stream": ["lab", "corpus", index],
        "entropy_rate_bits_per_word": source.entropy_rate_bits,
        "document_entropy_bits_per_word": document_entropy_bits(source, w),
        "words_per_doc": w,
        "vocabulary_words": len(source.words),
        "records": len(records),
        "finetune_rows": len(finetune),
        "digits_are_tokens": T.digits_are_tokens(tok),
    }
    return {
        "pretrain": pd.DataFrame({"text": docs["pretrain"]}),
        "heldout": pd.DataFrame({"text": docs["heldout"]}),
        "finetune": finetune,
        "records": records,
        "fresh": fresh,
        "tokenizer": tok.to_str(),
        "meta": meta,
    }


def save_corpus(corpus: dict, out: dict) -> None:
    """Write the corpus parts to the paths in ``out`` (keys as in :func:`build_corpus`), atomically."""
    for part in ("pretrain", "heldout", "finetune", "records", "fresh"):
        write_csv(corpus[part], out[part])
    for part, text in (("tokenizer", corpus["tokenizer"]), ("meta", json.dumps(corpus["meta"], indent=1) + "\n")):
        with atomic_path(out[part]) as tmp:
            Path(tmp).write_text(text)
