"""Sentence splitting with character offsets into the original text.

Contest narratives are written as bullet lists ("- ... 구축함"): Kiwi's splitter does not treat a
line break before "-" as a boundary, so lines are split first and Kiwi splits inside each line
(the same cached analysis the morpheme features use). Every sentence keeps `start`/`end` such that
`text[start:end] == sentence.text`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from pipeline.text.tokenizer import DEFAULT_TAGS, analyse_lines, content_lines


@dataclass(frozen=True)
class Sentence:
    """One sentence and where it sits in the text it came from."""

    start: int
    end: int
    text: str
    # Kiwi's (form, tag) pairs inside the sentence, so that features of a narrative without one
    # of its sentences need no second analysis.
    morphemes: tuple[tuple[str, str], ...] = field(default=(), compare=False, repr=False)

    @cached_property
    def content_forms(self) -> tuple[str, ...]:
        """The forms of the content morphemes (tokenizer.DEFAULT_TAGS), in order."""
        keep = set(DEFAULT_TAGS)
        return tuple(form for form, tag in self.morphemes if tag.split("-")[0] in keep)


def split_many(texts: Sequence[str]) -> list[list[Sentence]]:
    """Sentences of each text; all lines of all texts go to Kiwi in one batched call."""
    lines = [(i, start, content) for i, text in enumerate(texts) for start, content in content_lines(text)]
    result: list[list[Sentence]] = [[] for _ in texts]
    analyses = analyse_lines([content for _, _, content in lines])
    for (i, start, content), analysis in zip(lines, analyses):
        # Kiwi gives a line's morphemes in text order, so each sentence's are one slice of them.
        positions = [m_start for _, _, m_start, _ in analysis.morphemes]
        ordered = all(a <= b for a, b in zip(positions, positions[1:]))
        # Kiwi's spans cover morphemes only; a sentence runs from its start to the next one's, so
        # leading quotes and closing punctuation stay with it.
        starts = [0] + [begin for begin, _ in analysis.sentences[1:]]
        for begin, end in zip(starts, starts[1:] + [len(content)]):
            piece = content[begin:end]
            stripped = piece.strip()
            if stripped:
                offset = start + begin + (len(piece) - len(piece.lstrip()))
                if ordered:
                    chosen = analysis.morphemes[bisect_left(positions, begin) : bisect_left(positions, end)]
                else:
                    chosen = [m for m in analysis.morphemes if begin <= m[2] < end]
                inside = tuple((form, tag) for form, tag, _, _ in chosen)
                result[i].append(Sentence(offset, offset + len(stripped), stripped, inside))
    return result


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of one text, with offsets into it."""
    return split_many([text])[0]
