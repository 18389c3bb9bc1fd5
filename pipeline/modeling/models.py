"""The estimators: the product's classifier and the two baselines it is measured against.

Every builder returns an unfitted scikit-learn estimator that takes a DataFrame with the
config.TEXT_COLUMNS and predicts one target's labels, so model and baselines go through
identical folds and identical code.
"""

from __future__ import annotations

import pandas as pd
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedGroupKFold
from sklearn.pipeline import Pipeline

from pipeline import config
from pipeline.modeling.encoder import SentenceEmbedding
from pipeline.modeling.features import char_ngrams, text_input, title_features


def target_labels(cases: pd.DataFrame, target: str) -> pd.Series:
    """The labels a target is trained on; sustainability's △ counts with O (see config.TARGETS)."""
    labels = cases[config.TARGETS[target]].astype(str)
    if target == "sustainability":
        labels = labels.replace({config.MARK_PARTIAL: config.MARK_YES})
    return labels


def make_classifier(seed: int = config.SEED) -> GridSearchCV:
    """Kiwi morphemes + character n-grams + domain cues (+ sentence embeddings) -> logistic regression.

    Balanced class weights, so that macro-F1 counts rare classes. C (and, when
    config.SENTENCE_ENCODER_IN_SEARCH is on, whether to add sentence embeddings) is chosen per
    target by grouped, stratified cross-validation on the training data given to `fit` (pass
    `groups=`), never on the data it is scored on.
    """
    pipeline = Pipeline(
        [
            ("text", text_input()),
            ("features", title_features()),
            ("clf", LogisticRegression(class_weight="balanced", solver=config.LR_SOLVER, max_iter=5000)),
        ]
    )
    grid = {
        "clf__C": list(config.C_GRID),
        "features__use": ["drop", SentenceEmbedding()] if config.SENTENCE_ENCODER_IN_SEARCH else ["drop"],
    }
    return GridSearchCV(
        pipeline,
        grid,
        scoring="f1_macro",
        cv=StratifiedGroupKFold(config.INNER_FOLDS, shuffle=True, random_state=seed),
        refit=True,
        error_score="raise",
    )


def make_char_baseline() -> Pipeline:
    """The reference baseline: character n-gram TF-IDF + logistic regression, fixed settings.

    Balanced class weights, as for the model, so that the baseline is not beaten merely by
    predicting rare classes at all.
    """
    return Pipeline(
        [
            ("text", text_input()),
            ("chars", char_ngrams((1, 3))),
            ("clf", LogisticRegression(class_weight="balanced", solver=config.LR_SOLVER, max_iter=5000)),
        ]
    )


def make_majority() -> Pipeline:
    """Always predicts the most frequent training label."""
    return Pipeline([("text", text_input()), ("clf", DummyClassifier(strategy="most_frequent"))])


MODEL_BUILDERS = {
    "model": make_classifier,
    "majority": make_majority,
    "char_ngram_lr": make_char_baseline,
}
