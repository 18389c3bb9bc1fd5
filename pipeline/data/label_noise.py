"""How noisy the narratives' labels are: cleanlab's confident learning on out-of-fold probabilities.

The narratives retell each project from news, while the labels judge the original contest entry,
so some labels cannot be read from the text. A simple, fixed model (character n-grams + logistic
regression, grouped folds) gives out-of-fold probabilities; cleanlab's `find_label_issues` lists
the narratives whose report label disagrees with what the rest teach. They are listed, never
dropped: a suspect label may be the report's convention rather than an error.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from cleanlab.filter import find_label_issues
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict
from sklearn.pipeline import Pipeline

from pipeline import config

NOISE_LABELS: tuple[str, ...] = ("actor_type", "service_field", "tech_applied", "tech_applicable", "sustainability")
ISSUE_COLUMNS: tuple[str, ...] = ("id", "label", "given", "suggested", "p_given", "match", "region", "title", "excerpt")
EXCERPT_CHARS = 160


def out_of_fold_proba(texts: list[str], labels: np.ndarray, groups: np.ndarray, seed: int = config.SEED) -> tuple[np.ndarray, np.ndarray]:
    """(classes, out-of-fold probabilities) of character n-gram logistic regression, grouped folds."""
    classes = np.unique(labels)
    model = Pipeline(
        [
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True)),
            ("clf", LogisticRegression(class_weight="balanced", max_iter=5000)),
        ]
    )
    folds = StratifiedGroupKFold(config.CV_FOLDS, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # rare classes missing from a fold
        proba = cross_val_predict(model, texts, labels, groups=groups, cv=folds, method="predict_proba", n_jobs=config.N_JOBS)
    return classes, proba


def narrative_label_issues(narratives: pd.DataFrame, seed: int = config.SEED) -> pd.DataFrame:
    """Suspect labels of the narratives, most suspect first within each label."""
    texts = (narratives["title"] + "\n" + narratives["description"]).tolist()
    groups = narratives["split_group"].to_numpy()
    rows = []
    for label in NOISE_LABELS:
        given = narratives[label].replace({config.MARK_PARTIAL: config.MARK_YES}).to_numpy() if label == "sustainability" else narratives[label].to_numpy()
        classes, proba = out_of_fold_proba(texts, given, groups, seed)
        encoded = np.searchsorted(classes, given)
        # n_jobs=1: cleanlab's pool forks this process, which by now holds joblib's loky threads
        # (the folds above); a fork beside threads can deadlock, and the work here is small.
        issues = find_label_issues(encoded, proba, return_indices_ranked_by="self_confidence", n_jobs=1)
        for i in issues:
            row = narratives.iloc[int(i)]
            rows.append(
                {
                    "id": int(row["id"]),
                    "label": label,
                    "given": row[label],
                    "suggested": classes[int(proba[i].argmax())],
                    "p_given": round(float(proba[i, encoded[i]]), 3),
                    "match": row["match"],
                    "region": row["region"],
                    "title": row["title"],
                    "excerpt": row["description"][:EXCERPT_CHARS],
                }
            )
    return pd.DataFrame(rows, columns=list(ISSUE_COLUMNS))
