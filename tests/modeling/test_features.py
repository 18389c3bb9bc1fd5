import numpy as np
import pandas as pd

from pipeline.modeling.features import DomainCues, title_features
from pipeline.text.compose import compose_text


def test_compose_text_joins_present_columns_and_tolerates_missing_ones():
    frame = pd.DataFrame({"title": ["공동급식지원센터  운영"], "region": ["경기 안양시"]})
    assert compose_text(frame) == ["경기 안양시 공동급식지원센터 운영"]
    frame["description"] = [None]
    assert compose_text(frame) == ["경기 안양시 공동급식지원센터 운영"]
    frame["description"] = ["- 4개 시가  공동으로 설립"]
    assert compose_text(frame) == ["경기 안양시 공동급식지원센터 운영\n- 4개 시가 공동으로 설립"]


def test_domain_cues_read_only_the_head_line():
    head_only = DomainCues().transform(["경기 안양시 공동급식 운영"])
    with_body = DomainCues().transform(["경기 안양시 공동급식 운영\n서울 부산 대구 인천 공동 협의회 빅데이터"])
    assert (head_only == with_body).all()


def test_domain_cues_count_governments_partners_and_technology():
    cues = DomainCues().transform(
        ["충북 진천군 음성군 증평군 괴산군 공동 협의회", "서울 영등포구 여성안심 빅데이터 플랫폼", "교육부 대학생 연합기숙사"]
    )
    counts = np.expm1(cues).round().astype(int)
    assert counts[0, 0] == 3  # 충북, 진천군, 음성군, 증평군, 괴산군: 5, capped at CUE_COUNT_CAP
    assert counts[0, 3] == 2  # 공동, 협의회
    assert counts[1, 0] == 2 and counts[1, 3] == 0
    assert counts[2, 2] == 1  # 교육부: a central body
    assert counts[1, 6] == 3 and counts[1, 7] == 1  # 빅데이터, 데이터 (inside it), 플랫폼
    assert counts[0, 6] == 0 and counts[0, 7] == 0


def test_title_features_shape_with_and_without_embeddings():
    texts = ["경기 안양시 공동급식지원센터 운영", "전라남도 100원 택시"]
    without = title_features().fit_transform(texts)
    with_use = title_features(use_encoder=True).fit_transform(texts)
    assert with_use.shape[1] == without.shape[1] + 512
