"""How far the narrative evaluation's headline figures could move with another sample of cases.

The 263 appendix narratives hold 24 sustainability positives, so a difference of 0.03 in ROC-AUC
is within what resampling the cases moves it by. Each headline comparison (the verdict alone,
the verdict against the character n-gram baseline, the whole narrative against its first two
sentences) gets a percentile interval from a case bootstrap of the out-of-fold predictions
(`scipy.stats.bootstrap`): the folds are not refitted, so the interval is the sampling error of
the figure on these folds, not of the training procedure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy.stats import bootstrap, mannwhitneyu
from sklearn.metrics import accuracy_score

from pipeline import config

# Per repeat, one estimator's out-of-fold (predicted labels, P(O) or None) over every narrative.
Predictions = Sequence[tuple[np.ndarray, np.ndarray | None]]
# Comparison name -> (length, estimator) minus (length, estimator) or nothing.
COMPARISONS: dict[str, tuple[tuple[str, str], tuple[str, str] | None]] = {
    "model": (("whole", "model"), None),
    "model_minus_char_ngram_lr": (("whole", "model"), ("whole", "char_ngram_lr")),
    "whole_minus_first_2": (("whole", "model"), ("first_2", "model")),
}


def headline_metric(label: str) -> str:
    """The figure a label's goal is set in: ROC-AUC for a criterion, accuracy otherwise."""
    return "roc_auc" if label in config.NARRATIVE_CRITERIA else "accuracy"


def headline_score(label: str, truth: np.ndarray, predicted: np.ndarray, p_yes: np.ndarray | None) -> float:
    """`headline_metric(label)` of one estimator's predictions (P(O) for a criterion)."""
    if headline_metric(label) == "roc_auc":
        # ROC-AUC as the Mann-Whitney U over (positives, negatives), ties counted half: the same
        # figure as sklearn's roc_auc_score at a third of its cost, which the resamples repeat.
        positive = truth == config.MARK_YES
        u = mannwhitneyu(p_yes[positive], p_yes[~positive], method="asymptotic", use_continuity=False).statistic
        return float(u / (positive.sum() * (~positive).sum()))
    return float(accuracy_score(truth, predicted))


def comparison_intervals(
    label: str,
    truth: np.ndarray,
    predictions: Mapping[tuple[str, str], Predictions],
    rows: np.ndarray,
    resamples: int = config.BOOTSTRAP_RESAMPLES,
    confidence: float = config.BOOTSTRAP_CONFIDENCE,
    seed: int = config.SEED,
) -> dict:
    """{"metric", "confidence", "resamples", comparison -> {"estimate", "low", "high"}} on `rows`
    (a boolean mask), each estimate the mean over repeats as the evaluation reports it.
    Comparisons whose estimators were not scored are left out, and all of them where the rows
    hold one class of a criterion (no ranking to measure, as in `label_metrics`)."""
    out: dict = {"metric": headline_metric(label), "confidence": confidence, "resamples": resamples}
    if out["metric"] == "roc_auc" and len(set(truth[rows] == config.MARK_YES)) < 2:
        return out
    wanted = {name: pair for name, pair in COMPARISONS.items() if all(side is None or side in predictions for side in pair)}
    sides = sorted({side for pair in wanted.values() for side in pair if side is not None})
    index = np.flatnonzero(rows)

    def statistic(sample: np.ndarray) -> np.ndarray:
        score = {
            side: np.mean([headline_score(label, truth[sample], predicted[sample], None if p is None else p[sample]) for predicted, p in predictions[side]])
            for side in sides
        }
        return np.array([score[a] - (score[b] if b is not None else 0.0) for a, b in wanted.values()])

    estimate = statistic(index)
    result = bootstrap(
        (index,), statistic, vectorized=False, n_resamples=resamples, confidence_level=confidence, method="percentile", random_state=seed,
    ).confidence_interval
    for i, name in enumerate(wanted):
        out[name] = {"estimate": float(estimate[i]), "low": float(np.atleast_1d(result.low)[i]), "high": float(np.atleast_1d(result.high)[i])}
    return out


def format_intervals(intervals: Mapping[str, dict], section: str, n: int) -> str:
    """The intervals as plain-text lines, one per label."""
    if not intervals:
        return ""
    first = next(iter(intervals.values()))
    lines = [f"intervals, {section} (n={n}): {first['confidence']:.0%} case bootstrap ({first['resamples']} resamples) of the out-of-fold figures"]
    lines.append(f"{'label':<16}{'metric':<10}" + "".join(f"{name:>30}" for name in COMPARISONS))
    for label, found in intervals.items():
        cells = ""
        for name in COMPARISONS:
            c = found.get(name)
            sign = "" if COMPARISONS[name][1] is None else "+"  # a difference shows its sign
            cells += ("-" if c is None else f"{c['estimate']:{sign}.3f} [{c['low']:{sign}.3f}, {c['high']:{sign}.3f}]").rjust(30)
        lines.append(f"{label:<16}{found['metric']:<10}{cells}")
    return "\n".join(lines)
