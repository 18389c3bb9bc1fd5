"""Sentence splitting with character offsets into the original text.

Contest narratives are written as bullet lists ("- ... 구축함"): Kiwi's splitter does not treat a
line break before "-" as a boundary, so lines are split first and Kiwi splits inside each line.
Every sentence keeps `start`/`end` such that `text[start:end] == sentence.text`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.tokenizer import get_kiwi

# Bullets and section markers that open a line but are not part of its sentence.
_LEAD = re.compile(r"^[\s\-−–•●○□▶※*·]+")


@dataclass(frozen=True)
class Sentence:
    """One sentence and where it sits in the text it came from."""

    start: int
    end: int
    text: str


def _lines(text: str) -> list[tuple[int, str]]:
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


def split_many(texts: Sequence[str]) -> list[list[Sentence]]:
    """Sentences of each text; all lines of all texts go to Kiwi in one batched call."""
    lines = [(i, start, content) for i, text in enumerate(texts) for start, content in _lines(text)]
    result: list[list[Sentence]] = [[] for _ in texts]
    if not lines:
        return result
    split = get_kiwi().split_into_sents([content for _, _, content in lines])
    for (i, start, content), sents in zip(lines, split):
        for s in sents:
            piece = content[s.start : s.end].strip()
            if piece:
                begin = start + s.start + (len(content[s.start : s.end]) - len(content[s.start : s.end].lstrip()))
                result[i].append(Sentence(begin, begin + len(piece), piece))
    return result


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of one text, with offsets into it."""
    return split_many([text])[0]
