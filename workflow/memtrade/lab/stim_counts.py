"""STIM's corpus side (docs/science.md section 8.7): exact n-gram counts with their local-context
rule, the words a token stands for and which of them may be salient, and document co-occurrence.
Numpy only; :mod:`memtrade.lab.stim` runs the study."""

from __future__ import annotations

import string

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _rows_as_keys(grams: np.ndarray) -> np.ndarray:
    """n-grams [Q, n] of token ids as one fixed-width byte string each (exact, comparable keys)."""
    a = np.ascontiguousarray(grams, dtype=">i4")
    return a.view(np.dtype((np.void, 4 * a.shape[1])))[:, 0]


class NgramIndex:
    """Exact counts of every n-gram (n = 1..max_n) of a tokenized corpus, within rows.

    Rows are joined with a separator no n-gram may contain; per n, the distinct n-grams are kept
    sorted with their counts, and a query is a binary search (:meth:`count`).
    """

    def __init__(self, rows, max_n: int):
        seq = np.concatenate([np.append(np.asarray(r, np.int64), -1) for r in rows])
        self.max_n = max_n
        self.keys, self.counts = {}, {}
        for n in range(1, max_n + 1):
            w = sliding_window_view(seq, n)
            w = w[(w >= 0).all(axis=1)]
            self.keys[n], self.counts[n] = np.unique(_rows_as_keys(w), return_counts=True)

    def count(self, grams) -> np.ndarray:
        """Corpus counts of n-grams [Q, n] (all of one length n, 1 <= n <= max_n): [Q]."""
        grams = np.asarray(grams)
        n = grams.shape[1]
        keys, counts = self.keys[n], self.counts[n]
        if len(grams) == 0 or len(keys) == 0:
            return np.zeros(len(grams), np.int64)
        q = _rows_as_keys(grams)
        i = np.minimum(np.searchsorted(keys, q), len(keys) - 1)
        return np.where(keys[i] == q, counts[i], 0).astype(np.int64)


def local_counts(
    index: NgramIndex, contexts: np.ndarray, candidates: np.ndarray, generated: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """STIM's local source, as ``LocalCalculator.get_fre`` of INK-USC/STIM computes it: for each
    position, the longest suffix of its context (at most ``max_n - 1`` tokens) that occurs in the
    corpus **followed by the generated token**, then the count of that suffix followed by each
    candidate (their code swaps each alternative in for the generated token).

    ``contexts`` [T, max_n - 1]: the preceding tokens, right-aligned, -1 where the row is shorter;
    ``candidates`` [T, K]; ``generated`` [T], the token the model produced. Returns (counts [T, K],
    suffix length [T]; 0 means that no context followed by the generated token occurs, and the
    counts are the candidates' unigram counts, as theirs fall back to).
    """
    t, width = contexts.shape
    generated = np.asarray(generated, np.int64).reshape(t, 1)
    length = np.zeros(t, np.int64)
    for ell in range(width, 0, -1):  # longest first; a position keeps the first length found
        todo = (length == 0) & (contexts[:, width - ell :] >= 0).all(axis=1)
        if todo.any():
            grams = np.concatenate([contexts[todo, width - ell :], generated[todo]], axis=1)
            hit = index.count(grams) > 0
            length[np.flatnonzero(todo)[hit]] = ell
    out = np.zeros(candidates.shape, np.int64)
    for ell in np.unique(length):
        rows = np.flatnonzero(length == ell)
        k = candidates.shape[1]
        ctx = np.repeat(contexts[rows, width - ell :], k, axis=0) if ell else np.zeros((len(rows) * k, 0), np.int64)
        grams = np.concatenate([ctx, candidates[rows].reshape(-1, 1)], axis=1)
        out[rows] = index.count(grams).reshape(len(rows), k)
    return out, length


#: Words STIM never takes as salient, besides stop words and punctuation (``get_top_attr_mid`` of
#: INK-USC/STIM, ``token_saliency/lerg_attr.py``).
EXCLUDED_WORDS = frozenset(["Answer", "?", "assistant", ">", ":", "|assistant|", "|", "<", ".", ",", "'"])


def is_stop_word(word: str) -> bool:
    """STIM's ``is_stop_words`` (``mem_metrics/utils.py``): an English stop word (scikit-learn's list
    in place of NLTK's, which needs a download), punctuation other than ``+-*/=%``, or empty."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return word.lower() in ENGLISH_STOP_WORDS or (word in string.punctuation and word not in "+-*/=%") or word == ""


def word_table(tok) -> tuple[np.ndarray, np.ndarray]:
    """Each token id's word (its text without surrounding spaces, as STIM compares words) as an id
    [V], and whether that word may be salient [V] (not a stop word, punctuation or excluded)."""
    words = [tok.decode([i]).strip() for i in range(tok.get_vocab_size())]
    first = {}  # a dict, not numpy strings: those drop trailing NUL characters
    ids = np.array([first.setdefault(w, len(first)) for w in words], np.int64)
    eligible = np.array([not is_stop_word(w) and w not in EXCLUDED_WORDS for w in words])
    return ids, eligible


def document_cooccurrence(rows, word_of: np.ndarray) -> np.ndarray:
    """[W, W] exact counts: entry (a, b) is the number of rows (documents) holding both word a and
    word b, as the infini-gram query ``a AND b`` of STIM's mid- and long-range sources counts them."""
    n_words = int(word_of.max()) + 1
    present = np.zeros((len(rows), n_words))
    for i, r in enumerate(rows):  # one scatter per row: rows are ragged
        present[i, word_of[np.asarray(r, np.int64)]] = 1.0
    return np.rint(present.T @ present).astype(np.int64)  # exact: counts far below 2**53
