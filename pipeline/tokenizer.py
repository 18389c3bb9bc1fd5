"""Kiwi morphological analysis as a scikit-learn transformer that survives joblib.

A Kiwi object whose dictionary was extended cannot be pickled, and building one costs about a
second and 280 MB. So the transformer stores only its settings; the Kiwi instance lives in a
per-process cache keyed by those settings and is built on first use, once per process.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from functools import lru_cache

from sklearn.base import BaseEstimator, TransformerMixin

from pipeline import config

# Content morphemes: nouns, proper nouns, verb/adjective stems, foreign words, numbers, roots.
# Particles, endings and punctuation carry grammar, not the topic of a case.
DEFAULT_TAGS: tuple[str, ...] = ("NNG", "NNP", "NR", "VV", "VA", "SL", "SN", "XR", "SH")

_lock = threading.Lock()
# Token lists by (settings, text). Tokenisation is a pure function of both, and cross-validation
# refits the same pipeline on the same titles hundreds of times.
_token_cache: dict[tuple[tuple, str], tuple[str, ...]] = {}
_TOKEN_CACHE_MAX = 200_000


def domain_words() -> list[tuple[str, str]]:
    """User-dictionary entries: local-government names and collaboration terms, as proper nouns."""
    from pipeline.regions import load_gazetteer

    words = set()
    for gov in load_gazetteer():
        words.update(w for w in (gov.sido, gov.sigungu) if len(w) >= 2)
    words.update(config.COLLABORATION_TERMS)
    return sorted((w, "NNP") for w in words)


@lru_cache(maxsize=4)
def get_kiwi(user_dictionary: bool = False):
    """The process-wide Kiwi instance for these settings (built on first call)."""
    from kiwipiepy import Kiwi

    kiwi = Kiwi()
    if user_dictionary:
        for word, tag in domain_words():
            kiwi.add_user_word(word, tag, 0.0)
    return kiwi


class KiwiMorphemes(BaseEstimator, TransformerMixin):
    """Turn each text into a space-separated string of its content morphemes.

    Parameters
    ----------
    tags:
        Kiwi POS tags to keep.
    with_tags:
        Append the tag to each morpheme ("협약/NNG"), which separates homographs.
    user_dictionary:
        Add local-government names and collaboration terms to Kiwi's dictionary first.
    """

    def __init__(
        self,
        tags: Sequence[str] = DEFAULT_TAGS,
        with_tags: bool = False,
        user_dictionary: bool = False,
    ) -> None:
        self.tags = tags
        self.with_tags = with_tags
        self.user_dictionary = user_dictionary

    def fit(self, X: Iterable[str], y: object = None) -> "KiwiMorphemes":
        return self

    def _key(self) -> tuple:
        return (tuple(self.tags), self.with_tags, self.user_dictionary)

    def tokenize(self, texts: Sequence[str]) -> list[tuple[str, ...]]:
        """Content morphemes of each text; one batched Kiwi call for the texts not seen yet."""
        key, keep = self._key(), set(self.tags)
        missing = sorted({t for t in texts if (key, t) not in _token_cache})
        if missing:
            kiwi = get_kiwi(self.user_dictionary)
            with _lock:
                if len(_token_cache) + len(missing) > _TOKEN_CACHE_MAX:
                    _token_cache.clear()
                for text, tokens in zip(missing, kiwi.tokenize(missing)):
                    _token_cache[(key, text)] = tuple(
                        f"{t.form}/{t.tag}" if self.with_tags else t.form
                        for t in tokens
                        if t.tag.split("-")[0] in keep  # "VV-I", "VV-R": irregular stems
                    )
        return [_token_cache[(key, t)] for t in texts]

    def transform(self, X: Iterable[str]) -> list[str]:
        texts = [str(x) for x in X]
        return [" ".join(tokens) for tokens in self.tokenize(texts)]
