"""Honest evaluation: repeated, grouped, stratified cross-validation of model and baselines.

Every estimator of config/models.MODEL_BUILDERS sees exactly the same folds. Folds are grouped by
`title_group`, so copies of one project never sit on both sides of a split, and the classifier's
hyper-parameters are searched inside each training fold only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedGroupKFold

from pipeline import config
from pipeline.models import MODEL_BUILDERS, target_labels


@dataclass
class Fold:
    """One train/test split of one repeat."""

    repeat: int
    index: int
    train: np.ndarray
    test: np.ndarray


@dataclass
class TargetResult:
    """Scores of every estimator on every fold of one target, plus out-of-fold predictions."""

    target: str
    labels: list[str]
    scores: dict[str, list[dict[str, float]]] = field(default_factory=dict)
    # Predictions of the first repeat, one per case: a complete out-of-fold prediction set.
    oof: dict[str, np.ndarray] = field(default_factory=dict)
    best_params: list[dict] = field(default_factory=list)

    def summary(self) -> dict[str, dict[str, float]]:
        out = {}
        for name, folds in self.scores.items():
            f1 = np.array([f["macro_f1"] for f in folds])
            acc = np.array([f["accuracy"] for f in folds])
            out[name] = {
                "macro_f1_mean": float(f1.mean()),
                "macro_f1_std": float(f1.std(ddof=1)) if len(f1) > 1 else 0.0,
                "accuracy_mean": float(acc.mean()),
            }
        return out


def make_folds(
    y: pd.Series, groups: pd.Series, repeats: int, folds: int, seed: int = config.SEED
) -> list[Fold]:
    """Grouped, stratified folds, reshuffled for each repeat."""
    out = []
    for r in range(repeats):
        splitter = StratifiedGroupKFold(folds, shuffle=True, random_state=seed + r)
        for k, (train, test) in enumerate(splitter.split(np.zeros(len(y)), y, groups)):
            out.append(Fold(r, k, train, test))
    return out


def _run_fold(fold: Fold, X: pd.DataFrame, y: pd.Series, groups: pd.Series, builders: dict, labels: list[str]) -> dict:
    X_train, y_train = X.iloc[fold.train], y.iloc[fold.train]
    X_test, y_test = X.iloc[fold.test], y.iloc[fold.test]
    out = {"fold": fold, "scores": {}, "predicted": {}, "best_params": None}
    for name, build in builders.items():
        estimator = clone(build())
        fit_params = {"groups": groups.iloc[fold.train]} if name == "model" else {}
        estimator.fit(X_train, y_train, **fit_params)
        predicted = estimator.predict(X_test)
        out["scores"][name] = {
            "macro_f1": f1_score(y_test, predicted, average="macro", labels=labels, zero_division=0),
            "accuracy": accuracy_score(y_test, predicted),
        }
        out["predicted"][name] = predicted
        if name == "model" and hasattr(estimator, "best_params_"):
            out["best_params"] = {k: str(v) for k, v in estimator.best_params_.items()}
    return out


def evaluate_target(
    cases: pd.DataFrame,
    target: str,
    repeats: int = config.CV_REPEATS,
    folds: int = config.CV_FOLDS,
    seed: int = config.SEED,
    builders: dict = MODEL_BUILDERS,
    n_jobs: int = config.N_JOBS,
) -> TargetResult:
    """Cross-validate every estimator in `builders` on the same folds of one target."""
    y = target_labels(cases, target).reset_index(drop=True)
    groups = cases["title_group"].reset_index(drop=True)
    X = cases.reset_index(drop=True)
    labels = sorted(y.unique())
    result = TargetResult(target, labels)
    for name in builders:
        result.scores[name] = []
        result.oof[name] = np.empty(len(y), dtype=object)
    runs = Parallel(n_jobs=n_jobs)(
        delayed(_run_fold)(fold, X, y, groups, builders, labels)
        for fold in make_folds(y, groups, repeats, folds, seed)
    )
    for run in runs:  # in fold order, whatever order the workers finished in
        for name in builders:
            result.scores[name].append(run["scores"][name])
            if run["fold"].repeat == 0:
                result.oof[name][run["fold"].test] = run["predicted"][name]
        if run["best_params"] is not None:
            result.best_params.append(run["best_params"])
    return result
