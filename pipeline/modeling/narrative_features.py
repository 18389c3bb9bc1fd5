"""Features of a narrative reading, for the learned narrative models.

Three blocks side by side: TF-IDF over the content morphemes of head and narrative, TF-IDF over
character n-grams, and what the reading layer found, as counts: actors by kind and where they
appear (anywhere, in the first sentence, in a sentence that presents them as partners), each
criterion's cues with their qualifier (done / planned / possible / negated) and the hand-written
rules' own decisions. The rules are features here: logistic regression decides their weight.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction import DictVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer

from pipeline import config
from pipeline.modeling.features import char_ngrams
from pipeline.reading.actors import LOCAL, is_partner_sentence
from pipeline.reading.narratives import NarrativeReading
from pipeline.text.vectorizers import TermTfidf


def reading_cues(reading: NarrativeReading) -> dict[str, float]:
    """The reading layer's findings as named counts (log1p of counts capped at CUE_COUNT_CAP).

    Computed once per reading however many models' cue blocks ask: kept in the instance's
    __dict__ as functools.cached_property keeps its values (the reading is a frozen dataclass; a
    reading made by `without` is a new instance, so never sees its parent's cues)."""
    cached = reading.__dict__.get("_cues")
    if cached is None:
        cached = reading.__dict__["_cues"] = _count_cues(reading)
    return cached


# log1p of each count a cue can have once capped, computed once: the same floats as calling
# np.log1p per count, without a NumPy call for every cue of every reading.
_CAPPED_LOG1P: tuple[float, ...] = tuple(float(np.log1p(i)) for i in range(config.CUE_COUNT_CAP + 1))


def _count_cues(reading: NarrativeReading) -> dict[str, float]:
    counts: Counter[str] = Counter()
    first_end = reading.sentences[0].end if reading.sentences else 0
    partner_spans = [(s.start, s.end) for s in reading.sentences if is_partner_sentence(s.text)]
    for actor in reading.actors:
        counts[f"actor:{actor.kind}"] += 1
        if actor.start < first_end:
            counts[f"actor_first:{actor.kind}"] += 1
        if any(start <= actor.start < end for start, end in partner_spans):
            counts[f"actor_partner:{actor.kind}"] += 1
    counts["actor:distinct_local"] = len({a.name for a in reading.actors if a.kind == LOCAL})
    counts["region_governments"] = reading.region_governments
    counts[f"rule_actor_type={reading.actor_type}"] = 1
    for label, finding in reading.findings.items():
        counts[f"rule:{label}={finding.decision}"] = 1
        for evidence in finding.evidence:
            counts[f"{label}:{evidence.status}"] += 1
            for cue in evidence.cue.split("+"):
                counts[f"{label}:{cue}:{evidence.status}"] += 1
    return {k: _CAPPED_LOG1P[min(v, config.CUE_COUNT_CAP)] for k, v in counts.items()}


def morpheme_text(readings: Iterable[NarrativeReading]) -> list[str]:
    return [" ".join(r.morphemes()) for r in readings]


def reading_text(readings: Iterable[NarrativeReading]) -> list[str]:
    return [r.text for r in readings]


# The cue families each label reads, by the report's framework ([표 2-4]): who takes part for
# actor type, technology cues for the two technology labels, institutions and sharing for
# sustainability, none for service field (a topic, which the text blocks carry). Counts of cues
# that bear on another label only add noise: with every family, service field accuracy fell
# from 0.54 to 0.36 on a trial split.
CUE_FAMILIES: dict[str, tuple[str, ...]] = {
    "actor_type": ("actor:", "actor_first:", "actor_partner:", "region_governments", "rule_actor_type="),
    "tech_applied": ("tech_applied:", "tech_applicable:", "rule:tech_applied=", "rule:tech_applicable="),
    "tech_applicable": ("tech_applied:", "tech_applicable:", "rule:tech_applied=", "rule:tech_applicable="),
    "sustainability": ("sustainability:", "resource_sharing:", "rule:sustainability=", "rule:resource_sharing="),
    "service_field": (),
}


class CueCounts(BaseEstimator, TransformerMixin):
    """The reading cues whose names start with one of `families`, as dicts for DictVectorizer."""

    def __init__(self, families: tuple[str, ...] = ()) -> None:
        self.families = families

    def fit(self, X: Iterable[NarrativeReading], y: object = None) -> "CueCounts":
        return self

    def transform(self, X: Iterable[NarrativeReading]) -> list[dict[str, float]]:
        prefixes = tuple(self.families)
        return [{k: v for k, v in reading_cues(r).items() if k.startswith(prefixes)} for r in X]


def narrative_features(families: tuple[str, ...] = ()) -> FeatureUnion:
    """Morphemes, character n-grams and the reading cues of `families` (none: no cue block)."""
    return FeatureUnion(
        [
            (
                "morphemes",
                Pipeline(
                    [
                        ("text", FunctionTransformer(morpheme_text)),
                        (
                            "tfidf",
                            TermTfidf(
                                token_pattern=r"[^ ]+", lowercase=False, ngram_range=(1, 2), sublinear_tf=True,
                                min_df=config.NARRATIVE_MIN_DF,
                            ),
                        ),
                    ]
                ),
            ),
            ("chars", Pipeline([("text", FunctionTransformer(reading_text)), ("tfidf", char_ngrams((1, 3), config.NARRATIVE_MIN_DF))])),
            ("cues", Pipeline([("dicts", CueCounts(families)), ("vectorize", DictVectorizer())]) if families else "drop"),
        ]
    )
