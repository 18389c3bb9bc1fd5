"""`collab score --spark`: files read and written through a real local Spark, checked before it starts."""

import pandas as pd
import pytest

from pipeline.data.entries import InputError
from pipeline.jobs.spark_scoring import _ENCODING_SAMPLE_BYTES, _csv_encoding, check_paths, score_file


@pytest.mark.slow
def test_collab_score_spark_reads_a_cp949_csv_and_writes_what_collab_score_writes(trained, spark, tmp_path, awkward_entries, monkeypatch, capsys):
    from pipeline.cli import main

    root, uri, _ = trained
    frame = awkward_entries
    source = tmp_path / "entries.csv"
    # Characters CP949 lacks would not survive the file either way.
    source.write_bytes(frame.to_csv(index=False).encode("cp949", errors="replace"))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    monkeypatch.setenv("MLFLOW_REGISTRY_URI", uri)

    # Both commands in this process: `collab score --spark` finds the suite's Spark running.
    assert main(["score", str(source), "--spark", "-o", str(tmp_path / "spark.csv")]) == 0
    printed = capsys.readouterr()
    assert "x-windows-949" in printed.err and "rows: 23" in printed.out
    assert main(["score", str(source), "-o", str(tmp_path / "plain.csv"), "--models-dir", str(root / "models"), "--trust"]) == 0

    got, expected = (
        pd.read_csv(tmp_path / n, encoding="utf-8-sig", dtype=str, keep_default_na=False) for n in ("spark.csv", "plain.csv")
    )
    # Same rows in the same (input) order, Excel-safe the same way: the same file, to the float.
    assert got["번호"].tolist() == expected["번호"].tolist()
    for column in expected.columns:
        if column.endswith(("_proba", "_priority")):
            assert (pd.to_numeric(got[column]) - pd.to_numeric(expected[column])).abs().max() <= 1e-9, column
        else:
            assert got[column].tolist() == expected[column].tolist(), column
    assert (tmp_path / "spark.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert got.loc[7, "사업명"].startswith("'=")


@pytest.mark.slow
def test_a_parquet_output_is_a_folder_that_only_replaces_an_earlier_one(trained, spark, tmp_path, monkeypatch, awkward_entries):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", trained[1])
    monkeypatch.setenv("MLFLOW_REGISTRY_URI", trained[1])
    source = tmp_path / "entries.parquet"
    awkward_entries.head(4).to_parquet(source)
    output = tmp_path / "scored.parquet"
    # An earlier run's output, as Spark leaves it (its _SUCCESS marks it as Spark's): replaced whole.
    output.mkdir()
    (output / "_SUCCESS").write_bytes(b"")
    (output / "part-00000-earlier.parquet").write_bytes(b"earlier")
    summary = score_file(source, output)
    back = pd.read_parquet(output)
    assert summary.rows == len(back) == 4 and "sub_type_proba" in back.columns
    assert not (output / "part-00000-earlier.parquet").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entries.parquet", "scored.parquet"]


def test_paths_are_checked_before_spark_starts(tmp_path):
    source = tmp_path / "entries.csv"
    source.write_text("사업명\n공원\n", encoding="utf-8")
    (tmp_path / "notes.parquet").mkdir()  # no _SUCCESS: not Spark's
    with pytest.raises(InputError, match="save the sheet as CSV"):
        check_paths(tmp_path / "entries.xlsx", tmp_path / "out.csv")
    with pytest.raises(InputError, match="is the input"):
        check_paths(source, source)
    with pytest.raises(InputError, match="not an earlier Parquet output"):
        check_paths(source, tmp_path / "notes.parquet")
    with pytest.raises(InputError, match="no such file"):
        check_paths(tmp_path / "missing.csv", tmp_path / "out.csv")


def test_the_encoding_is_read_from_the_first_megabyte_cut_at_a_line(tmp_path):
    # The sample ends in the middle of a three-byte character unless it is cut at a line end.
    line = "번호,사업명\n" + "1,공동급식지원센터 운영\n"
    path = tmp_path / "long.csv"
    path.write_bytes(("x" + line * (_ENCODING_SAMPLE_BYTES // len(line.encode()) + 2)).encode("utf-8"))
    assert _csv_encoding(path, None) == "UTF-8"
    path.write_bytes(line.encode("cp949"))
    assert _csv_encoding(path, None) == "x-windows-949"
    assert _csv_encoding(path, "euc_kr") == "EUC-KR"
