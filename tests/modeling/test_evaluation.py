import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier

from pipeline.modeling.evaluation import evaluate_target, make_folds
from pipeline.modeling.models import target_labels

SEEN: dict[str, list[tuple[frozenset, int]]] = {}


class _Recorder(ClassifierMixin, BaseEstimator):
    """Records which cases it was trained on; predicts the majority label."""

    def __init__(self, name: str = "") -> None:
        self.name = name

    def fit(self, X, y, groups=None):
        SEEN.setdefault(self.name, []).append(frozenset(X["id"]))
        self.dummy_ = DummyClassifier().fit(X, y)
        self.classes_ = self.dummy_.classes_
        return self

    def predict(self, X):
        return self.dummy_.predict(X)


def test_folds_never_split_a_title_group(dataset):
    cases = dataset.cases
    y = target_labels(cases, "service_field")
    folds = make_folds(y, cases["title_group"], repeats=3, folds=5)
    assert len(folds) == 15
    for fold in folds:
        train_groups = set(cases["title_group"].iloc[fold.train])
        test_groups = set(cases["title_group"].iloc[fold.test])
        assert not train_groups & test_groups
        assert len(fold.train) + len(fold.test) == len(cases)
    # Each repeat's test sets partition the data.
    for r in range(3):
        tests = np.concatenate([f.test for f in folds if f.repeat == r])
        assert sorted(tests) == list(range(len(cases)))


def test_every_estimator_sees_identical_folds(dataset):
    SEEN.clear()
    builders = {"model": lambda: _Recorder("model"), "majority": lambda: _Recorder("majority"), "char_ngram_lr": lambda: _Recorder("char")}
    result = evaluate_target(dataset.cases, "tech_applied", repeats=2, folds=3, builders=builders, n_jobs=1)
    assert len(SEEN["model"]) == 6
    assert SEEN["model"] == SEEN["majority"] == SEEN["char"]
    assert set(result.summary()) == {"model", "majority", "char_ngram_lr"}
    assert all(p is not None for p in result.oof["model"])


def test_majority_baseline_scores_what_majority_scores(dataset):
    result = evaluate_target(
        dataset.cases, "tech_applied", repeats=1, folds=3,
        builders={"majority": lambda: _Recorder("majority")}, n_jobs=1,
    )
    s = result.summary()["majority"]
    share_x = (dataset.cases["tech_applied"] == "X").mean()
    assert abs(s["accuracy_mean"] - share_x) < 0.02
    assert abs(s["macro_f1_mean"] - share_x / (1 + share_x)) < 0.02  # F1 of X; 0 for O


def test_a_train_mask_limits_what_one_estimator_learns_and_subsets_are_scored(dataset):
    SEEN.clear()
    cases = dataset.cases
    old = (np.arange(len(cases)) % 4 != 0)  # as if every fourth case were newly added
    builders = {"model": lambda: _Recorder("all"), "champion": lambda: _Recorder("part")}
    result = evaluate_target(
        cases, "tech_applied", repeats=1, folds=3, builders=builders, n_jobs=1,
        train_masks={"champion": old}, subsets={"trusted": old},
    )
    allowed = frozenset(cases["id"][old])
    for everything, part in zip(SEEN["all"], SEEN["part"]):
        assert part == everything & allowed and part < everything
    assert all("macro_f1_trusted" in fold for fold in result.scores["champion"])
    assert "macro_f1_trusted_mean" in result.summary()["model"]


def test_the_majority_baselines_brier_score_is_its_error_rate_twice(dataset):
    from pipeline.modeling.models import make_majority

    result = evaluate_target(dataset.cases, "tech_applied", repeats=1, folds=3, builders={"majority": make_majority}, n_jobs=1)
    s = result.summary()["majority"]
    share_o = (dataset.cases["tech_applied"] == "O").mean()
    # One-hot on X: each O case misses by 1 on both classes, each X case is exact.
    assert abs(s["brier"] - 2 * share_o) < 1e-9
    assert abs(s["ece"] - share_o) < 1e-9


def test_held_out_title_groups_are_whole_and_never_case_studies():
    from pipeline.data.dataset import load_cases
    from pipeline.modeling.evaluation import hold_out_title_groups

    cases = load_cases()
    kept, held = hold_out_title_groups(cases, 0.25)
    assert len(kept) + len(held) == len(cases)
    assert not set(kept["title_group"]) & set(held["title_group"])
    assert (held["case_study"] == "").all() and (kept["case_study"] != "").sum() == 23
    assert 0.2 < held["title_group"].nunique() / cases["title_group"].nunique() < 0.3
