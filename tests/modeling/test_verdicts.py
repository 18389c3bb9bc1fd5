"""The verdict's parts: crops of narratives, class alignment, and the learned pool of two sides."""

import numpy as np
import pandas as pd

from pipeline.modeling.verdicts import StackedDecision, aligned, read_titles, stack_features, with_crops, with_titles
from pipeline.reading.narratives import read_narratives


def test_crops_keep_their_narratives_labels_and_split_group():
    frame = pd.DataFrame(
        {
            "region": ["경기 안양시", "전라남도"],
            "title": ["공동급식", "100원 택시"],
            "description": [
                "세 시가 센터를 세웠습니다. 운영비를 나눕니다. 조례를 만들었습니다. 예산을 확보했습니다. 전국으로 퍼졌습니다.",
                "도와 시군이 운임을 지원합니다. 정보를 공유합니다.",
            ],
            "split_group": ["G1", "G2"],
            "sustainability": ["O", "X"],
        }
    )
    readings = read_narratives(frame)
    cropped, crops = with_crops(frame, readings, lengths=(2, 4))
    # The second narrative has two sentences: no crop of it is shorter than itself.
    assert cropped["crop"].tolist() == [0, 0, 2, 4]
    assert cropped["source_row"].tolist() == [0, 1, 0, 0]
    assert cropped["split_group"].tolist() == ["G1", "G2", "G1", "G1"]
    assert [len(r.sentences) for r in crops] == [5, 2, 2, 4]
    assert crops[2].head == readings[0].head


def test_titles_join_the_split_group_of_their_project_and_come_after_the_narratives():
    narratives = pd.DataFrame(
        {
            "region": ["경기 안양시"],
            "title": ["공동급식"],
            "description": ["세 시가 센터를 세웠습니다. 운영비를 나눕니다."],
            "title_group": ["G2"],
            # G2's narrative retells the project of G1: both sit in split group G1.
            "split_group": ["G1"],
            "service_field": ["교육"],
            "sustainability": ["O"],
        }
    )
    cases = pd.DataFrame(
        {
            "region": ["경기 과천시", "전라남도", "경기 안양시"],
            "title": ["급식센터 공동 운영", "100원 택시", "공동급식"],
            "title_group": ["G1", "G3", "G2"],
            "service_field": ["교육", "생활/편의", "교육"],
            "actor_type": ["지자체-지자체", "지자체-지자체", "지자체-지자체"],
            "tech_applied": ["X", "X", "X"],
            "tech_applicable": ["X", "X", "X"],
            "sustainability": ["O", "X", "△"],
            "resource_sharing": ["O", "O", "O"],
        }
    )
    titles, title_readings = read_titles(cases, narratives)
    assert titles["split_group"].tolist() == ["G1", "G3", "G1"]
    assert titles["description"].tolist() == ["", "", ""]
    assert [len(r.sentences) for r in title_readings] == [0, 0, 0]
    assert [r.head for r in title_readings] == ["경기 과천시 급식센터 공동 운영", "전라남도 100원 택시", "경기 안양시 공동급식"]
    readings = read_narratives(narratives)
    both, both_readings = with_titles(narratives, readings, titles, title_readings)
    assert both["split_group"].tolist() == ["G1", "G1", "G3", "G1"]
    assert both["service_field"].tolist() == ["교육", "교육", "생활/편의", "교육"]
    assert both_readings[0] is readings[0] and both_readings[1:] == title_readings


def test_aligned_puts_columns_in_the_label_order_and_zero_for_a_missing_class():
    proba = np.array([[0.2, 0.8]])
    assert aligned(proba, ["X", "O"], ["O", "X", "△"]).tolist() == [[0.8, 0.2, 0.0]]


def test_the_pool_trusts_the_side_that_knows_and_flags_about_as_often_as_true():
    rng = np.random.default_rng(0)
    n = 600
    truth = rng.random(n) < 0.15
    informed = np.clip(np.where(truth, 0.7, 0.2) + rng.normal(0, 0.1, n), 0.01, 0.99)
    noise = rng.uniform(0.05, 0.95, n)
    as_proba = lambda p: np.column_stack([p, 1 - p])  # noqa: E731  columns in ["O", "X"] order
    X = stack_features(as_proba(noise), as_proba(informed), rng.integers(1, 12, n))
    y = np.where(truth, "O", "X")
    pool = StackedDecision(["O", "X"]).fit(X, y, groups=np.arange(n))
    a_long, _, b_long, _ = pool.theta_[:4]
    assert b_long > 3 * a_long  # the narrative side here carries the signal, the title side none
    flagged = np.mean(pool.predict(X) == "O")
    assert 0.5 * truth.mean() <= flagged <= 2 * truth.mean()
    proba = pool.predict_proba(X)
    assert np.allclose(proba.sum(axis=1), 1.0) and proba[truth, 0].mean() > proba[~truth, 0].mean()


def test_the_pool_ignores_a_side_that_reads_backwards_and_its_gradient_is_right():
    from scipy.optimize import check_grad, minimize

    from pipeline.modeling.verdicts import _pool_loss

    rng = np.random.default_rng(1)
    n = 400
    truth = rng.random(n) < 0.2
    informed = np.clip(np.where(truth, 0.7, 0.2) + rng.normal(0, 0.1, n), 0.01, 0.99)
    backwards = np.clip(np.where(truth, 0.3, 0.6) + rng.normal(0, 0.2, n), 0.01, 0.99)
    as_proba = lambda p: np.column_stack([p, 1 - p])  # noqa: E731  columns in ["O", "X"] order
    X = stack_features(as_proba(backwards), as_proba(informed), rng.integers(0, 12, n))
    y = np.where(truth, "O", "X")
    onehot = (y[:, None] == np.array(["O", "X"])[None, :]).astype(float)
    free = minimize(_pool_loss, np.full(6, 0.5), args=(X, onehot, 1.0), jac=True, method="L-BFGS-B").x
    assert free[0] < 0  # unbounded, the title side is read backwards
    pool = StackedDecision(["O", "X"]).fit(X, y)
    assert (pool.theta_[:4] >= 0).all() and pool.theta_[:2].max() < 1e-6 < pool.theta_[2]
    value = lambda t: _pool_loss(t, X, onehot, 1.0)[0]  # noqa: E731
    gradient = lambda t: _pool_loss(t, X, onehot, 1.0)[1]  # noqa: E731
    assert check_grad(value, gradient, rng.normal(0, 0.5, 6)) < 1e-5
