"""How far a model's probabilities can be trusted: Brier score and reliability (top-label) curves.

Reviewers read `<label>_proba` as confidence and `needs_review` is cut on it, so the model owner
needs to see whether 0.8 means right four times in five. Figures come from out-of-fold
probabilities, never from the data a model was fitted on.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV, calibration_curve
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import brier_score_loss
from sklearn.model_selection import StratifiedGroupKFold

from pipeline import config


def brier(truth: Sequence[str], proba: np.ndarray, labels: list[str]) -> float:
    """Multi-class Brier score (sum over classes of squared error, mean over cases; 0 is perfect).

    With two classes this is twice the usual binary Brier score; sklearn reports the binary one,
    so it is rescaled to keep one definition across targets.
    """
    score = float(brier_score_loss(list(truth), proba, labels=labels))
    return 2.0 * score if len(labels) == 2 else score


def reliability_table(
    truth: Sequence[str], proba: np.ndarray, labels: list[str], bins: int = config.CALIBRATION_BINS
) -> pd.DataFrame:
    """Top-label reliability: per confidence bin, mean confidence, accuracy and case count.

    Top-label (the predicted class's probability against whether it was right) works the same
    for two classes and for nine, which is what a reviewer sees in `<label>_proba`.
    """
    confidence = proba.max(axis=1)
    correct = np.asarray(labels)[proba.argmax(axis=1)] == np.asarray(truth)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.searchsorted(edges[1:-1], confidence)  # calibration_curve's own binning
    # As floats, calibration_curve accepts a bin set where every prediction was right.
    accuracy, mean_confidence = calibration_curve(correct.astype(float), confidence, n_bins=bins, strategy="uniform")
    counts = np.bincount(which, minlength=bins)
    occupied = np.flatnonzero(counts)
    return pd.DataFrame(
        {
            "bin_low": edges[occupied],
            "bin_high": edges[occupied + 1],
            "mean_confidence": mean_confidence,
            "accuracy": accuracy,
            "count": counts[occupied],
        }
    )


def expected_calibration_error(table: pd.DataFrame) -> float:
    """Case-weighted mean gap between confidence and accuracy over the bins."""
    weights = table["count"] / table["count"].sum()
    return float((weights * (table["mean_confidence"] - table["accuracy"]).abs()).sum())


def rate_threshold(p_positive: np.ndarray, truth: np.ndarray, positive: str = config.MARK_YES) -> float:
    """The threshold on P(positive) that flags as many of these cases as are truly `positive`."""
    return float(np.quantile(p_positive, 1.0 - float(np.mean(np.asarray(truth) == positive))))


class _GivenProbabilities(ClassifierMixin, BaseEstimator):
    """A "classifier" whose input already is class probabilities: lets sklearn's calibration
    methods be fitted on out-of-fold probabilities (wrapped in FrozenEstimator)."""

    def __init__(self, classes: Sequence[str] = ()) -> None:
        self.classes = classes

    def fit(self, X: np.ndarray, y: object = None) -> "_GivenProbabilities":
        self.classes_ = np.asarray(self.classes)
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(X, dtype=float)

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        p = np.clip(np.asarray(X, dtype=float), 1e-12, 1.0)
        # Log-odds for two classes (what Platt scaling expects), log-probabilities (logits up to a
        # constant) for more (what temperature scaling expects).
        return np.log(p[:, 1]) - np.log(p[:, 0]) if p.shape[1] == 2 else np.log(p)

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.classes_[np.asarray(X).argmax(axis=1)]


def _rows(X, rows: np.ndarray):
    return X.iloc[rows] if hasattr(X, "iloc") else [X[i] for i in rows]


def _fit(estimator: BaseEstimator, X, y: np.ndarray, rows: np.ndarray) -> BaseEstimator:
    return estimator.fit(_rows(X, rows), y[rows])


def _aligned(estimator: BaseEstimator, proba: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Columns of a fold model's probabilities in the order of `classes` (a class its training
    part lacked gets 0, as cross_val_predict gives it)."""
    out = np.zeros((len(proba), len(classes)))
    for j, c in enumerate(estimator.classes_):
        out[:, list(classes).index(c)] = proba[:, j]
    return out


class CalibratedDecision(ClassifierMixin, BaseEstimator):
    """A classifier with probabilities calibrated on its own out-of-fold predictions.

    `fit` gets out-of-fold probabilities of `estimator` from grouped, stratified folds of the
    training data only (pass `groups=`), fits the calibration on them (Platt scaling for two
    classes, temperature scaling for more: it keeps the estimator's ranking of classes), and fits
    `estimator` on all of it. With two classes the decision is not p >= 0.5: the threshold is set
    so that the share of training cases flagged out of fold equals the share truly `positive`,
    so a rare label is flagged about as often as it occurs. `n_jobs` runs the folds in parallel.
    """

    def __init__(
        self, estimator: BaseEstimator, folds: int = config.CALIBRATION_FOLDS, seed: int = config.SEED,
        positive: str = config.MARK_YES, n_jobs: int | None = None,
    ) -> None:
        self.estimator = estimator
        self.folds = folds
        self.seed = seed
        self.positive = positive
        self.n_jobs = n_jobs

    def fit(self, X, y, groups=None) -> "CalibratedDecision":

        y = np.asarray(y).astype(str)
        groups = np.arange(len(y)) if groups is None else np.asarray(groups)
        self.classes_ = np.unique(y)
        splits = list(StratifiedGroupKFold(self.folds, shuffle=True, random_state=self.seed).split(np.zeros(len(y)), y, groups))
        # The folds' fits and the final fit are one batch of jobs, so the cores stay busy.
        fits = Parallel(n_jobs=self.n_jobs)(
            delayed(_fit)(clone(self.estimator), X, y, rows) for rows in [train for train, _ in splits] + [np.arange(len(y))]
        )
        self.estimator_ = fits[-1]
        oof = np.zeros((len(y), len(self.classes_)))
        for fitted, (_, test) in zip(fits, splits):
            oof[test] = _aligned(fitted, fitted.predict_proba(_rows(X, test)), self.classes_)
        method = "sigmoid" if len(self.classes_) == 2 else "temperature"
        given = FrozenEstimator(_GivenProbabilities(list(self.classes_)).fit(oof))
        self.calibrator_ = CalibratedClassifierCV(given, method=method).fit(oof, y)
        # The training cases' calibrated out-of-fold probabilities: what a model stacked on this
        # one (modeling.verdicts) learns from, so that no case's own label reaches its input.
        self.oof_proba_ = self.calibrator_.predict_proba(oof)
        self.threshold_ = None
        if len(self.classes_) == 2 and self.positive in self.classes_:
            p = self.calibrator_.predict_proba(oof)[:, list(self.classes_).index(self.positive)]
            self.threshold_ = rate_threshold(p, y, self.positive)
        return self

    def raw_proba(self, X) -> np.ndarray:
        """The uncalibrated estimator's probabilities."""
        return self.estimator_.predict_proba(X)

    def calibrate(self, raw: np.ndarray) -> np.ndarray:
        """Calibrated probabilities from `raw_proba` output."""
        return self.calibrator_.predict_proba(raw)

    def predict_proba(self, X) -> np.ndarray:
        return self.calibrate(self.raw_proba(X))

    def decide(self, proba: np.ndarray) -> np.ndarray:
        """Labels from calibrated probabilities: the learned threshold for two classes, else argmax."""
        if self.threshold_ is None:
            return self.classes_[proba.argmax(axis=1)]
        positive = list(self.classes_).index(self.positive)
        negative = self.classes_[1 - positive]
        return np.where(proba[:, positive] >= self.threshold_, self.positive, negative)

    def predict(self, X) -> np.ndarray:
        return self.decide(self.predict_proba(X))
