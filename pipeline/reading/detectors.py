"""Narrative detectors for the report's four analysis criteria ([표 2-4], chapter 2 section 3).

Each detector reads sentences (with offsets) and returns a Finding: the decision (O/X/△), a
confidence, and the sentences that decided it. A sentence only counts as evidence of something
*done* when it carries no plan, possibility or negation marker ("예정", "필요", "미흡", ...):
those sentences are kept as qualified evidence, shown to the reviewer but not counted as done.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from pipeline import config
from pipeline.reading.lexicons import lexicon
from pipeline.text.sentences import Sentence

DONE, PLANNED, POSSIBLE, NEGATED = "done", "planned", "possible", "negated"


@dataclass(frozen=True)
class Evidence:
    """A sentence that bears on a criterion, how it bears on it, and the cue that matched."""

    start: int
    end: int
    text: str
    status: str
    cue: str


@dataclass
class Finding:
    """A detector's decision on one criterion, with its confidence and evidence."""

    label: str
    decision: str
    confidence: float
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def proba_yes(self) -> float:
        """Probability that the criterion is met (O or △), as this detector sees it."""
        return self.confidence if self.decision != config.MARK_NO else 1.0 - self.confidence


def _first(text: str, words: Sequence[str]) -> str:
    return next((w for w in words if w in text), "")


# What a sentence says does not depend on the narrative around it: a narrative read again without
# one of its sentences (to measure that sentence's push) reuses every other sentence's cues.
_SENTENCE_CACHE = 65_536


@lru_cache(maxsize=_SENTENCE_CACHE)
def qualifier(text: str) -> str:
    """How a sentence qualifies what it says: negated, planned, possible, or done."""
    # Nouns that contain a marker are not hedges: "지속가능성" (sustainability) holds "가능".
    for noun in lexicon("marker_nouns"):
        text = text.replace(noun, " ")
    if _first(text, lexicon("negation_markers")):
        return NEGATED
    if _first(text, lexicon("plan_markers")):
        return PLANNED
    if _first(text, lexicon("possibility_markers")):
        return POSSIBLE
    return DONE


def _confidence(n_done: int) -> float:
    """More independent sentences saying it is done, more confidence: 0.7, 0.85, 0.925, ..."""
    return round(1.0 - 0.3 * 0.5 ** max(n_done - 1, 0), 3) if n_done else 0.0


def _collect(sentences: Sequence[Sentence], match) -> list[Evidence]:
    out = []
    for s in sentences:
        cue = match(s.text)
        if cue:
            out.append(Evidence(s.start, s.end, s.text, qualifier(s.text), cue))
    return out


@lru_cache(maxsize=_SENTENCE_CACHE)
def _tech_cue(text: str) -> str:
    term = _first(text, lexicon("tech_terms")) or ("과학기술" if "과학기술" in text else "")
    return term


@lru_cache(maxsize=_SENTENCE_CACHE)
def _applied_cue(text: str) -> str:
    cue, verb = _tech_cue(text), _first(text, lexicon("tech_applied_verbs"))
    return f"{cue}+{verb}" if cue and verb else ""


@lru_cache(maxsize=_SENTENCE_CACHE)
def _sharing_cue(text: str) -> str:
    noun, verb = _first(text, lexicon("resource_nouns")), _first(text, lexicon("sharing_verbs"))
    return f"{noun}+{verb}" if noun and verb else ""


@lru_cache(maxsize=_SENTENCE_CACHE)
def _sustainability_cue(text: str) -> str:
    return _first(text, lexicon("sustainability_terms"))


def detect_tech_applied(sentences: Sequence[Sentence]) -> Finding:
    """O when a sentence says a technology *is* used (구축/활용/도입 …) without plan or negation."""
    evidence = _collect(sentences, _applied_cue)
    done = [e for e in evidence if e.status == DONE]
    if done:
        return Finding("tech_applied", config.MARK_YES, _confidence(len(done)), evidence)
    # Only needs, plans or possibilities: evidence that it is *not* applied yet.
    return Finding("tech_applied", config.MARK_NO, 0.75 if evidence else 0.6, evidence)


