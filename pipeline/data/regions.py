"""Local-government gazetteer and resolution of the region names written in the report.

The appendix writes the same local government many ways ("서울 강남구", "서울강남구", "강남구")
and the OCR adds typos ("인양시" for 안양시, "중평군" for 증평군). `resolve_region` maps each to
one canonical form: the full name for a province-level government ("경기도"), and
"<short province> <name>" for a municipal one ("경기 안양시").
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline import config
from pipeline.data.normalise import clean_spaces, jamo_ratio

# A fuzzy match must be at least this similar, letter by letter, to count as an OCR variant, and
# strictly better than the runner-up. Candidates share the name's last syllable (시/군/구/도), so
# at 0.8 one or two changed jamo still match (인양시 -> 안양시 0.875, 충장남도 -> 충청남도 0.82)
# while a different name does not (서용성산구 vs 서울용산구, 0.77, is left as written).
FUZZY_MIN_RATIO = 0.80
# The OCR and the contest entries confuse the administrative suffix of a name ("창원군" for
# 창원시, "달성구" for 달성군); a name that exists with another suffix is that government.
_SUFFIX_SWAPS = {"군": ("시", "구"), "시": ("군",), "구": ("군",)}
_LEVEL_SUFFIXES = ("시", "군", "구", "도")
# Suffixes that name the government's office rather than the government ("강원도청").
_OFFICE_SUFFIXES = ("청",)


@dataclass(frozen=True)
class LocalGovernment:
    """One of the 243 local governments: a province-level (광역) or municipal (기초) one."""

    sido: str
    sido_short: str
    sigungu: str

    @property
    def canonical(self) -> str:
        return f"{self.sido_short} {self.sigungu}" if self.sigungu else self.sido

    @property
    def level(self) -> str:
        return "기초" if self.sigungu else "광역"


@dataclass(frozen=True)
class ResolvedRegion:
    """A region as written, its canonical form, and what was done to get there."""

    raw: str
    canonical: str
    governments: tuple[LocalGovernment, ...]
    note: str = ""


@lru_cache(maxsize=2)
def load_gazetteer(path: Path = config.LOCAL_GOVERNMENTS_CSV) -> tuple[LocalGovernment, ...]:
    """Read the gazetteer of local governments shipped in data/reference."""
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(
            LocalGovernment(row["sido"], row["sido_short"], row["sigungu"])
            for row in csv.DictReader(handle)
        )


def name_forms(short_province: bool = False, metro_alias: bool = False) -> set[str]:
    """Names of the local governments as prose writes them: full province names and municipal names.

    `short_province` adds "경기", "서울"; `metro_alias` adds "인천시" for 인천광역시. One-syllable
    names are left out: they match inside ordinary words.
    """
    names = set()
    for gov in load_gazetteer():
        names.update((gov.sido, gov.sigungu))
        if short_province:
            names.add(gov.sido_short)
        if metro_alias and not gov.sigungu and gov.sido.endswith(("특별시", "광역시")):
            names.add(gov.sido_short + "시")
    return {n for n in names if len(n) >= 2}


@lru_cache(maxsize=1)
def _lookup() -> dict[str, tuple[LocalGovernment, ...]]:
    """Every spelling without spaces -> the governments it can mean (more than one if ambiguous)."""
    table: dict[str, set[LocalGovernment]] = {}

    def add(key: str, gov: LocalGovernment) -> None:
        table.setdefault(key, set()).add(gov)

    for gov in load_gazetteer():
        if gov.sigungu:
            add(gov.sigungu, gov)
            add(gov.sido_short + gov.sigungu, gov)
            add(gov.sido + gov.sigungu, gov)
        else:
            add(gov.sido, gov)
            add(gov.sido_short, gov)
            if gov.sido.endswith(("특별시", "광역시")):
                add(gov.sido_short + "시", gov)  # "서울시", "부산시"
    return {key: tuple(sorted(govs, key=lambda g: g.canonical)) for key, govs in table.items()}


def _resolve_part(part: str) -> tuple[str, tuple[LocalGovernment, ...], str]:
    key = part.replace(" ", "")
    lookup = _lookup()
    candidates = [key] + [key[: -len(s)] for s in _OFFICE_SUFFIXES if key.endswith(s)]
    for candidate in candidates:
        govs = lookup.get(candidate)
        if govs and len(govs) == 1:
            return govs[0].canonical, govs, ""
        if govs:  # ambiguous, e.g. "고성군" (강원 or 경남): keep what was written
            return part, govs, ""
    for swap in _SUFFIX_SWAPS.get(key[-1:], ()):
        govs = lookup.get(key[:-1] + swap)
        if govs and len(govs) == 1:
            canonical = govs[0].canonical
            return canonical, govs, f"region '{part}' read as '{canonical}' (suffix 시/군/구 confused)"
    same_suffix = [k for k in lookup if key[-1:] not in _LEVEL_SUFFIXES or k.endswith(key[-1])]
    scored = sorted(((jamo_ratio(key, k), k) for k in same_suffix), reverse=True)
    (best_ratio, best_key), (second_ratio, _) = scored[0], scored[1]
    best = lookup[best_key]
    if best_ratio >= FUZZY_MIN_RATIO and best_ratio > second_ratio and len(best) == 1:
        canonical = best[0].canonical
        return canonical, best, f"region '{part}' read as '{canonical}' (OCR variant)"
    return part, (), f"region '{part}' is not a local government name"


def resolve_region(raw: str) -> ResolvedRegion:
    """Map a region as written in the report to its canonical local-government name(s).

    Several governments separated by commas ("천안시, 아산시") are resolved one by one.
    Names that are not local governments (ministries, agencies) are kept as written, with a note.
    """
    parts = [clean_spaces(p) for p in raw.split(",") if p.strip()]
    canon, govs, notes = [], [], []
    for part in parts:
        c, g, n = _resolve_part(part)
        canon.append(c)
        govs.extend(g)
        if n:
            notes.append(n)
    return ResolvedRegion(raw, ", ".join(canon), tuple(govs), "; ".join(notes))
