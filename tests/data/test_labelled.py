from dataclasses import replace

import pandas as pd
import pytest

from pipeline.data import labelled
from pipeline.data.dataset import load_cases
from pipeline.data.entries import InputError
from pipeline.data.reviewed import read_reviewed


@pytest.fixture()
def reviewed(tmp_path):
    cases = load_cases()
    copy = cases.iloc[[0]]  # a report case filed again under its own title
    frame = pd.DataFrame(
        {
            "지자체": [copy["region"].iloc[0], "전라남도"],
            "사업명": [copy["title"].iloc[0], "섬 주민 여객선 반값 운임 지원"],
            "사업내용": ["", "- 도와 시군이 운임 차액을 분담함"],
            "service_field": [copy["service_field"].iloc[0], "생활/편의"],
            "actor_type": [copy["actor_type"].iloc[0], "지자체-지자체"],
            "tech_applied": ["X", "X"],
            "tech_applicable": ["X", "O"],
            "sustainability": ["X", "O"],
            "resource_sharing": ["O", "O"],
            "review_mark": ["검토완료", "검토완료"],
        }
    )
    path = tmp_path / "reviewed.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    return read_reviewed(path)


def test_a_version_is_recorded_with_provenance_and_joins_the_training_data(reviewed, tmp_path):
    directory = tmp_path / "labelled"
    entry = labelled.add_version(reviewed, directory)
    assert entry["version"] == 1 and entry["file"] == "v001.csv" and entry["status"] == labelled.PENDING
    assert entry["source"] == "reviewed.csv" and entry["source_sha256"] == reviewed.file_sha256
    assert entry["content_sha256"] == reviewed.sha256
    assert labelled.training_versions(directory) == []  # pending: not training data yet

    base = load_cases()
    cases = labelled.training_cases(base, directory, [1])
    assert len(cases) == len(base) + 2
    assert cases["labelled_version"].tolist()[-2:] == [1, 1]
    assert cases["id"].tolist()[-2:] == ["L001-2", "L001-3"]
    # The re-filed report case shares its title group: no split can separate the two.
    assert cases["title_group"].iloc[-2] == cases["title_group"].iloc[0]
    assert cases["title_group"].iloc[-1] not in set(cases["title_group"].iloc[:-1])
    assert cases["meets_criteria"].tolist()[-2:] == ["X", "O"]

    labelled.record_decision(directory, 1, labelled.REFUSED, decision="test")
    assert labelled.training_versions(directory) == []
    # Whatever became of version 1, its rows do not come in again as new ones.
    with pytest.raises(InputError, match=r"every marked row was already added \(labelled version 1 \(refused\)\)"):
        labelled.drop_known(reviewed, directory)


def test_rows_already_added_are_left_out_and_the_rest_kept(reviewed, tmp_path):
    directory = tmp_path / "labelled"
    first = replace(reviewed, accepted=reviewed.accepted.head(1))
    labelled.add_version(first, directory)
    rest = labelled.drop_known(reviewed, directory)
    assert rest.accepted["title"].tolist() == ["섬 주민 여객선 반값 운임 지원"]
    assert [(r.line, r.reason) for r in rest.rejected] == [(2, "already in labelled version 1 (pending)")]
    assert rest.sha256 != reviewed.sha256


def test_a_changed_version_file_is_refused(reviewed, tmp_path):
    directory = tmp_path / "labelled"
    entry = labelled.add_version(reviewed, directory)
    path = directory / entry["file"]
    path.write_text(path.read_text(encoding="utf-8-sig").replace("생활/편의", "교육"), encoding="utf-8-sig")
    with pytest.raises(ValueError, match="changed after it was added"):
        labelled.training_cases(load_cases(), directory, [1])


def test_a_version_whose_retraining_died_is_failed_and_its_rows_may_come_again(reviewed, tmp_path):
    """Issue 23, items 2 and 4: after a SIGKILL the version stayed pending and the same file was
    refused for good ("every marked row was already added")."""
    import subprocess
    import sys

    entry = labelled.add_version(reviewed, tmp_path / "labelled")
    assert entry["status"] == labelled.PENDING and entry["pid"] > 0 and entry["host"]
    # Our own process is alive: nothing changes.
    assert labelled.recover_stale(tmp_path / "labelled") == []
    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout)
    versions = labelled.read_index(tmp_path / "labelled")
    versions[0]["pid"] = dead
    labelled._write_index(tmp_path / "labelled", versions)
    [stale] = labelled.recover_stale(tmp_path / "labelled")
    assert stale["version"] == entry["version"] and f"pid {dead}" in stale["decision"]
    [again] = labelled.read_index(tmp_path / "labelled")
    assert again["status"] == labelled.FAILED
    # The same rows are new again: nothing judged them.
    assert len(labelled.drop_known(reviewed, tmp_path / "labelled").accepted) == len(reviewed.accepted)


@pytest.mark.parametrize("text", ["{}", '{"versions": {}}', '{"versions": [{"version": 1}]}', '{"versions": [{"version": 1, "status": "gone", "file": "a", "sha256": "b", "rows": 1}]}', "[1"])
def test_a_damaged_index_is_one_line_naming_it(tmp_path, text):
    """Issue 23, item 7: `index.json` = {} gave a traceback."""
    (tmp_path / labelled.INDEX_NAME).write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=rf"{labelled.INDEX_NAME} is damaged"):
        labelled.read_index(tmp_path)
