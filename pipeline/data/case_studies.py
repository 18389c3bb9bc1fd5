"""Parse the 23 in-depth case studies (chapter 3, section 2) and their chapter-4 sub-types.

Each case study is a heading ("1. 서울 서대문구 사례(학교 밖 배움터 달팽이학교)"), narrative prose
under `사례 개요 및 내용` and `사례성과 및 분석결과`, and a table ([표 3-4] .. [표 3-26]) whose rows
give the reviewers' labels with an explanation. Chapter 4 lists, for each sub-type of the two
collaboration models, the case numbers that belong to it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from pipeline import config
from pipeline.data.appendix import normalise_mark
from pipeline.data.normalise import clean_spaces
from pipeline.data.regions import resolve_region

N_CASE_STUDIES = 23

_HEADING = re.compile(r"^(\d{1,2})\. (.+?) 사례\((.+)\)$")
_TABLE = re.compile(r"^\[표 3-\d+\] 사례(\d+):")
_SECTION_END = "제3절 소결론"
_SECTIONS = ("사례 개요 및 내용", "사례성과 및 분석결과")
_ITEM_START = ("-", "□", "○", "*", "※", "▶", "•")
_BULLETS = re.compile(r"[•●]")
_HTML = re.compile(r"<[^>]+>")
# Phrases the tables use to name the kind of policy effect; the rest of the cell explains it.
_EFFECT_KINDS = re.compile(
    r"행정서비스 향상 및 행정프로세스 개선|행정서비스 (?:향상|개선)|공공서비스 개선"
    r"|정책과정/업무 프로세스 개선|행정프로세스 개선"
)
_SUBTYPE_HEADING = re.compile(r"^○ \(하위유형 \d\) (.+)$")
_SUBTYPE_MEMBERS = re.compile(r"^- 최종 분석 사례 ([\d, ]+)에 해당")
_MODEL_HEADING = re.compile(r"^\d\. (사회혁신 협업모델|행정혁신 협업모델)$")
_OPTION = re.compile(r"하위유형\((option \d)\)")


@dataclass
class Criterion:
    """One analysis row of a case-study table: the mark and the reviewers' explanation."""

    mark: str
    mark_raw: str
    explanation: list[str]


@dataclass
class CaseStudy:
    """One of the 23 in-depth cases with every label of its table."""

    number: int
    region: str
    region_raw: str
    name: str
    heading_line: int
    table_line: int
    topic: str = ""
    narrative: str = ""
    narrative_sections: dict[str, str] = field(default_factory=dict)
    actor_type: str = ""
    participants: dict[str, list[str]] = field(default_factory=dict)
    attribute: str = ""
    service_field: str = ""
    policy_effect: dict[str, list[str]] = field(default_factory=dict)
    policy_target: dict[str, list[str]] = field(default_factory=dict)
    tech_applied: Criterion | None = None
    tech_applicable: Criterion | None = None
    resource_sharing: Criterion | None = None
    sustainability: Criterion | None = None
    model_types: list[str] = field(default_factory=list)
    sub_types: dict[str, list[str]] = field(default_factory=dict)
    appendix_id: int | None = None
    parse_notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def _items(cell: str) -> list[str]:
    """Bullet items of a table cell, without the HTML the PDF extraction left in some cells."""
    text = clean_spaces(_HTML.sub(" ", cell))
    return [clean_spaces(part) for part in _BULLETS.split(text) if clean_spaces(part) not in ("", "-")]


def _split_outside_parens(text: str, sep: str = ",") -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if ch == sep and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    parts.append(current.strip())
    return [p for p in parts if p]


def _join_wrapped(lines: list[str]) -> list[str]:
    """Re-join prose lines that the PDF extraction broke at a page end.

    A line that does not open a new item continues the previous one. When the broken-off piece is
    a single syllable ("증" + "진에 기여함") it was split inside a word, so no space is added.
    """
    items: list[str] = []
    for raw in lines:
        line = clean_spaces(raw)
        if not line:
            continue
        if items and not line.startswith(_ITEM_START):
            last_word = items[-1].rsplit(" ", 1)[-1]
            items[-1] += ("" if len(last_word) == 1 else " ") + line
        else:
            items.append(line)
    return items


