"""Honest evaluation on narratives: repeated grouped cross-validation over the 263 + 23.

The narrative model and three baselines (majority class, character n-gram + logistic regression
on the narrative, and the hand-written rules as they were before learning) are scored on the
same folds. Folds are grouped by split group (title groups merged where narratives retell one
project), so no project sits on both sides of a split; the model's calibration and threshold are
learned inside each training fold. Metrics are computed on the pooled out-of-fold predictions of
each repeat, then averaged over repeats; the 23 case studies are also scored on their own.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.metrics import accuracy_score, average_precision_score, f1_score, roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold

from pipeline import config
from pipeline.data.narrative_corpus import CASE_STUDY
from pipeline.modeling.narrative_models import (
    RuleReading,
    make_narrative_char_baseline,
    make_narrative_majority,
    make_narrative_model,
    narrative_labels,
    resource_sharing_rate,
)
from pipeline.reading.narratives import NarrativeReading
from pipeline.reading.subtypes import SubTypeRanker, sub_type_scores

ESTIMATORS: tuple[str, ...] = ("model", "majority", "char_ngram_lr", "rules")
METRICS: tuple[str, ...] = ("accuracy", "macro_f1", "roc_auc", "average_precision", "flagged_rate", "true_rate")


def _yes_column(estimator, proba: np.ndarray) -> np.ndarray:
    classes = list(estimator.classes_)
    return proba[:, classes.index(config.MARK_YES)] if config.MARK_YES in classes else np.zeros(len(proba))


def _run_fold(train: np.ndarray, test: np.ndarray, X: pd.Series, frame: pd.DataFrame, seed: int) -> dict:
    """label -> estimator -> (predicted labels, P(O) or None) on the test part of one fold."""
    out: dict[str, dict] = {label: {} for label in config.NARRATIVE_EVAL_LABELS}
    train_frame, X_train, X_test = frame.iloc[train], X.iloc[train], X.iloc[test]
    groups = train_frame["split_group"].to_numpy()
    binary = set(config.NARRATIVE_CRITERIA)
    with warnings.catch_warnings():
        # A rare class can be missing from an inner fold; sklearn warns and fills its column with 0.
        warnings.simplefilter("ignore", UserWarning)
        for label in config.NARRATIVE_EVAL_LABELS:
            y = narrative_labels(train_frame, label)
            if label == "meets_criteria":
                # The report's filter from its two criteria: calibrated P(sustainability) times the
                # resource-sharing rate; flagged when both decisions are O.
                flagged, p_sus = out["sustainability"]["model"]
                p = resource_sharing_rate(train_frame) * p_sus
                sharing = resource_sharing_rate(train_frame) >= 0.5
                out[label]["model"] = (np.where((flagged == config.MARK_YES) & sharing, config.MARK_YES, config.MARK_NO), p)
            else:
                model = make_narrative_model(label, seed).fit(X_train, y, groups=groups)
                proba = model.predict_proba(X_test)
                predicted = model.decide(proba)
                out[label]["model"] = (predicted, _yes_column(model, proba) if label in binary else None)
            for name, build in (("majority", make_narrative_majority), ("char_ngram_lr", make_narrative_char_baseline)):
                estimator = build().fit(X_train, y)
                out[label][name] = (estimator.predict(X_test), _yes_column(estimator, estimator.predict_proba(X_test)) if label in binary else None)
            if label != "service_field":  # no rule reads a service field
                rules = RuleReading(label).fit(X_train, y)
                out[label]["rules"] = (rules.predict(X_test), _yes_column(rules, rules.predict_proba(X_test)) if label in binary else None)
    return out


def label_metrics(truth: np.ndarray, predicted: np.ndarray, p_yes: np.ndarray | None, labels: Sequence[str]) -> dict:
    """Accuracy and macro-F1; for a criterion also ROC-AUC, average precision, flagged and true rate
    (ranking metrics are None where the truth has one class only)."""
    out = dict.fromkeys(METRICS)
    out["accuracy"] = float(accuracy_score(truth, predicted))
    out["macro_f1"] = float(f1_score(truth, predicted, labels=list(labels), average="macro", zero_division=0))
    if p_yes is not None:
        positive = truth == config.MARK_YES
        out["flagged_rate"] = float(np.mean(predicted == config.MARK_YES))
        out["true_rate"] = float(np.mean(positive))
        if 0 < positive.sum() < len(positive):
            out["roc_auc"] = float(roc_auc_score(positive, p_yes))
            out["average_precision"] = float(average_precision_score(positive, p_yes))
    return out


def _mean(dicts: list[dict]) -> dict:
    """Key-wise mean over repeats (None stays None)."""
    return {k: None if any(d[k] is None for d in dicts) else float(np.mean([d[k] for d in dicts])) for k in dicts[0]}


def evaluate_narrative_models(
    frame: pd.DataFrame,
    readings: Sequence[NarrativeReading],
    repeats: int = config.CV_REPEATS,
    folds: int = config.CV_FOLDS,
    seed: int = config.SEED,
    n_jobs: int = config.N_JOBS,
) -> dict:
    """{"narratives": label -> estimator -> metrics, "appendix_narratives" and "case_studies": the
    same on the 263 and on the 23 alone, "n": the counts,
    "oof": the first repeat's out-of-fold labels and P(O) by label and estimator}."""
    X = pd.Series(list(readings), dtype=object)
    groups = frame["split_group"].to_numpy()
    strata = narrative_labels(frame, "sustainability")  # the rarest label decides the stratification
    splits = [
        (r, train, test)
        for r in range(repeats)
        for train, test in StratifiedGroupKFold(folds, shuffle=True, random_state=seed + r).split(np.zeros(len(frame)), strata, groups)
    ]
    runs = Parallel(n_jobs=n_jobs)(delayed(_run_fold)(train, test, X, frame, seed) for _, train, test in splits)
    n = len(frame)
    studied = (frame["source"] == CASE_STUDY).to_numpy()
    # Sections: every narrative, the appendix narratives alone (the kind of text a kept-apart
    # set of narratives is), and the 23 case studies alone (chosen because they met the criteria).
    sections = {"narratives": np.ones(n, dtype=bool), "appendix_narratives": ~studied, "case_studies": studied}
    tables: dict[str, dict[str, dict[str, list]]] = {section: {} for section in sections}
    oof: dict[str, dict] = {}
    for label in config.NARRATIVE_EVAL_LABELS:
        truth = narrative_labels(frame, label)
        labels = sorted(set(truth))
        for name in ESTIMATORS:
            for r in range(repeats):
                predicted, p_yes, seen = np.empty(n, dtype=object), np.full(n, np.nan), False
                for (repeat, _, test), run in zip(splits, runs):
                    if repeat == r and name in run[label]:
                        seen = True
                        predicted[test] = run[label][name][0]
                        if run[label][name][1] is not None:
                            p_yes[test] = run[label][name][1]
                if not seen:
                    continue
                p = p_yes if label in config.NARRATIVE_CRITERIA else None
                for section, rows in sections.items():
                    metrics = label_metrics(truth[rows], predicted[rows], None if p is None else p[rows], labels)
                    tables[section].setdefault(label, {}).setdefault(name, []).append(metrics)
                if r == 0:
                    oof.setdefault(label, {})[name] = {"predicted": predicted.tolist(), "p_yes": None if p is None else p.tolist()}
    summarise = lambda table: {  # noqa: E731
        label: {name: (_mean(table[label][name]) if name in table[label] else None) for name in ESTIMATORS}
        for label in table
    }
    return {
        **{section: summarise(table) for section, table in tables.items()},
        "n": {**{section: int(rows.sum()) for section, rows in sections.items()}, "repeats": repeats, "folds": folds},
        "oof": oof,
    }


def evaluate_sub_types(case_studies: list[dict], sub_types: list[dict]) -> dict:
    """Model type and sub-type accuracy on the 23 case studies, each ranked by prototypes built
    without its own narrative and example paragraph."""
    rankings = [
        SubTypeRanker(sub_types, case_studies, exclude_case=cs["number"]).rank_many([f"{cs['name']} {cs['narrative']}"])[0]
        for cs in case_studies
    ]
    return sub_type_scores(case_studies, rankings)


def format_table(result: dict) -> str:
    """The evaluation as a plain-text table, one line per label and estimator."""
    lines = []
    titles = {
        "narratives": "all narratives",
        "appendix_narratives": "the appendix narratives alone",
        "case_studies": "the 23 case studies alone",
    }
    for section, title in titles.items():
        n = result["n"][section]
        lines.append(f"{title} (n={n}, {result['n']['repeats']} x {result['n']['folds']}-fold grouped CV, out of fold)")
        lines.append(f"{'label':<16}{'estimator':<15}" + "".join(f"{m:>18}" for m in METRICS))
        for label in config.NARRATIVE_EVAL_LABELS:  # the section may hold sub-type figures too
            for name, metrics in result[section][label].items():
                if metrics is None:
                    continue
                cells = "".join(f"{'-' if metrics[m] is None else format(metrics[m], '.3f'):>18}" for m in METRICS)
                lines.append(f"{label:<16}{name:<15}{cells}")
        lines.append("")
    return "\n".join(lines).rstrip()
