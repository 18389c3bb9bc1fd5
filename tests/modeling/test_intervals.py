import numpy as np
import pytest

from pipeline.modeling.intervals import COMPARISONS, comparison_intervals, format_intervals, headline_score

LABELS = ("actor_type", "service_field", "tech_applied", "tech_applicable", "sustainability", "meets_criteria")


def _criterion(n: int = 200, seed: int = 0):
    rng = np.random.default_rng(seed)
    truth = np.where(rng.random(n) < 0.2, "O", "X").astype(object)
    informed = np.where(truth == "O", 0.7, 0.3) + rng.normal(0, 0.15, n)  # ranks O well
    guess = rng.random(n)  # ranks at chance
    label = lambda p: np.where(p > 0.5, "O", "X").astype(object)  # noqa: E731
    return truth, {
        ("whole", "model"): [(label(informed), informed)],
        ("whole", "char_ngram_lr"): [(label(guess), guess)],
        ("first_2", "model"): [(label(informed), informed)],
    }


def test_a_model_that_ranks_far_better_than_chance_has_a_margin_whose_interval_excludes_zero():
    truth, predictions = _criterion()
    rows = np.ones(len(truth), dtype=bool)
    found = comparison_intervals("sustainability", truth, predictions, rows, resamples=300)
    assert found["metric"] == "roc_auc"
    model = found["model"]
    assert model["estimate"] == pytest.approx(headline_score("sustainability", truth, *predictions[("whole", "model")][0]))
    assert model["low"] < model["estimate"] < model["high"]
    assert found["model_minus_char_ngram_lr"]["low"] > 0.2
    # The same predictions at both lengths: no gap, and no width either.
    assert found["whole_minus_first_2"] == {"estimate": 0.0, "low": 0.0, "high": 0.0}


def test_the_interval_is_of_the_rows_asked_for_and_narrows_with_more_of_them():
    truth, predictions = _criterion(n=800, seed=1)
    few = np.zeros(len(truth), dtype=bool)
    few[:100] = True
    width = lambda rows: (lambda c: c["high"] - c["low"])(comparison_intervals("tech_applied", truth, predictions, rows, resamples=300)["model"])  # noqa: E731
    assert width(np.ones(len(truth), dtype=bool)) < width(few)
    # An estimator that was not scored leaves its comparison out.
    shown = comparison_intervals("tech_applied", truth, {("whole", "model"): predictions[("whole", "model")]}, few, resamples=50)
    assert set(shown) == {"metric", "confidence", "resamples", "model"}
    # Rows of one class have no ranking to measure (the 23 case studies' sustainability).
    negatives = truth == "X"
    assert set(comparison_intervals("tech_applied", truth, predictions, negatives, resamples=50)) == {"metric", "confidence", "resamples"}


def test_the_headline_auc_is_sklearns_ties_included():
    from sklearn.metrics import roc_auc_score

    truth, predictions = _criterion(n=300, seed=2)
    p = np.round(predictions[("whole", "model")][0][1], 1)  # coarse, so many scores tie
    assert headline_score("tech_applied", truth, None, p) == pytest.approx(roc_auc_score(truth == "O", p))


def test_a_class_label_is_judged_by_accuracy_over_repeats():
    truth = np.array(["가", "나", "다", "가"] * 25, dtype=object)
    right, wrong = truth.copy(), np.where(truth == "가", "나", "가").astype(object)
    found = comparison_intervals("service_field", truth, {("whole", "model"): [(right, None), (wrong, None)]}, np.ones(100, dtype=bool), resamples=50)
    assert found["metric"] == "accuracy"
    # The mean over repeats, as the evaluation reports it: one repeat right, one all wrong.
    assert found["model"]["estimate"] == pytest.approx(0.5)


def test_the_evaluation_reports_an_interval_around_each_headline_figure(trained):
    evaluated = trained[2]["narrative_metrics"]
    intervals = evaluated["intervals"]
    assert set(intervals) == set(LABELS)
    for label in LABELS:
        found = intervals[label]
        assert set(found) == {"metric", "confidence", "resamples", *COMPARISONS}
        reported = evaluated["appendix_narratives"][label]["model"][found["metric"]]
        assert found["model"]["estimate"] == pytest.approx(reported), label
        for name in COMPARISONS:
            assert found[name]["low"] <= found[name]["estimate"] <= found[name]["high"], (label, name)
    table = format_intervals(intervals, "appendix_narratives", evaluated["n"]["appendix_narratives"])
    assert table.startswith("intervals, appendix_narratives (n=259): 90% case bootstrap (1000 resamples)")
    assert len(table.splitlines()) == 2 + len(LABELS)
