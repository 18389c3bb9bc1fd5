"""TF-IDF whose saved form is arrays, not a dict of every term.

skops (the bundle format, see artifacts.py) writes a dict entry by entry into its JSON schema: a
vectorizer's vocabulary of tens of thousands of n-grams made the bundle's schema hundreds of MB
and its loading several seconds. As one array of terms (stored as .npy) it is small and quick.
"""

from __future__ import annotations

import weakref

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.utils.validation import check_is_fitted

from pipeline import config
from pipeline.text import term_counts


class TermTfidf(TfidfVectorizer):
    """`TfidfVectorizer` that saves its vocabulary as an array of terms in column order."""

    def __getstate__(self) -> dict:
        state = dict(super().__getstate__())  # may be the live __dict__ itself: never pop from that
        vocabulary = state.pop("vocabulary_", None)
        if vocabulary is not None:
            terms = sorted(vocabulary, key=vocabulary.__getitem__)
            state["terms_"] = np.array(terms, dtype=str) if terms else np.array([], dtype="<U1")
        # sklearn keeps the terms min_df cut only for introspection; they can outnumber the kept ones.
        state.pop("stop_words_", None)
        # A cache the word analyzer sets on first use: without it, a vectorizer's state (and its
        # digest in modeling.shared_features) would differ before and after it first transforms.
        state.pop("_stop_words_id", None)
        return state

    def fit_transform(self, raw_documents, y=None):
        """As `TfidfVectorizer.fit_transform`: the same vocabulary, IDF and matrix, from the
        counts `term_counts` keeps of texts this process has fitted on when it keeps them."""
        if isinstance(raw_documents, str):
            return super().fit_transform(raw_documents)  # scikit-learn's message
        docs = raw_documents if isinstance(raw_documents, list) else list(raw_documents)
        # The checks TfidfVectorizer.fit_transform and CountVectorizer.fit_transform make first.
        self._validate_params()
        self._check_params()
        self._validate_ngram_range()
        self._warn_for_unused_params()
        self._validate_vocabulary()
        counted = None if self.fixed_vocabulary_ or self.binary else term_counts.fit_counts(self, docs)
        if counted is None:
            return super().fit_transform(docs)
        self.vocabulary_, counts = counted
        self._tfidf = TfidfTransformer(norm=self.norm, use_idf=self.use_idf, smooth_idf=self.smooth_idf, sublinear_tf=self.sublinear_tf)
        self._tfidf.fit(counts)
        return self._tfidf.transform(counts, copy=False)

    def fit(self, raw_documents, y=None):
        """As `TfidfVectorizer.fit`, through `fit_transform`."""
        self.fit_transform(raw_documents)
        return self

    def _count_vocab(self, raw_documents, fixed_vocab):
        """As `CountVectorizer._count_vocab`; a transform's counts from `term_counts` when it
        keeps every text asked about (the same matrix)."""
        docs = raw_documents if isinstance(raw_documents, list) else list(raw_documents)
        counts = term_counts.transform_counts(self, docs) if fixed_vocab else None
        return (self.vocabulary_, counts) if counts is not None else super()._count_vocab(docs, fixed_vocab)

    def transform(self, raw_documents):
        """As `TfidfVectorizer.transform`: from stored counts when a fit in this process counted
        every text (`term_counts`), else character n-grams counted a word at a time
        (`char_wb_counts`); the same counts either way."""
        if self.analyzer != "char_wb" or self.binary or isinstance(raw_documents, str):
            return super().transform(raw_documents)
        check_is_fitted(self, msg="The TF-IDF vectorizer is not fitted")
        docs = list(raw_documents)
        counts = term_counts.transform_counts(self, docs)
        return self._tfidf.transform(counts if counts is not None else char_wb_counts(self, docs), copy=False)

    def __setstate__(self, state: dict) -> None:
        state = dict(state)
        terms = state.pop("terms_", None)
        if terms is not None:
            state["vocabulary_"] = {str(term): index for index, term in enumerate(terms)}
        super().__setstate__(state)


# Per vectorizer, each word's vocabulary columns: the same words come back in sentence after
# sentence and file after file. Kept with the vocabulary and settings they were looked up under
# (a refit or set_params starts afresh), and emptied at config.CHAR_WB_WORD_CACHE words.
_WORD_COLUMNS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _word_columns(vectorizer: CountVectorizer) -> dict[str, list[int]]:
    settings = (vectorizer.lowercase, vectorizer.strip_accents, vectorizer.preprocessor, vectorizer.ngram_range)
    entry = _WORD_COLUMNS.get(vectorizer)
    stale = entry is None or entry[0] is not vectorizer.vocabulary_ or entry[1] != settings
    if stale or len(entry[2]) > config.CHAR_WB_WORD_CACHE:
        entry = _WORD_COLUMNS[vectorizer] = (vectorizer.vocabulary_, settings, {})
    return entry[2]


def char_wb_counts(vectorizer: CountVectorizer, texts: list[str]) -> sparse.csr_matrix:
    """`CountVectorizer.transform(vectorizer, texts)` for a fitted `analyzer="char_wb"` vectorizer,
    with each word's n-grams looked up once: char_wb n-grams never cross a space, so a text's counts
    are the sum of its words'. The words and n-grams are scikit-learn's own (its preprocessor and
    `_char_wb_ngrams`); only the counting is shared. Equal to scikit-learn's counts entry for entry
    (tests/text/test_vectorizers.py)."""
    if vectorizer.analyzer != "char_wb" or vectorizer.binary:
        raise ValueError("char_wb_counts counts a char_wb vectorizer without binary=True")
    vocabulary, preprocess = vectorizer.vocabulary_, vectorizer.build_preprocessor()
    words = _word_columns(vectorizer)
    indices: list[int] = []
    indptr = [0]
    for text in texts:
        for word in vectorizer._white_spaces.sub(" ", preprocess(text)).split():
            columns = words.get(word)
            if columns is None:
                columns = words[word] = [vocabulary[g] for g in vectorizer._char_wb_ngrams(word) if g in vocabulary]
            indices.extend(columns)
        indptr.append(len(indices))
    counts = sparse.csr_matrix(
        (np.ones(len(indices), dtype=vectorizer.dtype), np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
        shape=(len(texts), len(vocabulary)),
    )
    counts.sum_duplicates()
    counts.sort_indices()
    return counts
