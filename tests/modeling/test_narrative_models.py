import numpy as np
import pandas as pd

from pipeline.modeling.narrative_models import RuleReading, resource_sharing_rate, sentence_pushes
from pipeline.reading.narratives import read_narratives

BASE = (
    "우리 군은 농촌 어르신의 이동 불편을 덜기 위해 지역 택시업체와 함께 마을택시를 운행하였습니다. "
    "어르신들은 100원만 내고 읍내까지 이동할 수 있게 되었고, 이용객은 해마다 늘었습니다."
)


def _readings(descriptions):
    n = len(descriptions)
    return read_narratives(pd.DataFrame({"region": ["전남 해남군"] * n, "title": ["마을택시 운행"] * n, "description": descriptions}))


def _p_yes(model, readings):
    return model.predict_proba(pd.Series(readings, dtype=object))[:, list(model.classes_).index("O")]


def test_an_ordinance_and_a_dedicated_team_count_for_more_than_an_mou(bundle):
    """The report's criterion ([표 2-4]): institutions (제도정비) and dedicated staff (전담부서/인력)
    make a project last; an agreement alone does not."""
    mou = BASE + " 우리 군은 택시업체와 업무협약(MOU)을 체결하였습니다."
    lasting = BASE + " 우리 군은 마을택시 지원 조례를 제정하고 전담팀을 신설하여 사업을 안정적으로 이어가고 있습니다."
    p_mou, p_lasting = _p_yes(bundle["narrative"]["models"]["sustainability"], _readings([mou, lasting]))
    assert p_lasting > p_mou


def test_sentence_pushes_measure_the_sentence_that_decides(bundle):
    model = bundle["narrative"]["models"]["tech_applied"]
    [reading] = _readings([BASE + " 우리 군은 호출 앱과 GPS 기반 배차 시스템을 구축하여 운영하고 있습니다."])
    app = next(i for i, s in enumerate(reading.sentences) if "GPS" in s.text)
    [pushes] = sentence_pushes(model, [reading], [list(range(len(reading.sentences)))])
    assert max(pushes, key=pushes.get) == app and pushes[app] > 0
    p_full = _p_yes(model, [reading])[0]
    assert pushes[app] == p_full - _p_yes(model, [reading.without(app)])[0]


def test_rules_baseline_reads_the_detectors():
    readings = _readings([BASE + " 조례를 제정하였습니다.", BASE])
    rules = RuleReading("sustainability").fit(readings, ["O", "X"])
    assert rules.predict(readings).tolist() == ["O", "X"]
    proba = rules.predict_proba(readings)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    actors = RuleReading("actor_type").fit(readings, ["지자체-기타", "지자체-민간"])
    assert actors.predict(readings).tolist() == [r.actor_type for r in readings]


def test_resource_sharing_rate_is_laplace_smoothed():
    frame = pd.DataFrame({"resource_sharing": ["O"] * 8})
    assert resource_sharing_rate(frame) == 9 / 10
