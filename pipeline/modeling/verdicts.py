"""One verdict per label from everything known about an entry that has a description.

Two sides each give calibrated probabilities: the title models, trained on every appendix title,
and the narrative models, trained on the report-labelled narratives and on their first sentences
(`with_crops`: a contest sheet's 사업내용 is often two sentences) and on every appendix title read
as a description of no sentences (`title_rows`). A `StackedDecision` per label
learns how far to trust each side from their log-probabilities and the description's length:
a log-linear pool (a few weights and a bias per class) fitted on **out-of-fold** probabilities of
both sides, from grouped folds, so no case's own label reaches the input it is combined from
(stacking). Its two-class threshold is set, out of fold again, so a label is flagged about as
often as it is true.

The title side's out-of-fold probabilities (`title_oof`) come from title models fitted without
the narrative's project (its title group, and every title group of narratives retelling it);
the narrative side's from the calibrated narrative models' own training folds
(`CalibratedDecision.oof_proba_`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy.optimize import minimize
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.model_selection import StratifiedGroupKFold

from pipeline import config
from pipeline.modeling.calibration import rate_threshold
from pipeline.modeling.models import make_classifier, target_labels
from pipeline.modeling.narrative_models import (
    NARRATIVE_LABELS,
    fit_narrative_models,
    narrative_labels,
    narrative_splits,
    resource_sharing_rate,
)
from pipeline.reading.narratives import NarrativeReading, read_narratives
from pipeline.text.compose import text_columns

# Probabilities are clipped before their logarithm: a side that is sure is not infinitely sure.
_FLOOR = 1e-4


def with_crops(frame: pd.DataFrame, readings: Sequence[NarrativeReading], lengths: Sequence[int] = config.CROP_SENTENCES) -> tuple[pd.DataFrame, list[NarrativeReading]]:
    """The narratives, then each cut to its first k sentences for every k in `lengths` that is
    shorter than it: the same labels and split group (a crop never sits across a split from its
    narrative). The frame gains `crop` (0 = whole) and `source_row` (the narrative's row)."""
    rows, out = [], []
    for k in (0, *lengths):
        for i, reading in enumerate(readings):
            if k and k >= len(reading.sentences):
                continue
            rows.append((i, k))
            out.append(reading if not k else reading.first(k))
    index = [i for i, _ in rows]
    cropped = frame.iloc[index].reset_index(drop=True).assign(crop=[k for _, k in rows], source_row=index)
    return cropped, out


def title_rows(cases: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Every case of `cases` as a narrative row with no description: its region and title, its
    labels, and the split group of the narratives of its title group (its own title group when it
    has none), so a title never sits across a split from a narrative of the same project.

    The narrative side learns these beside the narratives: 601 labelled titles are most of what
    the report labelled, and they teach the words of each service field and partner kind that a
    few hundred narratives never use (on the narratives' grouped folds, whole and cut to two
    sentences, every label gained; docs/models.md)."""
    split_of = dict(zip(frame["title_group"], frame["split_group"]))
    rows = cases.reindex(columns=["region", "title", "title_group", *NARRATIVE_LABELS, "resource_sharing"]).copy()
    rows["description"] = ""
    rows["split_group"] = [split_of.get(g, g) for g in rows["title_group"]]
    return rows.reset_index(drop=True)


def with_titles(frame: pd.DataFrame, readings: Sequence[NarrativeReading], titles: pd.DataFrame, title_readings: Sequence[NarrativeReading]) -> tuple[pd.DataFrame, list[NarrativeReading]]:
    """The narrative rows, then the title rows (`title_rows` and their readings): what the
    narrative side is fitted on. The narrative rows come first, so the first len(frame) rows of
    a fitted model's out-of-fold probabilities are theirs."""
    shared = [c for c in ("split_group", *NARRATIVE_LABELS, "resource_sharing") if c in frame]
    both = pd.concat([frame, titles[shared]], ignore_index=True)
    return both, [*readings, *title_readings]


def read_titles(cases: pd.DataFrame, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[NarrativeReading]]:
    """`title_rows` of `cases` and their readings (Kiwi reads the 601 heads in one batch)."""
    rows = title_rows(cases, frame)
    return rows, read_narratives(rows)


def aligned(proba: np.ndarray, classes: Sequence[str], to: Sequence[str]) -> np.ndarray:
    """Columns of `proba` (in `classes` order) rearranged to `to`; a class missing is 0."""
    out = np.zeros((len(proba), len(to)))
    for j, c in enumerate(to):
        if c in classes:
            out[:, j] = proba[:, list(classes).index(c)]
    return out


def stack_features(p_title: np.ndarray, p_narrative: np.ndarray, sentences: np.ndarray) -> np.ndarray:
    """What the combiner reads per row: each side's log-probabilities (clipped) and how short the
    description is, 1/(1 + sentences); columns [title (k), narrative (k), shortness]."""
    short = (1.0 / (1.0 + np.asarray(sentences, dtype=float)))[:, None]
    return np.hstack([np.log(np.clip(p_title, _FLOOR, 1.0)), np.log(np.clip(p_narrative, _FLOOR, 1.0)), short])


def _pooled_logits(theta: np.ndarray, X: np.ndarray, k: int) -> np.ndarray:
    """Class scores of a log-linear pool: bias_c + a(s) log P_title(c) + b(s) log P_narrative(c),
    each side's weight linear in the shortness s between its value on a long description (s = 0)
    and on none (s = 1): a(s) = a_long (1 - s) + a_short s."""
    a_long, a_short, b_long, b_short = theta[:4]
    title, narrative, short = X[:, :k], X[:, k : 2 * k], X[:, 2 * k : 2 * k + 1]
    return theta[4:] + (a_long * (1 - short) + a_short * short) * title + (b_long * (1 - short) + b_short * short) * narrative


def _pool_loss(theta: np.ndarray, X: np.ndarray, onehot: np.ndarray, C: float) -> tuple[float, np.ndarray]:
    """The pool's penalised mean negative log-likelihood and its gradient in `theta`."""
    n, k = onehot.shape
    title, narrative, short = X[:, :k], X[:, k : 2 * k], X[:, 2 * k : 2 * k + 1]
    z = _pooled_logits(theta, X, k)
    z = z - z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    residual = (np.exp(log_p) - onehot) / n
    weights = theta[:4]
    value = -float((onehot * log_p).sum()) / n + float(weights @ weights) / (2.0 * C * n)
    grad = np.concatenate(
        [
            [
                (residual * title * (1 - short)).sum(),
                (residual * title * short).sum(),
                (residual * narrative * (1 - short)).sum(),
                (residual * narrative * short).sum(),
            ],
            residual.sum(axis=0),
        ]
    )
    grad[:4] += weights / (C * n)
    return value, grad


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class StackedDecision(ClassifierMixin, BaseEstimator):
    """A learned log-linear pool of the two sides, with a two-class threshold set out of fold.

    P(c) is proportional to exp(bias_c + a(s) log P_title(c) + b(s) log P_narrative(c)), s the
    description's shortness (`stack_features`), each weight linear in s between its value on a
    long description and on none: four weights shared by every class, so the same handful of
    numbers serves nine service fields and two marks, and one bias per class, which undoes the
    class balancing the two sides were trained with. Fitted by penalised log-likelihood (L2 on
    the weights, strength 1/C as in LogisticRegression), the weights bounded at zero: a side can
    be ignored but never read backwards, which on a few dozen positives would be noise fitted
    (sustainability's title side came out negative without the bound). Not class-
    balanced: its probabilities are read as probabilities. With two classes the decision is
    `proba >= threshold_`, the threshold flagging as many training rows out of fold as are
    `positive`; with more, the most probable class.
    """

    def __init__(self, classes: Sequence[str] = (), positive: str = config.MARK_YES, C: float = config.STACK_C, folds: int = config.CALIBRATION_FOLDS, seed: int = config.SEED) -> None:
        self.classes = classes
        self.positive = positive
        self.C = C
        self.folds = folds
        self.seed = seed

    def _fit_theta(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        k = len(self.classes_)
        onehot = (y[:, None] == self.classes_[None, :]).astype(float)
        start = np.concatenate([[0.5, 0.5, 0.5, 0.5], np.zeros(k)])
        bounds = [(0.0, None)] * 4 + [(None, None)] * k
        return minimize(_pool_loss, start, args=(X, onehot, self.C), jac=True, method="L-BFGS-B", bounds=bounds).x

    def fit(self, X: np.ndarray, y, groups=None) -> "StackedDecision":
        y = np.asarray(y).astype(str)
        self.classes_ = np.asarray(list(self.classes) or sorted(set(y)))
        groups = np.arange(len(y)) if groups is None else np.asarray(groups)
        self.theta_ = self._fit_theta(np.asarray(X, dtype=float), y)
        self.threshold_ = None
        if len(self.classes_) == 2 and self.positive in self.classes_:
            positive = list(self.classes_).index(self.positive)
            p = np.zeros(len(y))
            for train, test in StratifiedGroupKFold(self.folds, shuffle=True, random_state=self.seed).split(X, y, groups):
                theta = self._fit_theta(X[train], y[train])
                p[test] = _softmax(_pooled_logits(theta, X[test], 2))[:, positive]
            self.threshold_ = rate_threshold(p, y, self.positive)
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return _softmax(_pooled_logits(self.theta_, np.asarray(X, dtype=float), len(self.classes_)))

    def decide(self, proba: np.ndarray) -> np.ndarray:
        """Labels from `predict_proba` output (the threshold for two classes, else the argmax)."""
        if self.threshold_ is None:
            return self.classes_[proba.argmax(axis=1)]
        positive = list(self.classes_).index(self.positive)
        return np.where(proba[:, positive] >= self.threshold_, self.positive, self.classes_[1 - positive])

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.decide(self.predict_proba(X))


def label_classes(label: str) -> list[str]:
    """The classes a label is decided among, in the order every side is aligned to."""
    values = {"service_field": config.SERVICE_FIELDS, "actor_type": config.ACTOR_TYPES}.get(label, (config.MARK_NO, config.MARK_YES))
    return sorted(values)


def heads(frame: pd.DataFrame) -> pd.DataFrame:
    """What the title models read of an entry: its region and title."""
    return text_columns(frame, ("region", "title"))


def fit_title_model(cases: pd.DataFrame, label: str, seed: int = config.SEED, C: float | None = None):
    """A title model of the product's recipe: its C searched in grouped folds of `cases`, or `C`
    when given (the value a search on the same kind of data chose)."""
    if C is not None:
        return clone(make_classifier(seed).estimator).set_params(clf__C=C).fit(cases, target_labels(cases, label))
    search = clone(make_classifier(seed)).fit(cases, target_labels(cases, label), groups=cases["title_group"])
    return search.best_estimator_


def title_C(model) -> float:
    """The regularisation a fitted title model (a best_estimator_) was fitted with."""
    return float(model.get_params()["clf__C"])


def title_proba(model, X: pd.DataFrame, label: str) -> np.ndarray:
    """A title model's probabilities aligned to `label_classes(label)`."""
    return aligned(model.predict_proba(X), [str(c) for c in model.classes_], label_classes(label))


def _title_fold(cases: pd.DataFrame, frame: pd.DataFrame, test: np.ndarray, seed: int, C: dict[str, float]) -> dict[str, np.ndarray]:
    gone = set(frame["title_group"].iloc[test]) | set(frame["split_group"].iloc[test])
    train = cases[~cases["title_group"].isin(gone)]
    return {label: title_proba(fit_title_model(train, label, seed, C.get(label)), heads(frame.iloc[test]), label) for label in NARRATIVE_LABELS}


def title_oof(
    cases: pd.DataFrame, frame: pd.DataFrame, folds: int = config.CALIBRATION_FOLDS, seed: int = config.SEED,
    n_jobs: int = config.N_JOBS, C: dict[str, float] | None = None,
) -> dict[str, np.ndarray]:
    """label -> each narrative's title probabilities from title models fitted on `cases` without
    its project: grouped folds of the narratives; every case of a test narrative's title or split
    group leaves that fold's training titles. `C` (label -> regularisation) fixes each label's C
    instead of searching it again in every fold, a seventh of the fits."""
    splits = narrative_splits(frame, folds, seed)
    parts = Parallel(n_jobs=n_jobs)(delayed(_title_fold)(cases, frame, test, seed, C or {}) for _, test in splits)
    out = {label: np.zeros((len(frame), len(label_classes(label)))) for label in NARRATIVE_LABELS}
    for (_, test), part in zip(splits, parts):
        for label in NARRATIVE_LABELS:
            out[label][test] = part[label]
    return out


def sentence_counts(readings: Sequence[NarrativeReading]) -> np.ndarray:
    return np.array([len(r.sentences) for r in readings], dtype=float)


def fit_stacks(frame: pd.DataFrame, readings: Sequence[NarrativeReading], p_title: dict[str, np.ndarray], narrative_models: dict, seed: int = config.SEED) -> dict[str, StackedDecision]:
    """A fitted `StackedDecision` per label, from the out-of-fold probabilities of both sides on
    the narrative rows `frame` (crops included): `p_title[label]` per row, and the narrative
    models' `oof_proba_` (fitted on these rows first, then the title rows)."""
    groups = frame["split_group"].to_numpy()
    sentences = sentence_counts(readings)
    stacks = {}
    for label in NARRATIVE_LABELS:
        model = narrative_models[label]
        classes = label_classes(label)
        # The narrative rows come first in what the narrative side was fitted on (`with_titles`).
        p_narrative = aligned(model.oof_proba_[: len(frame)], [str(c) for c in model.classes_], classes)
        features = stack_features(p_title[label], p_narrative, sentences)
        stacks[label] = StackedDecision(classes, seed=seed).fit(features, narrative_labels(frame, label), groups=groups)
    return stacks


def fit_verdicts(
    cases: pd.DataFrame, frame: pd.DataFrame, readings: Sequence[NarrativeReading], seed: int = config.SEED,
    n_jobs: int = config.N_JOBS, C: dict[str, float] | None = None,
) -> dict:
    """The scoring bundle's narrative part: the calibrated narrative models (fitted on the
    narratives, their crops and the titles of `cases`), a `StackedDecision` per label (`stacks`) and the resource-sharing
    rate. `cases` are the titles the title side learns from (the narratives' projects included:
    `title_oof` leaves each out where it is combined); `C`, the title models' chosen
    regularisation per label, spares searching it again in every fold."""
    cropped, cropped_readings = with_crops(frame, readings)
    part = fit_narrative_models(*with_titles(cropped, cropped_readings, *read_titles(cases, frame)), seed)
    part["resource_sharing_rate"] = resource_sharing_rate(frame)
    oof = title_oof(cases, frame, seed=seed, n_jobs=n_jobs, C=C)
    p_title = {label: oof[label][cropped["source_row"].to_numpy()] for label in NARRATIVE_LABELS}
    part["stacks"] = fit_stacks(cropped, cropped_readings, p_title, part["models"], seed)
    return part
