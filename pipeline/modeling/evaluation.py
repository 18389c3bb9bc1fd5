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
from sklearn.model_selection import GridSearchCV, StratifiedGroupKFold

from pipeline import config
from pipeline.modeling.calibration import brier, expected_calibration_error, reliability_table
from pipeline.modeling.models import MODEL_BUILDERS, target_labels


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
    # Their class probabilities (columns in `labels` order), for estimators that have them.
    oof_proba: dict[str, np.ndarray] = field(default_factory=dict)
    truth: np.ndarray | None = None  # the labels `oof` is scored against, one per case
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
            for key in folds[0].keys() - {"macro_f1", "accuracy"}:  # scores on a subset of cases
                out[name][f"{key}_mean"] = float(np.mean([f[key] for f in folds]))
            if name in self.oof_proba and self.truth is not None:
                out[name].update(self.calibration(name))
        return out

    def reliability(self, name: str):
        """The top-label reliability table of one estimator's out-of-fold probabilities."""
        return reliability_table(self.truth, self.oof_proba[name], self.labels)

    def calibration(self, name: str) -> dict[str, float]:
        """Brier score and expected calibration error of one estimator's out-of-fold probabilities."""
        return {
            "brier": brier(self.truth, self.oof_proba[name], self.labels),
            "ece": expected_calibration_error(self.reliability(name)),
        }


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


def hold_out_title_groups(
    cases: pd.DataFrame, share: float, seed: int = config.SEED
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(kept, held_out): a random `share` of title groups held out whole; case-study groups are
    always kept. Stands in for "next year's entries" where no such labelled data exists yet."""
    studied = set(cases.loc[cases["case_study"] != "", "title_group"])
    groups = sorted(set(cases["title_group"]) - studied)
    rng = np.random.default_rng(seed)
    held = set(rng.choice(groups, int(share * len(groups)), replace=False))
    mask = cases["title_group"].isin(held)
    return cases[~mask].reset_index(drop=True), cases[mask].reset_index(drop=True)


def _aligned_proba(estimator, X: pd.DataFrame, labels: list[str]) -> np.ndarray:
    """predict_proba with one column per label (a class the estimator never saw gets 0)."""
    proba = estimator.predict_proba(X)
    out = np.zeros((len(X), len(labels)))
    for j, c in enumerate(estimator.classes_):
        out[:, labels.index(str(c))] = proba[:, j]
    return out


def _run_fold(
    fold: Fold,
    X: pd.DataFrame,
    y: pd.Series,
    groups: pd.Series,
    builders: dict,
    labels: list[str],
    train_masks: dict[str, np.ndarray],
    subsets: dict[str, np.ndarray],
) -> dict:
    X_test, y_test = X.iloc[fold.test], y.iloc[fold.test]
    out = {"fold": fold, "scores": {}, "predicted": {}, "proba": {}, "best_params": None}
    for name, build in builders.items():
        train = fold.train
        if name in train_masks:  # this estimator may only learn from part of the training fold
            train = train[train_masks[name][train]]
        estimator = clone(build())
        fit_params = {"groups": groups.iloc[train]} if isinstance(estimator, GridSearchCV) else {}
        estimator.fit(X.iloc[train], y.iloc[train], **fit_params)
        predicted = estimator.predict(X_test)
        if hasattr(estimator, "predict_proba"):
            out["proba"][name] = _aligned_proba(estimator, X_test, labels)
        out["scores"][name] = {
            "macro_f1": f1_score(y_test, predicted, average="macro", labels=labels, zero_division=0),
            "accuracy": accuracy_score(y_test, predicted),
        }
        for subset, mask in subsets.items():
            keep = mask[fold.test]
            out["scores"][name][f"macro_f1_{subset}"] = f1_score(
                y_test[keep], predicted[keep], average="macro", labels=labels, zero_division=0
            )
        out["predicted"][name] = predicted
        if name == "model" and hasattr(estimator, "best_params_"):
            out["best_params"] = {k: str(v) for k, v in estimator.best_params_.items()}
    return out


def evaluate_targets(
    cases: pd.DataFrame,
    targets: list[str],
    repeats: int = config.CV_REPEATS,
    folds: int = config.CV_FOLDS,
    seed: int = config.SEED,
    builders: dict = MODEL_BUILDERS,
    n_jobs: int = config.N_JOBS,
    train_masks: dict[str, np.ndarray] | None = None,
    subsets: dict[str, np.ndarray] | None = None,
) -> dict[str, TargetResult]:
    """Cross-validate every estimator in `builders` on the same folds, for each target.

    `train_masks[name]` (a boolean per case) restricts what estimator `name` learns from: the
    champion/challenger comparison fits the champion's recipe on the old data of each training
    fold and tests both on the same held-out fold. `subsets[key]` (a boolean per case) adds a
    `macro_f1_<key>` score computed on those cases of each held-out fold only. All (target, fold)
    pairs share one pool of workers, so no core idles between targets.
    """
    X = cases.reset_index(drop=True)
    groups = cases["title_group"].reset_index(drop=True)
    masks = {name: np.asarray(mask, dtype=bool) for name, mask in (train_masks or {}).items()}
    subsets = {key: np.asarray(mask, dtype=bool) for key, mask in (subsets or {}).items()}
    jobs, results = [], {}
    for target in targets:
        y = target_labels(cases, target).reset_index(drop=True)
        labels = sorted(y.unique())
        results[target] = TargetResult(target, labels, truth=y.to_numpy())
        for name in builders:
            results[target].scores[name] = []
            results[target].oof[name] = np.empty(len(y), dtype=object)
        jobs += [(target, fold, y, labels) for fold in make_folds(y, groups, repeats, folds, seed)]
    runs = Parallel(n_jobs=n_jobs)(
        delayed(_run_fold)(fold, X, y, groups, builders, labels, masks, subsets) for _, fold, y, labels in jobs
    )
    for (target, _, y, labels), run in zip(jobs, runs):  # in fold order, whatever order workers finished in
        result = results[target]
        for name in builders:
            result.scores[name].append(run["scores"][name])
            if run["fold"].repeat == 0:
                result.oof[name][run["fold"].test] = run["predicted"][name]
                if name in run["proba"]:
                    result.oof_proba.setdefault(name, np.zeros((len(y), len(labels))))
                    result.oof_proba[name][run["fold"].test] = run["proba"][name]
        if run["best_params"] is not None:
            result.best_params.append(run["best_params"])
    return results


def evaluate_target(cases: pd.DataFrame, target: str, *args, **kwargs) -> TargetResult:
    """`evaluate_targets` for one target."""
    return evaluate_targets(cases, [target], *args, **kwargs)[target]
