import pandas as pd
import pytest

from pipeline import config
from pipeline.modeling.predict import predict_frame


def test_title_only_predictions(bundle):
    frame = pd.DataFrame({"title": ["여성안심 빅데이터 CPTED 플랫폼 구축", "공동급식지원센터 운영"], "region": ["서울 영등포구", ""]})
    out = predict_frame(bundle["models"], frame)
    assert list(out.columns) == [c for t in config.TARGETS for c in (t, f"{t}_proba")]
    assert set(out["service_field"]) <= set(config.SERVICE_FIELDS)
    assert ((out["tech_applied_proba"] >= 0.5) & (out["tech_applied_proba"] <= 1)).all()  # the chosen class


def test_title_is_required(bundle):
    with pytest.raises(ValueError, match="title"):
        predict_frame(bundle["models"], pd.DataFrame({"region": ["서울"]}))
