"""Kiwi morphological analysis, shared by the features and the sentence splitter.

Building a Kiwi costs about a second and 280 MB, so the scikit-learn transformer stores only its
settings; the Kiwi instance lives in a per-process cache and is built on first use, once per
process.

Text is analysed line by line (contest narratives are bullet lists), one batched Kiwi call per
request, and each line's analysis is cached: the morpheme features and the sentence splitter read
the same analysis, so a narrative goes through Kiwi once.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sklearn.base import BaseEstimator, TransformerMixin

from pipeline.text.kiwi import get_kiwi

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
_line_cache: dict[str, LineAnalysis] = {}


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


def analyse_lines(lines: Sequence[str]) -> list[LineAnalysis]:
    """The analysis of each line; one batched Kiwi call for the lines not seen before."""
    missing = sorted({line for line in lines if line not in _line_cache})
    if missing:
        results = get_kiwi().tokenize(missing, split_sents=True)
        with _lock:
            if len(_line_cache) + len(missing) > _CACHE_MAX:
                _line_cache.clear()
            for line, sentences in zip(missing, results):
                # (form, tag) + (start, end): two calls into Kiwi per token instead of four.
                morphemes = tuple(t.form_tag + t.span for sentence in sentences for t in sentence)
                spans = tuple(
                    (sentence[0].start, sentence[-1].start + sentence[-1].len) for sentence in sentences if sentence
                )
                _line_cache[line] = LineAnalysis(morphemes, spans)
    return [_line_cache[line] for line in lines]


def prefetch(texts: Iterable[str]) -> None:
    """Analyse every line of `texts` in one batched Kiwi call, for the stages that read them next:
    Kiwi keeps its threads busy on one large batch, and idles between many small ones."""
    analyse_lines([content for text in texts for _, content in content_lines(text)])


def forget() -> None:
    """Empty the line cache: scoring a long file chunk by chunk keeps its memory flat."""
    with _lock:
        _line_cache.clear()


class KiwiMorphemes(BaseEstimator, TransformerMixin):
    """Turn each text into a space-separated string of its content morphemes.

    Parameters
    ----------
    tags:
        Kiwi POS tags to keep.
    with_tags:
        Append the tag to each morpheme ("협약/NNG"), which separates homographs.
    """

    def __init__(
        self,
        tags: Sequence[str] = DEFAULT_TAGS,
        with_tags: bool = False,
    ) -> None:
        self.tags = tags
        self.with_tags = with_tags

    def fit(self, X: Iterable[str], y: object = None) -> "KiwiMorphemes":
        return self

    def tokenize(self, texts: Sequence[str]) -> list[tuple[str, ...]]:
        """Content morphemes of each text, in order, line after line."""
        keep = set(self.tags)
        per_text = [[content for _, content in content_lines(t)] for t in texts]
        analyses = iter(analyse_lines([line for lines in per_text for line in lines]))
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
