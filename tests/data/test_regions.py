import pytest

from pipeline.data.regions import load_gazetteer, resolve_region


def test_gazetteer_has_the_243_local_governments():
    govs = load_gazetteer()
    assert len(govs) == 243
    assert sum(g.level == "광역" for g in govs) == 17


@pytest.mark.parametrize(
    ("raw", "canonical", "corrected"),
    [
        ("경기 안양시", "경기 안양시", False),
        ("서울강남구", "서울 강남구", False),
        ("대구광역시달서구", "대구 달서구", False),
        ("부산중구청", "부산 중구", False),
        ("서울시", "서울특별시", False),
        ("인양시", "경기 안양시", True),
        ("전남 여주시", "전남 여수시", True),
        ("경남 창원군", "경남 창원시", True),
        ("충장남도", "충청남도", True),
        ("과산군, 중평군", "충북 괴산군, 충북 증평군", True),
    ],
)
def test_resolves_spellings_and_ocr_variants(raw, canonical, corrected):
    resolved = resolve_region(raw)
    assert resolved.canonical == canonical
    assert ("read as" in resolved.note) is corrected


@pytest.mark.parametrize("raw", ["교육부", "서용성산구", "경상남도 수산자원연구소"])
def test_keeps_non_local_governments_as_written_with_a_note(raw):
    resolved = resolve_region(raw)
    assert resolved.canonical == raw
    assert resolved.governments == ()
    assert "not a local government" in resolved.note


def test_ambiguous_name_is_kept_but_lists_both_governments():
    resolved = resolve_region("고성군")
    assert resolved.canonical == "고성군"
    assert {g.sido_short for g in resolved.governments} == {"강원", "경남"}
