"""The narrative models and the baselines they are measured against.

Every estimator here takes a sequence of NarrativeReadings (narratives.read_narratives), so Kiwi
reads a narrative once however many models look at it. Labels are the report's; sustainability
is learned as O (O or △) against X, as for the title models.

Resource sharing is O for every appendix case and every case study, so nothing can learn when it
is absent: its probability is the training rate with one pseudo-case of each kind (Laplace), and
the detector's sentences are shown as evidence only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.dummy import DummyClassifier
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from pipeline import config
from pipeline.modeling.calibration import CalibratedDecision
from pipeline.modeling.features import char_ngrams
from pipeline.modeling.narrative_features import CUE_FAMILIES, narrative_features, reading_text
from pipeline.modeling.shared_features import SharedFeatures
from pipeline.reading.narratives import NarrativeReading
from pipeline.text.vectorizers import char_wb_counts

# Labels a narrative model learns, in the order the scored file shows them.
NARRATIVE_LABELS: tuple[str, ...] = ("service_field", "actor_type", "tech_applied", "tech_applicable", "sustainability")
# Two-class labels whose evidence sentences are ordered by how much each pushed the decision.
EVIDENCE_LABELS: tuple[str, ...] = ("tech_applied", "tech_applicable", "sustainability")


def narrative_labels(frame: pd.DataFrame, label: str) -> np.ndarray:
    """A label column as the models learn it: sustainability's △ counts with O."""
    values = frame[label].astype(str)
    if label == "sustainability":
        values = values.replace({config.MARK_PARTIAL: config.MARK_YES})
    return values.to_numpy()


