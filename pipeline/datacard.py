"""Keep the figures in data/README.md (the data card) in step with the dataset.

The card's prose is written by hand; the part between the two markers below is rendered from the
dataset by `collab build-dataset`, so no count in the card can drift from the files it describes.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd

from pipeline import config
from pipeline.dataset import Dataset
from pipeline.io import atomic_write_text

BEGIN = "<!-- BEGIN GENERATED: collab build-dataset writes this part -->"
END = "<!-- END GENERATED -->"


def _table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _distribution(cases: pd.DataFrame, column: str, order: tuple[str, ...]) -> str:
    counts = Counter(cases[column])
    present = [v for v in order if v in counts] + sorted(v for v in counts if v not in order)
    return _table([column, "cases"], [[v or "(empty)", counts[v]] for v in present])


def render(dataset: Dataset) -> str:
    """The generated section of the data card, as Markdown."""
    cases, v = dataset.cases, dataset.validation
    notes = cases.loc[cases["parse_notes"] != "", ["id", "raw_name", "region", "title", "parse_notes"]]
    groups = cases[cases.duplicated("title_group", keep=False)].sort_values(["title_group", "id"])
    raw_marks = [
        [c, ", ".join(f"`{k}` {n}" for k, n in sorted(Counter(cases[f"{c}_raw"]).items()))]
        for c in config.MARK_COLUMNS
    ]
    parts = [
        BEGIN,
        "",
        f"Rows: {v['n_cases']} appendix cases in {v['n_title_groups']} title groups; "
        f"{len(dataset.case_studies)} case studies.",
        "",
        "### Checks against the report's own tables",
        "",
        "Actor types against [표 3-1] (exact match required):",
        "",
        _table(["actor type", "[표 3-1]", "cases.csv"], [list(r.values()) for r in v["actor_types"]]),
        "",
        "Service fields against [표 2-2], which counts all 629 contest cases; the 28 cases dropped "
        "before the appendix (중앙-민간 4, 지자체 단독 24) account for the difference, which must "
        "be non-negative and sum to 28:",
        "",
        _table(
            ["service field", "[표 2-2] (629)", "cases.csv (601)", "difference"],
            [list(r.values()) for r in v["service_fields"]],
        ),
        "",
        "Cases meeting both resource sharing and sustainability against [표 3-2] (the report's 73 "
        "were marked by shading, which the text lost):",
        "",
        _table(
            ["actor type", "[표 3-2]", "sustainability O", "sustainability O or △"],
            [list(r.values()) for r in v["meets_criteria"]]
            + [["total", *v["meets_criteria_total"].values()]],
        ),
        "",
        "Failures: " + ("; ".join(v["failures"]) if v["failures"] else "none."),
        "",
        "### Label distributions (cases.csv)",
        "",
        _distribution(cases, "actor_type", config.ACTOR_TYPES),
        "",
        _distribution(cases, "service_field", config.SERVICE_FIELDS),
        "",
        _table(
            ["mark", *config.MARKS, "(empty)"],
            [
                [c, *(int((cases[c] == m).sum()) for m in config.MARKS), int((cases[c] == "").sum())]
                for c in (*config.MARK_COLUMNS, "meets_criteria")
            ],
        ),
        "",
        "Raw spellings of the marks, as the OCR wrote them:",
        "",
        _table(["column", "raw spellings"], raw_marks),
        "",
        "### Case-study tables that disagree with their appendix row",
        "",
        _table(
            ["case study", "appendix id", "label", "case-study table", "appendix"],
            [list(r.values()) for r in v["case_study_disagreements"]],
        ),
        "",
        "### Title groups with more than one case",
        "",
        _table(
            ["title_group", "id", "region", "title"],
            groups[["title_group", "id", "region", "title"]].values.tolist(),
        ),
        "",
        f"### Rows with parse notes ({len(notes)})",
        "",
        "Marks written `0` (a digit) are noted on their rows too; they are left out of this list.",
        "",
        _table(
            ["id", "raw_name", "region", "title", "notes"],
            [
                [r.id, r.raw_name, r.region, r.title, r.parse_notes]
                for r in notes.itertuples()
                if any("mark" not in n for n in r.parse_notes.split("; "))
            ],
        ),
        "",
        END,
    ]
    return "\n".join(parts)


def update(dataset: Dataset, path: Path = config.DATA_CARD) -> bool:
    """Replace the generated section of the data card; True if the file changed."""
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition(BEGIN)
    _, sep2, tail = rest.partition(END)
    if not (sep and sep2):
        raise ValueError(f"{path}: the markers {BEGIN!r} and {END!r} are missing")
    new = head + render(dataset) + tail
    if new != text:
        atomic_write_text(path, new)
    return new != text


def generated_section(path: Path = config.DATA_CARD) -> str:
    """The generated section as it stands in the file, markers included."""
    text = path.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[start:end]
