import json

import pandas as pd
import pytest

from pipeline import config
from pipeline.data.entries import (
    InputError,
    default_output,
    parse_column_overrides,
    read_entries,
    resolve_columns,
    row_error,
    write_table,
)

ROWS = pd.DataFrame(
    {
        "번호": ["1", "2"],
        "지자체": ["경기 안양시", "전라남도"],
        "사업명": ["공동급식지원센터 운영", "「100원 택시」 전시군 확대 운영"],
        "사업내용": ["- 4개 시가 센터를 공동 설립·운영함", "- 운임 차액을 도와 시·군이 분담함"],
    }
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949", "euc-kr"])
def test_reads_csv_in_every_korean_encoding(tmp_path, encoding):
    path = tmp_path / f"entries-{encoding}.csv"
    path.write_bytes(ROWS.to_csv(index=False).encode(encoding))
    entries = read_entries(path)
    assert entries.frame.equals(ROWS)
    assert entries.mapping == {"title": "사업명", "region": "지자체", "description": "사업내용", "id": "번호"}
    if encoding in ("cp949", "euc-kr"):
        assert entries.encoding == "cp949"


def test_explicit_encoding_and_a_wrong_one(tmp_path):
    path = tmp_path / "entries.csv"
    path.write_bytes(ROWS.to_csv(index=False).encode("cp949"))
    assert read_entries(path, encoding="cp949").frame.equals(ROWS)
    with pytest.raises(InputError, match="not valid utf-8"):
        read_entries(path, encoding="utf-8")


def test_reads_xlsx_and_jsonl(tmp_path):
    xlsx = tmp_path / "entries.xlsx"
    ROWS.to_excel(xlsx, index=False)
    assert read_entries(xlsx).frame.equals(ROWS)
    jsonl = tmp_path / "entries.jsonl"
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS.to_dict("records")), encoding="utf-8")
    assert read_entries(jsonl).frame.equals(ROWS)


def test_missing_title_names_the_columns_found(tmp_path):
    path = tmp_path / "entries.csv"
    ROWS.rename(columns={"사업명": "과제"}).to_csv(path, index=False)
    with pytest.raises(InputError) as error:
        read_entries(path)
    assert "과제" in str(error.value) and "--columns" in str(error.value)
    assert read_entries(path, columns="title=과제").mapping["title"] == "과제"


def test_column_overrides_are_checked():
    assert parse_column_overrides("title=과제명, region=시군") == {"title": "과제명", "region": "시군"}
    with pytest.raises(InputError):
        parse_column_overrides("title")
    with pytest.raises(InputError, match="no column"):
        resolve_columns(["사업명"], {"title": "없는열"})
    with pytest.raises(InputError, match="unknown field"):
        resolve_columns(["사업명"], {"budget": "사업명"})


def test_english_headers_and_spacing():
    assert resolve_columns(["Title", "Region", "description"]) == {"title": "Title", "region": "Region", "description": "description"}
    assert resolve_columns(["사업 명", "사업 개요"])["title"] == "사업 명"


@pytest.mark.parametrize("name", ["entries.txt", "entries"])
def test_unknown_format(tmp_path, name):
    path = tmp_path / name
    path.write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="unknown format"):
        read_entries(path)


def test_damaged_files(tmp_path):
    bad_xlsx = tmp_path / "entries.xlsx"
    bad_xlsx.write_bytes(b"not a zip")
    with pytest.raises(InputError, match="xlsx"):
        read_entries(bad_xlsx)
    bad_jsonl = tmp_path / "entries.jsonl"
    bad_jsonl.write_text('{"사업명": "a"}\n{oops\n', encoding="utf-8")
    with pytest.raises(InputError, match="line 2"):
        read_entries(bad_jsonl)


def test_writes_csv_that_excel_reads_as_utf8(tmp_path):
    path = tmp_path / "out.csv"
    write_table(ROWS, path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_entries(path).frame.equals(ROWS)
    write_table(ROWS, tmp_path / "out.xlsx")
    assert read_entries(tmp_path / "out.xlsx").frame.equals(ROWS)
    assert default_output(tmp_path / "a.XLSX").name == "a.scored.xlsx"


def test_row_errors():
    assert row_error("", "  ") == "empty: no title and no description"
    assert row_error("Smart city platform", "") .startswith("no Korean")
    assert row_error("가" * 10, "나" * config.MAX_TEXT_CHARS).startswith("too long")
    assert row_error("\ufffd\ufffd\ufffd사업", "").startswith("undecodable")
    assert row_error("공동급식지원센터 운영", "") == ""


def test_output_paths_are_checked_input_format_first(tmp_path):
    from pipeline.data.entries import check_output_paths, default_output

    source = tmp_path / "entries.pdf"
    with pytest.raises(InputError, match=r"^unknown format \.pdf"):
        check_output_paths(source, default_output(source))
    source = tmp_path / "entries.csv"
    with pytest.raises(InputError, match="is the input"):
        check_output_paths(source, source)
    check_output_paths(source, default_output(source), tmp_path / "report.html")
