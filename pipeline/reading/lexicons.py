"""The reading stage's vocabularies, kept as files a domain expert edits: `lexicons/*.csv` here.

Each row names the list it belongs to, the term, the criterion it serves (`actor_type`, a criterion
of [표 2-4], or `qualifier` for the hedges that apply to every criterion) and, where not obvious,
why it is there. Every file is read once and validated at load: a bad header, an unknown list or
criterion, an empty term or a term twice in one list fails with the file and line. Order within a
list is kept, because a detector names the first term of a list that a sentence holds.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

LEXICON_DIR = Path(__file__).resolve().parent / "lexicons"
HEADER = ["list", "term", "criterion", "why"]
CRITERIA: frozenset[str] = frozenset(
    {"actor_type", "tech_applied", "tech_applicable", "resource_sharing", "sustainability", "qualifier"}
)
# Every list the code reads, and what it is for.
LISTS: dict[str, str] = {
    "central_bodies": "central government (ministries, agencies, offices, commissions of 2019-2020)",
    "public_body_suffixes": "name endings of other public bodies (기타): agencies, universities, institutes",
    "private_markers": "words of commercial partners (민간) that may close a longer name: 오산농협, 망원시장상인회",
    "private_names": "firms' names and 민자 (민간): each begins a word and may start a longer name (롯데케미칼, LG유플러스)",
    "partner_markers": "words that present an actor named beside them as a partner",
    "award_markers": "words of contests and awards: a ministry named with them organised, not partnered",
    "plan_markers": "a sentence carrying one states a plan, not something done",
    "possibility_markers": "a sentence carrying one states a possibility or need, not something done",
    "negation_markers": "a sentence carrying one says something is missing or not done",
    "marker_nouns": "nouns that hold a marker but qualify nothing",
    "partial_markers": "hedged sustainability: the report's 약한 지속가능성 (△)",
    "tech_terms": "technology (과학기술) the report's tables name as applied or applicable",
    "tech_applied_verbs": "verbs saying a technology was put to use",
    "resource_nouns": "resources partners can share (budget, staff, information, facilities, technology)",
    "sharing_verbs": "verbs saying a resource was shared or contributed",
    "sustainability_terms": "institutions that make a project last (ordinances, dedicated staff, bodies)",
    "sustainability_criteria": "the institutions [표 2-4] names (제도정비, 상시조직, 전담부서/인력): said done, the criterion is met",
    "title_cues_local": "title words hinting at several local governments",
    "title_cues_private": "title words hinting at private partners",
    "title_cues_public_body": "title words hinting at other public bodies",
}


class LexiconError(ValueError):
    """A lexicon file that cannot be used as it is."""


@lru_cache(maxsize=4)
def load_lexicons(directory: Path = LEXICON_DIR) -> dict[str, tuple[str, ...]]:
    """Every list, from every CSV file in `directory`, validated."""
    terms: dict[str, list[str]] = {name: [] for name in LISTS}
    for path in sorted(Path(directory).glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames != HEADER:
                raise LexiconError(f"{path}, line 1: the header must be {','.join(HEADER)}, not {reader.fieldnames}")
            for row in reader:
                where = f"{path}, line {reader.line_num}"
                name, term, criterion = (row["list"] or "").strip(), row["term"] or "", (row["criterion"] or "").strip()
                if name not in LISTS:
                    raise LexiconError(f"{where}: unknown list {name!r}; known: {', '.join(LISTS)}")
                if not term.strip():
                    raise LexiconError(f"{where}: empty term in list {name!r}")
                if criterion not in CRITERIA:
                    raise LexiconError(f"{where}: unknown criterion {criterion!r}; known: {', '.join(sorted(CRITERIA))}")
                if term in terms[name]:
                    raise LexiconError(f"{where}: {term!r} is already in list {name!r}")
                terms[name].append(term)
    empty = [name for name, found in terms.items() if not found]
    if empty:
        raise LexiconError(f"{directory}: no terms for {', '.join(empty)}")
    return {name: tuple(found) for name, found in terms.items()}


def lexicon(name: str) -> tuple[str, ...]:
    """One list's terms, in file order."""
    return load_lexicons()[name]
