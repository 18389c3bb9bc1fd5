"""Parse the report's appendix (【부록】 2차 사례분석 결과): the 601 labelled cases.

The appendix is a run of tab-separated blocks, one column per case and one row per criterion:
`구분` (the case name, "지자체 (사업명)"), `주체 유형`, `서비스 분야`, `과학기술 적용`,
`과학기술 적용 가능성`, `주체 간 자원공유`, `지속가능성`. Values are returned as written; marks are
normalised next to their raw spelling, never instead of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline import config
from pipeline.data.normalise import clean_spaces
from pipeline.data.regions import resolve_region

_FIRST_ROW, _SECOND_ROW = "구분", "주체 유형"


@dataclass
class AppendixCase:
    """One appendix column: the raw cells and where they were found."""

    raw_name: str
    source_line: int
    cells: dict[str, str]
    notes: list[str] = field(default_factory=list)


def find_appendix_blocks(lines: list[str]) -> list[int]:
    """Indices of the `구분` lines that open an appendix block.

    Only the appendix puts `주체 유형` (with a space) right under `구분`: the case-study tables
    write `주체유형`, and [표 2-2] has `서비스분야` there, so no line numbers are needed.
    """
    return [
        i
        for i, line in enumerate(lines[:-1])
        if line.split("\t", 1)[0] == _FIRST_ROW and lines[i + 1].startswith(_SECOND_ROW + "\t")
    ]


def parse_appendix(text: str) -> list[AppendixCase]:
    """Every appendix case in report order, with the 1-based line number of its `구분` row."""
    lines = text.split("\n")
    cases: list[AppendixCase] = []
    for start in find_appendix_blocks(lines):
        rows: dict[str, list[str]] = {}
        for line in lines[start : start + len(config.APPENDIX_ROWS)]:
            label, *values = line.split("\t")
            if label not in config.APPENDIX_ROWS:
                raise ValueError(f"line {start + 1}: unexpected appendix row {label!r}")
            rows[config.APPENDIX_ROWS[label]] = values
        width = len(rows["raw_name"])
        for column, values in rows.items():
            if len(values) != width:
                raise ValueError(
                    f"line {start + 1}: row {column} has {len(values)} cells, names have {width}"
                )
        for k in range(width):
            cells = {column: values[k] for column, values in rows.items()}
            cases.append(AppendixCase(cells["raw_name"], start + 1, cells))
    return cases


def normalise_mark(raw: str) -> tuple[str, str]:
    """(normalised mark, note) for one O/X/△ cell. An unknown spelling raises."""
    value = raw.strip()
    if not value:
        return "", "empty mark cell"
    if value not in config.MARK_SPELLINGS:
        raise ValueError(f"unknown mark {raw!r}")
    mark = config.MARK_SPELLINGS[value]
    # "0" is a digit where the report printed O: an OCR error worth a note; "○" is a real symbol.
    note = f"mark '{value}' read as {mark}" if value.isdigit() else ""
    return mark, note


def split_name(raw_name: str) -> tuple[str, str, list[str]]:
    """Split "지자체 (사업명)" into (region, title, notes).

    Handles nested parentheses ("엄마 맘(Mom)을 채우다."), two parenthesised titles
    ("A)(B)" -> "A / B"), stray closing parentheses ("반학진) 한글문화거리 조성 사업)") and
    names with no title at all ("천안시, 아산시").
    """
    name = clean_spaces(raw_name)
    open_at = name.find("(")
    if open_at < 0:
        return name, "", ["no parenthesised title: the name is the region only"]
    region, rest = name[:open_at].strip(), name[open_at + 1 :]
    titles, notes = [], []
    while True:
        depth, close_at = 1, -1
        for j, ch in enumerate(rest):
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0:
                close_at = j
                break
        if close_at < 0:
            titles.append(rest)
            notes.append("no closing parenthesis")
            break
        titles.append(rest[:close_at])
        rest = rest[close_at + 1 :].strip()
        if not rest:
            break
        if rest.startswith("("):
            notes.append("two parenthesised titles, joined with ' / '")
            rest = rest[1:]
            continue
        # Text after the title's closing parenthesis: the first ")" was stray.
        tail = rest[:-1] if rest.endswith(")") else rest
        titles[-1] = f"{titles[-1]} {tail}"
        notes.append("unbalanced parentheses: stray ')' dropped")
        break
    title = " / ".join(clean_spaces(t) for t in titles)
    return region, title, notes


def to_record(case: AppendixCase, case_id: int) -> dict[str, object]:
    """Flatten one appendix case into a cases.csv row (without title_group and case_study)."""
    notes = list(case.notes)
    region_raw, title, name_notes = split_name(case.raw_name)
    notes += name_notes
    resolved = resolve_region(region_raw)
    if resolved.note:
        notes.append(resolved.note)
    record: dict[str, object] = {
        "id": case_id,
        "raw_name": case.raw_name,
        "region": resolved.canonical,
        "region_raw": region_raw,
        "title": title,
        "actor_type": case.cells["actor_type"].strip(),
        "service_field": case.cells["service_field"].strip(),
        "source_line": case.source_line,
    }
    for column in config.MARK_COLUMNS:
        raw = case.cells[column]
        mark, note = normalise_mark(raw)
        record[column], record[f"{column}_raw"] = mark, raw
        if note:
            notes.append(f"{column}: {note}")
    for column, allowed in (
        ("actor_type", config.ACTOR_TYPES),
        ("service_field", config.SERVICE_FIELDS),
    ):
        if record[column] not in allowed:
            raise ValueError(f"line {case.source_line}: {column} {record[column]!r} is not a label")
    record["parse_notes"] = "; ".join(notes)
    return record
