"""The workbook a reviewer works in: what `collab score -o FILE.xlsx` writes.

- **검토**: the input's own columns first, as they were (a column of whole numbers, such as 연번,
  as numbers), then 검토 순서 (1 = read first) and the verdicts under Korean headers, why the row
  needs review, the evidence in one column, and 검토 표시 to fill in. Header frozen, filter on,
  widths set; the label columns a reviewer corrects carry drop-down lists of the report's values;
  rows meeting both criteria are green, rows that need review have 검토 필요 in orange, rows that
  could not be scored are grey.
- **모델 출력**: every column `collab score` writes for programs (codes, probabilities, evidence
  spans as JSON), one row per row of 검토, in the same order, joined by 입력 행.
- **안내**: the input file and sheet, the model, and how to mark rows for `collab retrain`.

`collab retrain --add` reads the 검토 sheet back (data/reviewed.py maps its headers). Text that a
spreadsheet would run as a formula is stored as text with Excel's quote-prefix style, so no
apostrophe shows.
"""

from __future__ import annotations

import re
import time
import unicodedata
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from pipeline import config
from pipeline.data.entries import FORMULA_PREFIXES, check_xlsx_cells, spreadsheet_safe, xlsx_value
from pipeline.data.reviewed import ALLOWED_LABELS
from pipeline.scoring.score import CRITERIA, LABELS, OUTPUT_COLUMNS, RANK_COLUMNS, review_order

# Columns of the 검토 sheet after the input's own, in order (headers: config.REVIEW_HEADERS).
REVIEW_COLUMNS: tuple[str, ...] = (
    "review_order",
    *LABELS,
    "needs_review",
    "review_reasons",
    "uncertain_labels",
    "evidence",
    "error",
    config.REVIEW_MARK_COLUMN,
    "input_row",
)
# The columns a reviewer corrects, with the values the report writes (a drop-down in Excel): the
# values `collab retrain` accepts.
CHOICES: dict[str, tuple[str, ...]] = {**ALLOWED_LABELS, config.REVIEW_MARK_COLUMN: config.REVIEW_MARKS}
EVIDENCE_LABELS: dict[str, str] = {
    **{f"evidence_{c}": config.REVIEW_HEADERS[c] for c in CRITERIA},
    "evidence_actors": "참여 주체",
}
# Column widths in Excel's units (about one Latin letter; a Hangul syllable takes two).
WIDTH_MIN, WIDTH_MAX, WIDTH_TEXT_MAX = 6, 40, 60
WIDTH_SAMPLE_ROWS = 200
# Whole numbers without a leading zero: 연번 is a number; a code such as 007 stays text.
_WHOLE_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]{0,14})")

HEADER = PatternFill("solid", fgColor="D9E1F2")
EDITABLE_HEADER = PatternFill("solid", fgColor="FFE699")
MEETS = PatternFill("solid", fgColor="E2EFDA")
NEEDS_REVIEW = PatternFill("solid", fgColor="F8CBAD")
NOT_SCORED = PatternFill("solid", fgColor="D9D9D9")
BOLD = Font(bold=True)


def input_columns(scored: pd.DataFrame) -> list[str]:
    """The input's own columns of a scored table (under `input_<name>` where they clashed)."""
    return [c for c in scored.columns if c not in OUTPUT_COLUMNS and c not in RANK_COLUMNS]


def _input_rows(scored: pd.DataFrame) -> np.ndarray:
    return scored["input_row"].to_numpy() if "input_row" in scored.columns else np.arange(1, len(scored) + 1)


