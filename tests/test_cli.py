"""The real `collab score` command on real files."""

import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from pipeline import config

SAMPLE = config.SAMPLE_ENTRIES


def _run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *map(str, args)], capture_output=True, text=True, check=False, cwd=cwd)


@pytest.fixture(scope="module")
def models_dir(trained):
    return trained[0] / "models"


def test_scores_the_sample_with_a_report(models_dir, tmp_path):
    out, report = tmp_path / "scored.csv", tmp_path / "report.html"
    result = _run("score", SAMPLE, "-o", out, "--report", report, "--models-dir", models_dir, "--json")
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout)
    assert summary["rows"] == 23 and summary["errors"] == 0
    scored = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert scored["번호"].tolist() == [str(n) for n in range(1, 24)]
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "협업행정 사례 1차 검토 보고서" in report.read_text(encoding="utf-8")


@pytest.mark.parametrize("suffix", [".xlsx", ".jsonl"])
def test_scores_xlsx_and_jsonl_into_the_same_format(models_dir, tmp_path, suffix):
    frame = pd.read_csv(SAMPLE, encoding="utf-8-sig", dtype=str).head(3)
    path = tmp_path / f"entries{suffix}"
    if suffix == ".xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_json(path, orient="records", lines=True, force_ascii=False)
    result = _run("score", path, "--models-dir", models_dir)
    assert result.returncode == 0, result.stderr[-3000:]
    out = tmp_path / f"entries.scored{suffix}"
    back = pd.read_excel(out, dtype=str) if suffix == ".xlsx" else pd.read_json(out, lines=True, dtype=str)
    assert len(back) == 3 and "meets_criteria" in back.columns


def test_cp949_file_with_korean_headers(models_dir, tmp_path):
    frame = pd.read_csv(SAMPLE, encoding="utf-8-sig", dtype=str).head(2)
    frame["사업내용"] = frame["사업내용"].str.replace("“", '"').str.replace("”", '"')
    path = tmp_path / "entries.csv"
    path.write_bytes(frame.to_csv(index=False).encode("cp949", errors="replace"))
    result = _run("score", path, "--models-dir", models_dir)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "(cp949)" in result.stderr


def test_failures_leave_no_output(models_dir, tmp_path):
    out = tmp_path / "scored.csv"
    missing_column = tmp_path / "no_title.csv"
    pd.DataFrame({"기관": ["서울"], "메모": ["내용"]}).to_csv(missing_column, index=False)
    result = _run("score", missing_column, "-o", out, "--models-dir", models_dir)
    assert result.returncode == 2 and "no title column" in result.stderr and "기관" in result.stderr

    unknown = tmp_path / "entries.pdf"
    unknown.write_bytes(b"%PDF")
    result = _run("score", unknown, "-o", out, "--models-dir", models_dir)
    assert result.returncode == 2 and "unknown format" in result.stderr

    result = _run("score", SAMPLE, "-o", out, "--models-dir", tmp_path / "nothing")
    assert result.returncode == 2 and "no trained model" in result.stderr

    tampered = tmp_path / "tampered"
    shutil.copytree(models_dir, tampered)
    bundle = tampered / "collab_classifier.joblib"
    bundle.write_bytes(bundle.read_bytes()[:-1] + b"\0")
    result = _run("score", SAMPLE, "-o", out, "--report", tmp_path / "r.html", "--models-dir", tampered)
    assert result.returncode == 2 and "sha256" in result.stderr

    assert not out.exists() and not (tmp_path / "r.html").exists()
    assert not list(tmp_path.glob(".*.tmp"))


def test_score_can_rank_rows_for_review(models_dir, tmp_path):
    out = tmp_path / "ranked.csv"
    result = _run("score", SAMPLE, "-o", out, "--models-dir", models_dir, "--rank-for-review")
    assert result.returncode == 0, result.stderr[-3000:]
    ranked = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False)
    assert ranked["review_rank"].tolist() == list(range(1, 24))
    assert sorted(ranked["input_row"]) == list(range(1, 24))
    assert ranked["review_priority"].is_monotonic_decreasing


def test_retrain_reports_malformed_rows_and_refuses_an_unusable_file(models_dir, tmp_path):
    models = tmp_path / "models"
    shutil.copytree(models_dir, models)
    scored = pd.read_csv(SAMPLE, encoding="utf-8-sig", dtype=str).head(4)
    for column, value in {"service_field": "교육", "actor_type": "지자체-민간", "tech_applied": "O",
                          "tech_applicable": "X", "sustainability": "△"}.items():
        scored[column] = value
    scored.loc[0, "actor_type"] = "지자체 - 민간"  # not the report's spelling
    scored.loc[1, "tech_applied"] = "o"  # lower case is not coerced
    scored.loc[2, "service_field"] = ""
    scored.loc[3, "사업명"] = ""
    path = tmp_path / "reviewed.csv"
    scored.to_csv(path, index=False, encoding="utf-8-sig")
    labelled_dir = tmp_path / "labelled"
    result = _run("retrain", "--add", path, "--models-dir", models, "--labelled-dir", labelled_dir)
    assert result.returncode == 2
    # Narratives span several physical lines: each row is reported at the line it starts on.
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    starts = [i + 1 for i, line in enumerate(lines) if line.split(",")[0] in {"1", "2", "3", "4"}]
    assert f"line {starts[0]}: actor_type '지자체 - 민간' is not one of" in result.stderr
    assert f"line {starts[1]}: tech_applied 'o' is not one of O, X" in result.stderr
    assert f"line {starts[2]}: service_field is empty" in result.stderr
    assert f"line {starts[3]}: no title" in result.stderr
    assert "no row can be used (4 left out)" in result.stderr
    assert not labelled_dir.exists()

    no_labels = tmp_path / "unlabelled.csv"
    pd.read_csv(SAMPLE, encoding="utf-8-sig", dtype=str).head(2).to_csv(no_labels, index=False)
    result = _run("retrain", "--add", no_labels, "--models-dir", models, "--labelled-dir", labelled_dir)
    assert result.returncode == 2 and "has no service_field, actor_type" in result.stderr
