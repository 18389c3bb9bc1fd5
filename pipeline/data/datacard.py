"""Keep the figures in data/README.md (the data card) in step with the dataset.

The card's prose is written by hand; the part between the two markers below is rendered from the
dataset by `collab build-dataset`, so no count in the card can drift from the files it describes.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations
from pathlib import Path

import pandas as pd

from pipeline import config
from pipeline.data.dataset import Dataset
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


def label_agreement(cases: pd.DataFrame) -> list[list[object]]:
    """Per target: pairs of cases in one title group that carry the same label, among pairs in the
    same region (the report listing one case twice) and among all pairs. How often the report
    agrees with itself bounds what any model can score against it."""
    pairs = [(a, b) for _, g in cases.groupby("title_group") for a, b in combinations(g.index, 2)]
    same = [(a, b) for a, b in pairs if cases.at[a, "region"] == cases.at[b, "region"]]
    rows = []
    for label in config.TARGETS.values():
        agree = [sum(cases.at[a, label] == cases.at[b, label] for a, b in chosen) for chosen in (same, pairs)]
        rows.append([label, f"{agree[0]} of {len(same)}", f"{agree[1]} of {len(pairs)}"])
    return rows


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
        "Do their labels agree? Pairs of cases in one group with the same label; a pair in one "
        "region is the report listing one case twice:",
        "",
        _table(["label", "same region", "all pairs"], label_agreement(cases)),
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
        *narrative_section(dataset),
        END,
    ]
    return "\n".join(parts)


# Suspect labels shown per label in the card; the full list is narrative_label_issues.csv.
ISSUES_SHOWN = 5


def narrative_section(dataset: Dataset) -> list[str]:
    """The narratives' figures: label distributions beside the appendix's, same-project sets, and
    the suspect labels cleanlab finds (data/processed/narrative_label_issues.csv)."""
    narratives, issues, cases = dataset.narratives, dataset.narrative_issues, dataset.cases
    if narratives is None:
        return []
    match = Counter(narratives["match"])
    lines = [
        "### Narratives (narratives.csv)",
        "",
        f"{len(narratives)} narratives of appendix cases ({match['high']} `high` matches, {match['medium']} `medium`), "
        f"in {narratives['title_group'].nunique()} title groups and {narratives['split_group'].nunique()} split groups.",
        "",
        "Label shares in the narratives beside the whole appendix:",
        "",
    ]
    rows = []
    for label, order in (
        ("actor_type", config.ACTOR_TYPES), ("service_field", config.SERVICE_FIELDS),
        ("tech_applied", config.MARKS), ("tech_applicable", config.MARKS),
        ("sustainability", config.MARKS), ("meets_criteria", config.MARKS),
    ):
        ours, theirs = Counter(narratives[label]), Counter(cases[label])
        for value in (v for v in order if theirs[v] or ours[v]):
            rows.append([label, value, ours[value], f"{ours[value] / len(narratives):.3f}", f"{theirs[value] / len(cases):.3f}"])
    lines += [_table(["label", "value", "narratives", "share", "appendix share"], rows), ""]
    sets = [
        ", ".join(str(i) for i in sorted(g["id"]))
        for _, g in narratives.groupby("split_group") if g["title_group"].nunique() > 1
    ]
    lines += [f"Narratives retelling one project (one split group each): {'; '.join(sets) or 'none'}.", ""]
    if issues is None:
        return lines
    lines += [
        f"Suspect labels (cleanlab `find_label_issues` on out-of-fold probabilities of character n-gram "
        f"logistic regression, grouped folds): {len(issues)} of {len(narratives) * issues['label'].nunique()} labels.",
        "",
    ]
    counts = []
    for label, group in issues.groupby("label", sort=False):
        share = {m: (group["match"] == m).sum() / max(match[m], 1) for m in ("high", "medium")}
        turns = Counter(group["given"] + " → " + group["suggested"]).most_common(3)
        counts.append([label, len(group), f"{share['high']:.2f}", f"{share['medium']:.2f}", "; ".join(f"{t} {n}" for t, n in turns)])
    lines += [_table(["label", "suspect", "share of high matches", "share of medium", "most common (report → suggested)"], counts), ""]
    lines += [f"The {ISSUES_SHOWN} most suspect per label:", ""]
    shown = issues.groupby("label", sort=False).head(ISSUES_SHOWN)
    lines += [
        _table(
            ["id", "label", "report", "suggested", "p(report)", "match", "title", "narrative begins"],
            [[r.id, r.label, r.given, r.suggested, r.p_given, r.match, r.title, r.excerpt.replace("|", "/")[:80] + "…"] for r in shown.itertuples()],
        ),
        "",
    ]
    return lines


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