def review_table(scored: pd.DataFrame, order: np.ndarray) -> pd.DataFrame:
    """The 검토 sheet's rows: the input's columns, then REVIEW_COLUMNS (still under their names);
    `order` is `review_order(scored)`."""
    out = scored[input_columns(scored)].copy()
    out["review_order"] = order
    for column in REVIEW_COLUMNS[1:]:
        if column == "evidence":
            out[column] = [_evidence(row) for row in scored[list(EVIDENCE_LABELS)].itertuples(index=False)]
        elif column == "needs_review":
            out[column] = np.where(scored[column].astype(bool), "예", "")
        elif column == "input_row":
            out[column] = _input_rows(scored)
        else:
            out[column] = scored[column].fillna("").astype(str)
    return out


def _evidence(values: tuple) -> str:
    parts = [f"[{label}] {value}" for label, value in zip(EVIDENCE_LABELS.values(), values) if isinstance(value, str) and value]
    return " / ".join(parts)


def output_table(scored: pd.DataFrame, order: np.ndarray) -> pd.DataFrame:
    """The 모델 출력 sheet: 입력 행 and 검토 순서, then every column `collab score` writes."""
    out = scored[[c for c in OUTPUT_COLUMNS if c in scored.columns]].copy()
    out.insert(0, "review_order", order)
    out.insert(0, "input_row", _input_rows(scored))
    return out


