import pytest

from pipeline.reading.detectors import (
    DONE,
    NEGATED,
    PLANNED,
    POSSIBLE,
    detect_resource_sharing,
    detect_sustainability,
    detect_tech_applicable,
    detect_tech_applied,
    qualifier,
    stated_as_met,
)
from pipeline.text.sentences import split_sentences

# Sentences taken from the report's case studies.
APPLIED = "- IoT와 도시농업의 결합을 통해 지역의 골칫거리인 빈집을 마을의 자원으로 전환하였음"
NEEDED = "- 프로그램의 전반적인 개선을 위한 과학기술의 적용이 필요함"
NOT_CONSIDERED = "- 반면 과학기술의 적용을 통한 개선은 고려되고 있지 않음"
POSSIBLE_TECH = "- 빅데이터를 활용한 커리큘럼 및 프로그램 개선 등 과학기술의 적용가능성은 높은 것으로 판단됨"
SHARED = "- 장소(빈집 및 나대지) 및 인적자원(주민공동체) 공유뿐만 아니라 관내업체의 참여를 통해 지역 상생협력 기반이 구축되고 있음"
ORDINANCE = "- 조례제정을 통한 법적 안정성 확보"
COOPERATIVE = "- 미추홀도시재생사회적협동조합 결성을 통한 안정적 프로그램 운영 기반 마련"
WEAK = "- 어느 정도의 지속가능성은 확보한 것으로 보이지만, 법적 체계 등은 미흡한 실정임(약한 지속가능성 확보)"
PLANNED_ORDINANCE = "- 향후 조례 제정을 추진할 계획임"


def _s(*lines):
    return split_sentences("\n".join(lines))


@pytest.mark.parametrize(
    ("text", "status"),
    [(APPLIED, DONE), (NEEDED, POSSIBLE), (NOT_CONSIDERED, NEGATED), (PLANNED_ORDINANCE, PLANNED)],
)
def test_qualifier(text, status):
    assert qualifier(text) == status


def test_sustainability_noun_is_not_a_hedge():
    # [표 3-14]'s case (충청남도): sharing is done; "지속가능성" only names the criterion.
    text = "- 예산 및 자원을 공유하고, 데이터와 정보를 민관이 실시간으로 공유하여 시스템을 구축하였으며, 기관 협약을 통해 지속가능성을 확보함"
    assert qualifier(text) == DONE
    assert detect_resource_sharing(_s(text)).decision == "O"


def test_tech_applied_needs_a_done_sentence():
    assert detect_tech_applied(_s(APPLIED)).decision == "O"
    assert detect_tech_applied(_s(NEEDED)).decision == "X"
    assert detect_tech_applied(_s(NOT_CONSIDERED)).decision == "X"
    assert detect_tech_applied(_s(POSSIBLE_TECH)).decision == "X"
    assert detect_tech_applied(_s("주민 의견을 수렴함")).evidence == []


@pytest.mark.parametrize(
    "text",
    ["공주시는 ㈜케이티와 협약을 맺고 홀몸어르신 가정에 AI 스피커를 보급했다.", "- 시민 누구나 쓰는 안전귀가 앱을 배포함"],
)
def test_technology_handed_out_or_released_is_applied(text):
    # Reviewers' short entries say a device was handed out (보급) or an app released (배포).
    assert detect_tech_applied(_s(text)).decision == "O"


def test_tech_applicable_accepts_possibilities_but_not_negations():
    assert detect_tech_applicable(_s(POSSIBLE_TECH)).decision == "O"
    assert detect_tech_applicable(_s(NOT_CONSIDERED)).decision == "X"
    applied = detect_tech_applied(_s(APPLIED))
    assert detect_tech_applicable(_s(APPLIED), applied).decision == "O"


def test_resource_sharing():
    found = detect_resource_sharing(_s(SHARED))
    assert found.decision == "O" and found.confidence >= 0.7
    assert detect_resource_sharing(_s("예산 공유는 없음")).decision == "X"


@pytest.mark.parametrize(
    "text",
    ["청주시와 증평군은 광역 소각장을 함께 짓고 운영비를 인구 비율로 나누어 부담한다.", "성남시는 한국전력공사와 전력 설비를 함께 관리한다."],
)
def test_costs_split_and_plant_run_together_are_shared(text):
    assert detect_resource_sharing(_s(text)).decision == "O"
    # "함께" alone, without a resource, shares nothing.
    assert detect_resource_sharing(_s("주민과 함께 축제를 열었다.")).decision == "X"


def test_sustainability_done_partial_planned():
    assert detect_sustainability(_s(ORDINANCE)).decision == "O"
    assert detect_sustainability(_s(COOPERATIVE)).decision == "O"
    assert detect_sustainability(_s(WEAK)).decision == "△"
    assert detect_sustainability(_s(PLANNED_ORDINANCE)).decision == "X"
    assert detect_sustainability(_s("주민 만족도가 높음")).decision == "X"


def test_what_the_report_asks_is_stated_only_by_an_unhedged_sentence_naming_it():
    agreement = "- 양 기관은 업무협약을 체결하여 공동으로 운영하였음"
    assert stated_as_met(detect_sustainability(_s(agreement, ORDINANCE))).cue == "조례"
    # An agreement is a cue, not one of the institutions [표 2-4] names; a planned ordinance is a plan.
    assert stated_as_met(detect_sustainability(_s(agreement, PLANNED_ORDINANCE))) is None
    assert stated_as_met(detect_sustainability(_s("- 회의를 정례화하고 전담 인력을 배치하였음"))).cue == "전담"
    assert APPLIED.endswith(stated_as_met(detect_tech_applied(_s(NEEDED, APPLIED))).text)
    assert stated_as_met(detect_tech_applied(_s(NEEDED))) is None
    assert stated_as_met(detect_tech_applicable(_s(APPLIED))) is None


def test_more_evidence_more_confidence():
    one = detect_sustainability(_s(ORDINANCE))
    two = detect_sustainability(_s(ORDINANCE, COOPERATIVE))
    assert two.confidence > one.confidence


def test_evidence_offsets_point_at_the_deciding_sentence():
    text = "\n".join(["- 주민 만족도가 높음", ORDINANCE, PLANNED_ORDINANCE])
    found = detect_sustainability(split_sentences(text))
    done = [e for e in found.evidence if e.status == DONE]
    assert len(done) == 1
    assert text[done[0].start : done[0].end] == "조례제정을 통한 법적 안정성 확보"
    assert done[0].cue == "조례"
    assert any(e.status == PLANNED for e in found.evidence)
