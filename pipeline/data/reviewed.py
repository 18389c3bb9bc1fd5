"""Reading a reviewer-corrected scored file: which rows can become training data, and why not.

A reviewed file is what `collab score` wrote, with the label columns corrected by a reviewer in
Excel (the workbook's 검토 sheet, whose Korean headers are read back to the columns they stand
for, or a CSV in UTF-8 or CP949) and `review_mark` (검토 표시) set to 검토완료 (or O) on each row
the reviewer checked. Only marked rows are read: a file returned unchanged would teach the
models their own predictions. Nothing is coerced: a label must be spelled exactly as the report
writes it ("지자체-민간", "O", "△"); a marked row with a wrong or missing label is left out and
reported with the line (CSV) or row (.xlsx) where the reviewer can find it.

A file is identified by its rows' content (`row_keys`: normalised title, region, description and
labels), not its bytes: the same rows saved again, with or without a BOM, are the same rows.
"""

from __future__ import annotations

import csv
import hashlib
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline import config
from pipeline.data.entries import InputError, canonical_inputs, parse_column_overrides, read_table, resolve_columns, row_error
from pipeline.data.normalise import normalise_title

# The labels a reviewer must give for a row to train the title models, and the ones stored when
# given (resource sharing has no title model: the appendix marks every case O).
ALLOWED_LABELS: dict[str, tuple[str, ...]] = {
    "service_field": config.SERVICE_FIELDS,
    "actor_type": config.ACTOR_TYPES,
    "tech_applied": (config.MARK_YES, config.MARK_NO),
    "tech_applicable": (config.MARK_YES, config.MARK_NO),
    "sustainability": config.MARKS,
    "resource_sharing": config.MARKS,
}
REQUIRED_LABELS: tuple[str, ...] = tuple(config.TARGETS)
BATCH_COLUMNS: tuple[str, ...] = ("id", "region", "title", "description", *ALLOWED_LABELS, "source_line")


@dataclass
class Rejection:
    """A row left out: where it is in the reviewer's file and why."""

    line: int
    reason: str

    def describe(self, unit: str) -> str:
        return f"{unit} {self.line}: {self.reason}"


@dataclass
class Reviewed:
    """The accepted rows (BATCH_COLUMNS), the rejected ones, and the file they came from."""

    source: Path
    sha256: str  # of the accepted rows' content (content_sha256), not of the file's bytes
    unit: str  # "line" for CSV (physical line, header is line 1), "row" for .xlsx/.jsonl
    rows_read: int
    accepted: pd.DataFrame
    rejected: list[Rejection] = field(default_factory=list)
    unmarked: int = 0  # rows no reviewer marked: not read
    file_sha256: str = ""


def _plain(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text)).split())


def row_keys(rows: pd.DataFrame) -> list[str]:
    """One key per row (BATCH_COLUMNS) from its normalised content: title as `normalise_title`
    sees it, region, description and labels with spacing and Unicode form evened out."""
    keys = []
    for row in rows.itertuples(index=False):
        values = row._asdict()
        parts = [normalise_title(values["title"]), _plain(values["region"]), _plain(values["description"])]
        parts += [_plain(values[label]) for label in ALLOWED_LABELS]
        keys.append(hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest())
    return keys


def content_sha256(rows: pd.DataFrame) -> str:
    """The identity of a set of rows, whatever their order or file."""
    return hashlib.sha256("\n".join(sorted(row_keys(rows))).encode("ascii")).hexdigest()


def _record_lines(text: str) -> list[int]:
    """The physical line where each data record of a CSV starts (narratives span lines)."""
    reader = csv.reader(io.StringIO(text))
    starts, next_line = [], 1
    for record in reader:
        if record:  # pandas skips blank lines as well
            starts.append(next_line)
        next_line = reader.line_num + 1
    return starts[1:]


def _jsonl_lines(text: str) -> list[int]:
    return [number for number, line in enumerate(text.splitlines(), 1) if line.strip()]


def _check_row(values: dict[str, str], inputs: pd.Series) -> str:
    """Why this row cannot be training data, or ""."""
    if not inputs["title"]:
        return "no title"
    problem = row_error(inputs["title"], inputs["description"])
    if problem:
        return problem
    for column in REQUIRED_LABELS:
        if not values[column]:
            return f"{column} is empty"
    for column, allowed in ALLOWED_LABELS.items():
        value = values.get(column, "")
        if value and value not in allowed:
            return f"{column} {value!r} is not one of {', '.join(allowed)}"
    return ""


