import pandas as pd
import pytest

from pipeline.data.entries import InputError
from pipeline.data.reviewed import read_reviewed

GOOD = {"service_field": "교육", "actor_type": "지자체-민간", "tech_applied": "O", "tech_applicable": "X", "sustainability": "△"}


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
