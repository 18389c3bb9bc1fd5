"""Scoring new contest entries: `score_frame`, shared by the CLI, the MLflow model and the tests.

Each row gets every label of the report (Korean categories, O/X/△), a probability for each, the
evidence sentences behind the four criteria, `needs_review` with its reasons, and `error` when the
row could not be scored at all. Rows are never dropped or reordered.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

import numpy as np
import pandas as pd

from pipeline import config
from pipeline.dataset import meets_criteria
from pipeline.detectors import DONE
from pipeline.features import compose_text
from pipeline.narratives import combine, read_narratives, views
from pipeline.text import has_hangul

LABELS: tuple[str, ...] = (
    "service_field",
    "actor_type",
    "tech_applied",
    "tech_applicable",
    "resource_sharing",
    "sustainability",
    "meets_criteria",
    "model_type",
    "sub_type",
)
CRITERIA: tuple[str, ...] = ("tech_applied", "tech_applicable", "resource_sharing", "sustainability")
OUTPUT_COLUMNS: tuple[str, ...] = (
    *(c for label in LABELS for c in (label, f"{label}_proba")),
    "needs_review",
    "review_reasons",
    "uncertain_labels",
    "review_priority",
    *(f"evidence_{c}" for c in CRITERIA),
    "evidence_actors",
    "evidence_spans",
    "error",
)
NUMERIC_COLUMNS: frozenset[str] = frozenset({*(f"{label}_proba" for label in LABELS), "review_priority"})
MAX_EVIDENCE = 3
# Labels whose doubt flags a row for review: they decide the report's filter (meets_criteria).
# Doubt about the others is listed in `uncertain_labels` without flagging the row.
FLAGGING_LABELS: tuple[str, ...] = ("resource_sharing", "sustainability")


def row_error(title: str, description: str) -> str:
    """Why a row cannot be scored, or "" if it can."""
    text = f"{title} {description}"
    if not text.strip():
        return "empty: no title and no description"
    if len(text) > config.MAX_TEXT_CHARS:
        return f"too long: {len(text):,} characters (limit {config.MAX_TEXT_CHARS:,})"
    if text.count("\ufffd") > 0.1 * len(text.strip()):
        return "undecodable: the text is mostly replacement characters (wrong encoding?)"
    if not has_hangul(text):
        return "no Korean text: the models read Korean titles and narratives"
    return ""


def canonical_inputs(frame: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """title/region/description/id as strings, from the columns the mapping names."""
    out = pd.DataFrame(index=frame.index)
    for field in ("id", "region", "title", "description"):
        column = mapping.get(field)
        values = frame[column] if column is not None else pd.Series("", index=frame.index)
        out[field] = values.fillna("").astype(str).str.strip()
    return out


def normalised_entropy(proba: np.ndarray) -> np.ndarray:
    """Entropy of each row of class probabilities, divided by its maximum (log of the class count):
    0 when the model is certain, 1 when every class is equally likely."""
    p = np.clip(proba, 1e-12, 1.0)
    return -(p * np.log(p)).sum(axis=1) / np.log(proba.shape[1])


def rank_for_review(scored: pd.DataFrame) -> pd.DataFrame:
    """The scored rows, most useful to review first: uncertainty sampling on the title models.

    `review_priority` is the mean normalised entropy of the title models' probabilities over the
    targets retraining learns, so a reviewer's label on the top rows tells the models most. Rows
    that could not be scored come last (a label cannot train on them). `review_rank` (1 = first)
    and `input_row` (position in the input, 1 = first data row) are added in front; no row is lost.
    """
    ranked = scored.assign(input_row=np.arange(1, len(scored) + 1))
    ranked = ranked.sort_values("review_priority", ascending=False, kind="stable", na_position="last")
    ranked.insert(0, "input_row", ranked.pop("input_row"))
    ranked.insert(0, "review_rank", np.arange(1, len(ranked) + 1))
    return ranked


def _evidence_text(finding) -> str:
    done = [e.text for e in finding.evidence if e.status == DONE][:MAX_EVIDENCE]
    return " | ".join(done)


def _score_batch(batch: pd.DataFrame, bundle: dict) -> list[dict]:
    models, weights, ranker = bundle["models"], bundle["weights"], bundle["ranker"]
    has_text = batch["description"] != ""
    readings = dict(zip(batch.index[has_text], read_narratives(list(batch.loc[has_text, "description"]))))
    full_input = batch[["region", "title", "description"]]
    results: list[dict] = [{"review_reasons": [], "uncertain": []} for _ in range(len(batch))]
    row_readings = [readings.get(index) for index in batch.index]
    entropies = []
    for label, (classes, title_p, narrative_p) in views(models, batch, row_readings).items():
        entropies.append(normalised_entropy(title_p))
        for i, reading in enumerate(row_readings):
            p = title_p[i]
            if reading is not None:
                p = combine(title_p[i], narrative_p[i], weights.get(label, 0.5))
                if int(np.argmax(narrative_p[i])) != int(np.argmax(title_p[i])):
                    results[i]["uncertain"].append(f"{label}: narrative and title disagree")
            value, proba = classes[int(np.argmax(p))], float(np.max(p))
            if label == "sustainability" and reading is not None and value == config.MARK_YES:
                if reading.findings["sustainability"].decision == config.MARK_PARTIAL:
                    value = config.MARK_PARTIAL
            results[i][label], results[i][f"{label}_proba"] = value, round(proba, 3)
            if proba < config.REVIEW_PROBABILITY:
                doubt = f"{label}: low confidence ({proba:.2f})"
                results[i]["review_reasons" if label in FLAGGING_LABELS else "uncertain"].append(doubt)

    for i, priority in enumerate(np.mean(entropies, axis=0)):
        results[i]["review_priority"] = round(float(priority), 4)

    # The same text the models read, so the ranker's Kiwi analysis comes from the token cache.
    rankings = ranker.rank_many(compose_text(full_input))
    for i, index in enumerate(batch.index):
        row, reading, ranking = results[i], readings.get(index), rankings[i]
        row["model_type"] = ranking.model_type
        row["model_type_proba"] = ranking.model_scores[ranking.model_type]
        chosen = ranking.sub_types()
        row["sub_type"] = " / ".join(chosen.values())
        row["sub_type_proba"] = min(ranking.by_option[k][0][1] for k in chosen)
        spans = []
        if reading is None:
            row["resource_sharing"], row["resource_sharing_proba"] = "", np.nan
            row["meets_criteria"], row["meets_criteria_proba"] = "", np.nan
            row["review_reasons"].append("no description: resource sharing and the criteria need a narrative")
            for c in CRITERIA:
                row[f"evidence_{c}"] = ""
            row["evidence_actors"] = ""
        else:
            sharing = reading.findings["resource_sharing"]
            row["resource_sharing"], row["resource_sharing_proba"] = sharing.decision, sharing.confidence
            if sharing.confidence < config.REVIEW_PROBABILITY or sharing.decision != config.MARK_YES:
                row["review_reasons"].append(
                    "resource_sharing: no sentence says the partners share resources"
                    if sharing.decision != config.MARK_YES
                    else f"resource_sharing: low confidence ({sharing.confidence:.2f})"
                )
            row["meets_criteria"] = meets_criteria(sharing.decision, row["sustainability"])
            row["meets_criteria_proba"] = round(min(sharing.confidence, row["sustainability_proba"]), 3)
            for c in CRITERIA:
                row[f"evidence_{c}"] = _evidence_text(reading.findings[c])
                spans += [
                    {"label": c, "start": e.start, "end": e.end, "status": e.status, "cue": e.cue}
                    for e in reading.findings[c].evidence
                ]
            actors = {(a.name, a.kind) for a in reading.actors}
            row["evidence_actors"] = "; ".join(f"{n}({k})" for n, k in sorted(actors))
        row["evidence_spans"] = json.dumps(spans, ensure_ascii=False) if spans else ""
    return results


def score_frame(
    frame: pd.DataFrame,
    bundle: dict | None = None,
    mapping: dict[str, str] | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Score every row of `frame`; returns its columns followed by OUTPUT_COLUMNS.

    `mapping` names the input columns for title/region/description/id (found from the usual
    Korean and English headers when omitted). `bundle` is a loaded model bundle (the verified
    models/ one when omitted).
    """
    from pipeline.entries import resolve_columns

    if bundle is None:
        from pipeline.artifacts import load_bundle

        bundle, _ = load_bundle()
    missing = sorted(set(config.TARGETS) - set(bundle["models"]))
    if missing or "ranker" not in bundle:
        raise ValueError(f"the model bundle cannot score entries (missing {missing or 'ranker'}); run `collab train` for all targets")
    mapping = mapping or resolve_columns([str(c) for c in frame.columns])
    inputs = canonical_inputs(frame, mapping)
    errors = [row_error(t, d) for t, d in zip(inputs["title"], inputs["description"])]
    duplicated = inputs["id"].ne("") & inputs["id"].duplicated(keep=False)

    scored: dict[int, dict] = {}
    valid = [i for i, e in enumerate(errors) if not e]
    batches = range(0, len(valid), config.SCORE_BATCH)
    if progress:
        from tqdm import tqdm

        batches = tqdm(batches, desc="scoring", unit="batch", file=sys.stderr, disable=not sys.stderr.isatty())
    for start in batches:
        positions = valid[start : start + config.SCORE_BATCH]
        for position, result in zip(positions, _score_batch(inputs.iloc[positions], bundle)):
            scored[position] = result

    rows = []
    for position in range(len(frame)):
        row = {c: np.nan if c in NUMERIC_COLUMNS else "" for c in OUTPUT_COLUMNS}
        if errors[position]:
            row["error"] = errors[position]
            row["needs_review"] = True
            row["review_reasons"] = "not scored"
        else:
            result = scored[position]
            reasons = result.pop("review_reasons")
            row["uncertain_labels"] = "; ".join(result.pop("uncertain"))
            if duplicated.iloc[position]:
                reasons.append(f"duplicate id {inputs['id'].iloc[position]}")
            row.update(result)
            row["needs_review"] = bool(reasons)
            row["review_reasons"] = "; ".join(reasons)
        rows.append(row)
    out = pd.DataFrame(rows, index=frame.index, columns=list(OUTPUT_COLUMNS))
    original = frame.copy()
    # A column the input already has with one of our names keeps its data under "input_<name>".
    original.columns = [f"input_{c}" if c in OUTPUT_COLUMNS else c for c in original.columns]
    return pd.concat([original, out], axis=1)


def summarise(scored: pd.DataFrame) -> dict:
    """Counts per label and the cross-tables a reviewer compares with the report's [표 2-2]/[표 2-3]."""
    ok = scored[scored["error"] == ""]
    counts = {label: dict(Counter(ok[label])) for label in LABELS if label != "sub_type"}
    counts["sub_type"] = dict(Counter(s for v in ok["sub_type"] for s in v.split(" / ") if s))
    cross = {
        "service_field x tech_applied": pd.crosstab(ok["service_field"], ok["tech_applied"]).to_dict(orient="index"),
        "service_field x meets_criteria": pd.crosstab(ok["service_field"], ok["meets_criteria"]).to_dict(orient="index"),
    }
    return {
        "rows": len(scored),
        "scored": len(ok),
        "errors": int((scored["error"] != "").sum()),
        "needs_review": int(scored["needs_review"].astype(bool).sum()),
        "meets_criteria": int((ok["meets_criteria"] == config.MARK_YES).sum()),
        "counts": counts,
        "cross_tables": cross,
    }
