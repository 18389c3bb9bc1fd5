"""The data card's figures computed from the cases."""

import pandas as pd

from pipeline.data.dataset import load_cases
from pipeline.data.datacard import label_agreement


def _case(group: str, region: str, field: str) -> dict:
    return {"title_group": group, "region": region, "service_field": field, "actor_type": "지자체-기타",
            "tech_applied": "X", "tech_applicable": "X", "sustainability": "X"}


def test_agreement_counts_pairs_within_a_group_and_apart_those_in_one_region():
    cases = pd.DataFrame(
        [
            _case("G1", "서울 강동구", "안전/치안"),
            _case("G1", "서울 강동구", "생활/편의"),
            _case("G1", "경기 파주시", "안전/치안"),
            _case("G2", "전남 고흥군", "사회복지"),
        ]
    )
    rows = {row[0]: row[1:] for row in label_agreement(cases)}
    # G1 has three pairs, one of them in one region (and disagreeing); G2 alone has none.
    assert rows["service_field"] == ["0 of 1", "1 of 3"]
    assert rows["actor_type"] == ["1 of 1", "3 of 3"]


def test_the_report_gives_one_case_listed_twice_two_service_fields():
    cases = load_cases()
    rows = {row[0]: row[1:] for row in label_agreement(cases)}
    twice = cases[cases["title"].str.startswith("길고양이 급식소")]
    assert twice["region"].nunique() == 1 and twice["service_field"].nunique() == 2
    agreed, pairs = (int(x) for x in rows["service_field"][0].split(" of "))
    assert agreed < pairs
