from pipeline import config
from pipeline.reading.subtypes import Ranking, SubTypeRanker, sub_type_scores


def test_ranker_covers_every_partition(dataset):
    ranker = SubTypeRanker(dataset.sub_types, dataset.case_studies)
    ranking = ranker.rank_many(["빈집을 활용한 마을 환경 개선과 주민 편의시설 조성"])[0]
    assert set(ranking.by_option) == {
        config.SOCIAL_MODEL,
        f"{config.ADMIN_MODEL} option 1",
        f"{config.ADMIN_MODEL} option 2",
    }
    assert ranking.model_type == config.SOCIAL_MODEL
    assert ranking.by_option[config.SOCIAL_MODEL][0][0] == "환경개선형"
    assert list(ranking.sub_types()) == [config.SOCIAL_MODEL]


def test_admin_text_ranks_admin_model(dataset):
    ranker = SubTypeRanker(dataset.sub_types, dataset.case_studies)
    ranking = ranker.rank_many(["기관 간 정보를 실시간으로 공유하는 ICT 플랫폼을 구축하여 담당공무원의 업무 처리 시간을 단축"])[0]
    assert ranking.model_type == config.ADMIN_MODEL
    assert ranking.by_option[f"{config.ADMIN_MODEL} option 2"][0][0] == "정보공유형"


def test_leaving_a_case_out_removes_its_texts(dataset):
    full = SubTypeRanker(dataset.sub_types, dataset.case_studies)
    without = SubTypeRanker(dataset.sub_types, dataset.case_studies, exclude_case=2)
    narrative = dataset.case_studies[1]["narrative"]
    assert full.rank_many([narrative])[0].by_option[config.SOCIAL_MODEL][0][1] > without.rank_many([narrative])[0].by_option[config.SOCIAL_MODEL][0][1]


def test_sub_type_texts_have_definitions_and_examples(dataset):
    subs = {s["sub_type"]: s for s in dataset.sub_types}
    assert subs["환경개선형"]["definition"].startswith("환경개선형은 새로운 사업 콘텐츠")
    assert [e["case"] for e in subs["자원통합형"]["examples"]] == [8, 19, 20]
    assert subs["정보공유형"]["option"] == "option 2"


def test_sub_type_scores_top1_top2():
    cases = [
        {"model_types": ["A"], "sub_types": {"A": ["a1"]}},
        {"model_types": ["A"], "sub_types": {"A": ["a2"]}},
        {"model_types": [], "sub_types": {}},
    ]
    ranking = Ranking({"A": [("a1", 0.9), ("a2", 0.5), ("a3", 0.1)]}, {"A": 0.9, "B": 0.2})
    scores = sub_type_scores(cases, [ranking, ranking, ranking])
    assert scores["model_type"] == {"accuracy": 1.0, "n": 2}
    assert scores["sub_type_top1"] == {"accuracy": 0.5, "n": 2}
    assert scores["sub_type_top2"] == {"accuracy": 1.0, "n": 2}




def test_a_case_missing_from_the_list_is_left_out_like_an_excluded_one(dataset):
    studies = dataset.case_studies
    without = SubTypeRanker(dataset.sub_types, [cs for cs in studies if cs["number"] != 8])
    excluded = SubTypeRanker(dataset.sub_types, studies, exclude_case=8)
    text = [f"{studies[7]['name']} {studies[7]['narrative']}"]
    assert without.rank_many(text)[0].by_option == excluded.rank_many(text)[0].by_option
