"""Each training text's term counts, counted once per process for every vectorizer fitted on it.

A training fits the same TF-IDF recipe again and again on overlapping rows of the same texts: the
narrative models fit theirs in every calibration fold of every label, the cross-validations in
every outer fold, the title searches in every inner fold. Counting the n-grams of each text is
most of such a fit. Here a text is counted once per analyzer setting (`key`); a fit on any rows
then selects, from the stored counts, exactly the vocabulary and count matrix scikit-learn's
`CountVectorizer.fit_transform` leaves (tests/text/test_term_counts.py compares them, and the
TF-IDF made from them, array for array).

Only fits store texts: a transform uses the counts when every text it is asked about is stored,
so scoring a year's entries never fills memory. A store holds at most config.TERM_COUNT_TEXTS
texts and starts afresh beyond that. Each process has its own (joblib's workers count their own).
"""

from __future__ import annotations

import threading
import weakref
from collections import Counter
from collections.abc import Sequence
from numbers import Integral

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.utils._sparse import _align_api_if_sparse

from pipeline import config


class _Store:
    """The texts counted under one analyzer setting: global term ids, and per text the ids of its
    terms in order of first appearance with their counts (what `_count_vocab`'s loop produces)."""

    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.ids: dict[str, int] = {}
        self.terms: list[str] = []
        self.rows: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.word_ids: dict[str, list[int]] = {}  # char_wb only: each word's n-gram ids, in order
        self._rank = np.zeros(0, dtype=np.int64)
        self.generation = getattr(self, "generation", 0) + 1

    def rank(self) -> np.ndarray:
        """Each stored term's place in the sorted order of all stored terms (`_sort_features`'s
        order: sorted Python strings), kept until more terms are stored."""
        if len(self._rank) != len(self.terms):
            self._rank = np.empty(len(self.terms), dtype=np.int64)
            self._rank[sorted(range(len(self.terms)), key=self.terms.__getitem__)] = np.arange(len(self.terms))
        return self._rank

    def _id(self, term: str) -> int:
        found = self.ids.get(term)
        if found is None:
            found = self.ids[term] = len(self.terms)
            self.terms.append(term)
        return found

    def add(self, vectorizer: CountVectorizer, texts: Sequence[str]) -> None:
        """Count and store `texts` as `_count_vocab`'s loop counts them."""
        analyze = None if vectorizer.analyzer == "char_wb" else vectorizer.build_analyzer()
        preprocess = vectorizer.build_preprocessor()
        for text in texts:
            features = self._char_wb_ids(vectorizer, preprocess(text)) if analyze is None else [self._id(t) for t in analyze(text)]
            counter = Counter(features)  # in order of first appearance, as _count_vocab's dict
            self.rows[text] = (np.fromiter(counter.keys(), np.int64, len(counter)), np.fromiter(counter.values(), np.intc, len(counter)))

    def _char_wb_ids(self, vectorizer: CountVectorizer, text: str) -> list[int]:
        # char_wb n-grams never cross a space: a text's n-grams are its words' in turn.
        out: list[int] = []
        for word in vectorizer._white_spaces.sub(" ", text).split():
            ids = self.word_ids.get(word)
            if ids is None:
                ids = self.word_ids[word] = [self._id(g) for g in vectorizer._char_wb_ngrams(word)]
            out.extend(ids)
        return out


_STORES: dict[tuple, _Store] = {}
_LOCK = threading.Lock()
# Per vectorizer, the column of each global term id under its fitted vocabulary (-1: none), with
# the vocabulary and store generation it was built for (its length: the terms it has looked up).
_COLUMNS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def key(vectorizer: CountVectorizer) -> tuple | None:
    """The analyzer setting a vectorizer's counts depend on, or None when they are not stored
    (a callable analyzer, preprocessor or tokenizer, stop words, files as input, a fixed vocabulary)."""
    v = vectorizer
    if not isinstance(v.analyzer, str) or v.preprocessor is not None or v.tokenizer is not None:
        return None
    if v.stop_words is not None or v.input != "content" or v.vocabulary is not None:
        return None
    return (v.analyzer, tuple(v.ngram_range), v.lowercase, v.strip_accents, v.token_pattern if v.analyzer == "word" else None)


def _csr(vectorizer: CountVectorizer, rows: list[tuple[np.ndarray, np.ndarray]], column_of: np.ndarray, width: int, renumber: np.ndarray | None = None) -> sparse.csr_array:
    """The count matrix of stored `rows` as `_count_vocab` builds it: each term id in column
    `column_of[id]` (-1: left out), int32 indices unless too many entries, sorted in each row;
    its columns then `renumber`ed as `_sort_features` renumbers them (leaving each row's order)."""
    mapped = [column_of[ids] for ids, _ in rows]
    inside = [m >= 0 for m in mapped]
    columns = [m[k] for m, k in zip(mapped, inside)]
    counts = [c[k] for (_, c), k in zip(rows, inside)]
    lengths = np.fromiter((len(c) for c in columns), np.int64, len(columns))
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    index_type = np.int64 if indptr[-1] > np.iinfo(np.int32).max else np.int32
    j = np.concatenate(columns).astype(index_type) if columns else np.zeros(0, index_type)
    values = np.concatenate(counts) if counts else np.zeros(0, np.intc)
    X = sparse.csr_array((values, j, indptr.astype(index_type)), shape=(len(columns), width), dtype=vectorizer.dtype)
    X.sort_indices()
    if renumber is not None:
        X.indices = renumber.astype(X.indices.dtype).take(X.indices)
    return _align_api_if_sparse(X)