def _numbers(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The input's columns of whole numbers (every filled cell one) as numbers, the rest as read."""
    frame = frame.copy()
    for column in columns:
        values = frame[column].fillna("").astype(str).str.strip()
        filled = values[values != ""]
        if len(filled) and filled.map(lambda v: bool(_WHOLE_NUMBER.fullmatch(v))).all():
            frame[column] = [int(v) if v else None for v in values]
    return frame


def _display_width(value: object) -> int:
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _widths(frame: pd.DataFrame, headers: list[str], long_text: set[str]) -> list[float]:
    sample = frame.head(WIDTH_SAMPLE_ROWS)
    widths = []
    for column, header in zip(frame.columns, headers):
        longest = max([_display_width(header) + 2, *(_display_width(v) for v in sample[column])])
        widths.append(float(min(max(longest + 1, WIDTH_MIN), WIDTH_TEXT_MAX if column in long_text else WIDTH_MAX)))
    return widths


def _cell(sheet, value: object, fill: PatternFill | None = None, font: Font | None = None) -> WriteOnlyCell:
    value = xlsx_value(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        # Text, not a formula, and shown without the apostrophe that would protect it in CSV.
        cell.data_type = "s"
        cell.quotePrefix = True
    if fill is not None:
        cell.fill = fill
    if font is not None:
        cell.font = font
    return cell


def _sheet(book, title: str, frame: pd.DataFrame, headers: list[str], widths: list[float], freeze: str, header_fills: list[PatternFill], row_fills=None):
    """Append one sheet: header row, rows, widths, frozen panes and a filter over everything."""
    sheet = book.create_sheet(title)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = freeze
    sheet.append([_cell(sheet, h, fill, BOLD) for h, fill in zip(headers, header_fills)])
    for position, row in enumerate(frame.itertuples(index=False, name=None)):
        fills = row_fills(position) if row_fills else {}
        sheet.append([_cell(sheet, v, fills.get(i)) for i, v in enumerate(row)])
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{len(frame) + 1}"
    return sheet


def write_review_workbook(
    scored: pd.DataFrame,
    path: Path,
    mapping: dict[str, str],
    source: str,
    sheet: str | None,
    manifest: dict,
) -> list:
    """Write the three sheets to `path` (the caller makes it atomic). `scored` is every row
    `score_frame` returned, in the order to write; returns the cells whose control characters
    were removed (as `write_table` does)."""
    own = input_columns(scored)
    order = review_order(scored)
    review = review_table(scored, order)
    review, changes = spreadsheet_safe(review, quote=False)
    review = _numbers(review, list(review.columns[: len(own)]))
    outputs, _ = spreadsheet_safe(output_table(scored, order), quote=False)
    check_xlsx_cells(review)
    check_xlsx_cells(outputs)

    book = openpyxl.Workbook(write_only=True)
    headers = list(review.columns[: len(own)]) + [config.REVIEW_HEADERS[c] for c in REVIEW_COLUMNS]
    long_text = {mapping.get("title"), mapping.get("description"), "review_reasons", "evidence", "uncertain_labels", "error"}
    position = {c: i for i, c in enumerate(review.columns)}
    # The title stays in view while scrolling right when it is among the first columns.
    title_at = position.get(mapping.get("title", ""), -1)
    freeze = f"{get_column_letter(title_at + 2)}2" if 0 <= title_at < 4 else "A2"
    meets = review["meets_criteria"].eq(config.MARK_YES).to_numpy()
    flagged = review["needs_review"].eq("예").to_numpy()
    failed = review["error"].ne("").to_numpy()

    def fills(row: int) -> dict[int, PatternFill]:
        out: dict[int, PatternFill] = {}
        if failed[row]:
            out = {i: NOT_SCORED for i in range(len(headers))}
        elif meets[row]:
            out = {i: MEETS for i in range(len(headers))}
        if flagged[row] and not failed[row]:
            out[position["needs_review"]] = NEEDS_REVIEW
        return out

    header_fills = [EDITABLE_HEADER if c in CHOICES else HEADER for c in review.columns]
    review_sheet = _sheet(book, config.REVIEW_SHEET, review, headers, _widths(review, headers, long_text), freeze, header_fills, fills)
    for column, values in CHOICES.items():
        letter = get_column_letter(position[column] + 1)
        validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        validation.error, validation.errorTitle, validation.showErrorMessage = (
            f"보고서의 값 중 하나를 고르세요: {', '.join(values)}",
            "허용되지 않는 값",
            True,
        )
        validation.add(f"{letter}2:{letter}{max(len(review), 1) + 1}")
        review_sheet.data_validations.append(validation)

    out_headers = [str(c) for c in outputs.columns]
    _sheet(book, config.OUTPUT_SHEET, outputs, out_headers, _widths(outputs, out_headers, {"evidence_spans"}), "C2", [HEADER] * len(out_headers))

    about = book.create_sheet(config.ABOUT_SHEET)
    about.column_dimensions["A"].width, about.column_dimensions["B"].width = 18, 100
    for key, value in _about(source, sheet, manifest, len(review)):
        about.append([_cell(about, key, font=BOLD), _cell(about, value)])
    book.save(path)
    return changes


def _about(source: str, sheet: str | None, manifest: dict, rows: int) -> list[tuple[str, str]]:
    marks = " 또는 ".join(config.REVIEW_MARKS)
    return [
        ("입력 파일", source),
        ("읽은 시트", sheet or "(CSV·JSONL: 시트 없음)"),
        ("행 수", f"{rows:,}"),
        ("모델", f"{manifest.get('model_name', '')} (학습 {manifest.get('created', '?')}, MLflow run {manifest.get('mlflow_run_id', '?')})"),
        ("작성", time.strftime("%Y-%m-%d %H:%M")),
        ("읽는 순서", f"“{config.REVIEW_HEADERS['review_order']}” 1부터: 검토가 필요한 행, 불확실한 항목이 많은 행, 모델이 덜 확신한 행 순서입니다."),
        ("고치는 열", "노란 머리글의 열(서비스 분야, 주체 유형, 과학기술 적용, 적용 가능성, 자원공유, 지속가능성)을 보고서의 값으로 고칩니다."),
        ("표시", f"확인한 행마다 “{config.REVIEW_HEADERS[config.REVIEW_MARK_COLUMN]}” 열에 {marks}을 적습니다. 표시한 행만 학습에 쓰입니다."),
        ("재학습", "저장한 이 파일을 그대로: collab retrain --add 이 파일.xlsx"),
        ("모델 출력 시트", "확률, 코드, 근거 위치(JSON)를 프로그램이 읽도록 둔 시트입니다. “입력 행”으로 검토 시트와 이어집니다."),
    ]
