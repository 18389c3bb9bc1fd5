"""How far a model's probabilities can be trusted: Brier score and reliability (top-label) curves.

Reviewers read `<label>_proba` as confidence and `needs_review` is cut on it, so the model owner
needs to see whether 0.8 means right four times in five. Figures come from out-of-fold
probabilities, never from the data a model was fitted on.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.calibration import calibration_curve
from sklearn.metrics import brier_score_loss

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
