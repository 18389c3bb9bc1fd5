from types import SimpleNamespace

import numpy as np
import pandas as pd

from pipeline import config
from pipeline.modeling.narrative_models import (
    NARRATIVE_LABELS,
    RuleReading,
    choose_recipe,
    make_narrative_model,
    resource_sharing_rate,
    sentence_pushes,
)
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


def test_a_recipe_leaves_its_blocks_out():
    model = make_narrative_model("sustainability", recipe="no_morphemes").estimator
    blocks = dict(model.named_steps["features"].transformer_list)
    assert blocks["morphemes"] == "drop" and blocks["chars"] != "drop" and blocks["cues"] != "drop"
    assert model.named_steps["clf"].C == config.NARRATIVE_RECIPES["no_morphemes"][0]


def test_the_recipe_is_chosen_by_how_it_ranks_the_rows_with_sentences():
    """Title rows (no sentences) rank as the title side does; a recipe that ranks only them well
    must not win."""
    readings = _readings([BASE, BASE, "", ""])
    y = np.array(["O", "X", "O", "X"])
    # P(O) out of fold: the first two rows have sentences, the last two are title rows.
    titles_only = SimpleNamespace(classes_=np.array(["O", "X"]), oof_proba_=np.array([[0.2, 0.8], [0.8, 0.2], [0.9, 0.1], [0.1, 0.9]]))
    sentences = SimpleNamespace(classes_=np.array(["O", "X"]), oof_proba_=np.array([[0.7, 0.3], [0.3, 0.7], [0.1, 0.9], [0.9, 0.1]]))
    chosen, scores = choose_recipe({"all_blocks": titles_only, "no_morphemes": sentences}, y, readings)
    assert chosen == "no_morphemes" and scores == {"all_blocks": 0.0, "no_morphemes": 1.0}
    # A tie keeps the earlier recipe.
    assert choose_recipe({"all_blocks": sentences, "no_chars": sentences}, y, readings)[0] == "all_blocks"


def test_the_bundle_keeps_the_recipe_each_label_chose(bundle):
    recipes = bundle["narrative"]["recipes"]
    for label in NARRATIVE_LABELS:
        chosen, scores = recipes[label]["chosen"], recipes[label]["scores"]
        C, dropped = config.NARRATIVE_RECIPES[chosen]
        estimator = bundle["narrative"]["models"][label].estimator_
        blocks = dict(estimator.named_steps["features"].transformer_list)
        assert estimator.named_steps["clf"].C == C and all(blocks[name] == "drop" for name in dropped), label
        if label in config.NARRATIVE_RECIPE_LABELS:
            assert set(scores) == set(config.NARRATIVE_RECIPES) and scores[chosen] == max(scores.values()), label
        else:
            assert chosen == config.NARRATIVE_DEFAULT_RECIPE and scores == {}, label