def _doc_count_bounds(vectorizer: CountVectorizer, n_docs: int) -> tuple[float, float]:
    """(high, low): the document counts `CountVectorizer.fit_transform` prunes above and below."""
    max_df, min_df = vectorizer.max_df, vectorizer.min_df
    return (max_df if isinstance(max_df, Integral) else max_df * n_docs, min_df if isinstance(min_df, Integral) else min_df * n_docs)


def fit_counts(vectorizer: CountVectorizer, docs: Sequence[str]) -> tuple[dict[str, int], sparse.csr_array] | None:
    """(vocabulary_, counts) as `CountVectorizer.fit_transform(docs)` leaves them (counted, cut
    to min_df and max_df, numbered in term order), from stored counts: the texts not yet stored
    are counted and stored. None when these counts are not stored, and where scikit-learn
    raises an error or cuts to max_features: it then does all of it itself.

    scikit-learn sorts and cuts the vocabulary of every n-gram the texts hold, term by term in
    Python; most of them are rare and cut. Here only the kept terms are ever named."""
    setting = key(vectorizer)
    if setting is None or len(docs) > config.TERM_COUNT_TEXTS or not all(isinstance(d, str) for d in docs):
        return None
    with _LOCK:
        store = _STORES.setdefault(setting, _Store())
        missing = [d for d in dict.fromkeys(docs) if d not in store.rows]
        if len(store.rows) + len(missing) > config.TERM_COUNT_TEXTS:
            store.clear()
            missing = list(dict.fromkeys(docs))
        store.add(vectorizer, missing)
        rows = [store.rows[d] for d in docs]
        terms, rank = store.terms, store.rank()
    ids = np.concatenate([r[0] for r in rows]) if rows else np.zeros(0, np.int64)
    # scikit-learn's vocabulary keeps the order terms first appear in, text after text.
    present, first = np.unique(ids, return_index=True)
    high, low = _doc_count_bounds(vectorizer, len(docs))
    df = np.bincount(ids, minlength=len(terms))  # a row holds each of its terms once
    present = present[np.argsort(first, kind="stable")]
    kept = present[(df[present] <= high) & (df[present] >= low)]
    if high < low or vectorizer.max_features is not None or not len(kept):
        return None  # scikit-learn's own errors and its max_features cut
    # Numbered first in order of appearance, and sorted so in each row, as _count_vocab leaves
    # them; then renumbered in term order, as _sort_features does (which leaves each row's order).
    appearance = np.full(len(terms), -1, dtype=np.int64)
    appearance[kept] = np.arange(len(kept))
    by_term = np.empty(len(kept), dtype=np.int64)
    by_term[np.argsort(rank[kept], kind="stable")] = np.arange(len(kept))
    vocabulary = {terms[g]: int(by_term[i]) for i, g in enumerate(kept.tolist())}
    return vocabulary, _csr(vectorizer, rows, appearance, len(vocabulary), by_term)


def _vocabulary_columns(vectorizer: CountVectorizer, store: _Store) -> np.ndarray:
    vocabulary = vectorizer.vocabulary_
    entry = _COLUMNS.get(vectorizer)
    if entry is None or entry[0] is not vocabulary or entry[1] != store.generation:
        built = np.full(len(store.terms), -1, dtype=np.int64)
        found = np.fromiter((store.ids.get(t, -1) for t in vocabulary), np.int64, len(vocabulary))
        columns = np.fromiter(vocabulary.values(), np.int64, len(vocabulary))
        built[found[found >= 0]] = columns[found >= 0]
    else:
        built = entry[2]
        if len(built) < len(store.terms):  # terms stored since: look up only those
            new = np.fromiter((vocabulary.get(t, -1) for t in store.terms[len(built):]), np.int64, len(store.terms) - len(built))
            built = np.concatenate([built, new])
    _COLUMNS[vectorizer] = (vocabulary, store.generation, built)
    return built


def transform_counts(vectorizer: CountVectorizer, docs: Sequence[str]) -> sparse.csr_array | None:
    """What `vectorizer._count_vocab(docs, fixed_vocab=True)` returns, when every text is
    stored; None otherwise."""
    setting = key(vectorizer)
    if setting is None:
        return None
    with _LOCK:
        store = _STORES.get(setting)
        if store is None or not docs or not all(isinstance(d, str) and d in store.rows for d in docs):
            return None
        rows = [store.rows[d] for d in docs]
        columns = _vocabulary_columns(vectorizer, store)
    return _csr(vectorizer, rows, columns, len(vectorizer.vocabulary_))


def stored_texts(vectorizer: CountVectorizer) -> int:
    """How many texts are stored under this vectorizer's setting."""
    setting = key(vectorizer)
    with _LOCK:
        store = _STORES.get(setting) if setting is not None else None
        return len(store.rows) if store is not None else 0


def forget() -> None:
    """Empty every store (tests; a long-lived process that is done training)."""
    with _LOCK:
        for store in _STORES.values():
            store.clear()
