"""Reading an entry's narrative and combining it with the title classifiers.

For each label there are two views: the title classifier's probabilities (region + title), and
the narrative's (actors for actor type, the detectors for the four criteria, the title classifier
applied to the narrative text for service field). They are mixed as
`w * narrative + (1 - w) * title`, with one weight per label chosen by leave-one-case-out accuracy
on the 23 case studies, the only narratives with labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline import config
from pipeline.actors import Actor, actor_type, extract_actors
from pipeline.detectors import Finding, detect_all
from pipeline.sentences import Sentence, split_many
from pipeline.subtypes import Ranking, SubTypeRanker

# Labels decided from narrative + title; resource sharing has no title model (always O in the
# appendix), so its weight is fixed at 1.
COMBINED_LABELS: tuple[str, ...] = (
    "service_field",
    "actor_type",
    "tech_applied",
    "tech_applicable",
    "sustainability",
)
WEIGHT_GRID: tuple[float, ...] = (0.5, 0.25, 0.75, 0.0, 1.0)  # ties go to the earlier weight
# How much of its probability the narrative's actor type keeps; the rest is spread evenly.
ACTOR_TYPE_CONFIDENCE = 0.7


@dataclass
class NarrativeReading:
    """What one narrative says: its sentences, actors, criterion findings and actor type."""

    sentences: list[Sentence]
    actors: list[Actor]
    findings: dict[str, Finding]
    actor_type: str


def read_narratives(texts: Sequence[str], region_counts: Sequence[int] | None = None) -> list[NarrativeReading]:
    """Sentences (one batched Kiwi call), actors and findings for each narrative."""
    region_counts = region_counts or [1] * len(texts)
    out = []
    for text, sentences, n_regions in zip(texts, split_many(list(texts)), region_counts):
        actors = extract_actors(text)
        out.append(NarrativeReading(sentences, actors, detect_all(sentences), actor_type(actors, n_regions)))
    return out


def _yes_no(classes: Sequence[str], p_yes: float) -> np.ndarray:
    return np.array([p_yes if c == config.MARK_YES else 1.0 - p_yes for c in classes])


def narrative_proba(label: str, reading: NarrativeReading, classes: Sequence[str]) -> np.ndarray:
    """The narrative's probability over a title model's classes (not for service_field)."""
    if label == "actor_type":
        rest = (1.0 - ACTOR_TYPE_CONFIDENCE) / (len(classes) - 1)
        return np.array([ACTOR_TYPE_CONFIDENCE if c == reading.actor_type else rest for c in classes])
    return _yes_no(classes, reading.findings[label].proba_yes)


def views(
    models: dict, frame: pd.DataFrame, readings: Sequence[NarrativeReading | None]
) -> dict[str, tuple[list[str], np.ndarray, np.ndarray]]:
    """label -> (classes, title-view probabilities, narrative-view probabilities), a row per entry.

    Rows without a narrative (reading None) get NaN in the narrative view.
    """
    title_input = frame.reindex(columns=["region", "title"]).fillna("").astype(str)
    full_input = frame.reindex(columns=["region", "title", "description"]).fillna("").astype(str)
    with_text = [i for i, reading in enumerate(readings) if reading is not None]
    out = {}
    for label in COMBINED_LABELS:
        model = models[label]
        classes = [str(c) for c in model.classes_]
        title_p = model.predict_proba(title_input)
        narrative_p = np.full_like(title_p, np.nan)
        if with_text and label == "service_field":
            narrative_p[with_text] = model.predict_proba(full_input.iloc[with_text])
        elif with_text:
            narrative_p[with_text] = np.vstack([narrative_proba(label, readings[i], classes) for i in with_text])
        out[label] = (classes, title_p, narrative_p)
    return out


def combine(title_p: np.ndarray, narrative_p: np.ndarray, weight: float) -> np.ndarray:
    return weight * narrative_p + (1.0 - weight) * title_p


def choose_weight(title_p: np.ndarray, narrative_p: np.ndarray, classes: list[str], truth: Sequence[str]) -> float:
    """The weight in WEIGHT_GRID with the best accuracy on these cases."""
    truth = np.asarray(truth)

    def accuracy(w: float) -> float:
        predicted = np.asarray(classes)[combine(title_p, narrative_p, w).argmax(axis=1)]
        return float((predicted == truth).mean())

    return max(WEIGHT_GRID, key=accuracy)


def truth_for(label: str, case_study: dict) -> str:
    """A case study's table label in the classes the models use (sustainability △ counts as O)."""
    value = case_study[label] if isinstance(case_study[label], str) else case_study[label]["mark"]
    return config.MARK_YES if label == "sustainability" and value == config.MARK_PARTIAL else value


