import pandas as pd

from pipeline.reading.narratives import count_governments, read_narratives


def _frame(case_study: dict) -> pd.DataFrame:
    return pd.DataFrame({"region": [case_study["region"]], "title": [case_study["name"]], "description": [case_study["narrative"]]})


def test_read_narratives_on_a_case_study(case_studies):
    reading = read_narratives(_frame(case_studies[7]))[0]
    assert reading.findings["tech_applied"].decision == "O"
    assert reading.findings["sustainability"].decision == "O"
    assert any("IoT" in e.text for e in reading.findings["tech_applied"].evidence)
    assert reading.head.startswith(case_studies[7]["region"])
    # Each sentence carries its own morphemes: the reading's morphemes are the head's, then theirs.
    assert all(s.morphemes for s in reading.sentences)
    assert reading.morphemes()[: len(reading.head_morphemes)] == list(reading.head_morphemes)


def test_a_reading_without_a_sentence_loses_its_findings_and_actors(case_studies):
    reading = read_narratives(_frame(case_studies[7]))[0]
    iot = next(i for i, s in enumerate(reading.sentences) if "IoT" in s.text)
    without = reading.without(iot)
    assert len(without.sentences) == len(reading.sentences) - 1
    assert reading.sentences[iot].text not in without.text
    assert all("IoT" not in e.text for e in without.findings["tech_applied"].evidence)
    gone = reading.sentences[iot]
    assert all(not (gone.start <= a.start < gone.end) for a in without.actors)


def test_count_governments():
    assert count_governments("경기 안양시") == 1
    assert count_governments("부산 해운대구, 부산 수영구, 부산 동래구") == 3
    assert count_governments("행정안전부") == 0
