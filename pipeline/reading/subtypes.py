"""Collaboration model and sub-type by similarity to chapter 4's prototypes.

Only the 23 case studies carry sub-type labels, too few to train a classifier. Each sub-type is
instead described by its prototype: the report's definition, its example paragraphs, and the
narratives of its member case studies. A text gets the cosine similarity of its Kiwi-morpheme
TF-IDF vector to each prototype's centroid. Leaving a case out removes its own narrative and
example paragraph from every prototype, which is how the ranker is evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline import config
from pipeline.text.tokenizer import KiwiMorphemes
from pipeline.text.vectorizers import TermTfidf


def option_key(model: str, option: str) -> str:
    """The key used for a sub-type partition, as in case_studies.jsonl's `sub_types`."""
    return model if not option else f"{model} {option}"


@dataclass
class Ranking:
    """Similarity of one text to every sub-type, grouped by partition, best first."""

    by_option: dict[str, list[tuple[str, float]]]
    model_scores: dict[str, float]

    @property
    def model_type(self) -> str:
        return max(self.model_scores, key=self.model_scores.get)

    def sub_types(self) -> dict[str, str]:
        """The top sub-type in each partition of the predicted model."""
        return {
            key: ranked[0][0]
            for key, ranked in self.by_option.items()
            if key.startswith(self.model_type)
        }


class SubTypeRanker:
    """Nearest-prototype ranking of sub-types.

    Parameters
    ----------
    sub_types:
        chapter 4's sub-types (data/processed/sub_types.json).
    case_studies:
        the case studies whose narratives (and example paragraphs) join the prototypes of their
        sub-types; a case missing here is left out as `exclude_case` is.
    exclude_case:
        a case-study number to leave out of every prototype.
    """

    def __init__(self, sub_types: list[dict], case_studies: list[dict], exclude_case: int | None = None) -> None:
        # A case missing from `case_studies` is left out like `exclude_case`: its narrative and its
        # example paragraph.
        narratives = {cs["number"]: cs["narrative"] for cs in case_studies if cs["number"] != exclude_case}
        self.keys: list[tuple[str, str, str]] = []
        documents: list[list[str]] = []
        for sub in sub_types:
            docs = [sub["definition"]]
            docs += [e["text"] for e in sub["examples"] if e["case"] in narratives]
            docs += [narratives[n] for n in sub["cases"] if n in narratives]
            self.keys.append((sub["model"], sub["option"], sub["sub_type"]))
            documents.append(docs)
        self.kiwi = KiwiMorphemes()
        flat = [d for docs in documents for d in docs]
        self.vectorizer = TermTfidf(token_pattern=r"[^ ]+", lowercase=False, sublinear_tf=True)
        matrix = self.vectorizer.fit_transform(self.kiwi.transform(flat))
        centroids, row = [], 0
        for docs in documents:
            centroid = np.asarray(matrix[row : row + len(docs)].mean(axis=0)).ravel()
            centroids.append(centroid / (np.linalg.norm(centroid) or 1.0))
            row += len(docs)
        self.centroids = np.vstack(centroids)

    def rank_many(self, texts: list[str]) -> list[Ranking]:
        vectors = self.vectorizer.transform(self.kiwi.transform(texts))
        scores = vectors @ self.centroids.T
        out = []
        for row in np.asarray(scores):
            by_option: dict[str, list[tuple[str, float]]] = {}
            model_scores: dict[str, float] = {m: 0.0 for m in config.MODEL_TYPES}
            for (model, option, sub_type), score in zip(self.keys, row):
                by_option.setdefault(option_key(model, option), []).append((sub_type, round(float(score), 4)))
                model_scores[model] = max(model_scores[model], round(float(score), 4))
            for ranked in by_option.values():
                ranked.sort(key=lambda pair: -pair[1])
            out.append(Ranking(by_option, model_scores))
        return out


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
