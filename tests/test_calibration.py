import numpy as np
import pytest

from pipeline.calibration import brier, expected_calibration_error, reliability_table


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
