"""TF-IDF whose saved form is arrays, not a dict of every term.

skops (the bundle format, see artifacts.py) writes a dict entry by entry into its JSON schema: a
vectorizer's vocabulary of tens of thousands of n-grams made the bundle's schema hundreds of MB
and its loading several seconds. As one array of terms (stored as .npy) it is small and quick.
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer


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

    def __setstate__(self, state: dict) -> None:
        state = dict(state)
        terms = state.pop("terms_", None)
        if terms is not None:
            state["vocabulary_"] = {str(term): index for index, term in enumerate(terms)}
        super().__setstate__(state)
