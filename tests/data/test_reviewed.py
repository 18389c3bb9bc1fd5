import pandas as pd
import pytest

from pipeline.data.entries import InputError
from pipeline.data.reviewed import read_reviewed

GOOD = {"review_mark": "검토완료", "service_field": "교육", "actor_type": "지자체-민간", "tech_applied": "O", "tech_applicable": "X", "sustainability": "△"}


def _frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([{"번호": str(i + 1), "지자체": "경기 안양시", "사업명": f"공동급식지원센터 운영 {i}", **GOOD, **row} for i, row in enumerate(rows)])


def test_xlsx_rows_are_reported_by_spreadsheet_row(tmp_path):
    path = tmp_path / "reviewed.xlsx"
    _frame([{}, {"sustainability": "0"}, {"actor_type": " 지자체-민간 "}, {"resource_sharing": "Y"}]).to_excel(path, index=False)
    reviewed = read_reviewed(path)
    assert reviewed.unit == "row" and reviewed.rows_read == 4
    assert [(r.line, r.reason) for r in reviewed.rejected] == [
        (3, "sustainability '0' is not one of O, X, △"),
        (5, "resource_sharing 'Y' is not one of O, X, △"),
    ]
    # Surrounding spaces are trimmed; the value itself is the report's.
    assert reviewed.accepted["actor_type"].tolist() == ["지자체-민간", "지자체-민간"]
    assert reviewed.accepted["source_line"].tolist() == [2, 4]
    assert len(reviewed.sha256) == 64


def test_the_same_entry_twice_is_kept_once(tmp_path):
    path = tmp_path / "reviewed.jsonl"
    frame = _frame([{}, {}])
    frame.loc[1, "사업명"] = frame.loc[0, "사업명"] + " "
    frame.to_json(path, orient="records", lines=True, force_ascii=False)
    reviewed = read_reviewed(path)
    assert reviewed.unit == "line"
    assert [(r.line, r.reason) for r in reviewed.rejected] == [(2, "same title and region as line 1")]


def test_cp949_csv_and_a_missing_label_column(tmp_path):
    path = tmp_path / "reviewed.csv"
    path.write_bytes(_frame([{}]).to_csv(index=False).encode("cp949"))
    assert len(read_reviewed(path).accepted) == 1
    without = tmp_path / "without.csv"
    _frame([{}]).drop(columns=["sustainability"]).to_csv(without, index=False)
    with pytest.raises(InputError, match="has no sustainability column"):
        read_reviewed(without)


def test_only_rows_a_reviewer_marked_are_read(tmp_path):
    """Issue 13, item 9: a scored file returned unchanged taught the models their own predictions."""
    path = tmp_path / "reviewed.xlsx"
    frame = _frame([{}, {"review_mark": ""}, {"review_mark": "O"}, {"review_mark": "봤음"}])
    frame.to_excel(path, index=False)
    reviewed = read_reviewed(path)
    assert reviewed.unmarked == 1 and reviewed.accepted["source_line"].tolist() == [2, 4]
    assert [(r.line, r.reason) for r in reviewed.rejected] == [(5, "review_mark '봤음' is not one of 검토완료, O")]
    frame.assign(review_mark="").to_excel(path, index=False)
    with pytest.raises(InputError, match="no row is marked as reviewed"):
        read_reviewed(path)
    frame.drop(columns=["review_mark"]).to_excel(path, index=False)
    with pytest.raises(InputError, match="has no review_mark column"):
        read_reviewed(path)


def test_a_file_is_known_by_its_rows_not_its_bytes(tmp_path):
    """Issue 13, item 10: the same rows saved without the BOM, reordered or as .xlsx are the same rows."""
    frame = _frame([{}, {"사업내용": "- 센터를  공동 운영함"}])
    first, second, third = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.xlsx"
    frame.to_csv(first, index=False, encoding="utf-8-sig")
    moved = frame.iloc[::-1].copy()
    moved["사업내용"] = moved["사업내용"].str.replace("  ", " ")
    moved.to_csv(second, index=False, encoding="utf-8")
    frame.to_excel(third, index=False)
    a, b, c = (read_reviewed(p) for p in (first, second, third))
    assert a.file_sha256 != b.file_sha256
    assert a.sha256 == b.sha256 == c.sha256
    changed = frame.copy()
    changed.loc[0, "service_field"] = "문화/관광"
    changed.to_csv(second, index=False)
    assert read_reviewed(second).sha256 != a.sha256