def _parse_narrative(lines: list[str]) -> dict[str, str]:
    sections: dict[str, list[str]] = {name: [] for name in _SECTIONS}
    current = None
    for line in lines:
        stripped = line.strip().lstrip("□").strip()
        if stripped in _SECTIONS:
            current = stripped
        elif current:
            sections[current].append(line)
    return {name: "\n".join(_join_wrapped(body)) for name, body in sections.items()}


def _parse_participants(cell: str) -> dict[str, list[str]]:
    participants: dict[str, list[str]] = {}
    for item in _items(cell):
        kind, _, names = item.partition(":")
        participants.setdefault(kind.strip(), []).extend(_split_outside_parens(names))
    return participants


def _parse_target(cell: str, notes: list[str]) -> dict[str, list[str]]:
    target: dict[str, list[str]] = {"external": [], "internal": []}
    for item in _items(cell):
        for part in re.split(r",\s*(?=(?:외부|내부)-)", item):
            side, dash, who = part.partition("-")
            if dash and side.strip() in ("외부", "내부"):
                key = "external" if side.strip() == "외부" else "internal"
                target[key].extend(_split_outside_parens(who))
            else:
                # [표 3-24] writes "주민(여성)" with no side; citizens are the external side.
                target["external"].append(part.strip())
                notes.append(f"policy target {part.strip()!r} has no 외부/내부: read as 외부")
    return target


def _parse_effect(cell: str) -> dict[str, list[str]]:
    text = clean_spaces(_HTML.sub(" ", cell))
    kinds = _EFFECT_KINDS.findall(text)
    return {"kinds": kinds, "explanation": _items(_EFFECT_KINDS.sub(" ", text))}


def _normalise_field(value: str, notes: list[str]) -> str:
    if value in config.SERVICE_FIELDS:
        return value
    for label in config.SERVICE_FIELDS:
        if label.replace("/", "") == value.replace("/", ""):
            notes.append(f"service field {value!r} read as {label!r}")
            return label
    raise ValueError(f"unknown service field {value!r}")


def _criterion(fields: list[str]) -> Criterion:
    cells = [f for f in fields if f.strip()]
    mark, _ = normalise_mark(cells[-1])
    return Criterion(mark, cells[-1].strip(), _items(" ".join(cells[:-1])))


def _parse_table(case: CaseStudy, lines: list[str]) -> None:
    cells: dict[str, list[str]] = {}
    last = None
    for line in lines:
        fields = line.split("\t")
        label = fields[0].strip()
        if label == "과학기술" and len(fields) > 1 and fields[1].strip() == "적용":
            last = "tech_applied"
            cells[last] = fields[2:]
        elif not label and len(fields) > 1 and fields[1].strip() == "적용 가능성":
            last = "tech_applicable"
            cells[last] = fields[2:]
        elif label in ("자원공유", "지속가능성"):
            last = "resource_sharing" if label == "자원공유" else "sustainability"
            cells[last] = fields[1:]
        elif label in ("주제", "주체유형", "참여주체", "속성", "서비스 분야", "정책효과", "정책대상"):
            last = label
            cells[last] = fields[1:]
        elif label in ("구분", "분석"):
            last = None
        elif not label and last and line.strip():
            cells[last] = cells[last] + fields  # a cell wrapped onto the next line
    text = {k: " ".join(v) for k, v in cells.items()}
    case.topic = " ".join(_items(text["주제"]))
    case.actor_type = " ".join(_items(text["주체유형"]))
    case.participants = _parse_participants(text["참여주체"])
    case.attribute = " ".join(_items(text["속성"]))
    case.service_field = _normalise_field(" ".join(_items(text["서비스 분야"])), case.parse_notes)
    case.policy_effect = _parse_effect(text["정책효과"])
    case.policy_target = _parse_target(text["정책대상"], case.parse_notes)
    for name in config.MARK_COLUMNS:
        setattr(case, name, _criterion(cells[name]))
    if case.actor_type not in config.ACTOR_TYPES or case.attribute not in config.ATTRIBUTES:
        raise ValueError(f"case {case.number}: unexpected labels {case.actor_type}/{case.attribute}")


@dataclass
class SubTypeText:
    """A chapter-4 sub-type: its model and option, definition, member cases, example paragraphs."""

    model: str
    option: str
    sub_type: str
    definition: str = ""
    cases: list[int] = field(default_factory=list)
    # Example paragraphs, one per member case and in the same order as `cases`:
    # {"case": number, "heading": "부산 사하구 사례(...)", "text": ...}.
    examples: list[dict] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return asdict(self)


