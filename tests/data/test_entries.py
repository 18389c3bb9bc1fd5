import json
import os
import stat

import pandas as pd
import pytest

from pipeline import config
from pipeline.data.entries import (
    InputError,
    Limits,
    default_output,
    parse_column_overrides,
    read_entries,
    resolve_columns,
    row_error,
    row_problem,
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


def test_row_problems_have_a_code_and_a_korean_sentence():
    assert row_problem("", "  ").code == "empty"
    assert row_problem("Smart city platform", "").code == "no_korean"
    assert row_problem("가" * 10, "나" * config.MAX_TEXT_CHARS).code == "too_long"
    assert row_problem("\ufffd\ufffd\ufffd사업", "").code == "undecodable"
    assert row_problem("공동급식지원센터 운영", "") is None and row_error("공동급식지원센터 운영", "") == ""
    assert row_error("", "") == "비어 있음: 사업명도 사업 내용도 없음"


def test_a_cp949_row_in_a_utf8_file_costs_only_that_row(tmp_path):
    """Issue 13, item 8: one row pasted from a CP949 file used to make the whole file unreadable."""
    lines = ROWS.to_csv(index=False).splitlines()
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"\n".join([lines[0].encode(), lines[1].encode("cp949"), lines[2].encode()]) + b"\n")
    entries = read_entries(path)
    assert len(entries.frame) == 2 and entries.encoding == "utf-8"
    assert list(entries.problems) == [0] and entries.problems[0].code == "bad_bytes"
    assert entries.frame.iloc[1].equals(ROWS.iloc[1])  # the good row is read whole
    assert "\ufffd" in entries.frame.iloc[0]["사업명"]  # the bad one is kept, marked, writable
    write_table(entries.frame, tmp_path / "out.csv")


def test_jsonl_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "entries.jsonl"
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS.to_dict("records"))
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert read_entries(path).frame.equals(ROWS)


def _big_workbook(path, rows: int) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("접수목록")
    sheet.append(["사업명"])
    for _ in range(rows):
        sheet.append(["공동급식지원센터 운영"])  # repeats: compresses as a zip bomb does
    book.save(path)


def test_size_and_rows_are_checked_before_parsing(tmp_path, monkeypatch):
    """Issue 13, item 3: an .xlsx that inflates to millions of rows was parsed for minutes. The
    limits are lowered here so that a small real workbook stands in for the bomb."""
    path = tmp_path / "bomb.xlsx"
    _big_workbook(path, 20_000)
    assert path.stat().st_size < 200_000
    parsed = []
    monkeypatch.setattr(pd, "read_excel", lambda *a, **k: parsed.append(1))  # must not be reached
    with pytest.raises(InputError, match="more than the limit of 10,000 rows"):
        read_entries(path, limits=Limits(rows=10_000))
    with pytest.raises(InputError, match=r"^bomb\.xlsx: uncompressed contents .* more than the limit of 0\.5 MB"):
        read_entries(path, limits=Limits(megabytes=0.5))
    assert not parsed
    csv = tmp_path / "big.csv"
    csv.write_text("사업명\n" + "공동급식지원센터 운영\n" * 5_000, encoding="utf-8")
    with pytest.raises(InputError, match="--max-rows"):
        read_entries(csv, limits=Limits(rows=1_000))
    with pytest.raises(InputError, match="--max-mb"):
        read_entries(csv, limits=Limits(megabytes=0.01))


def test_the_sheet_with_the_titles_is_found_and_named(tmp_path):
    """Issue 13, item 12: a cover sheet in front of the data used to give "no title column"."""
    path = tmp_path / "entries.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"안내": ["2026년 협업행정 공모 접수 목록"]}).to_excel(writer, sheet_name="표지", index=False)
        ROWS.to_excel(writer, sheet_name="접수목록", index=False)
    entries = read_entries(path)
    assert entries.frame.equals(ROWS) and entries.encoding == "xlsx, sheet '접수목록'"
    assert read_entries(path, sheet="표지", columns="title=안내").frame.shape == (1, 1)
    with pytest.raises(InputError, match="no sheet '없음'; its sheets are"):
        read_entries(path, sheet="없음")
    ROWS.rename(columns={"사업명": "과제"}).to_excel(path, sheet_name="접수목록", index=False)
    with pytest.raises(InputError, match="no sheet has a title column.*'접수목록'"):
        read_entries(path)