def detect_tech_applicable(sentences: Sequence[Sentence], applied: Finding | None = None) -> Finding:
    """O when technology is applied already or a sentence says it could or should be."""
    evidence = _collect(sentences, _tech_cue)
    usable = [e for e in evidence if e.status in (DONE, POSSIBLE, PLANNED)]
    if applied is not None and applied.decision == config.MARK_YES:
        return Finding("tech_applicable", config.MARK_YES, max(applied.confidence, 0.8), evidence)
    if usable:
        return Finding("tech_applicable", config.MARK_YES, _confidence(len(usable)), evidence)
    return Finding("tech_applicable", config.MARK_NO, 0.7 if evidence else 0.6, evidence)


def detect_resource_sharing(sentences: Sequence[Sentence]) -> Finding:
    """O when partners share budget, staff, information, facilities or technology."""

    evidence = _collect(sentences, _sharing_cue)
    done = [e for e in evidence if e.status == DONE]
    if done:
        return Finding("resource_sharing", config.MARK_YES, _confidence(len(done)), evidence)
    return Finding("resource_sharing", config.MARK_NO, 0.6, evidence)


def detect_sustainability(sentences: Sequence[Sentence]) -> Finding:
    """O for institutions made to last (조례, 협동조합/법인, 전담 조직·인력, 협의회 …).

    △ when the only evidence is hedged ("어느 정도", "약한") or says the institutions are lacking
    (법적 체계 … 미흡): the report's 약한 지속가능성.
    """
    evidence = _collect(sentences, _sustainability_cue)
    done = [e for e in evidence if e.status == DONE and not _first(e.text, lexicon("partial_markers"))]
    partial = [e for e in evidence if _first(e.text, lexicon("partial_markers")) or e.status == NEGATED]
    if done:
        return Finding("sustainability", config.MARK_YES, _confidence(len(done)), evidence)
    if partial:
        return Finding("sustainability", config.MARK_PARTIAL, 0.6, evidence)
    return Finding("sustainability", config.MARK_NO, 0.7 if evidence else 0.6, evidence)


def stated_as_met(finding: Finding) -> Evidence | None:
    """The first sentence that states, unhedged, what [표 2-4] asks of the criterion: for
    tech_applied a technology put to use, for sustainability one of the institutions the report
    names (`sustainability_criteria`: 조례, 법인, 전담 ...; the cue is then that institution).
    None for the other criteria, whose cues ask less of a sentence than the report's question does."""
    if finding.label == "tech_applied":
        return next((e for e in finding.evidence if e.status == DONE), None)
    if finding.label == "sustainability":
        named = lexicon("sustainability_criteria")
        found = next((e for e in finding.evidence if e.status == DONE and _first(e.text, named)), None)
        return None if found is None else replace(found, cue=_first(found.text, named))
    return None


def detect_all(sentences: Sequence[Sentence]) -> dict[str, Finding]:
    """All four criteria for one narrative."""
    applied = detect_tech_applied(sentences)
    return {
        "tech_applied": applied,
        "tech_applicable": detect_tech_applicable(sentences, applied),
        "resource_sharing": detect_resource_sharing(sentences),
        "sustainability": detect_sustainability(sentences),
    }


def title_cue(label: str, title: str) -> str:
    """The cue word of criterion `label` that a title holds ("" if none): what a reviewer is shown
    when the title, not a sentence, decided an O."""
    if label in ("tech_applied", "tech_applicable"):
        return _tech_cue(title)
    if label == "resource_sharing":
        return _first(title, lexicon("resource_nouns")) or _first(title, lexicon("sharing_verbs"))
    return _sustainability_cue(title)