def narrative_splits(frame: pd.DataFrame, folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Grouped folds of the narratives: a split group (one project, however many titles) on one
    side only, stratified by the rarest label, sustainability."""
    splitter = StratifiedGroupKFold(folds, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(frame)), narrative_labels(frame, "sustainability"), frame["split_group"].to_numpy()))


def make_narrative_model(
    label: str, seed: int = config.SEED, n_jobs: int | None = None, recipe: str = config.NARRATIVE_DEFAULT_RECIPE,
) -> CalibratedDecision:
    """Reading features (less the blocks `recipe` leaves out) -> logistic regression (balanced
    classes), calibrated in its training folds (`n_jobs` of them at once)."""
    C, dropped = config.NARRATIVE_RECIPES[recipe]
    features = narrative_features(CUE_FAMILIES[label])
    features.set_params(**dict.fromkeys(dropped, "drop"))
    return CalibratedDecision(
        Pipeline(
            [
                ("features", features),
                ("clf", LogisticRegression(class_weight="balanced", C=C, solver=config.LR_SOLVER, max_iter=5000)),
            ]
        ),
        seed=seed,
        n_jobs=n_jobs,
    )


def label_recipes(label: str) -> tuple[str, ...]:
    """The recipes `label` chooses among: all of them for a label in NARRATIVE_RECIPE_LABELS."""
    return tuple(config.NARRATIVE_RECIPES) if label in config.NARRATIVE_RECIPE_LABELS else (config.NARRATIVE_DEFAULT_RECIPE,)


def recipe_score(model: CalibratedDecision, y: np.ndarray, rows: np.ndarray) -> float:
    """ROC-AUC of `model`'s calibrated out-of-fold P(O) on the training `rows`: learned from its
    own calibration folds, so choosing by it looks at no case the caller holds out."""
    positive = list(model.classes_).index(config.MARK_YES)
    return float(roc_auc_score(np.asarray(y)[rows] == config.MARK_YES, model.oof_proba_[rows, positive]))


def choose_recipe(fitted: dict[str, CalibratedDecision], y: np.ndarray, readings: Sequence[NarrativeReading]) -> tuple[str, dict[str, float]]:
    """The recipe whose model ranks O best out of fold on the rows with sentences (title rows
    rank as the title side does and would only blur the choice), and every recipe's score; a tie
    keeps the earlier recipe. One recipe is chosen without scoring."""
    if len(fitted) == 1:
        return next(iter(fitted)), {}
    rows = np.flatnonzero([len(r.sentences) > 0 for r in readings])
    scores = {name: recipe_score(model, y, rows) for name, model in fitted.items()}
    return max(scores, key=scores.get), scores


def fit_recipes(
    labels: dict[str, np.ndarray], X: Sequence[NarrativeReading], groups: np.ndarray, seed: int = config.SEED, n_jobs: int | None = None,
) -> dict[str, tuple[CalibratedDecision, str, dict[str, float]]]:
    """Each label of `labels` (label -> y) fitted in each of its recipes, all in one batch of jobs
    so the cores stay busy, and per label the one chosen (see choose_recipe): (model, recipe,
    scores)."""
    X = pd.Series(list(X), dtype=object)
    jobs = [(label, recipe) for label in labels for recipe in label_recipes(label)]
    fitted = Parallel(n_jobs=n_jobs)(
        delayed(make_narrative_model(label, seed, recipe=recipe).fit)(X, labels[label], groups=groups) for label, recipe in jobs
    )
    out = {}
    for label, y in labels.items():
        candidates = {recipe: model for (owner, recipe), model in zip(jobs, fitted) if owner == label}
        chosen, scores = choose_recipe(candidates, y, X)
        out[label] = (candidates[chosen], chosen, scores)
    return out


def fit_narrative_model(
    label: str, X: Sequence[NarrativeReading], y: np.ndarray, groups: np.ndarray, seed: int = config.SEED, n_jobs: int | None = None,
) -> tuple[CalibratedDecision, str, dict[str, float]]:
    """`label`'s narrative model in the recipe it chose: (model, recipe, scores)."""
    return fit_recipes({label: y}, X, groups, seed, n_jobs)[label]


def make_narrative_char_baseline() -> Pipeline:
    """Character n-gram TF-IDF of head and narrative + logistic regression (balanced classes)."""
    return Pipeline(
        [
            ("text", FunctionTransformer(reading_text)),
            ("chars", char_ngrams((1, 3))),
            ("clf", LogisticRegression(class_weight="balanced", solver=config.LR_SOLVER, max_iter=5000)),
        ]
    )


def make_narrative_majority() -> DummyClassifier:
    """The most frequent training label; probabilities are the training shares."""
    return DummyClassifier(strategy="prior")


class RuleReading(ClassifierMixin, BaseEstimator):
    """The hand-written reading as it was before learning: actor type from the actors found, the
    criteria from the detectors with their hand-set confidences. Learns nothing; `fit` only
    records the classes. No rule reads a service field."""

    def __init__(self, label: str = "sustainability") -> None:
        self.label = label

    def fit(self, X: Sequence[NarrativeReading], y) -> "RuleReading":
        self.classes_ = np.unique(np.asarray(y).astype(str))
        return self

    def _yes(self, reading: NarrativeReading) -> float:
        if self.label == "meets_criteria":
            findings = reading.findings
            return findings["resource_sharing"].proba_yes * findings["sustainability"].proba_yes
        return reading.findings[self.label].proba_yes

    def predict_proba(self, X: Sequence[NarrativeReading]) -> np.ndarray:
        classes = list(self.classes_)
        out = np.zeros((len(X), len(classes)))
        for i, reading in enumerate(X):
            if self.label == "actor_type":
                if reading.actor_type in classes:
                    out[i, classes.index(reading.actor_type)] = 1.0
                continue
            p = self._yes(reading)
            if config.MARK_YES in classes:
                out[i, classes.index(config.MARK_YES)] = p
            if config.MARK_NO in classes:
                out[i, classes.index(config.MARK_NO)] = 1.0 - p
        return out

    def predict(self, X: Sequence[NarrativeReading]) -> np.ndarray:
        if self.label == "actor_type":
            return np.array([r.actor_type for r in X])
        # The detectors' own decision: O (or △) when its probability of yes is above one half.
        return np.where(self.predict_proba(X)[:, list(self.classes_).index(config.MARK_YES)] > 0.5, config.MARK_YES, config.MARK_NO)


def resource_sharing_rate(frame: pd.DataFrame) -> float:
    """P(resource sharing O): the training share with one pseudo-case of O and one of X."""
    yes = int((frame["resource_sharing"] == config.MARK_YES).sum())
    return (yes + 1) / (len(frame) + 2)


def fit_narrative_models(frame: pd.DataFrame, readings: Sequence[NarrativeReading], seed: int = config.SEED) -> dict:
    """The scoring bundle's narrative part: a calibrated model per label, the recipe each chose
    and every recipe's score (`recipes`: label -> {"chosen", "scores"}), and the sharing rate."""
    labels = {label: narrative_labels(frame, label) for label in NARRATIVE_LABELS}
    fitted = fit_recipes(labels, readings, frame["split_group"].to_numpy(), seed, config.N_JOBS)
    return {
        "models": {label: model for label, (model, _, _) in fitted.items()},
        "recipes": {label: {"chosen": recipe, "scores": scores} for label, (_, recipe, scores) in fitted.items()},
        "resource_sharing_rate": resource_sharing_rate(frame),
    }


@dataclass
class LeftOut:
    """Each narrative without one of its sentences, built once for all the labels that ask for it:
    `rows[(reading, sentence)]` is that variant's row in `variants`."""

    variants: pd.Series
    rows: dict[tuple[int, int], int]

    @classmethod
    def build(cls, readings: Sequence[NarrativeReading], *candidates: Sequence[Sequence[int]]) -> "LeftOut":
        wanted = sorted({(r, i) for per_label in candidates for r, indices in enumerate(per_label) for i in indices})
        rows = {pair: row for row, pair in enumerate(wanted)}
        return cls(pd.Series([readings[r].without(i) for r, i in wanted], dtype=object), rows)


def share_text_blocks(shared: SharedFeatures, model: CalibratedDecision, full: pd.Series, left_out: LeftOut) -> None:
    """Give `shared` the text blocks (character n-grams, morpheme uni- and bigrams) of `full` (the
    readings) and of their left-out variants, counted once per head and sentence.

    A narrative's parts (`NarrativeReading.parts`: head, then each sentence) are counted once;
    a text's counts are the sum of its parts' counts, and a variant's the sum of the parts it
    keeps. Character n-grams inside word boundaries never cross the line break between parts;
    morpheme bigrams do, so the bigram joining each pair of neighbouring parts is added, for the
    neighbours each text has. The counts are exact integers, weighted by the fitted TF-IDF as
    `TfidfVectorizer.transform` weights them, so the features are the ones the model computes
    itself (tests/modeling/test_shared_features.py). Without this every variant (six or so per
    narrative) was counted again in full. A block with other settings is left to the normal path.
    """
    blocks = dict(model.estimator_.named_steps["features"].transformer_list)
    chars, morphemes = blocks.get("chars"), blocks.get("morphemes")
    if _tfidf_of(chars, "char_wb") is not None:
        _share_counted(shared, chars, full, left_out, NarrativeReading.parts, join_parts=False)
    if _tfidf_of(morphemes, "word") is not None:
        _share_counted(shared, morphemes, full, left_out, _morpheme_parts, join_parts=True)


def _tfidf_of(block, analyzer: str):
    """The block's TF-IDF step, if its counts add up over parts as `share_text_blocks` assumes."""
    tfidf = block.named_steps.get("tfidf") if isinstance(block, Pipeline) else None
    if tfidf is None or tfidf.analyzer != analyzer or tfidf.binary or tfidf.stop_words is not None:
        return None
    if tfidf.tokenizer is not None or tfidf.preprocessor is not None:
        return None
    if analyzer == "word" and tfidf.ngram_range[1] > 2:  # only the bigram joining two parts is added
        return None
    return tfidf


def _morpheme_parts(reading: NarrativeReading) -> list[str]:
    """What `morpheme_text` joins, part by part: the head's morphemes, then each sentence's."""
    return [" ".join(reading.head_morphemes), *(" ".join(s.content_forms) for s in reading.sentences)]


def _share_counted(shared: SharedFeatures, block: Pipeline, full: pd.Series, left_out: LeftOut, parts_of, join_parts: bool) -> None:
    tfidf = block.named_steps["tfidf"]
    readings = list(full)
    parts = [parts_of(r) for r in readings]
    first = np.concatenate([[0], np.cumsum([len(p) for p in parts])[:-1]]).astype(np.int64)
    flat = [text for texts in parts for text in texts]
    # CountVectorizer's counting, as TfidfVectorizer.transform does it before weighting.
    counts = char_wb_counts(tfidf, flat) if tfidf.analyzer == "char_wb" else CountVectorizer.transform(tfidf, flat)
    pairs = sorted(left_out.rows, key=left_out.rows.__getitem__)
    kept = [list(range(first[r], first[r] + len(parts[r]))) for r in range(len(readings))]
    kept += [[first[r] + k for k in range(len(parts[r])) if k != i + 1] for r, i in pairs]  # part 0 is the head
    rows = np.repeat(np.arange(len(kept)), [len(k) for k in kept])
    pick = sparse.csr_matrix((np.ones(len(rows)), (rows, np.concatenate(kept))), shape=(len(kept), len(flat)))
    summed = pick @ counts
    if join_parts and tfidf.ngram_range[1] == 2:
        tokenize, vocabulary = tfidf.build_tokenizer(), tfidf.vocabulary_
        tokens = [tokenize(text) for text in flat]
        joins_row, joins_col = [], []
        for row, indices in enumerate(kept):
            sequence = [tokens[k] for k in indices if tokens[k]]
            for before, after in zip(sequence, sequence[1:]):
                column = vocabulary.get(f"{before[-1]} {after[0]}")
                if column is not None:
                    joins_row.append(row)
                    joins_col.append(column)
        summed = summed + sparse.csr_matrix((np.ones(len(joins_row)), (joins_row, joins_col)), shape=summed.shape)
    summed = sparse.csr_matrix(summed)
    summed.eliminate_zeros()
    summed.sort_indices()
    weighted = tfidf._tfidf.transform(summed)
    shared.provide(block, full, weighted[: len(readings)])
    if pairs:
        shared.provide(block, left_out.variants, weighted[len(readings) :])


def sentence_pushes(
    model: CalibratedDecision,
    readings: Sequence[NarrativeReading],
    candidates: Sequence[Sequence[int]],
    p_full: np.ndarray | None = None,
    left_out: LeftOut | None = None,
    shared: SharedFeatures | None = None,
    then: Callable[[np.ndarray, np.ndarray, pd.Series], np.ndarray] | None = None,
) -> list[dict[int, float]]:
    """For each reading, how much each candidate sentence raises the probability of O: the
    probability with the whole narrative (`p_full`, when the caller has it already) minus the
    probability with that sentence left out. The variants come from `left_out` when given (built
    once for several labels; `shared` then computes their text features once as well).

    The probability is the model's calibrated P(O), or, with `then`, what `then(rows, calibrated,
    readings)` makes of the calibrated probabilities (all classes) of readings that belong to
    the narratives at `rows`: the verdict's own probability when the narrative model is one side
    of it (modeling.verdicts)."""
    shared = shared or SharedFeatures()
    positive = list(model.classes_).index(config.MARK_YES)

    def proba(X: pd.Series, rows: np.ndarray) -> np.ndarray:
        calibrated = model.calibrate(shared.predict_proba(model.estimator_, X))
        return calibrated[:, positive] if then is None else then(rows, calibrated, X)

    if p_full is None:
        p_full = proba(pd.Series(list(readings), dtype=object), np.arange(len(readings)))
    left_out = left_out or LeftOut.build(readings, candidates)
    owners = np.array(sorted(left_out.rows, key=left_out.rows.__getitem__), dtype=int).reshape(-1, 2)[:, 0]
    p = proba(left_out.variants, owners) if len(left_out.variants) else np.empty(0)
    return [
        {i: float(full - p[left_out.rows[(r, i)]]) for i in indices}
        for r, (full, indices) in enumerate(zip(p_full, candidates))
    ]
