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
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.metrics import accuracy_score, average_precision_score, f1_score, roc_auc_score

from pipeline import config
from pipeline.data.narrative_corpus import CASE_STUDY
from pipeline.modeling.calibration import rate_threshold
from pipeline.modeling.intervals import comparison_intervals, format_intervals
from pipeline.modeling.narrative_models import (
    NARRATIVE_LABELS,
    RuleReading,
    fit_narrative_model,
    make_narrative_char_baseline,
    make_narrative_majority,
    make_narrative_model,
    narrative_labels,
    narrative_splits,
    resource_sharing_rate,
)
from pipeline.modeling.verdicts import (
    StackedDecision,
    aligned,
    fit_title_model,
    heads,
    label_classes,
    read_titles,
    sentence_counts,
    stack_features,
    title_C,
    title_oof,
    title_proba,
    with_crops,
    with_titles,
)
from pipeline.reading.narratives import NarrativeReading
from pipeline.reading.subtypes import SubTypeRanker, sub_type_scores

# "model" is the product's verdict: title and narrative sides combined by the learned stack.
ESTIMATORS: tuple[str, ...] = ("model", "narrative_only", "title_only", "fixed_average", "majority", "char_ngram_lr", "rules")
METRICS: tuple[str, ...] = ("accuracy", "macro_f1", "roc_auc", "average_precision", "flagged_rate", "true_rate")
# Lengths every label is reported at (`by_length`): the first k sentences, and the whole narrative.
LENGTHS: dict[str, int] = {**{f"first_{k}": k for k in config.CROP_SENTENCES}, "whole": 0}


def _yes_column(estimator, proba: np.ndarray) -> np.ndarray:
    classes = list(estimator.classes_)
    return proba[:, classes.index(config.MARK_YES)] if config.MARK_YES in classes else np.zeros(len(proba))


def _yes(proba: np.ndarray, label: str) -> np.ndarray:
    """P(O) from probabilities aligned to label_classes(label)."""
    return proba[:, label_classes(label).index(config.MARK_YES)]


