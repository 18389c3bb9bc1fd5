"""Issue 21, item 2: a government sheet in, a reviewer's workbook out, and back through retrain.

The input is built as such sheets are: a cover sheet (표지), a title row above the header, the
headers 연번 / 지자체명 / 사업명 / 주요 내용, a 연번 used twice, an empty description and a title
that a spreadsheet would run as a formula. It is scored by the real `collab score`."""

import subprocess
import sys

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from pipeline import config
from pipeline.data.reviewed import read_reviewed
from pipeline.scoring.workbook import CHOICES, REVIEW_COLUMNS

HEADERS = ["연번", "지자체명", "사업명", "주요 내용"]


@pytest.fixture(scope="module")
def government_sheet(tmp_path_factory):
    sample = pd.read_csv(config.SAMPLE_ENTRIES, encoding="utf-8-sig", dtype=str, keep_default_na=False).head(8)
    path = tmp_path_factory.mktemp("workbook") / "접수목록.xlsx"
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "표지"
    cover["A1"] = "2026년 협업행정 우수사례 공모"
    cover["A3"] = "담당: 행정안전부 협업정책과"
    sheet = book.create_sheet("접수목록")
    sheet["A1"] = "2026년 협업행정 우수사례 접수 목록"
    sheet.append([])
    sheet.append(HEADERS)
    for number, row in enumerate(sample.itertuples(index=False), start=1):
        sheet.append([number, row.지자체, row.사업명, row.사업내용])
    sheet["A7"] = 3  # 연번 3 twice (rows 3 and 4 of the data)
    sheet["D7"] = None  # no description: judged from its title
    sheet["C9"] = "- " + sample.loc[5, "사업명"]  # a cell Excel would read as a formula
    book.save(path)
    return path


@pytest.fixture(scope="module")
def scored_workbook(government_sheet, trained):
    out = government_sheet.with_name("검토용.xlsx")
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "score", str(government_sheet), "-o", str(out),
         "--models-dir", str(trained[0] / "models"), "--trust"],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return out, result.stderr


def test_every_column_is_found_under_the_headers_people_write(scored_workbook):
    _, stderr = scored_workbook
    assert "columns: title=사업명, region=지자체명, description=주요 내용, id=연번" in stderr
    assert "sheet '접수목록', header in row 3" in stderr


def test_the_review_sheet_reads_as_a_korean_workbook(scored_workbook):
    out, _ = scored_workbook
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [config.REVIEW_SHEET, config.OUTPUT_SHEET, config.ABOUT_SHEET]
    sheet = book[config.REVIEW_SHEET]
    headers = [c.value for c in sheet[1]]
    assert headers == HEADERS + [config.REVIEW_HEADERS[c] for c in REVIEW_COLUMNS]
    assert sheet.freeze_panes == "D2"  # header and the columns up to the title stay in view
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(headers))}9"
    for index in range(1, len(headers) + 1):
        assert sheet.column_dimensions[get_column_letter(index)].width >= 6
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["A"].width  # a title is wider than 연번
    numbers = [sheet.cell(row, 1).value for row in range(2, 10)]
    assert numbers == [1, 2, 3, 3, 5, 6, 7, 8]  # numbers, the repeated one kept
    # The dash-led title is text without a visible apostrophe.
    title = sheet.cell(7, 3)
    assert title.value.startswith("- ") and title.data_type == "s" and title.quotePrefix
    assert not any(isinstance(c.value, str) and c.value.startswith("'") for row in sheet.iter_rows() for c in row)
    # 검토 순서 is a ranking of every row; the label columns offer the report's values.
    order = [sheet.cell(row, headers.index("검토 순서") + 1).value for row in range(2, 10)]
    assert sorted(order) == list(range(1, 9))
    validated = {str(v.sqref).split(":")[0].rstrip("0123456789") for v in sheet.data_validations.dataValidation}
    assert validated == {get_column_letter(headers.index(config.REVIEW_HEADERS[c]) + 1) for c in CHOICES}
    reasons = sheet.cell(5, headers.index("검토 사유") + 1).value or ""
    evidence = [sheet.cell(r, headers.index("근거") + 1).value or "" for r in range(2, 10)]
    assert any(e.startswith("[") for e in evidence)
    assert "제목만으로 판단함" in reasons, reasons  # the row without a description says how it was judged


def test_the_output_sheet_keeps_what_programs_read_joined_by_row(scored_workbook):
    out, _ = scored_workbook
    review = pd.read_excel(out, sheet_name=config.REVIEW_SHEET)
    output = pd.read_excel(out, sheet_name=config.OUTPUT_SHEET)
    assert {"service_field_proba", "evidence_spans", "review_codes"} <= set(output.columns)
    assert output["input_row"].tolist() == review["입력 행"].tolist() == list(range(1, 9))
    assert (output["service_field"] == review["서비스 분야"]).all()
    about = dict(pd.read_excel(out, sheet_name=config.ABOUT_SHEET, header=None).values)
    assert about["읽은 시트"] == "접수목록"


def test_the_marked_workbook_comes_back_through_retrain(scored_workbook, tmp_path):
    out, _ = scored_workbook
    book = openpyxl.load_workbook(out)
    sheet = book[config.REVIEW_SHEET]
    headers = [c.value for c in sheet[1]]
    mark = headers.index(config.REVIEW_HEADERS[config.REVIEW_MARK_COLUMN]) + 1
    service = headers.index(config.REVIEW_HEADERS["service_field"]) + 1
    for row in range(2, 7):
        sheet.cell(row, mark).value = "검토완료"
    corrected = next(f for f in config.SERVICE_FIELDS if f != sheet.cell(2, service).value)
    sheet.cell(2, service).value = corrected
    marked = tmp_path / "검토완료.xlsx"
    book.save(marked)

    reviewed = read_reviewed(marked)
    assert reviewed.rows_read == 8 and reviewed.unmarked == 3
    assert len(reviewed.accepted) + len(reviewed.rejected) == 5
    first = reviewed.accepted.iloc[0]
    assert first["service_field"] == corrected and first["id"] == "1" and first["source_line"] == 2
    assert first["region"] and first["description"]
