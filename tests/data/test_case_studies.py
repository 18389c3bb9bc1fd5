import pytest

from pipeline import config

# [표 3-3] and the 23 tables, read by eye from the report.
EXPECTED = {
    1: ("서울 서대문구", "지자체-기타", "소프트웨어", "교육", "X", "O", "O", "△"),
    2: ("부산 사하구", "지자체-기타", "하드웨어", "마을공동체", "X", "O", "O", "O"),
    3: ("경상남도", "지자체-기타", "하드웨어", "문화/관광", "X", "O", "O", "O"),
    4: ("광주 광산구", "지자체-기타", "소프트웨어", "사회복지", "O", "O", "O", "O"),
    5: ("충남 아산시", "지자체-기타", "소프트웨어", "생활/편의", "X", "X", "O", "O"),
    9: ("세종특별자치시", "지자체-중앙", "하드웨어", "지역개발/환경", "X", "X", "O", "O"),
    11: ("충청남도", "지자체-중앙-민간", "소프트웨어", "안전/치안", "O", "O", "O", "O"),
    12: ("서울 강남구", "지자체-지자체", "소프트웨어", "교육", "O", "O", "O", "△"),
    16: ("인천광역시", "지자체-지자체", "하드웨어", "행정관리", "O", "O", "O", "O"),
    20: ("광주 북구", "지자체-민간", "소프트웨어", "생활/편의", "X", "O", "O", "O"),
    23: ("대구광역시", "지자체-민간", "소프트웨어", "행정관리", "X", "O", "O", "O"),
}

SUB_TYPES = {
    "환경개선형": [2, 3, 7, 18, 23],
    "사회복지형": [1, 12, 14, 22],
    "일자리 창출형": [4, 5, 9, 13, 15, 17],
    "Process 개선형": [6, 11, 16, 19, 20],
    "Service 확대형": [8, 21],
    "정보공유형": [6, 11, 16, 21],
    "자원통합형": [8, 19, 20],
}


def test_there_are_23_case_studies(case_studies):
    assert sorted(case_studies) == list(range(1, 24))


@pytest.mark.parametrize("number", sorted(EXPECTED))
def test_table_labels(case_studies, number):
    cs = case_studies[number]
    got = (
        cs["region"],
        cs["actor_type"],
        cs["attribute"],
        cs["service_field"],
        *(cs[c]["mark"] for c in config.MARK_COLUMNS),
    )
    assert got == EXPECTED[number]


def test_every_case_has_labels_from_the_label_sets(case_studies):
    for cs in case_studies.values():
        assert cs["actor_type"] in config.ACTOR_TYPES
        assert cs["service_field"] in config.SERVICE_FIELDS
        assert cs["attribute"] in config.ATTRIBUTES
        for column in config.MARK_COLUMNS:
            assert cs[column]["mark"] in config.MARKS


def test_sub_types_match_chapter_4(case_studies):
    got = {}
    for cs in case_studies.values():
        for subs in cs["sub_types"].values():
            for sub in subs:
                got.setdefault(sub, []).append(cs["number"])
    assert got == SUB_TYPES


def test_model_types_follow_the_sub_types(case_studies):
    assert case_studies[10]["model_types"] == []
    assert case_studies[6]["model_types"] == [config.ADMIN_MODEL]
    assert case_studies[6]["sub_types"] == {
        f"{config.ADMIN_MODEL} option 1": ["Process 개선형"],
        f"{config.ADMIN_MODEL} option 2": ["정보공유형"],
    }
    assert case_studies[1]["sub_types"] == {config.SOCIAL_MODEL: ["사회복지형"]}


def test_participants_and_policy_target(case_studies):
    assert case_studies[11]["participants"] == {
        "지자체": ["충청남도"],
        "중앙": ["국민권익위원회"],
        "기타": ["환경부(국립생태원)", "대전지방국토관리청", "한국도로공사"],
        "민간": ["SK텔레콤"],
    }
    # A comma inside parentheses does not split a participant.
    assert case_studies[2]["participants"]["기타"] == ["주민공동체(주민협의회, 통장회)", "경로당"]
    assert case_studies[6]["policy_target"] == {"external": ["주민"], "internal": ["소방공무원"]}
    assert case_studies[6]["policy_effect"]["kinds"] == ["행정서비스 향상", "정책과정/업무 프로세스 개선"]
    assert case_studies[21]["policy_target"]["external"] == ["주민(여성)"]
    assert any("외부" in n for n in case_studies[21]["parse_notes"])


def test_criteria_keep_their_explanations(case_studies):
    sustain = case_studies[4]["sustainability"]
    assert sustain["mark"] == "O" and sustain["mark_raw"] == "○"
    assert sustain["explanation"][0] == "지자체 조례 정비"
    assert case_studies[1]["tech_applied"]["explanation"] == []


def test_narrative_is_prose_without_the_table(case_studies):
    cs = case_studies[2]
    assert cs["narrative"].startswith("- 지역 내(감천2동) 공·폐가")
    assert "[표 3-5]" not in cs["narrative"] and "주체유형" not in cs["narrative"]
    # A word the PDF broke across a page ("증" / "진에") is re-joined without a space.
    assert "행복 증진에 기여함" in cs["narrative"]
    assert set(cs["narrative_sections"]) == {"사례 개요 및 내용", "사례성과 및 분석결과"}
    assert all(case["narrative_sections"]["사례성과 및 분석결과"] for case in case_studies.values())


def test_case_studies_point_at_their_appendix_rows(dataset, case_studies):
    cases = dataset.cases.set_index("id")
    assert cases.loc[case_studies[14]["appendix_id"], "raw_name"] == "인양시 (공동급식지원센터 운영)"
    assert cases.loc[case_studies[4]["appendix_id"], "raw_name"] == "광주 광산구 (병원이동보호사)"
    assert len({cs["appendix_id"] for cs in case_studies.values()}) == 23
