"""Kiwi morphological analysis, shared by the features and the sentence splitter.

A Kiwi object whose dictionary was extended cannot be pickled, and building one costs about a
second and 280 MB. So the scikit-learn transformer stores only its settings; the Kiwi instance
lives in a per-process cache and is built on first use, once per process.

Text is analysed line by line (contest narratives are bullet lists), one batched Kiwi call per
request, and each line's analysis is cached: the morpheme features and the sentence splitter read
the same analysis, so a narrative goes through Kiwi once.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from sklearn.base import BaseEstimator, TransformerMixin

from pipeline import config

# Content morphemes: nouns, proper nouns, verb/adjective stems, foreign words, numbers, roots.
# Particles, endings and punctuation carry grammar, not the topic of a case.
DEFAULT_TAGS: tuple[str, ...] = ("NNG", "NNP", "NR", "VV", "VA", "SL", "SN", "XR", "SH")

# Bullets and section markers that open a line but are not part of its sentence.
_LEAD = re.compile(r"^[\s\-−–•●○□▶※*·]+")
_CACHE_MAX = 300_000


@dataclass(frozen=True)
class LineAnalysis:
    """One line's morphemes (form, tag, start, end) and sentence spans, offsets within the line."""

    morphemes: tuple[tuple[str, str, int, int], ...]
    sentences: tuple[tuple[int, int], ...]


_lock = threading.Lock()
_line_cache: dict[tuple[bool, str], LineAnalysis] = {}


def domain_words() -> list[tuple[str, str]]:
    """User-dictionary entries: local-government names and collaboration terms, as proper nouns."""
    from pipeline.regions import name_forms

    words = name_forms() | set(config.COLLABORATION_TERMS)
    return sorted((w, "NNP") for w in words)


def get_kiwi(user_dictionary: bool = False):
    """The process-wide Kiwi instance for these settings (built on first call)."""
    # Normalised so that get_kiwi() and get_kiwi(False) share one instance (lru_cache keys differ).
    return _build_kiwi(bool(user_dictionary))


@lru_cache(maxsize=2)
def _build_kiwi(user_dictionary: bool):
    from kiwipiepy import Kiwi

    kiwi = Kiwi()
    if user_dictionary:
        for word, tag in domain_words():
            kiwi.add_user_word(word, tag, 0.0)
    return kiwi


def content_lines(text: str) -> list[tuple[int, str]]:
    """(offset, content) of each non-empty line, without its leading bullet."""
    out, offset = [], 0
    for line in text.split("\n"):
        lead = _LEAD.match(line)
        skip = lead.end() if lead else 0
        content = line[skip:].rstrip()
        if content:
            out.append((offset + skip, content))
        offset += len(line) + 1
    return out


def analyse_lines(lines: Sequence[str], user_dictionary: bool = False) -> list[LineAnalysis]:
    """The analysis of each line; one batched Kiwi call for the lines not seen before."""
    missing = sorted({line for line in lines if (user_dictionary, line) not in _line_cache})
    if missing:
        results = get_kiwi(user_dictionary).tokenize(missing, split_sents=True)
        with _lock:
            if len(_line_cache) + len(missing) > _CACHE_MAX:
                _line_cache.clear()
            for line, sentences in zip(missing, results):
                morphemes = tuple(
                    (t.form, t.tag, t.start, t.start + t.len) for sentence in sentences for t in sentence
                )
                spans = tuple(
                    (sentence[0].start, sentence[-1].start + sentence[-1].len) for sentence in sentences if sentence
                )
                _line_cache[(user_dictionary, line)] = LineAnalysis(morphemes, spans)
    return [_line_cache[(user_dictionary, line)] for line in lines]


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

    def tokenize(self, texts: Sequence[str]) -> list[tuple[str, ...]]:
        """Content morphemes of each text, in order, line after line."""
        keep = set(self.tags)
        per_text = [[content for _, content in content_lines(t)] for t in texts]
        analyses = iter(analyse_lines([line for lines in per_text for line in lines], self.user_dictionary))
        out = []
        for lines in per_text:
            tokens = []
            for _ in lines:
                for form, tag, _, _ in next(analyses).morphemes:
                    if tag.split("-")[0] in keep:  # "VV-I", "VV-R": irregular stems
                        tokens.append(f"{form}/{tag}" if self.with_tags else form)
            out.append(tuple(tokens))
        return out

    def transform(self, X: Iterable[str]) -> list[str]:
        return [" ".join(tokens) for tokens in self.tokenize([str(x) for x in X])]
