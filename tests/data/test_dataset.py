import pytest

from pipeline import config
from pipeline.data.dataset import load_case_studies, load_cases, meets_criteria, read_report


def test_collab_build_dataset_reproduces_the_committed_files_and_data_card(tmp_path, capsys):
    """`collab build-dataset` from data/raw/ (in this process: the label-noise estimate is 20 s of
    work, done once here): every processed file byte for byte, and the data card's figures."""
    from pipeline.cli import main

    out = tmp_path / "data" / "processed"
    card = tmp_path / "data" / config.DATA_CARD.name  # the CLI updates the card beside --out
    card.parent.mkdir()
    card.write_bytes(config.DATA_CARD.read_bytes())
    assert main(["build-dataset", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "601 cases" in printed and "updated the generated section" not in printed
    written = sorted(p.name for p in out.iterdir())
    assert written == sorted({config.CASES_CSV.name, config.CASE_STUDIES_JSONL.name, config.VALIDATION_JSON.name,
                              config.SUB_TYPES_JSON.name, config.NARRATIVES_CSV.name, config.NARRATIVE_LABEL_ISSUES_CSV.name})
    for name in written:
        assert (out / name).read_bytes() == (config.PROCESSED_DIR / name).read_bytes(), f"{name} differs from the committed file"
    assert card.read_bytes() == config.DATA_CARD.read_bytes(), "the data card's figures are out of date"


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


def test_cli_reports_a_bad_report_path_clearly(tmp_path, capsys):
    from pipeline.cli import main

    assert main(["build-dataset", "--report", str(tmp_path / "none.txt")]) == 2
    printed = capsys.readouterr().err
    assert "none.txt" in printed and "Traceback" not in printed
