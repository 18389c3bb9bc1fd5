"""Small, dependency-free text helpers shared by the parsers: normalisation and similarity."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

_NON_WORD = re.compile(r"[^0-9a-z\uac00-\ud7a3]")
_SPACES = re.compile(r"\s+")


def clean_spaces(text: str) -> str:
    """Collapse runs of white space (tabs, NBSP, newlines) into one space and strip the ends."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def normalise_title(title: str) -> str:
    """Key used to compare titles: NFKC, lower case, only Hangul syllables, Latin and digits.

    Punctuation, quotes and spacing vary between OCR copies of one title, so they are dropped.
    """
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", title).lower())


def jamo_ratio(a: str, b: str) -> float:
    """Similarity of two strings compared letter by letter (Hangul decomposed into jamo).

    OCR errors in Korean usually change one vowel or consonant of a syllable (복구/북구,
    여주/여수); compared syllable by syllable those look like entirely different characters.
    """
    return SequenceMatcher(
        None, unicodedata.normalize("NFD", a), unicodedata.normalize("NFD", b), autojunk=False
    ).ratio()


def ratio(a: str, b: str) -> float:
    """difflib similarity of two strings, in [0, 1]."""
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def has_hangul(text: str) -> bool:
    """True when the text contains at least one Hangul syllable."""
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)
