from pipeline.data.normalise import normalise_title
from pipeline.data.title_groups import assign_title_groups


def _groups(titles, regions=None):
    regions = regions or ["r"] * len(titles)
    return assign_title_groups([normalise_title(t) for t in titles], regions)


def test_exact_and_ocr_variants_share_a_group():
    g = _groups(["간강직장 만들기 사업", "건강직장 만들기 사업", "청년 일자리"])
    assert g[0] == g[1] != g[2]


def test_lower_bar_applies_only_within_one_local_government():
    titles = ["동두천 신시가지 위취해소", "신시가지 약취해소"]
    same = assign_title_groups([normalise_title(t) for t in titles], ["경기 동두천시"] * 2)
    other = assign_title_groups([normalise_title(t) for t in titles], ["경기 동두천시", "경기 파주시"])
    assert same[0] == same[1]
    assert other[0] != other[1]


def test_groups_are_transitive_and_numbered_by_first_appearance():
    g = _groups(["국세·지방세 통합민원실 설치", "무관한 사업", "국세-지법세 통합민원실 설치", "국세·지방세 통합민원실 운영"])
    assert g == ["G0001", "G0002", "G0001", "G0001"]


def test_empty_titles_never_merge():
    g = _groups(["", "", "도서관"])
    assert len(set(g)) == 3


def test_appendix_duplicates_are_grouped(dataset):
    cases = dataset.cases
    by_title = cases.groupby("title_norm")["title_group"].nunique()
    assert (by_title[by_title.index != ""] == 1).all(), "a normalised title spans two groups"
    tongham = cases[cases["title"].str.contains("통합민원실")]
    assert tongham["title_group"].nunique() == 1 and len(tongham) == 4
    assert cases["title_group"].nunique() == dataset.validation["n_title_groups"] < 601