_EXAMPLE_HEADING = re.compile(r"^(.+?) 사례\((.+)\):?$")


def parse_sub_types(lines: list[str]) -> list[SubTypeText]:
    """Chapter 4's sub-types in report order, read from their headings and member lists."""
    found: list[SubTypeText] = []
    model, option, current = "", "", None
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if m := _MODEL_HEADING.match(line):
            model, option, current = m.group(1), "", None
        elif m := _OPTION.search(line):
            option, current = m.group(1), None
        elif m := _SUBTYPE_HEADING.match(line):
            heading = clean_spaces(re.sub(r"\(.*\)", "", m.group(1)))
            known = config.SUB_TYPES[model][option]
            matches = [s for s in known if s.replace(" ", "") == heading.replace(" ", "")]
            if not matches:
                raise ValueError(f"chapter 4: unknown sub-type {heading!r} under {model} {option}")
            current = SubTypeText(model, option, matches[0])
            found.append(current)
        elif current is None:
            continue
        elif m := _SUBTYPE_MEMBERS.match(line):
            current.cases = [int(n) for n in m.group(1).replace(" ", "").split(",")]
        elif not current.cases:
            current.definition = clean_spaces(f"{current.definition} {line.lstrip('- ')}")
        elif m := _EXAMPLE_HEADING.match(line):
            current.examples.append({"case": 0, "heading": line.rstrip(":"), "text": ""})
        elif current.examples and line.startswith("-"):
            example = current.examples[-1]
            example["text"] = clean_spaces(f"{example['text']} {line.lstrip('- ')}")
        elif line.startswith(("□", "제5장")):
            current = None
    for sub in found:
        # The report gives the examples in the order of its case list.
        if len(sub.examples) != len(sub.cases):
            raise ValueError(f"chapter 4: {sub.sub_type} lists {sub.cases} but has {len(sub.examples)} examples")
        for example, number in zip(sub.examples, sub.cases):
            example["case"] = number
    return found


def _end_of_case_studies(lines: list[str]) -> int:
    last_table = max(i for i, line in enumerate(lines) if _TABLE.match(line))
    return next(i for i, line in enumerate(lines) if line.strip() == _SECTION_END and i > last_table)


def parse_sub_type_texts(text: str) -> list[SubTypeText]:
    """Chapter 4's sub-types with definitions and example paragraphs."""
    lines = text.split("\n")
    return parse_sub_types(lines[_end_of_case_studies(lines) :])


def parse_case_studies(text: str) -> list[CaseStudy]:
    """The 23 case studies in report order, with narratives, table labels and sub-types."""
    lines = text.split("\n")
    headings = {}
    for i, line in enumerate(lines):
        if (m := _HEADING.match(line)) and "\t" not in line:
            headings[int(m.group(1))] = (i, m.group(2), m.group(3))
    tables = {int(m.group(1)): i for i, line in enumerate(lines) if (m := _TABLE.match(line))}
    end_of_section = _end_of_case_studies(lines)
    if sorted(headings) != list(range(1, N_CASE_STUDIES + 1)) or sorted(tables) != sorted(headings):
        raise ValueError(f"found case-study headings {sorted(headings)} and tables {sorted(tables)}")

    cases = []
    for number in range(1, N_CASE_STUDIES + 1):
        start, region_raw, name = headings[number]
        table = tables[number]
        end = headings[number + 1][0] if number < N_CASE_STUDIES else end_of_section
        resolved = resolve_region(region_raw)
        case = CaseStudy(number, resolved.canonical, region_raw, name, start + 1, table + 1)
        if resolved.note:
            case.parse_notes.append(resolved.note)
        case.narrative_sections = _parse_narrative(lines[start + 1 : table])
        case.narrative = "\n".join(v for v in case.narrative_sections.values() if v)
        _parse_table(case, lines[table + 1 : end])
        cases.append(case)

    for sub in parse_sub_types(lines[end_of_section:]):
        for number in sub.cases:
            case = cases[number - 1]
            if sub.model not in case.model_types:
                case.model_types.append(sub.model)
            key = sub.model if not sub.option else f"{sub.model} {sub.option}"
            case.sub_types.setdefault(key, []).append(sub.sub_type)
    for case in cases:
        case.model_types.sort(key=config.MODEL_TYPES.index)
    return cases