def test_output_paths_are_checked_input_format_first(tmp_path):
    from pipeline.data.entries import check_output_paths, default_output

    source = tmp_path / "entries.pdf"
    with pytest.raises(InputError, match=r"^unknown format \.pdf"):
        check_output_paths(source, default_output(source))
    source = tmp_path / "entries.csv"
    with pytest.raises(InputError, match="is the input"):
        check_output_paths(source, source)
    check_output_paths(source, default_output(source), tmp_path / "report.html")
    with pytest.raises(InputError, match=r"--report .*report\.xlsx: the report is an HTML page"):
        check_output_paths(source, default_output(source), tmp_path / "report.xlsx")
    # Issue 23, item 10: a FIFO given as -o was replaced by the output.
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="out.csv is not a regular file"):
        check_output_paths(source, fifo)
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_an_xlsx_of_more_columns_than_excel_holds_is_refused(tmp_path):
    """Issue 23, item 7: 17,000 columns were written past Excel's 16,384."""
    from pipeline.data.entries import check_xlsx_cells

    wide = pd.DataFrame([[""] * 16_385], columns=[f"c{i}" for i in range(16_385)])
    with pytest.raises(InputError, match="16,385 columns: an .xlsx sheet holds 16,384"):
        check_xlsx_cells(wide)
    check_xlsx_cells(wide.iloc[:, :16_384])


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".jsonl"])
def test_a_table_written_in_chunks_is_the_table_written_whole(tmp_path, suffix):
    from pipeline.data.entries import TableWriter

    frame = pd.concat([ROWS] * 5, ignore_index=True)
    frame.loc[7, "사업명"] = "=1+1 공동\x07 급식"
    whole, chunked = tmp_path / f"whole{suffix}", tmp_path / f"chunked{suffix}"
    changes = write_table(frame, whole)
    writer = TableWriter(chunked, suffix)
    parts = [writer.write(frame.iloc[i : i + 3]) for i in range(0, len(frame), 3)]
    writer.close()
    if suffix == ".xlsx":
        assert pd.read_excel(chunked, dtype=str).equals(pd.read_excel(whole, dtype=str))
    else:
        assert chunked.read_bytes() == whole.read_bytes()
    if suffix != ".jsonl":
        assert [c for part in parts for c in part] == changes and changes[0].row == 8


def _government_workbook(path, headers: list[str], rows: list[list]) -> None:
    """A workbook as government offices send it: a cover sheet (표지), then a data sheet whose
    first row is a title, the second blank, the header in the third."""
    import openpyxl

    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "표지"
    cover["A1"] = "2026년 협업행정 우수사례 접수 목록"
    cover["A3"] = "담당: 행정안전부 협업정책과"
    sheet = book.create_sheet("접수목록")
    sheet["A1"] = "2026년 협업행정 우수사례 접수 목록"
    sheet.append([])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)


GOVERNMENT_ROWS = [
    [1, "경기 안양시", "공동급식지원센터 운영", "안양시와 군포시, 의왕시가 학교급식지원센터를 함께 세워 운영비를 나누어 냅니다. 조례를 제정하였습니다."],
    [2, "전라남도", "100원 택시 확대 운영", "전라남도와 21개 시·군이 택시 운임 차액을 함께 지원하고 이용 정보를 공유합니다."],
    [2, "서울 영등포구", "여성안심 빅데이터 플랫폼", ""],
]


def test_a_title_row_above_the_header_and_the_usual_header_variants(tmp_path):
    path = tmp_path / "접수.xlsx"
    _government_workbook(path, ["연번", "지자체명", "사업명", "주요 내용"], GOVERNMENT_ROWS)
    entries = read_entries(path)
    assert entries.mapping == {"title": "사업명", "region": "지자체명", "description": "주요 내용", "id": "연번"}
    assert entries.encoding == "xlsx, sheet '접수목록', header in row 3"
    assert entries.frame["사업명"].tolist() == [r[2] for r in GOVERNMENT_ROWS]
    assert entries.frame["주요 내용"].tolist()[2] == "" and not entries.warnings
    # Said outright, the header row is taken as given; a row without a title column is refused.
    assert read_entries(path, header_row=3).mapping == entries.mapping
    with pytest.raises(InputError, match="no sheet has a title column in row 2"):
        read_entries(path, header_row=2)


def test_other_spellings_of_the_headers(tmp_path):
    path = tmp_path / "접수.xlsx"
    _government_workbook(path, ["No.", "시·군·구", "[사업명]", "추진내용"], GOVERNMENT_ROWS)
    assert read_entries(path).mapping == {"title": "[사업명]", "region": "시·군·구", "description": "추진내용", "id": "No."}


def test_columns_match_headers_as_written_and_name_the_nearest(tmp_path):
    path = tmp_path / "접수.xlsx"
    _government_workbook(path, ["연번", "기관", "과제 명칭", "사업 내용"], GOVERNMENT_ROWS)
    assert read_entries(path, columns="title=과제명칭").mapping["title"] == "과제 명칭"
    with pytest.raises(InputError, match=r"no column '과제이름' in the file; the nearest headers are \['과제 명칭'\]"):
        read_entries(path, columns="title=과제이름")


