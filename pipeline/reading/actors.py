"""Who takes part in a case: actors found in text, and the report's actor type derived from them.

Local governments come from the gazetteer, central bodies from lexicon("central_bodies"), other
public bodies from their suffixes (…공사, …대학교, …센터) and private partners from firm markers.
`actor_type` applies the report's five types to the kinds found.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from pipeline.data.regions import name_forms
from pipeline.reading.lexicons import lexicon

LOCAL, CENTRAL, PUBLIC, PRIVATE = "지자체", "중앙", "기타", "민간"
# The most letters a firm's name may have on either side of its marker (롯데웰푸드, 케이티스카이라이프).
NAME_LETTERS = 20
# A name ends where a particle or two (or nothing Korean) follow: "롯데웰푸드와" names 롯데웰푸드,
# "부산대학교와" 부산대학교 and "KT에서는" KT, while "공사비" is no 공사.
_NAME_END = r"(?=(?:(?:와|과|이|가|은|는|을|를|의|에서|에게|에|도|으로|로)(?:는|은|의|도)?)?(?:[^가-힣A-Za-z]|$))"


@dataclass(frozen=True)
class Actor:
    """One mention of a participant: its name, kind (지자체/중앙/기타/민간) and offsets."""

    name: str
    kind: str
    start: int
    end: int


def alternation(words: Iterable[str]) -> str:
    """A regex matching exactly one of `words`, preferring the longest at any position, as
    "|".join of the words sorted longest first would; but factored by shared prefixes, so the
    engine steps through one character at a time instead of trying every word in turn.

    The words that can match at one position are prefixes of one another, and at each step the
    longer continuation is tried before stopping (a greedy `?`), so the order in which matches are
    tried, and with it every match, is the sorted alternation's.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for character in word:
            node = node.setdefault(character, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(c) + pattern(child) for c, child in node.items() if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(trie)


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern]]:
    return compile_patterns(alternation)


def compile_patterns(alternate: Callable[[Iterable[str]], str]) -> list[tuple[str, re.Pattern]]:
    """(kind, pattern) in the order kinds claim text, each list of words joined by `alternate`."""
    # Short province names ("경기") alone are too ambiguous in prose; full names are not.
    names = name_forms(metro_alias=True)
    local = alternate(names)
    central = alternate(lexicon("central_bodies"))
    public = alternate(lexicon("public_body_suffixes"))
    private = alternate(lexicon("private_markers"))
    # A firm's name begins a word (용두산 holds no 두산), and a Latin one is not the start of a
    # longer Latin word (KTX, GSEEK).
    firm = rf"(?<![가-힣A-Za-z])(?:{alternate(lexicon('private_names'))})(?!(?<=[A-Za-z])[A-Za-z])"
    # A government's name followed by one of its agencies ("경상남도 수산자원연구소",
    # "고용노동부 광주고용센터") names the agency, which the report counts as 기타.
    # Every run of letters a pattern may take is bounded (NAME_LETTERS): unbounded, the firm
    # pattern tried the whole of a long unspaced run from every position, quadratic in its length.
    word = f"[가-힣A-Za-z]{{0,{NAME_LETTERS}}}"
    return [
        (PUBLIC, re.compile(rf"(?:(?:{central}|{local}) )?[가-힣A-Za-z0-9]{{1,15}}(?:{public}){_NAME_END}")),
        (CENTRAL, re.compile(rf"(?:{central})")),
        (
            PRIVATE,
            re.compile(
                rf"(?:(?:\(주\)|㈜|주식회사)\s*[가-힣A-Za-z]{{1,{NAME_LETTERS}}}?{_NAME_END}"
                rf"|(?:{word}(?:{private})|{firm}){word}?{_NAME_END}(?:\(주\)|㈜)?)"
            ),
        ),
        (LOCAL, re.compile(rf"(?<![가-힣])(?:{local})(?=$|[^가-힣]|[은는이가을를의와과에도로])")),
    ]


def _in_award_sentence(text: str, start: int) -> bool:
    begin = max(text.rfind("\n", 0, start), text.rfind(". ", 0, start)) + 1
    end = min(i for i in (text.find("\n", start), text.find(". ", start), len(text)) if i >= 0)
    return any(marker in text[begin:end] for marker in lexicon("award_markers"))


def extract_actors(text: str) -> list[Actor]:
    """Every actor mention, left to right; a span claimed by an earlier kind is not re-used.

    Central bodies named in a sentence about contests or awards are skipped: there they are the
    organiser (행정안전부 공모), not a partner.
    """
    taken = [False] * len(text)
    found = []
    for kind, pattern in _patterns():
        for m in pattern.finditer(text):
            if any(taken[m.start() : m.end()]):
                continue
            if kind == CENTRAL and _in_award_sentence(text, m.start()):
                continue
            for i in range(m.start(), m.end()):
                taken[i] = True
            found.append(Actor(m.group(0), kind, m.start(), m.end()))
    return sorted(found, key=lambda a: a.start)


def is_partner_sentence(text: str) -> bool:
    """Whether a sentence presents its actors as partners (협약, 협력, 함께, ...)."""
    return any(marker in text for marker in lexicon("partner_markers"))


def actor_type(actors: list[Actor], region_governments: int = 1) -> str:
    """The report's actor type from the kinds of actors present.

    Central and private together make 지자체-중앙-민간; otherwise central makes 지자체-중앙, private
    makes 지자체-민간, two or more local governments make 지자체-지자체, and anything else (public
    bodies, universities, civic groups) is 지자체-기타. `region_governments` counts the
    governments named in the entry's own region field.
    """
    kinds = {a.kind for a in actors}
    locals_ = {a.name for a in actors if a.kind == LOCAL}
    if CENTRAL in kinds and PRIVATE in kinds:
        return "지자체-중앙-민간"
    if CENTRAL in kinds:
        return "지자체-중앙"
    if PRIVATE in kinds:
        return "지자체-민간"
    if len(locals_) >= 2 or region_governments >= 2:
        return "지자체-지자체"
    return "지자체-기타"
