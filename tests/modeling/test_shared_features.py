"""Shared feature blocks give the probabilities each model gives on its own, to the last bit."""

import numpy as np
import pandas as pd

from pipeline.modeling.narrative_models import NARRATIVE_LABELS, LeftOut, share_text_blocks
from pipeline.modeling.shared_features import SharedFeatures
from pipeline.reading.narratives import read_narratives


def _frame(case_studies, numbers):
    return pd.DataFrame(
        {
            "region": [case_studies[n]["region"] for n in numbers],
            "title": [case_studies[n]["name"] for n in numbers],
            "description": [case_studies[n]["narrative"] for n in numbers],
        }
    )


def test_narrative_models_through_shared_blocks_and_counted_parts(bundle, case_studies):
    readings = read_narratives(_frame(case_studies, [1, 5, 9, 14, 20]))
    left_out = LeftOut.build(readings, [list(range(len(r.sentences))) for r in readings])
    X = pd.Series(readings, dtype=object)
    shared = SharedFeatures()
    models = bundle["narrative"]["models"]
    share_text_blocks(shared, models[NARRATIVE_LABELS[0]], X, left_out)
    blocks = dict(models[NARRATIVE_LABELS[0]].estimator_.named_steps["features"].transformer_list)
    assert all(shared.holds(blocks[name], data) for name in ("chars", "morphemes") for data in (X, left_out.variants))
    for label in NARRATIVE_LABELS:
        model = models[label]
        for data in (X, left_out.variants):
            alone = model.predict_proba(data)
            together = model.calibrate(shared.predict_proba(model.estimator_, data))
            assert np.abs(alone - together).max() <= 1e-12, label
    # Each text block was computed once for every model that keeps it (and given, not
    # recomputed); a recipe that leaves a block out holds "drop" in its place.
    for name in ("chars", "morphemes"):
        kept = [b for b in (dict(m.estimator_.named_steps["features"].transformer_list)[name] for m in models.values()) if b != "drop"]
        assert len(kept) >= 2 and len({shared.digest(b) for b in kept}) == 1, name


def test_title_models_share_one_feature_computation(bundle, case_studies):
    titles = _frame(case_studies, list(case_studies))[["region", "title"]]
    shared = SharedFeatures()
    for label, model in bundle["models"].items():
        pipeline = getattr(model, "best_estimator_", model)
        assert np.abs(model.predict_proba(titles) - shared.predict_proba(pipeline, titles)).max() <= 1e-12, label
    digests = {shared.digest(getattr(m, "best_estimator_", m).named_steps["features"]) for m in bundle["models"].values()}
    assert len(digests) == 1  # the five unions are equal after fitting: computed once per batch


def test_a_block_is_known_by_the_same_digest_before_and_after_it_transforms(bundle, case_studies):
    """A digest that changed on first use (sklearn's word analyzer caches an attribute) made every
    model after the first recompute the block it should have shared."""
    import joblib

    morphemes = dict(bundle["narrative"]["models"]["actor_type"].estimator_.named_steps["features"].transformer_list)["morphemes"]
    title_union = getattr(bundle["models"]["actor_type"], "best_estimator_", bundle["models"]["actor_type"]).named_steps["features"]
    before = joblib.hash(morphemes), joblib.hash(title_union)
    morphemes.transform(pd.Series(read_narratives(_frame(case_studies, [2])), dtype=object))
    title_union.transform(["서울 중구 공동급식지원센터 운영"])
    assert (joblib.hash(morphemes), joblib.hash(title_union)) == before
