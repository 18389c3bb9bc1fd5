import pandas as pd
import pytest

from pipeline import config
from pipeline.data.dataset import load_case_studies, load_cases
from pipeline.data.narrative_corpus import (
    CASE_STUDY,
    excluded_groups,
    load_narratives,
    read_ids,
    read_raw_narratives,
    same_project_sets,
    training_frame,
    without_groups,
)


def test_narratives_load_and_join_to_the_reports_labels():
    narratives, cases = load_narratives(), load_cases().set_index("id")
    assert len(narratives) == 263 and narratives["id"].is_unique
    joined = cases.loc[narratives["id"]]
    for column in ("region", "title", "title_group", "actor_type", "service_field", "tech_applied", "sustainability"):
        assert narratives[column].tolist() == joined[column].tolist(), column
    # The distribution the narratives' README states.
    assert narratives["sustainability"].value_counts().to_dict() == {"X": 239, "O": 19, "△": 5}
    assert set(narratives["match"]) == {"high", "medium"}


def test_a_changed_copy_of_the_raw_narratives_is_refused(tmp_path):
    copy = tmp_path / "narratives.jsonl"
    copy.write_bytes(config.RAW_NARRATIVES.read_bytes().replace(b"\xec\x9a\xb0\xeb\xa6\xac", b"\xec\x9a\xb0\xeb\xa6\xac ", 1))
    with pytest.raises(ValueError, match="sha256"):
        read_raw_narratives(copy)


def test_narratives_retelling_one_project_share_a_split_group():
    sets = same_project_sets(load_narratives())
    # Every set the narratives' README names (found from the text, not listed in code) ...
    for named in ([344, 389], [332, 354], [336, 359], [320, 361, 378, 431], [31, 436], [329, 363], [273, 507], [447, 476]):
        assert named in sets
    # ... and one more it does not name: 서대문구's smart trail under two titles.
    assert [417, 501] in sets


def test_training_frame_holds_the_narratives_and_the_case_studies():
    frame = training_frame(load_narratives(), load_case_studies(), load_cases())
    assert len(frame) == 286 and frame["key"].is_unique
    studies = frame[frame["source"] == CASE_STUDY]
    assert len(studies) == 23
    assert (studies["resource_sharing"] == "O").all() and (studies["meets_criteria"] == "O").all()
    cases = load_cases().set_index("id")
    with_row = studies[studies["appendix_id"] != ""]
    assert with_row["title_group"].tolist() == cases.loc[with_row["appendix_id"].astype(int), "title_group"].tolist()


def test_excluding_an_id_removes_its_project_everywhere():
    cases, narratives = load_cases(), load_narratives()
    titles, splits = excluded_groups([320], cases, narratives)
    # 320's project is retold as 361, 378 and 431: their title groups leave with it.
    expected = set(narratives.loc[narratives["id"].isin([320, 361, 378, 431]), "title_group"])
    assert expected <= titles
    frame = without_groups(training_frame(narratives, load_case_studies(), cases), titles, splits)
    assert not frame["title_group"].isin(titles).any() and len(frame) == 286 - 4
    assert not without_groups(cases, titles)["title_group"].isin(titles).any()
    with pytest.raises(ValueError, match="not in the appendix"):
        excluded_groups([999], cases, narratives)


def test_read_ids(tmp_path):
    path = tmp_path / "ids.txt"
    path.write_text("\ufeff320\n\n# held out\n7  # a case study\n", encoding="utf-8")
    assert read_ids(path) == [320, 7]
    path.write_text("320\nabc\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        read_ids(path)


def test_narratives_csv_round_trips(dataset):
    pd.testing.assert_frame_equal(load_narratives(), dataset.narratives.astype({"source_years": str}), check_dtype=False)