def evaluate_narratives(
    cases: pd.DataFrame, case_studies: list[dict], sub_types: list[dict], seed: int = config.SEED
) -> dict:
    """Accuracy on the 23 case-study narratives against their own tables.

    The title classifiers are trained without the 23 cases and their title groups; combination
    weights and sub-type prototypes are chosen/built leaving the scored case out.
    """
    from pipeline.training import fit_all

    held_out_groups = set(cases.loc[cases["case_study"] != "", "title_group"])
    train_cases = cases[~cases["title_group"].isin(held_out_groups)].reset_index(drop=True)
    models, _ = fit_all(train_cases, list(config.TARGETS), seed)

    frame = pd.DataFrame(
        {
            "region": [cs["region"] for cs in case_studies],
            "title": [cs["name"] for cs in case_studies],
            "description": [cs["narrative"] for cs in case_studies],
        }
    )
    readings = read_narratives(list(frame["description"]))
    n = len(case_studies)
    targets: dict[str, dict] = {}
    diagnostics: dict[str, dict] = {}
    for label, (classes, title_p, narrative_p) in views(models, frame, readings).items():
        truth = np.array([truth_for(label, cs) for cs in case_studies])
        hits, weights = [], []
        for i in range(n):
            rest = np.arange(n) != i
            w = choose_weight(title_p[rest], narrative_p[rest], classes, truth[rest])
            weights.append(w)
            hits.append(classes[int(combine(title_p[i], narrative_p[i], w).argmax())] == truth[i])
        targets[label] = {"accuracy": float(np.mean(hits)), "n": n}
        diagnostics[label] = {
            "title_only": float(np.mean(np.asarray(classes)[title_p.argmax(axis=1)] == truth)),
            "narrative_only": float(np.mean(np.asarray(classes)[narrative_p.argmax(axis=1)] == truth)),
            "weight_all_cases": choose_weight(title_p, narrative_p, classes, truth),
            "weights_chosen_leaving_one_out": sorted(set(weights)),
        }
    sharing = [r.findings["resource_sharing"].decision == truth_for("resource_sharing", cs) for r, cs in zip(readings, case_studies)]
    targets["resource_sharing"] = {"accuracy": float(np.mean(sharing)), "n": n}

    rankings = [
        SubTypeRanker(sub_types, case_studies, exclude_case=cs["number"]).rank_many([f"{cs['name']} {cs['narrative']}"])[0]
        for cs in case_studies
    ]
    targets.update(sub_type_scores(case_studies, rankings))
    return {"targets": targets, "diagnostics": diagnostics}


def sub_type_scores(case_studies: list[dict], rankings: list[Ranking]) -> dict[str, dict]:
    """Model-type accuracy and sub-type top-1/top-2 accuracy, overall and per partition."""
    with_model = [(cs, r) for cs, r in zip(case_studies, rankings) if cs["model_types"]]
    out = {
        "model_type": {
            "accuracy": float(np.mean([r.model_type in cs["model_types"] for cs, r in with_model])),
            "n": len(with_model),
        }
    }
    per_option: dict[str, list[tuple[bool, bool]]] = {}
    for cs, r in zip(case_studies, rankings):
        for key, labels in cs["sub_types"].items():
            ranked = [s for s, _ in r.by_option[key]]
            per_option.setdefault(key, []).append((ranked[0] in labels, any(s in labels for s in ranked[:2])))
    pairs = [p for ps in per_option.values() for p in ps]
    out["sub_type_top1"] = {"accuracy": float(np.mean([a for a, _ in pairs])), "n": len(pairs)}
    out["sub_type_top2"] = {"accuracy": float(np.mean([b for _, b in pairs])), "n": len(pairs)}
    for key, ps in per_option.items():
        out[f"sub_type_top1 ({key})"] = {"accuracy": float(np.mean([a for a, _ in ps])), "n": len(ps)}
        out[f"sub_type_top2 ({key})"] = {"accuracy": float(np.mean([b for _, b in ps])), "n": len(ps)}
    return out
