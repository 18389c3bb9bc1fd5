"""A simulated year of reviewing: does reviewing in the product's order teach faster than at random?

A third of the appendix narratives' projects (split groups) plays this year's entries; the rest,
with the case studies and every other appendix title, is what the product was trained on. Of the
year's entries two thirds are the reviewers' pile and one third stays untouched: the yardstick.
Reviewers take the pile in batches of BATCH, either in `collab score --rank-for-review` order (the
most uncertain first, ranked again by each retrained model) or in a random order; each reviewed
entry comes back with the report's labels (what a reviewer marks), joins the training titles and
narratives, and the title models, narrative side and combiner are fitted again. After each batch
the script prints each label's accuracy on the untouched entries.

    .venv/bin/python bench/bench_learning.py [--seeds 2]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from pipeline import config
from pipeline.data.dataset import load_case_studies, load_cases
from pipeline.data.narrative_corpus import CASE_STUDY, load_narratives, training_frame
from pipeline.modeling.narrative_models import NARRATIVE_LABELS, narrative_labels
from pipeline.modeling.verdicts import aligned, fit_title_model, fit_verdicts, heads, label_classes, sentence_counts, stack_features, title_C, title_proba
from pipeline.reading.narratives import read_narratives
from pipeline.scoring.score import normalised_entropy

BATCH = 30


def fit(cases: pd.DataFrame, frame: pd.DataFrame, readings: list) -> dict:
    """Title models and the verdict part, as `collab train` fits them (without its evaluation)."""
    titles = {label: fit_title_model(cases, label) for label in NARRATIVE_LABELS}
    return {"titles": titles, "verdicts": fit_verdicts(cases, frame, readings, C={k: title_C(m) for k, m in titles.items()})}


def predict(models: dict, frame: pd.DataFrame, readings: list) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """label -> (decided labels, verdict probabilities) for entries with a description."""
    X = pd.Series(readings, dtype=object)
    out = {}
    for label in NARRATIVE_LABELS:
        classes = label_classes(label)
        p_title = title_proba(models["titles"][label], heads(frame), label)
        narrative = models["verdicts"]["models"][label]
        p_narrative = aligned(narrative.predict_proba(X), [str(c) for c in narrative.classes_], classes)
        stack = models["verdicts"]["stacks"][label]
        proba = stack.predict_proba(stack_features(p_title, p_narrative, sentence_counts(readings)))
        out[label] = (stack.decide(proba), proba)
    return out


def accuracy(models: dict, frame: pd.DataFrame, readings: list) -> dict[str, float]:
    found = predict(models, frame, readings)
    return {label: float(np.mean(found[label][0] == narrative_labels(frame, label))) for label in NARRATIVE_LABELS}


def simulate(order: str, seed: int, base: tuple, pile: pd.DataFrame, untouched: pd.DataFrame, readings: dict, all_cases: pd.DataFrame) -> list[dict]:
    """Accuracy on `untouched` before any review and after each batch of `pile` reviewed in `order`."""
    cases, frame = base
    rng = np.random.default_rng(seed)
    left = list(pile.index)
    if order == "random":
        left = list(rng.permutation(left))
    rows = []
    models = fit(cases, frame, [readings[k] for k in frame["key"]])
    rows.append({"reviewed": 0, **accuracy(models, untouched, [readings[k] for k in untouched["key"]])})
    reviewed: list = []
    while left:
        if order == "product":
            candidates = pile.loc[left]
            found = predict(models, candidates, [readings[k] for k in candidates["key"]])
            priority = np.mean([normalised_entropy(found[label][1]) for label in NARRATIVE_LABELS], axis=0)
            left = [left[i] for i in np.argsort(-priority, kind="stable")]
        batch, left = left[:BATCH], left[BATCH:]
        reviewed += batch
        added = pile.loc[reviewed]
        more_cases = pd.concat([cases, all_cases.loc[all_cases["id"].astype(str).isin(added["appendix_id"])]], ignore_index=True)
        more_frame = pd.concat([frame, added], ignore_index=True)
        models = fit(more_cases, more_frame, [readings[k] for k in more_frame["key"]])
        rows.append({"reviewed": len(reviewed), **accuracy(models, untouched, [readings[k] for k in untouched["key"]])})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=1, help="years simulated, each with its own split and random order")
    args = parser.parse_args()
    started = time.perf_counter()
    all_cases = load_cases()
    frame = training_frame(load_narratives(), load_case_studies(), all_cases)
    readings = dict(zip(frame["key"], read_narratives(frame)))
    results: dict[str, list[list[dict]]] = {"product": [], "random": []}
    for seed in range(args.seeds):
        rng = np.random.default_rng(config.SEED + seed)
        appendix_groups = sorted(set(frame.loc[frame["source"] != CASE_STUDY, "split_group"]))
        year_groups = set(rng.permutation(appendix_groups)[: len(appendix_groups) // 3])
        year = frame[frame["split_group"].isin(year_groups)]
        year_order = rng.permutation(sorted(year_groups))
        pile_groups = set(year_order[: 2 * len(year_order) // 3])
        pile = year[year["split_group"].isin(pile_groups)]
        untouched = year[~year["split_group"].isin(pile_groups)].reset_index(drop=True)
        gone = set(year["title_group"]) | set(year["split_group"])
        base = (all_cases[~all_cases["title_group"].isin(gone)].reset_index(drop=True), frame[~frame["split_group"].isin(year_groups)].reset_index(drop=True))
        print(f"year {seed + 1}: {len(base[1])} narratives trained on, {len(pile)} to review, {len(untouched)} untouched", flush=True)
        for order in results:
            results[order].append(simulate(order, config.SEED + seed, base, pile, untouched, readings, all_cases))
            for row in results[order][-1]:
                mean = np.mean([row[label] for label in NARRATIVE_LABELS])
                print(f"  {order:<8} reviewed {row['reviewed']:>3}: " + "  ".join(f"{label} {row[label]:.3f}" for label in NARRATIVE_LABELS) + f"  mean {mean:.3f}", flush=True)
    print("\nmean accuracy on the untouched entries over the labels (and years), after each batch")
    for order, years in results.items():
        steps = [np.mean([np.mean([year[i][label] for label in NARRATIVE_LABELS]) for year in years]) for i in range(len(years[0]))]
        print(f"  {order:<8} " + "  ".join(f"{years[0][i]['reviewed']:>3}: {v:.3f}" for i, v in enumerate(steps)))
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
