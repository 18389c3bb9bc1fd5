import pandas as pd

from pipeline.modeling.narrative_features import CUE_FAMILIES, CueCounts, narrative_features, reading_cues
from pipeline.reading.narratives import read_narratives

TEXT = (
    "우리 시는 ㈜한빛과 업무협약을 맺고 주민 돌봄 앱을 구축하였습니다. "
    "행정안전부 공모에 선정되어 장관상을 받았습니다. "
    "2021년에는 조례를 제정할 예정입니다."
)


def _reading():
    return read_narratives(pd.DataFrame({"region": ["경기 안양시"], "title": ["돌봄 앱"], "description": [TEXT]}))[0]


def test_cues_name_actors_by_kind_and_where_they_appear():
    cues = reading_cues(_reading())
    # The firm is named in the first sentence, which presents it as a partner (업무협약).
    assert cues["actor:민간"] > 0 and cues["actor_first:민간"] > 0 and cues["actor_partner:민간"] > 0
    # The ministry only hosted an award: it is not an actor at all.
    assert "actor:중앙" not in cues
    assert cues["rule_actor_type=지자체-민간"] > 0


def test_cues_keep_each_criterions_qualifier():
    cues = reading_cues(_reading())
    assert cues["sustainability:조례:planned"] > 0 and "sustainability:조례:done" not in cues
    assert cues["tech_applied:앱:done"] > 0
    assert cues["rule:tech_applied=O"] > 0


def test_each_label_reads_only_its_cue_families():
    [actor_cues] = CueCounts(CUE_FAMILIES["actor_type"]).transform([_reading()])
    assert actor_cues and all(k.startswith(CUE_FAMILIES["actor_type"]) for k in actor_cues)
    assert not any(k.startswith("sustainability:") for k in actor_cues)
    assert CUE_FAMILIES["service_field"] == ()
    assert narrative_features(()).get_params()["cues"] == "drop"