def read_reviewed(
    path: Path, encoding: str | None = None, columns: str | None = None, sheet: str | None = None, header_row: int | None = None
) -> Reviewed:
    """Validate a reviewed file. Raises InputError if the file as a whole is unusable (unreadable,
    no title column, a label column missing); otherwise every row is accepted or rejected."""
    path = Path(path)
    overrides = parse_column_overrides(columns)
    table = read_table(path, encoding, sheet, overrides, header_row=header_row)
    frame, used = table.frame, table.encoding
    # The reviewer's workbook (sheet 검토) names the model's columns in Korean.
    korean = {header: column for column, header in config.REVIEW_HEADERS.items()}
    frame.columns = [korean.get(str(c).strip(), str(c)) for c in frame.columns]
    mapping = resolve_columns(list(frame.columns), overrides)
    missing = [c for c in REQUIRED_LABELS if c not in frame.columns]
    if missing:
        raise InputError(
            f"{path.name} has no {', '.join(missing)} column(s): a reviewed file keeps the label "
            f"columns `collab score` wrote ({', '.join(REQUIRED_LABELS)}), corrected"
        )
    if config.REVIEW_MARK_COLUMN not in frame.columns:
        raise InputError(
            f"{path.name} has no {config.REVIEW_MARK_COLUMN} column: score the entries with `collab score`, "
            f"and mark each row you checked with {' or '.join(config.REVIEW_MARKS)} in that column"
        )
    marks = frame[config.REVIEW_MARK_COLUMN].fillna("").astype(str).str.strip()
    if not marks.ne("").any():
        raise InputError(
            f"{path.name}: no row is marked as reviewed (column {config.REVIEW_MARK_COLUMN} is empty everywhere); "
            f"write {' or '.join(config.REVIEW_MARKS)} in it on each row whose labels you checked"
        )
    unit, lines = "row", [i + 2 for i in range(len(frame))]  # spreadsheet rows: header is row 1
    suffix = path.suffix.lower()
    data = path.read_bytes()
    if suffix in (".csv", ".jsonl"):
        text = data.decode(used if suffix == ".csv" else "utf-8-sig", errors="surrogateescape")
        starts = _record_lines(text) if suffix == ".csv" else _jsonl_lines(text)
        if len(starts) == len(frame):
            unit, lines = "line", starts
    inputs = canonical_inputs(frame, mapping)
    labels = frame.reindex(columns=list(ALLOWED_LABELS), fill_value="").fillna("").astype(str)
    # Surrounding spaces are an editing accident, not a different label; anything else is kept as is.
    labels = labels.apply(lambda column: column.str.strip())

    accepted, rejected, seen = [], [], {}
    for position in range(len(frame)):
        mark = marks.iloc[position]
        if not mark:
            continue
        if mark not in config.REVIEW_MARKS:
            rejected.append(Rejection(lines[position], f"{config.REVIEW_MARK_COLUMN} {mark!r} is not one of {', '.join(config.REVIEW_MARKS)}"))
            continue
        values = labels.iloc[position].to_dict()
        reason = (table.problems[position].text if position in table.problems else "") or _check_row(values, inputs.iloc[position])
        key = (normalise_title(inputs["title"].iloc[position]), inputs["region"].iloc[position])
        if not reason and key in seen:
            reason = f"same title and region as {unit} {seen[key]}"
        if reason:
            rejected.append(Rejection(lines[position], reason))
            continue
        seen[key] = lines[position]
        accepted.append(
            {
                **{c: inputs[c].iloc[position] for c in ("id", "region", "title", "description")},
                **values,
                "source_line": lines[position],
            }
        )
    accepted_rows = pd.DataFrame(accepted, columns=list(BATCH_COLUMNS))
    return Reviewed(
        source=path,
        sha256=content_sha256(accepted_rows),
        unit=unit,
        rows_read=len(frame),
        accepted=accepted_rows,
        rejected=rejected,
        unmarked=int(marks.eq("").sum()),
        file_sha256=hashlib.sha256(data).hexdigest(),
    )
