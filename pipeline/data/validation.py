"""Check the parsed dataset against the totals the report prints about itself.

The expected figures are read from the report's own summary tables ([표 2-2], [표 3-1],
[표 3-2]), not typed in here, so a drifting parse and a changed source both show up.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from pipeline import config

N_APPENDIX_CASES = 601
N_DROPPED = 28  # [표 3-1]: 중앙-민간 (4) and 지자체 단독 (24) are not in the appendix

# [표 3-1] columns ①..⑦ as the report numbers them, mapped to the appendix's actor types.
_TABLE_3_1_COLUMNS = (
    "지자체-중앙",
    "중앙-민간",
    "지자체-중앙-민간",
    "지자체-지자체",
    "지자체-민간",
    "지자체-기타",
    "단독",
)
# [표 3-2] columns in the report's order.
_TABLE_3_2_COLUMNS = ("지자체-중앙", "지자체-중앙-민간", "지자체-지자체", "지자체-민간", "지자체-기타")


def _table_lines(lines: list[str], caption: str) -> list[str]:
    start = next(i for i, line in enumerate(lines) if line.startswith(caption) and "\t" not in line)
    return lines[start : start + 30]


def report_actor_counts(lines: list[str]) -> dict[str, int]:
    """[표 3-1] total row: cases per actor type over all 629 contest cases."""
    row = next(line for line in _table_lines(lines, "[표 3-1]") if line.startswith("계\t"))
    numbers = [int(n) for n in row.split("\t")[1:] if n.strip()]
    return dict(zip(_TABLE_3_1_COLUMNS, numbers))


def report_criteria_counts(lines: list[str]) -> dict[str, int]:
    """[표 3-2]: cases meeting both resource sharing and sustainability, per actor type."""
    row = next(line for line in _table_lines(lines, "[표 3-2]") if line.startswith("자원공유, 지속가능성"))
    numbers = [int(n) for n in row.split("\t")[1:] if n.strip()]
    return dict(zip(_TABLE_3_2_COLUMNS + ("계",), numbers))


def report_field_counts(lines: list[str]) -> dict[str, dict[str, int]]:
    """[표 2-2]: hardware/software/total per service field over the 629 cases."""
    counts = {}
    for line in _table_lines(lines, "[표 2-2]"):
        cells = [c.strip() for c in line.split("\t") if c.strip()]
        if cells and cells[0] == "합계":  # the next table ([표 2-3]) has the same row labels
            break
        if cells and cells[0] == "서비스분야":
            cells = cells[1:]
        if len(cells) == 4 and cells[0] in config.SERVICE_FIELDS:
            counts[cells[0]] = dict(zip(("하드웨어", "소프트웨어", "계"), map(int, cells[1:])))
    return counts


def validate(cases: pd.DataFrame, case_studies: list[dict], report_text: str) -> dict:
    """Compare the dataset with the report's tables; returns the comparison and a list of failures.

    Counts the report states for the 601 appendix cases must match exactly. [표 3-2] cannot
    match exactly (the shading that marked its 73 cases was lost in the text), so it is reported
    under both readings of △ and fails only if neither is within one case of 73.
    """
    lines = report_text.split("\n")
    failures: list[str] = []

    actor_report = report_actor_counts(lines)
    actor_ours = Counter(cases["actor_type"])
    actor_rows = [
        {"actor_type": a, "report": actor_report[a], "dataset": actor_ours.get(a, 0)}
        for a in config.ACTOR_TYPES
    ]
    if len(cases) != N_APPENDIX_CASES:
        failures.append(f"{len(cases)} appendix cases, the report has {N_APPENDIX_CASES}")
    failures += [
        f"actor type {r['actor_type']}: {r['dataset']} cases, [표 3-1] says {r['report']}"
        for r in actor_rows
        if r["report"] != r["dataset"]
    ]
    dropped = actor_report["중앙-민간"] + actor_report["단독"]
    if dropped != N_DROPPED:
        failures.append(f"[표 3-1] drops {dropped} cases, expected {N_DROPPED}")

    field_report = report_field_counts(lines)
    field_ours = Counter(cases["service_field"])
    field_rows = [
        {
            "service_field": f,
            "report_629": field_report[f]["계"],
            "dataset_601": field_ours.get(f, 0),
            "difference": field_report[f]["계"] - field_ours.get(f, 0),
        }
        for f in config.SERVICE_FIELDS
    ]
    if any(r["difference"] < 0 for r in field_rows):
        failures.append("a service field has more appendix cases than [표 2-2] has contest cases")
    if sum(r["difference"] for r in field_rows) != N_DROPPED:
        failures.append("[표 2-2] minus the appendix does not add up to the 28 dropped cases")

    criteria_report = report_criteria_counts(lines)
    shared = cases["resource_sharing"] == config.MARK_YES
    strict = shared & (cases["sustainability"] == config.MARK_YES)
    lenient = shared & cases["sustainability"].isin([config.MARK_YES, config.MARK_PARTIAL])
    criteria_rows = [
        {
            "actor_type": a,
            "report": criteria_report[a],
            "sustainability_O": int((strict & (cases["actor_type"] == a)).sum()),
            "sustainability_O_or_partial": int((lenient & (cases["actor_type"] == a)).sum()),
        }
        for a in _TABLE_3_2_COLUMNS
    ]
    criteria_total = {
        "report": criteria_report["계"],
        "sustainability_O": int(strict.sum()),
        "sustainability_O_or_partial": int(lenient.sum()),
    }
    if min(abs(criteria_total[k] - criteria_total["report"]) for k in list(criteria_total)[1:]) > 1:
        failures.append(f"[표 3-2] says {criteria_total['report']} cases meet both criteria")

    sub_type_counts = Counter(
        s for cs in case_studies for subs in cs["sub_types"].values() for s in subs
    )
    without_model = [cs["number"] for cs in case_studies if not cs["model_types"]]
    if len(case_studies) != 23 or len(without_model) != 1:
        failures.append(f"case studies: {len(case_studies)}, without a model: {without_model}")
    unmatched = [cs["number"] for cs in case_studies if cs["appendix_id"] is None]
    if unmatched:
        failures.append(f"case studies not found in the appendix: {unmatched}")

    return {
        "n_cases": len(cases),
        "n_title_groups": int(cases["title_group"].nunique()),
        "actor_types": actor_rows,
        "service_fields": field_rows,
        "meets_criteria": criteria_rows,
        "meets_criteria_total": criteria_total,
        "sub_type_counts": dict(sorted(sub_type_counts.items())),
        "case_studies_without_model": without_model,
        "failures": failures,
    }


def case_study_disagreements(cases: pd.DataFrame, case_studies: list[dict]) -> list[dict]:
    """Labels on which a case-study table and its appendix row disagree."""
    by_id = cases.set_index("id")
    rows = []
    for cs in case_studies:
        if cs["appendix_id"] is None:
            continue
        appendix = by_id.loc[cs["appendix_id"]]
        table = {
            "actor_type": cs["actor_type"],
            "service_field": cs["service_field"],
            **{c: cs[c]["mark"] for c in config.MARK_COLUMNS},
        }
        for label, value in table.items():
            if appendix[label] != value:
                rows.append(
                    {
                        "case_study": cs["number"],
                        "appendix_id": int(cs["appendix_id"]),
                        "label": label,
                        "table": value,
                        "appendix": appendix[label],
                    }
                )
    return rows
