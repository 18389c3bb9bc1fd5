import subprocess
import sys

import pytest

from pipeline import config
from pipeline.data import datacard
from pipeline.data.dataset import load_case_studies, load_cases, meets_criteria, read_report, write_dataset


def test_rebuild_reproduces_the_committed_files_byte_for_byte(dataset_with_issues, tmp_path):
    for path in write_dataset(dataset_with_issues, tmp_path):
        committed = config.PROCESSED_DIR / path.name
        assert path.read_bytes() == committed.read_bytes(), f"{path.name} differs from the committed file"


def test_data_card_figures_are_current(dataset_with_issues):
    assert datacard.generated_section() == datacard.render(dataset_with_issues)


def test_cases_csv_columns_and_labels():
    cases = load_cases()
    assert list(cases.columns) == list(config.CASES_COLUMNS)
    assert cases["id"].tolist() == list(range(1, 602))
    assert set(cases["actor_type"]) == set(config.ACTOR_TYPES)
    assert set(cases["service_field"]) == set(config.SERVICE_FIELDS)
    for column in config.MARK_COLUMNS:
        assert set(cases[column]) <= set(config.MARKS)
    assert (cases["resource_sharing"] == "O").all()
    assert cases.loc[cases["raw_name"] == "인양시 (공동급식지원센터 운영)", "region"].item() == "경기 안양시"


def test_case_studies_jsonl_round_trips(case_studies):
    assert {cs["number"]: cs for cs in load_case_studies()} == case_studies


@pytest.mark.parametrize(
    ("sharing", "sustainability", "met"),
    [("O", "O", "O"), ("O", "△", "O"), ("O", "X", "X"), ("X", "O", "X"), ("", "O", "X")],
)
def test_meets_criteria(sharing, sustainability, met):
    assert meets_criteria(sharing, sustainability) == met


def test_read_report_refuses_a_modified_copy(tmp_path):
    changed = tmp_path / "report.txt"
    changed.write_bytes(config.RAW_REPORT.read_bytes() + b"\n")
    with pytest.raises(ValueError, match="sha256"):
        read_report(changed)


def test_cli_builds_the_dataset_into_a_folder(tmp_path):
    out = tmp_path / "processed"
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "build-dataset", "--out", str(out)],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "601 cases" in result.stdout
    assert (out / "cases.csv").read_bytes() == config.CASES_CSV.read_bytes()


def test_cli_reports_a_bad_report_path_clearly(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "build-dataset", "--report", str(tmp_path / "none.txt")],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 2
    assert "none.txt" in result.stderr
