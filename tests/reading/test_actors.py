import re

import pytest

from pipeline.reading.actors import CENTRAL, LOCAL, PRIVATE, PUBLIC, actor_type, alternation, extract_actors


def _sorted_alternation(words):
    """How the patterns were written before: every word, longest first."""
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


def _kinds(text):
    return {a.name: a.kind for a in extract_actors(text)}


def test_kinds_of_actors_in_a_participant_list(case_studies):
    participants = ", ".join(n for names in case_studies[11]["participants"].values() for n in names)
    kinds = _kinds(participants)
    assert kinds["충청남도"] == LOCAL
    assert kinds["국민권익위원회"] == CENTRAL
    assert kinds["한국도로공사"] == PUBLIC
    assert kinds["SK텔레콤"] == PRIVATE


def test_an_agency_named_after_its_government_is_the_agency():
    kinds = _kinds("밀양시, 경상남도 수산자원연구소, 고용노동부 광주고용센터")
    assert kinds == {"밀양시": LOCAL, "경상남도 수산자원연구소": PUBLIC, "고용노동부 광주고용센터": PUBLIC}


def test_a_firms_name_begins_a_word_and_ends_before_its_particles():
    # 민자 inside 주민자치 and 결혼이민자, KT inside KTX/KTR and GS inside GSEEK were 11 of the 92
    # private partners found in the 263 narratives.
    assert _kinds("주민자치위원회와 결혼이민자 모임이 용두산공원과 백두산을 찾았다") == {}
    assert _kinds("KTX 역과 GSEEK 강좌") == {}
    assert _kinds("KT에서는 심야에 LG유플러스와 롯데케미칼이 오산농협과") == {
        "KT": PRIVATE, "LG유플러스": PRIVATE, "롯데케미칼": PRIVATE, "오산농협": PRIVATE,
    }
    assert _kinds("민자 유치로 망원시장상인회가") == {"민자": PRIVATE, "망원시장상인회": PRIVATE}


def test_a_public_body_is_found_before_its_particle_and_not_inside_a_longer_word():
    # Prose names partners with a particle after them; the lists of the report's tables do not.
    assert _kinds("해운대구는 부산대학교와 빈 점포를 바꾸었다") == {"해운대구": LOCAL, "부산대학교": PUBLIC}
    assert _kinds("한국전력공사와 전력 설비를 함께 관리한다") == {"한국전력공사": PUBLIC}
    assert _kinds("수성구와 수성경찰서는 통학로를 정비했다") == {"수성구": LOCAL, "수성경찰서": PUBLIC}
    assert _kinds("도로공사비와 복지센터장의 인건비를 줄였다") == {}


def test_contest_organiser_is_not_a_partner():
    assert _kinds("행정안전부 주관 협업 우수사례 공모에 선정됨") == {}
    assert _kinds("행정안전부와 업무협약을 체결함") == {"행정안전부": CENTRAL}


def test_generic_firm_words_are_not_partners():
    assert PRIVATE not in _kinds("지역 중소기업의 애로사항 해소를 위한 협업체계 구축").values()


def test_offsets(case_studies):
    text = case_studies[21]["narrative"]
    for actor in extract_actors(text):
        assert text[actor.start : actor.end] == actor.name


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        ({LOCAL}, "지자체-기타"),
        ({LOCAL, PUBLIC}, "지자체-기타"),
        ({LOCAL, CENTRAL}, "지자체-중앙"),
        ({LOCAL, CENTRAL, PRIVATE}, "지자체-중앙-민간"),
        ({LOCAL, PRIVATE, PUBLIC}, "지자체-민간"),
    ],
)
def test_actor_type_rules(kinds, expected):
    from pipeline.reading.actors import Actor

    actors = [Actor(f"name-{k}", k, 0, 1) for k in kinds]
    assert actor_type(actors) == expected


def test_two_local_governments_make_local_local():
    assert actor_type(extract_actors("안양시, 의왕시, 군포시, 과천시")) == "지자체-지자체"
    assert actor_type(extract_actors("안양시 단독"), region_governments=2) == "지자체-지자체"


def test_actor_type_from_the_case_study_participant_lists(case_studies):
    correct = [
        actor_type(extract_actors(", ".join(n for names in cs["participants"].values() for n in names)))
        == cs["actor_type"]
        for cs in case_studies.values()
    ]
    # Case 20 lists 미소금융, a private lender the markers do not know.
    assert sum(correct) == 22


@pytest.mark.parametrize(
    "words, follow, text",
    [
        (["AB", "ABC", "A", "ABCD", "B"], "C", "xABCDx ABCx AC BC ABD"),  # backtracking into shorter words
        (["서울", "서울특별시", "서울특별시청"], "(?=[은는이가]|$)", "서울특별시는 서울이 서울특별시청"),
        (["a.b", "a"], "", "a.b a+b axb"),  # escaped
    ],
)
def test_alternation_matches_what_the_sorted_alternation_matches(words, follow, text):
    ours = [m.span() for m in re.finditer(f"(?:{alternation(words)}){follow}", text)]
    assert ours and ours == [m.span() for m in re.finditer(f"(?:{_sorted_alternation(words)}){follow}", text)]


def test_actor_mentions_are_those_of_the_sorted_alternations(report_text, case_studies):
    """The report's prose and the case studies' narratives give the same mentions, span for span,
    as the same patterns written with plain longest-first alternations."""
    from pipeline.reading import actors

    plain = actors.compile_patterns(_sorted_alternation)
    assert [p.pattern for _, p in plain] != [p.pattern for _, p in actors._patterns()]
    texts = report_text.split("\n") + [c["narrative"] for c in case_studies.values()]
    found = [[(k, m.span()) for k, p in actors._patterns() for m in p.finditer(t)] for t in texts]
    expected = [[(k, m.span()) for k, p in plain for m in p.finditer(t)] for t in texts]
    assert sum(map(len, found)) > 1000 and found == expected


def test_a_firm_is_found_after_a_long_unspaced_run_and_names_stay_bounded():
    """The firm pattern takes at most NAME_LETTERS letters on either side of its marker, so a long
    run without spaces costs linear time (bench/bench_text.py) and still yields the firm after it."""
    from pipeline.reading.actors import NAME_LETTERS

    text = "가" * 5_000 + " ㈜케이티와 협약을 맺었다"
    assert [(a.name, a.kind) for a in extract_actors(text)] == [("㈜케이티", "민간")]
    long_word = "나" * 50 + "상인회"
    firms = [a.name for a in extract_actors(long_word + "와 협력") if a.kind == "민간"]
    assert firms and all(len(name) <= 2 * NAME_LETTERS + 4 for name in firms)