def test_an_unrecognised_description_column_is_named_in_a_warning(tmp_path):
    path = tmp_path / "접수.xlsx"
    _government_workbook(path, ["연번", "지자체명", "사업명", "사업의 주요 성과"], GOVERNMENT_ROWS)
    entries = read_entries(path)
    assert "description" not in entries.mapping
    [warning] = entries.warnings
    assert "제목만으로" in warning and "--columns description=사업의 주요 성과" in warning


def test_decomposed_hangul_is_read_as_typed(tmp_path):
    """Issue 23, item 7: macOS writes Hangul decomposed (NFD); it is read composed (NFC), headers
    and cells alike, so 한글 is found and 검토완료 is the word it looks like."""
    import unicodedata

    nfd = lambda text: unicodedata.normalize("NFD", text)  # noqa: E731
    frame = pd.DataFrame({nfd("사업명"): [nfd("공동급식지원센터 운영")], nfd("사업내용"): [nfd("- 4개 시가 센터를 공동 운영함")]})
    for suffix in (".csv", ".xlsx", ".jsonl"):
        path = tmp_path / f"entries{suffix}"
        if suffix == ".csv":
            frame.to_csv(path, index=False, encoding="utf-8")
        elif suffix == ".xlsx":
            frame.to_excel(path, index=False)
        else:
            frame.to_json(path, orient="records", lines=True, force_ascii=False)
        entries = read_entries(path)
        assert entries.mapping == {"title": "사업명", "description": "사업내용"}, suffix
        assert entries.frame.loc[0, "사업명"] == "공동급식지원센터 운영", suffix


def test_jsonl_keeps_line_separators_inside_strings_and_writes_strict_json(tmp_path):
    """Issue 23, item 9: U+2028/U+2029/NEL inside a string split a record; NaN was written."""
    from pipeline.data.entries import write_table

    text = "첫 줄\u2028둘째 줄\u2029셋째\x85넷째"
    path = tmp_path / "entries.jsonl"
    path.write_text(json.dumps({"사업명": "공동급식", "사업내용": text}, ensure_ascii=False) + "\r\n", encoding="utf-8")
    entries = read_entries(path)
    assert len(entries.frame) == 1 and entries.frame.loc[0, "사업내용"] == text
    out = tmp_path / "out.jsonl"
    write_table(pd.DataFrame({"사업명": ["공동급식"], "p": [float("nan")], "사업내용": [text]}), out)
    record = json.loads(out.read_text(encoding="utf-8"), parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
    assert record == {"사업명": "공동급식", "p": None, "사업내용": text}
    assert read_entries(out).frame.loc[0, "사업내용"] == text


def test_a_hidden_sheet_is_read_only_when_named(tmp_path):
    """Issue 23, item 10: a hidden first sheet (an old copy) was read instead of the visible one."""
    import openpyxl

    path = tmp_path / "entries.xlsx"
    book = openpyxl.Workbook()
    old = book.active
    old.title, old.sheet_state = "이전본", "hidden"
    old.append(["사업명"])
    old.append(["작년 사업"])
    now = book.create_sheet("접수목록")
    now.append(["사업명"])
    now.append(["올해 사업"])
    book.save(path)
    assert read_entries(path).frame["사업명"].tolist() == ["올해 사업"]
    assert read_entries(path, sheet="이전본").frame["사업명"].tolist() == ["작년 사업"]


def test_limits_hold_whatever_the_file_claims(tmp_path):
    """Issue 23, item 5: a workbook's dimension record claiming 2 rows, a CR-only CSV counted as
    one line, a link to a device or a pipe: none slips past the limits."""
    import os
    import re as regex
    import zipfile

    import openpyxl

    from pipeline.data.entries import Limits

    path = tmp_path / "claims.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["사업명"])
    for i in range(49):
        sheet.append([f"사업 {i}"])
    book.save(path)
    lying = tmp_path / "lying.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(lying, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = regex.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:A2"/>', data)
            target.writestr(item, data)
    with pytest.raises(InputError, match="more than the limit of 10 rows"):
        read_entries(lying, limits=Limits(rows=10))
    cr_only = tmp_path / "cr.csv"
    cr_only.write_bytes("사업명\r".encode() + "".join(f"사업 {i}\r" for i in range(50)).encode())
    with pytest.raises(InputError, match="more than the limit of 10 rows"):
        read_entries(cr_only, limits=Limits(rows=10))
    device = tmp_path / "zero.csv"
    device.symlink_to("/dev/zero")
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    for path in (device, fifo):
        with pytest.raises(InputError, match="not a regular file"):
            read_entries(path)