def _run_fold(
    train: np.ndarray, test: np.ndarray, readings: list, frame: pd.DataFrame, cases: pd.DataFrame, titles: tuple[pd.DataFrame, list], seed: int,
) -> tuple[dict, dict[str, str]]:
    """length -> label -> estimator -> (predicted labels, P(O) or None) on the test part of one
    fold, each test narrative read whole and cut to its first k sentences, and label -> the
    recipe its narrative side chose in this fold. `titles` are the cases' title rows and readings
    (`read_titles`), in the order of `cases`."""
    train_frame = frame.iloc[train].reset_index(drop=True)
    cropped, cropped_readings = with_crops(train_frame, [readings[i] for i in train])
    # Titles of the test narratives' projects leave the title side's training, and the narrative
    # side's title rows, too.
    gone = set(frame["title_group"].iloc[test]) | set(frame["split_group"].iloc[test])
    kept = ~cases["title_group"].isin(gone).to_numpy()
    title_cases = cases[kept]
    kept_titles = titles[0][kept].reset_index(drop=True), [titles[1][i] for i in np.flatnonzero(kept)]
    learned, learned_readings = with_titles(cropped, cropped_readings, *kept_titles)
    X_learned = pd.Series(learned_readings, dtype=object)
    X_train = pd.Series(cropped_readings, dtype=object)
    groups = cropped["split_group"].to_numpy()
    title_models = {label: fit_title_model(title_cases, label, seed) for label in NARRATIVE_LABELS}
    inner_title = title_oof(title_cases, train_frame, seed=seed, n_jobs=1, C={k: title_C(m) for k, m in title_models.items()})
    tests = {name: pd.Series([readings[i].first(k) if k else readings[i] for i in test], dtype=object) for name, k in LENGTHS.items()}
    test_heads = heads(frame.iloc[test])
    sharing = resource_sharing_rate(train_frame)
    binary = set(config.NARRATIVE_CRITERIA)
    out: dict[str, dict] = {name: {label: {} for label in config.NARRATIVE_EVAL_LABELS} for name in LENGTHS}
    recipes: dict[str, str] = {}
    with warnings.catch_warnings():
        # A rare class can be missing from an inner fold; sklearn warns and fills its column with 0.
        warnings.simplefilter("ignore", UserWarning)
        for label in config.NARRATIVE_EVAL_LABELS:
            if label == "meets_criteria":
                # The report's filter from its two criteria: P(sustainability) times the resource-
                # sharing rate; flagged when both decisions are O.
                for name in LENGTHS:
                    for estimator, (flagged, p_sus) in out[name]["sustainability"].items():
                        if p_sus is not None and estimator not in ("rules",):
                            decided = np.where((flagged == config.MARK_YES) & (sharing >= 0.5), config.MARK_YES, config.MARK_NO)
                            out[name][label][estimator] = (decided, sharing * p_sus)
                continue
            y = narrative_labels(cropped, label)
            classes = label_classes(label)
            narrative, recipes[label], _ = fit_narrative_model(label, X_learned, narrative_labels(learned, label), learned["split_group"].to_numpy(), seed)
            title_model = title_models[label]
            p_title = title_proba(title_model, test_heads, label)
            title_decided = title_model.predict(test_heads).astype(str)
            train_title = inner_title[label][cropped["source_row"].to_numpy()]
            train_narrative = aligned(narrative.oof_proba_[: len(cropped)], [str(c) for c in narrative.classes_], classes)
            stack = StackedDecision(classes, seed=seed).fit(
                stack_features(train_title, train_narrative, sentence_counts(cropped_readings)), y, groups=groups
            )
            average_threshold = rate_threshold(_yes((train_title + train_narrative) / 2, label), y) if label in binary else None
            baselines = {name: build().fit(X_train, y) for name, build in (("majority", make_narrative_majority), ("char_ngram_lr", make_narrative_char_baseline))}
            for name, X_test in tests.items():
                p_narrative = aligned(narrative.predict_proba(X_test), [str(c) for c in narrative.classes_], classes)
                p_stack = stack.predict_proba(stack_features(p_title, p_narrative, sentence_counts(X_test)))
                average = (p_title + p_narrative) / 2
                if label in binary:
                    average_decided = np.where(_yes(average, label) >= average_threshold, config.MARK_YES, config.MARK_NO)
                else:
                    average_decided = np.asarray(classes)[average.argmax(axis=1)]
                yes = (lambda p: _yes(p, label)) if label in binary else (lambda p: None)
                found = out[name][label]
                found["model"] = (stack.decide(p_stack), yes(p_stack))
                found["narrative_only"] = (narrative.decide(narrative.calibrate(narrative.raw_proba(X_test))), yes(p_narrative))
                found["title_only"] = (title_decided, yes(p_title))
                found["fixed_average"] = (average_decided, yes(average))
                for baseline, estimator in baselines.items():
                    found[baseline] = (estimator.predict(X_test), _yes_column(estimator, estimator.predict_proba(X_test)) if label in binary else None)
                if label != "service_field":  # no rule reads a service field
                    rules = RuleReading(label).fit(X_train, y)
                    found["rules"] = (rules.predict(X_test), _yes_column(rules, rules.predict_proba(X_test)) if label in binary else None)
    return out, recipes


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
    cases: pd.DataFrame,
    repeats: int = config.CV_REPEATS,
    folds: int = config.CV_FOLDS,
    seed: int = config.SEED,
    n_jobs: int = config.N_JOBS,
) -> dict:
    """{"narratives": label -> estimator -> metrics, "appendix_narratives" and "case_studies": the
    same on the 263 and on the 23 alone (whole narratives), "by_length": the three sections again
    for each of LENGTHS, "n": the counts, "recipes": label -> recipe -> folds whose narrative side
    chose it, "intervals": label -> the headline comparisons' bootstrap intervals on the appendix
    narratives (modeling.intervals), "oof": the first repeat's out-of-fold labels and P(O) of whole narratives by label
    and estimator}.

    `cases` are the titles the title side (and, as title rows, the narrative side) learns from;
    in each fold every case of a test narrative's project leaves them."""
    readings = list(readings)
    titles = read_titles(cases, frame)
    splits = [(r, train, test) for r in range(repeats) for train, test in narrative_splits(frame, folds, seed + r)]
    fold_runs = Parallel(n_jobs=n_jobs)(delayed(_run_fold)(train, test, readings, frame, cases, titles, seed) for _, train, test in splits)
    runs = [run for run, _ in fold_runs]
    recipes = {label: dict(Counter(chosen[label] for _, chosen in fold_runs)) for label in NARRATIVE_LABELS}
    n = len(frame)
    studied = (frame["source"] == CASE_STUDY).to_numpy()
    # Sections: every narrative, the appendix narratives alone (the kind of text a kept-apart
    # set of narratives is), and the 23 case studies alone (chosen because they met the criteria).
    sections = {"narratives": np.ones(n, dtype=bool), "appendix_narratives": ~studied, "case_studies": studied}
    tables: dict[str, dict[str, dict[str, dict[str, list]]]] = {length: {section: {} for section in sections} for length in LENGTHS}
    oof: dict[str, dict] = {}
    # label -> (length, estimator) -> per repeat (predicted, P(O)), for the intervals.
    predictions: dict[str, dict[tuple[str, str], list]] = {label: {} for label in config.NARRATIVE_EVAL_LABELS}
    truths = {label: narrative_labels(frame, label) for label in config.NARRATIVE_EVAL_LABELS}
    for length in LENGTHS:
        for label in config.NARRATIVE_EVAL_LABELS:
            truth = truths[label]
            labels = sorted(set(truth))
            for name in ESTIMATORS:
                for r in range(repeats):
                    predicted, p_yes, seen = np.empty(n, dtype=object), np.full(n, np.nan), False
                    for (repeat, _, test), run in zip(splits, runs):
                        if repeat == r and name in run[length][label]:
                            seen = True
                            predicted[test] = run[length][label][name][0]
                            if run[length][label][name][1] is not None:
                                p_yes[test] = run[length][label][name][1]
                    if not seen:
                        continue
                    p = p_yes if label in config.NARRATIVE_CRITERIA else None
                    predictions[label].setdefault((length, name), []).append((predicted, p))
                    for section, rows in sections.items():
                        metrics = label_metrics(truth[rows], predicted[rows], None if p is None else p[rows], labels)
                        tables[length][section].setdefault(label, {}).setdefault(name, []).append(metrics)
                    if r == 0 and length == "whole":
                        oof.setdefault(label, {})[name] = {"predicted": predicted.tolist(), "p_yes": None if p is None else p.tolist()}
    appendix = sections["appendix_narratives"]
    found = Parallel(n_jobs=n_jobs)(
        delayed(comparison_intervals)(label, truths[label], predictions[label], appendix, seed=seed)
        for label in config.NARRATIVE_EVAL_LABELS
    )
    intervals = dict(zip(config.NARRATIVE_EVAL_LABELS, found))
    summarise = lambda table: {  # noqa: E731
        label: {name: (_mean(table[label][name]) if name in table[label] else None) for name in ESTIMATORS}
        for label in table
    }
    return {
        **{section: summarise(table) for section, table in tables["whole"].items()},
        "by_length": {length: {section: summarise(table) for section, table in tables[length].items()} for length in LENGTHS},
        "n": {**{section: int(rows.sum()) for section, rows in sections.items()}, "repeats": repeats, "folds": folds},
        "intervals": intervals,
        "recipes": recipes,
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
    if "by_length" in result:
        lines.append(_format_by_length(result, "appendix_narratives"))
    if result.get("intervals"):
        lines += ["", format_intervals(result["intervals"], "appendix_narratives", result["n"]["appendix_narratives"])]
    return "\n".join(lines).rstrip()


def _format_by_length(result: dict, section: str) -> str:
    """Accuracy, macro-F1, ROC-AUC and flagged/true rate of the main estimators per length."""
    shown = ("model", "narrative_only", "title_only", "char_ngram_lr")
    lines = [f"by length, {section} (n={result['n'][section]}): accuracy / macro-F1 / ROC-AUC / flagged:true rate"]
    lines.append(f"{'label':<16}{'estimator':<15}" + "".join(f"{length:>32}" for length in LENGTHS))
    for label in config.NARRATIVE_EVAL_LABELS:
        for name in shown:
            cells = ""
            for length in LENGTHS:
                m = result["by_length"][length][section][label].get(name)
                if m is None:
                    cells += f"{'-':>32}"
                    continue
                auc = "-" if m["roc_auc"] is None else f"{m['roc_auc']:.3f}"
                rates = "" if m["flagged_rate"] is None else f" {m['flagged_rate']:.2f}:{m['true_rate']:.2f}"
                cells += f"{m['accuracy']:.3f} / {m['macro_f1']:.3f} / {auc}{rates}".rjust(32)
            lines.append(f"{label:<16}{name:<15}{cells}")
    return "\n".join(lines)


def _compare_fold(train: np.ndarray, test: np.ndarray, X: pd.Series, frame: pd.DataFrame, new_rows: np.ndarray, seed: int) -> dict[str, dict[str, float]]:
    trusted_test = test[~new_rows[test]]
    recipes = {"champion": train[~new_rows[train]], "challenger": train}
    out: dict[str, dict[str, float]] = {name: {} for name in recipes}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for label in NARRATIVE_LABELS:
            y = narrative_labels(frame, label)
            for name, rows in recipes.items():
                estimator = make_narrative_model(label, seed).estimator.fit(X.iloc[rows], y[rows])
                out[name][label] = float(np.mean(estimator.predict(X.iloc[trusted_test]) == y[trusted_test]))
    return out


def compare_narratives(
    frame: pd.DataFrame,
    readings: Sequence[NarrativeReading],
    new_rows: np.ndarray,
    folds: int = config.CV_FOLDS,
    seed: int = config.SEED,
    n_jobs: int = config.N_JOBS,
) -> dict:
    """Champion's and challenger's narrative recipes on the same grouped folds: in each, the
    challenger's learns from the whole training part, the champion's from it less `new_rows`
    (the reviewed narratives on trial); both are scored on the trusted narratives held out.

    The recipe compared is the narrative model's estimator in its default feature recipe, without
    the recipe choice, calibration folds, crops or title rows, which would multiply the work by
    eighteen or more and do not change which narratives it learns from. Returns {"folds": [{"champion": label -> accuracy,
    "challenger": ...}], "per_label": label -> mean challenger minus champion}."""
    X = pd.Series(list(readings), dtype=object)
    splits = narrative_splits(frame, folds, seed)
    runs = Parallel(n_jobs=n_jobs)(delayed(_compare_fold)(train, test, X, frame, np.asarray(new_rows), seed) for train, test in splits)
    per_label = {label: float(np.mean([r["challenger"][label] - r["champion"][label] for r in runs])) for label in NARRATIVE_LABELS}
    return {"folds": runs, "per_label": per_label}
