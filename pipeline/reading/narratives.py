"""Reading an entry's narrative once: sentences with their morphemes, actors, criterion findings.

A `NarrativeReading` is what every narrative feature is computed from (narrative_features.py),
so Kiwi analyses each narrative once, in one batched call. `without(i)` gives the reading of the
same narrative with sentence i left out, without a second analysis: scoring measures how much
each evidence sentence pushed a learned decision that way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import pandas as pd

from pipeline.data.regions import resolve_region
from pipeline.reading.actors import Actor, actor_type, extract_actors
from pipeline.reading.detectors import Finding, detect_all
from pipeline.text.compose import compose_text
from pipeline.text.sentences import Sentence, split_many
from pipeline.text.tokenizer import KiwiMorphemes


@dataclass(frozen=True)
class NarrativeReading:
    """What one entry's narrative says, with its head (region and title) kept beside it."""

    head: str
    head_morphemes: tuple[str, ...]
    sentences: tuple[Sentence, ...]
    actors: tuple[Actor, ...]
    findings: dict[str, Finding]
    actor_type: str
    region_governments: int

    @property
    def text(self) -> str:
        """Head and sentences as one string (what character n-grams read)."""
        return "\n".join(self.parts())

    def parts(self) -> list[str]:
        """The head and each sentence: `text` is these joined by line breaks."""
        return [self.head, *(s.text for s in self.sentences)]

    def morphemes(self) -> list[str]:
        """Content morphemes of the head, then of each sentence in order."""
        return [*self.head_morphemes, *(form for s in self.sentences for form in s.content_forms)]

    def first(self, count: int) -> NarrativeReading:
        """The same reading cut to its first `count` sentences (a short 사업내용): the actors and
        findings of the sentences kept, the head unchanged. A reading this short or shorter is
        returned as it is."""
        if count >= len(self.sentences):
            return self
        sentences = self.sentences[:count]
        end = sentences[-1].end if sentences else 0
        return self._keeping(sentences, tuple(a for a in self.actors if a.start < end))

    def without(self, index: int) -> NarrativeReading:
        """The same reading with sentence `index` left out (its actors and findings too)."""
        gone = self.sentences[index]
        sentences = self.sentences[:index] + self.sentences[index + 1 :]
        return self._keeping(sentences, tuple(a for a in self.actors if not (gone.start <= a.start < gone.end)))

    def _keeping(self, sentences: tuple[Sentence, ...], actors: tuple[Actor, ...]) -> NarrativeReading:
        """This reading with only `sentences` and `actors`, its findings and actor type read again."""
        return replace(
            self,
            sentences=sentences,
            actors=actors,
            findings=detect_all(sentences),
            actor_type=actor_type(list(actors), self.region_governments),
        )


@lru_cache(maxsize=1)
def _head_tokenizer() -> KiwiMorphemes:
    return KiwiMorphemes()


def count_governments(region: str) -> int:
    """How many distinct local governments a region field names (regions.resolve_region)."""
    return len(set(resolve_region(region).governments))


def read_narratives(frame: pd.DataFrame) -> list[NarrativeReading]:
    """A reading per row of a frame with region, title and description (all lines of all rows
    go to Kiwi in one batched call)."""
    heads = [text.split("\n", 1)[0] for text in compose_text(frame.reindex(columns=["region", "title"]))]
    descriptions = frame["description"].fillna("").astype(str).tolist()
    regions = frame["region"].fillna("").astype(str) if "region" in frame else [""] * len(frame)
    head_tokens = _head_tokenizer().tokenize(heads)
    out = []
    for head, tokens, text, region, sentences in zip(heads, head_tokens, descriptions, regions, split_many(descriptions)):
        actors = extract_actors(text)
        n_regions = max(count_governments(region), 1)
        out.append(
            NarrativeReading(
                head=head,
                head_morphemes=tokens,
                sentences=tuple(sentences),
                actors=tuple(actors),
                findings=detect_all(sentences),
                actor_type=actor_type(actors, n_regions),
                region_governments=n_regions,
            )
        )
    return out
