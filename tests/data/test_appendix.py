from collections import Counter

import pytest

from pipeline.data.appendix import normalise_mark, parse_appendix, split_name


def test_parses_every_appendix_case_in_order(report_text):
    cases = parse_appendix(report_text)
    assert len(cases) == 601
    assert cases[0].raw_name == "광주광역시 (마을문경해결센터)"
    assert cases[0].source_line == 2301
    assert cases[-1].raw_name == "부신금정구 (북한문화공간, 금정북파크작은도서관)"


def test_actor_type_blocks_match_table_3_1(report_text):
    counts = Counter(c.cells["actor_type"] for c in parse_appendix(report_text))
    assert counts == {
        "지자체-기타": 271,
        "지자체-민간": 184,
        "지자체-지자체": 115,
        "지자체-중앙": 21,
        "지자체-중앙-민간": 10,
    }


@pytest.mark.parametrize(
    ("raw", "region", "title", "note"),
    [
        ("경기 안양시 (복지서비스 구축)", "경기 안양시", "복지서비스 구축", None),
        ("경기 용인시 (엄마 맘(Mom)을 채우다.)", "경기 용인시", "엄마 맘(Mom)을 채우다.", None),
        ("서울 도봉구 (반학진) 한글문화거리 조성 사업)", "서울 도봉구", "반학진 한글문화거리 조성 사업", "stray"),
        ("전남 정흥군 (‘아이비’ 교실) 운영)", "전남 정흥군", "‘아이비’ 교실 운영", "stray"),
        (
            "대전광역시 (재난 예·경보 시스템 구축)(폭력 없는 안전사회 실현)",
            "대전광역시",
            "재난 예·경보 시스템 구축 / 폭력 없는 안전사회 실현",
            "two parenthesised",
        ),
        ("천안시, 아산시", "천안시, 아산시", "", "no parenthesised title"),
        ("경기도(경기만 예코뮤지엄 조성사업)", "경기도", "경기만 예코뮤지엄 조성사업", None),
        ("청주시 (시작만 하고 끝이 없는", "청주시", "시작만 하고 끝이 없는", "no closing"),
    ],
)
def test_split_name_handles_odd_names(raw, region, title, note):
    got_region, got_title, notes = split_name(raw)
    assert (got_region, got_title) == (region, title)
    if note is None:
        assert notes == []
    else:
        assert any(note in n for n in notes)


@pytest.mark.parametrize(
    ("raw", "mark", "noted"),
    [("O", "O", False), ("○", "O", False), ("0", "O", True), ("X", "X", False), ("△", "△", False)],
)
def test_normalise_mark_reads_ocr_spellings(raw, mark, noted):
    got, note = normalise_mark(raw)
    assert got == mark
    assert bool(note) is noted


def test_normalise_mark_rejects_unknown_and_flags_empty():
    with pytest.raises(ValueError):
        normalise_mark("?")
    assert normalise_mark(" ") == ("", "empty mark cell")
