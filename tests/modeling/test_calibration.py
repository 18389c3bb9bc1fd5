import numpy as np
import pytest

from pipeline.modeling.calibration import brier, expected_calibration_error, reliability_table


def test_brier_is_zero_when_certain_and_right_and_the_same_for_two_or_more_classes():
    labels = ["O", "X"]
    assert brier(["O", "X"], np.array([[1.0, 0.0], [0.0, 1.0]]), labels) == 0.0
    # Certain and wrong: squared error 1 on each of the two classes.
    assert brier(["O"], np.array([[0.0, 1.0]]), labels) == pytest.approx(2.0)
    assert brier(["a"], np.array([[0.0, 1.0, 0.0]]), ["a", "b", "c"]) == pytest.approx(2.0)
    assert brier(["a", "b"], np.array([[0.5, 0.5, 0.0], [0.5, 0.5, 0.0]]), ["a", "b", "c"]) == pytest.approx(0.5)


def test_reliability_table_bins_top_label_confidence_against_accuracy():
    labels = ["O", "X"]
    proba = np.array([[0.95, 0.05], [0.92, 0.08], [0.15, 0.85], [0.55, 0.45], [0.4, 0.6]])
    truth = ["O", "X", "X", "O", "O"]
    table = reliability_table(truth, proba, labels, bins=10)
    assert table["count"].sum() == 5
    top = table.set_index("bin_low")
    # The 0.9-1.0 bin: two predictions at 0.95 and 0.92, one right.
    assert top.loc[0.9, "count"] == 2 and top.loc[0.9, "accuracy"] == 0.5
    assert top.loc[0.9, "mean_confidence"] == pytest.approx(0.935)
    # The 0.5-0.6 bin holds 0.55 (right) and 0.6 (wrong).
    assert top.loc[0.5, "count"] == 2 and top.loc[0.5, "accuracy"] == 0.5
    assert 0.0 < expected_calibration_error(table) < 1.0


def test_a_perfectly_calibrated_set_has_no_calibration_error():
    proba = np.array([[1.0, 0.0], [0.0, 1.0]])
    table = reliability_table(["O", "X"], proba, ["O", "X"])
    assert expected_calibration_error(table) == 0.0


def _imbalanced(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A rare positive class (about 1 in 10) that one noisy feature partly separates."""
    rng = np.random.default_rng(seed)
    y = np.where(rng.random(n) < 0.1, "O", "X")
    x = rng.normal(size=(n, 1)) + 1.5 * (y == "O")[:, None]
    return x, y


def test_calibrated_decision_flags_about_as_often_as_the_label_occurs():
    from sklearn.linear_model import LogisticRegression

    from pipeline.modeling.calibration import CalibratedDecision

    x, y = _imbalanced(2000, 0)
    balanced = LogisticRegression(class_weight="balanced")
    model = CalibratedDecision(balanced).fit(x, y)
    x_new, y_new = _imbalanced(4000, 1)
    flagged = np.mean(model.predict(x_new) == "O")
    true_rate = np.mean(y_new == "O")
    assert abs(flagged - true_rate) < 0.03
    # Balanced class weights alone flag several times the true rate; calibration fixes the
    # probabilities too: their mean is close to the true rate, the raw ones are not.
    raw = balanced.fit(x, y).predict(x_new)
    assert np.mean(raw == "O") > 2 * true_rate
    p = model.predict_proba(x_new)[:, list(model.classes_).index("O")]
    assert abs(p.mean() - true_rate) < 0.02
    assert abs(model.raw_proba(x_new)[:, 0].mean() - true_rate) > 0.1


def test_calibrated_decision_keeps_the_ranking_of_classes_when_there_are_more_than_two():
    from sklearn.linear_model import LogisticRegression

    from pipeline.modeling.calibration import CalibratedDecision

    rng = np.random.default_rng(0)
    y = rng.choice(["가", "나", "다"], size=600)
    x = rng.normal(size=(600, 2)) + np.array([{"가": (1, 0), "나": (0, 1), "다": (-1, -1)}[v] for v in y])
    model = CalibratedDecision(LogisticRegression()).fit(x, y)
    assert model.threshold_ is None
    raw, calibrated = model.raw_proba(x), model.predict_proba(x)
    np.testing.assert_allclose(calibrated.sum(axis=1), 1.0)
    assert (raw.argmax(axis=1) == calibrated.argmax(axis=1)).all()
