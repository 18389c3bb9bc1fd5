"""Build the labelled dataset from the raw report: cases.csv, case_studies.jsonl, validation.json.

`build_dataset` is pure (text in, tables out); `write_dataset` writes the files byte for byte
reproducibly; `load_cases` and `load_case_studies` are what the rest of the package reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline import config
from pipeline.data.appendix import parse_appendix, to_record
from pipeline.data.case_studies import parse_case_studies, parse_sub_type_texts
from pipeline.data.narrative_corpus import build_narratives, write_narratives
from pipeline.data.normalise import normalise_title, ratio
from pipeline.data.title_groups import assign_title_groups
from pipeline.data.validation import case_study_disagreements, validate
from pipeline.io import CSV_ENCODING, atomic_write, atomic_write_text, read_verified


@dataclass
class Dataset:
    """Everything `collab build-dataset` produces."""

    cases: pd.DataFrame
    case_studies: list[dict]
    sub_types: list[dict]
    validation: dict
    # The appendix narratives with their labels (narrative_corpus), and their suspect labels
    # (label_noise), when the build was given the raw narratives.
    narratives: pd.DataFrame | None = None
    narrative_issues: pd.DataFrame | None = None


def read_report(path: Path = config.RAW_REPORT) -> str:
    """The raw report text; refuses a copy whose sha256 differs from the one the dataset is built on."""
    return read_verified(path, config.RAW_REPORT_SHA256, "the report's").decode("utf-8")


def meets_criteria(resource_sharing: str, sustainability: str) -> str:
    """The report's 2nd-stage filter: resource sharing O and sustainability O or △.

    △ ("약한 지속가능성") counts as met: the in-depth cases were chosen from the 73 that met the
    criteria, and the appendix rows of cases 12 and 16 carry △, so the report treated △ as met.
    """
    met = resource_sharing == config.MARK_YES and sustainability in (
        config.MARK_YES,
        config.MARK_PARTIAL,
    )
    return config.MARK_YES if met else config.MARK_NO


def _match_case_studies(cases: pd.DataFrame, case_studies: list[dict]) -> None:
    """Set each case study's appendix_id to the most similar appendix case of its actor type."""
    for cs in case_studies:
        pool = cases[cases["actor_type"] == cs["actor_type"]]
        key = normalise_title(cs["name"])
        scores = [
            ratio(key, title) + 0.1 * (region == cs["region"])
            for title, region in zip(pool["title_norm"], pool["region"])
        ]
        best = max(range(len(scores)), key=scores.__getitem__)
        cs["appendix_id"] = int(pool["id"].iloc[best]) if scores[best] >= 0.5 else None


def build_dataset(report_text: str, narrative_records: list[dict] | None = None) -> Dataset:
    """Parse the report into the appendix cases and the 23 case studies, and validate both; with
    `narrative_records` (narrative_corpus.read_raw_narratives), join the narratives to their labels."""
    records = [to_record(case, i + 1) for i, case in enumerate(parse_appendix(report_text))]
    cases = pd.DataFrame.from_records(records)
    cases["meets_criteria"] = [
        meets_criteria(r, s) for r, s in zip(cases["resource_sharing"], cases["sustainability"])
    ]
    cases["title_norm"] = cases["title"].map(normalise_title)
    cases["title_group"] = assign_title_groups(list(cases["title_norm"]), list(cases["region"]))

    case_studies = [cs.to_json() for cs in parse_case_studies(report_text)]
    _match_case_studies(cases, case_studies)
    cases["case_study"] = pd.array([pd.NA] * len(cases), dtype="Int64")
    for cs in case_studies:
        if cs["appendix_id"] is not None:
            cases.loc[cases["id"] == cs["appendix_id"], "case_study"] = cs["number"]
    cases = cases[list(config.CASES_COLUMNS)]

    sub_types = [s.to_json() for s in parse_sub_type_texts(report_text)]
    report = validate(cases, case_studies, report_text)
    report["case_study_disagreements"] = case_study_disagreements(cases, case_studies)
    narratives = build_narratives(narrative_records, cases) if narrative_records is not None else None
    return Dataset(cases, case_studies, sub_types, report, narratives)


def write_dataset(dataset: Dataset, out_dir: Path = config.PROCESSED_DIR) -> list[Path]:
    """Write the processed files atomically; the same input always gives the same bytes."""
    paths = [
        out_dir / config.CASES_CSV.name,
        out_dir / config.CASE_STUDIES_JSONL.name,
        out_dir / config.VALIDATION_JSON.name,
        out_dir / config.SUB_TYPES_JSON.name,
    ]
    atomic_write(
        paths[0],
        lambda tmp: dataset.cases.to_csv(tmp, index=False, encoding=CSV_ENCODING, lineterminator="\n"),
    )
    atomic_write_text(
        paths[1], "".join(json.dumps(cs, ensure_ascii=False) + "\n" for cs in dataset.case_studies)
    )
    atomic_write_text(paths[2], json.dumps(dataset.validation, ensure_ascii=False, indent=2) + "\n")
    atomic_write_text(paths[3], json.dumps(dataset.sub_types, ensure_ascii=False, indent=2) + "\n")
    if dataset.narratives is not None:
        paths.append(write_narratives(dataset.narratives, out_dir / config.NARRATIVES_CSV.name))
    if dataset.narrative_issues is not None:
        path = out_dir / config.NARRATIVE_LABEL_ISSUES_CSV.name
        issues = dataset.narrative_issues
        atomic_write(path, lambda tmp: issues.to_csv(tmp, index=False, encoding=CSV_ENCODING, lineterminator="\n"))
        paths.append(path)
    return paths


def write_sample(case_studies: list[dict], path: Path = config.SAMPLE_ENTRIES) -> Path:
    """The 23 case studies as a reviewer's spreadsheet would hold them (Korean headers, UTF-8 BOM)."""
    frame = pd.DataFrame(
        {
            "번호": [cs["number"] for cs in case_studies],
            "지자체": [cs["region"] for cs in case_studies],
            "사업명": [cs["name"] for cs in case_studies],
            "사업내용": [cs["narrative"] for cs in case_studies],
        }
    )
    atomic_write(path, lambda tmp: frame.to_csv(tmp, index=False, encoding=CSV_ENCODING, lineterminator="\n"))
    return path


def load_cases(path: Path = config.CASES_CSV) -> pd.DataFrame:
    """cases.csv as written by `write_dataset`, with every label column as text."""
    frame = pd.read_csv(path, encoding=CSV_ENCODING, dtype=str, keep_default_na=False)
    frame["id"] = frame["id"].astype(int)
    frame["source_line"] = frame["source_line"].astype(int)
    return frame


def load_sub_types(path: Path = config.SUB_TYPES_JSON) -> list[dict]:
    """Chapter 4's sub-types: model, option, definition, member cases, example paragraphs."""
    return json.loads(path.read_text(encoding="utf-8"))


def load_case_studies(path: Path = config.CASE_STUDIES_JSONL) -> list[dict]:
    """The 23 case studies as dictionaries, in report order."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
