"""Scoring new contest entries: `score_frame`, shared by the CLI, the MLflow model and the tests.

Each row gets every label of the report (Korean categories, O/X/△), a probability for each, the
evidence sentences behind the four criteria, `needs_review` with its reasons, and `error` when the
row could not be scored at all. Rows are never dropped or reordered.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
from tqdm import tqdm

from pipeline import config
from pipeline.artifacts import load_bundle
from pipeline.data.dataset import meets_criteria
from pipeline.data.entries import RowProblem, canonical_inputs, resolve_columns, row_problem
from pipeline.modeling.calibration import CalibratedDecision
from pipeline.modeling.narrative_models import EVIDENCE_LABELS, NARRATIVE_LABELS, LeftOut, sentence_pushes, share_text_blocks
from pipeline.modeling.shared_features import SharedFeatures
from pipeline.modeling.verdicts import aligned, heads, label_classes, sentence_counts, stack_features
from pipeline.reading.actors import CENTRAL, PRIVATE, is_partner_sentence
from pipeline.reading.detectors import DONE, stated_as_met, title_cue
from pipeline.reading.narratives import read_narratives
from pipeline.scoring import reasons as why
from pipeline.text.compose import compose_text
from pipeline.text.tokenizer import forget, prefetch

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
    # Left empty for the reviewer: 검토완료 on a row makes it training data (see data/reviewed.py).
    config.REVIEW_MARK_COLUMN,
    *(c for label in LABELS for c in (label, f"{label}_proba")),
    "needs_review",
    "review_reasons",
    "review_codes",
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


def normalised_entropy(proba: np.ndarray) -> np.ndarray:
    """Entropy of each row of class probabilities, divided by its maximum (log of the class count):
    0 when the model is certain, 1 when every class is equally likely."""
    p = np.clip(proba, 1e-12, 1.0)
    return -(p * np.log(p)).sum(axis=1) / np.log(proba.shape[1])


def review_order(scored: pd.DataFrame) -> np.ndarray:
    """검토 순서 of each row (1 = read first): one order that merges the three signals a reviewer
    has. Rows flagged `needs_review` come first, then the other scored rows, then the rows that
    could not be scored (a label cannot train on them); within each, rows with more uncertain
    labels first, then by `review_priority` (uncertainty sampling: the mean normalised entropy,
    over the five learned labels, of the probabilities each row was decided with, so a reviewer's
    label on the top rows tells the models most); ties keep the input's order."""
    failed = scored["error"].astype(str).ne("").to_numpy()
    flagged = scored["needs_review"].astype(bool).to_numpy() & ~failed
    group = np.where(failed, 2, np.where(flagged, 0, 1))
    uncertain = scored["uncertain_labels"].fillna("").astype(str).map(lambda v: len([p for p in v.split(why.SEPARATOR) if p])).to_numpy()
    priority = pd.to_numeric(scored["review_priority"], errors="coerce").fillna(-1.0).to_numpy()
    order = np.lexsort((np.arange(len(scored)), -priority, -uncertain, group))
    ranks = np.empty(len(scored), dtype=np.int64)
    ranks[order] = np.arange(1, len(scored) + 1)
    return ranks


# The columns `rank_for_review` puts in front of the input's.
RANK_COLUMNS: tuple[str, ...] = ("review_rank", "input_row")


def rank_for_review(scored: pd.DataFrame) -> pd.DataFrame:
    """The scored rows in 검토 순서 (`review_order`). `review_rank` (1 = first) and `input_row`
    (position in the input, 1 = first data row) are added in front; no row is lost."""
    ranked = scored.assign(input_row=np.arange(1, len(scored) + 1), review_rank=review_order(scored))
    ranked = ranked.sort_values("review_rank", kind="stable")
    ranked.insert(0, "input_row", ranked.pop("input_row"))
    ranked.insert(0, "review_rank", ranked.pop("review_rank"))
    return ranked


def _evidence(finding, pushes: dict[int, float] | None, sentence_index: dict[int, int]) -> list[tuple[object, float | None]]:
    """A criterion's evidence sentences with their push, strongest push first (detector order
    when the criterion has no learned model)."""
    if pushes is None:
        return [(e, None) for e in finding.evidence]
    scored = [(e, pushes.get(sentence_index.get(e.start, -1))) for e in finding.evidence]
    return sorted(scored, key=lambda pair: -abs(pair[1] or 0.0))


def _agrees(push: float | None, verdict: str, status: str) -> bool | None:
    """Whether a sentence points to the verdict shown (None: no push measured). A sentence that
    reads as the criterion done never points to X, whatever the model learned of its words: the
    report would count it for O, so a reviewer sees it as 반대 근거, not as the reason for X."""
    if push is None:
        return None
    if verdict == config.MARK_NO and status == DONE:
        return False
    return push > 0 if verdict != config.MARK_NO else push < 0


def _evidence_text(evidence: list[tuple[object, float | None]], verdict: str) -> str:
    """The sentences a reviewer reads first: those that pushed the verdict shown its way (for
    resource sharing, which has no learned model, the sentences saying it is done). A sentence
    pushing the other way is never shown here (it stays in `evidence_spans` as `against`)."""
    if evidence and evidence[0][1] is None:
        chosen = [e.text for e, _ in evidence if e.status == DONE] if verdict != config.MARK_NO else []
    else:
        chosen = [e.text for e, push in evidence if _agrees(push, verdict, e.status)]
    return why.SEPARATOR_EVIDENCE.join(chosen[:MAX_EVIDENCE])


# `status` of an evidence span that no cue found: a sentence the learned models read as O.
LEARNED = "learned"
# The verdicts an evidence sentence must back.
YES_MARKS: tuple[str, ...] = (config.MARK_YES, config.MARK_PARTIAL)


def _unbacked_pushes(
    model: CalibratedDecision, readings: list, verdicts: list[str], found: list[dict[int, float]], candidates: list[list[int]],
    p_full: np.ndarray, shared: SharedFeatures, then: Callable[[np.ndarray, np.ndarray, pd.Series], np.ndarray],
) -> dict[int, dict[int, float]]:
    """For each reading whose verdict is O (or △) although none of its cue sentences pushed it
    that way: the push of each of its other sentences, through the same verdict (`then`).

    The learned sides read what the cue rules pass over (a service 운영하고 있습니다 since 2015,
    AI 스피커를 보급했다 without the verb a rule asks for), so an O can rest on such a sentence;
    without this a reviewer was shown only the title.
    Only these readings are varied, so scoring a year costs a few more variants, not one per
    sentence of every narrative."""
    lacking = [
        k for k, verdict in enumerate(verdicts)
        if verdict in YES_MARKS and not any(push > 0 for push in found[k].values())
    ]
    if not lacking:
        return {}
    chosen = [readings[k] for k in lacking]
    others = [sorted(set(range(len(r.sentences))) - set(candidates[k])) for k, r in zip(lacking, chosen)]
    owners = np.asarray(lacking)
    extra = sentence_pushes(
        model, chosen, others, p_full[owners], LeftOut.build(chosen, others), shared,
        then=lambda rows, calibrated, variants: then(owners[rows], calibrated, variants),
    )
    return dict(zip(lacking, extra))


def _strongest(pushes: dict[int, float]) -> list[tuple[int, float]]:
    """The sentences that pushed toward O, strongest first, at most MAX_EVIDENCE."""
    return sorted(((j, push) for j, push in pushes.items() if push > 0), key=lambda pair: -pair[1])[:MAX_EVIDENCE]


def _fallback_evidence(label: str, title: str, reading) -> tuple[str, why.Reason | None]:
    """What decided an O that no sentence pushed its way: the title's cue word (the title side of
    the verdict), else, for resource sharing, the first sentence naming partners, else the title;
    with the note that the models' scores alone decided it when that is the title without a cue
    word (resource sharing, which no model learns, has its own note: NO_SHARING_SENTENCE)."""
    cue = title_cue(label, title)
    if cue:
        return why.title_evidence(title, cue), None
    if label == "resource_sharing" and reading is not None:
        sentence = next((s.text for s in reading.sentences if is_partner_sentence(s.text)), "")
        if sentence:
            return sentence, None
    return why.title_evidence(title, ""), None if label == "resource_sharing" else why.unbacked_yes(label)


def _partner_kinds_left_out(reading, actor_type: str) -> list[str]:
    """Kinds of participant (민간, 중앙) that a partner sentence names but `actor_type` leaves out,
    each with the first name found."""
    out = []
    for kind in (PRIVATE, CENTRAL):
        if kind in actor_type:
            continue
        for sentence in reading.sentences:
            if not is_partner_sentence(sentence.text):
                continue
            named = [a.name for a in reading.actors if a.kind == kind and sentence.start <= a.start < sentence.end]
            if named:
                out.append(f"{kind}({named[0]})")
                break
    return out


def _sides(bundle: dict, batch: pd.DataFrame, with_text: np.ndarray, X: pd.Series, shared: SharedFeatures) -> dict[str, dict]:
    """label -> the title models' probabilities for every row ("title", aligned to
    label_classes), the narrative models' calibrated ones for the readings `X` of the rows with
    text ("narrative"; the same object whose text blocks `shared` was given) and the verdict's
    own ("verdict")."""
    title_input = heads(batch)
    readings = list(X)
    sentences = sentence_counts(readings)
    out = {}
    for label in NARRATIVE_LABELS:
        model = bundle["models"][label]
        estimator = getattr(model, "best_estimator_", model)
        classes = label_classes(label)
        p_title = aligned(shared.predict_proba(estimator, title_input), [str(c) for c in model.classes_], classes)
        view = {"title": p_title}
        if readings:
            narrative = bundle["narrative"]["models"][label]
            calibrated = narrative.calibrate(shared.predict_proba(narrative.estimator_, X))
            view["narrative"] = aligned(calibrated, [str(c) for c in narrative.classes_], classes)
            stack = bundle["narrative"]["stacks"][label]
            view["verdict"] = stack.predict_proba(stack_features(p_title[with_text], view["narrative"], sentences))
        out[label] = view
    return out


def _score_batch(batch: pd.DataFrame, bundle: dict, shared: SharedFeatures) -> list[dict]:
    ranker = bundle["ranker"]
    sharing_rate = bundle["narrative"]["resource_sharing_rate"]
    has_text = (batch["description"] != "").to_numpy()
    with_text = np.flatnonzero(has_text)
    readings = read_narratives(batch.iloc[with_text]) if len(with_text) else []
    reading_at = dict(zip(with_text, readings))
    candidates, left_out = {}, None
    X = pd.Series(readings, dtype=object)
    if readings:
        # The sentences each evidence label may order by push; each narrative-minus-a-sentence is
        # built, and its text features computed, once for every label that asks for it.
        candidates = {
            label: [
                [j for j, s in enumerate(r.sentences) if any(e.start == s.start for e in r.findings[label].evidence)]
                for r in readings
            ]
            for label in EVIDENCE_LABELS
        }
        left_out = LeftOut.build(readings, *candidates.values())
        share_text_blocks(shared, bundle["narrative"]["models"][NARRATIVE_LABELS[0]], X, left_out)
    sides = _sides(bundle, batch, with_text, X, shared)
    # Rows with a description are decided by the verdict (title and narrative together), rows
    # without one by the title models alone.
    title_rows = np.flatnonzero(~has_text)
    results: list[dict] = [{"review_reasons": [], "uncertain": []} for _ in range(len(batch))]
    entropies = []
    for label in NARRATIVE_LABELS:
        classes = label_classes(label)
        views = []
        if readings:
            stack = bundle["narrative"]["stacks"][label]
            views.append((with_text, sides[label]["verdict"], stack.decide(sides[label]["verdict"])))
        if len(title_rows):
            proba = sides[label]["title"][title_rows]
            views.append((title_rows, proba, np.asarray(classes)[proba.argmax(axis=1)]))
        entropy = np.zeros(len(batch))
        for rows, proba, decided in views:
            entropy[rows] = normalised_entropy(proba)
            for i, p, value in zip(rows, proba, decided):
                value = str(value)
                confidence = float(p[classes.index(value)])
                reading = reading_at.get(i)
                if label == "sustainability" and reading is not None and value == config.MARK_YES:
                    if reading.findings["sustainability"].decision == config.MARK_PARTIAL:
                        value = config.MARK_PARTIAL  # the model learns O/△ together; the wording says which
                results[i][label], results[i][f"{label}_proba"] = value, round(confidence, 3)
                if confidence < config.REVIEW_PROBABILITY:
                    doubt = why.low_confidence(label, confidence)
                    results[i]["review_reasons" if label in FLAGGING_LABELS else "uncertain"].append(doubt)
        entropies.append(entropy)

    for i, priority in enumerate(np.mean(entropies, axis=0)):
        results[i]["review_priority"] = round(float(priority), 4)

    pushes, unbacked = {}, {}
    if readings:
        full_sentences = sentence_counts(readings)
        for label in EVIDENCE_LABELS:
            model, stack = bundle["narrative"]["models"][label], bundle["narrative"]["stacks"][label]
            classes = label_classes(label)
            yes = classes.index(config.MARK_YES)
            p_title = sides[label]["title"][with_text]

            def verdict_yes(rows, calibrated, _variants, model=model, stack=stack, classes=classes, yes=yes, p_title=p_title):
                # The whole narrative's length, not the variant's: a sentence's push is what it
                # says, not that leaving it out makes the entry shorter (which shifts the
                # verdict's weight toward the title).
                narrative = aligned(calibrated, [str(c) for c in model.classes_], classes)
                return stack.predict_proba(stack_features(p_title[rows], narrative, full_sentences[rows]))[:, yes]

            p_full = sides[label]["verdict"][:, yes]
            found = sentence_pushes(model, readings, candidates[label], p_full, left_out, shared, then=verdict_yes)
            pushes[label] = dict(zip(with_text, found))
            verdicts = [results[i][label] for i in with_text]
            extra = _unbacked_pushes(model, readings, verdicts, found, candidates[label], p_full, shared, verdict_yes)
            unbacked[label] = {with_text[k]: sentences for k, sentences in extra.items()}

    # The same text the models read, so the ranker's Kiwi analysis comes from the token cache.
    rankings = ranker.rank_many(compose_text(batch[["region", "title", "description"]]))
    titles, offsets = batch["title"].tolist(), batch["offset"].to_numpy()
    for i in range(len(batch)):
        row, reading, ranking = results[i], reading_at.get(i), rankings[i]
        row["model_type"] = ranking.model_type
        row["model_type_proba"] = ranking.model_scores[ranking.model_type]
        chosen = ranking.sub_types()
        row["sub_type"] = " / ".join(chosen.values())
        row["sub_type_proba"] = min(ranking.by_option[k][0][1] for k in chosen)
        spans = []
        if reading is None:
            row["resource_sharing"], row["resource_sharing_proba"] = "", np.nan
            row["meets_criteria"], row["meets_criteria_proba"] = "", np.nan
            row["review_reasons"].append(why.NO_DESCRIPTION)
            for c in CRITERIA:
                row[f"evidence_{c}"], note = _fallback_evidence(c, titles[i], None) if row.get(c, "") in YES_MARKS else ("", None)
                row["uncertain"] += [note] if note else []
            row["evidence_actors"] = ""
        else:
            row["resource_sharing"] = config.MARK_YES if sharing_rate >= 0.5 else config.MARK_NO
            row["resource_sharing_proba"] = round(max(sharing_rate, 1.0 - sharing_rate), 3)
            if reading.findings["resource_sharing"].decision != config.MARK_YES:
                row["uncertain"].append(why.NO_SHARING_SENTENCE)
            row["meets_criteria"] = meets_criteria(row["resource_sharing"], row["sustainability"])
            p_sustainable = row["sustainability_proba"] if row["sustainability"] != config.MARK_NO else 1.0 - row["sustainability_proba"]
            p_meets = sharing_rate * p_sustainable
            row["meets_criteria_proba"] = round(p_meets if row["meets_criteria"] == config.MARK_YES else 1.0 - p_meets, 3)
            index = {s.start: j for j, s in enumerate(reading.sentences)}
            shift = int(offsets[i])
            for c in CRITERIA:
                verdict = row[c]
                evidence = _evidence(reading.findings[c], pushes[c].get(i) if c in pushes else None, index)
                text = _evidence_text(evidence, verdict)
                if not text and verdict in YES_MARKS:
                    learned = _strongest(unbacked.get(c, {}).get(i, {}))
                    if learned:
                        text = why.SEPARATOR_EVIDENCE.join(why.learned_evidence(reading.sentences[j].text) for j, _ in learned)
                        spans += [
                            {"label": c, "start": reading.sentences[j].start + shift, "end": reading.sentences[j].end + shift,
                             "status": LEARNED, "cue": "", "push": round(push, 4)}
                            for j, push in learned
                        ]
                    else:
                        text, note = _fallback_evidence(c, titles[i], reading)
                        row["uncertain"] += [note] if note else []
                row[f"evidence_{c}"] = text
                stated = stated_as_met(reading.findings[c]) if verdict == config.MARK_NO else None
                if stated is not None:
                    # A note, not a flag: the appendix labels X on all 48 of the 263 narratives
                    # that get it, so flagging would send a fifth of a year to review for nothing.
                    row["uncertain"].append(why.stated_yet_no(c, stated.cue))
                spans += [
                    {"label": c, "start": e.start + shift, "end": e.end + shift, "status": e.status, "cue": e.cue}
                    | ({} if push is None else {"push": round(push, 4)})
                    | ({"against": True} if _agrees(push, verdict, e.status) is False else {})
                    for e, push in evidence
                ]
            missing = _partner_kinds_left_out(reading, row["actor_type"])
            if missing:
                row["uncertain"].append(why.partner_kinds_left_out(row["actor_type"], missing))
            actors = {(a.name, a.kind) for a in reading.actors}
            row["evidence_actors"] = "; ".join(f"{n}({k})" for n, k in sorted(actors))
        row["evidence_spans"] = json.dumps(spans, ensure_ascii=False) if spans else ""
    return results


def _runs(positions: list[int], sizes: np.ndarray, rows: int, characters: int) -> Iterator[list[int]]:
    """Consecutive runs of `positions` of at most `rows` rows and about `characters` characters,
    so that long narratives make shorter runs than titles."""
    run, chars = [], 0
    for position in positions:
        run.append(position)
        chars += int(sizes[position])
        if len(run) >= rows or chars >= characters:
            yield run
            run, chars = [], 0
    if run:
        yield run


def score_frame(
    frame: pd.DataFrame,
    bundle: dict | None = None,
    mapping: dict[str, str] | None = None,
    progress: bool = False,
    problems: dict[int, RowProblem] | None = None,
    duplicate_ids: set[str] | None = None,
) -> pd.DataFrame:
    """Score every row of `frame`; returns its columns followed by OUTPUT_COLUMNS.

    `mapping` names the input columns for title/region/description/id (found from the usual
    Korean and English headers when omitted). `bundle` is a loaded model bundle (the verified
    models/ one when omitted). `problems` are rows the reader could not read whole (by position):
    they come back unscored with the reader's reason. `duplicate_ids` are the ids that occur more
    than once in the whole file, when `frame` is one slice of it (found in `frame` otherwise).
    """
    if bundle is None:
        bundle, _ = load_bundle()
    missing = sorted(set(config.TARGETS) - set(bundle["models"])) or [k for k in ("narrative", "ranker") if k not in bundle]
    missing = missing or ([] if "stacks" in bundle["narrative"] else ["narrative stacks"])
    if missing:
        raise ValueError(f"the model bundle cannot score entries (missing {missing}); run `collab train` for all targets")
    mapping = mapping or resolve_columns([str(c) for c in frame.columns])
    inputs = canonical_inputs(frame, mapping)
    # The description is read stripped; evidence offsets point into it as written (blank lines
    # or spaces in front shift every sentence).
    written = frame[mapping["description"]].fillna("").astype(str) if "description" in mapping else pd.Series("", index=frame.index)
    inputs["offset"] = (written.str.len() - written.str.lstrip().str.len()).to_numpy()
    problems = problems or {}
    errors = [problems.get(i) or row_problem(t, d) for i, (t, d) in enumerate(zip(inputs["title"], inputs["description"]))]
    if duplicate_ids is None:
        duplicated = inputs["id"].ne("") & inputs["id"].duplicated(keep=False)
    else:
        duplicated = inputs["id"].ne("") & inputs["id"].isin(duplicate_ids)

    scored: dict[int, dict] = {}
    shared = SharedFeatures()
    valid = [i for i, e in enumerate(errors) if not e]
    bar = tqdm(total=len(valid), desc="scoring", unit="row", file=sys.stderr, disable=not (progress and sys.stderr.isatty()))
    sizes = (inputs["title"].str.len() + inputs["description"].str.len()).to_numpy()
    # A chunk's Kiwi analyses are held until it is scored; a batch's features and narrative variants
    # until its rows are.
    for chunk in _runs(valid, sizes, config.SCORE_CHUNK, config.SCORE_CHUNK_CHARS):
        prefetch(compose_text(inputs.iloc[chunk][["region", "title", "description"]]))
        for positions in _runs(chunk, sizes, config.SCORE_BATCH, config.SCORE_BATCH_CHARS):
            for position, result in zip(positions, _score_batch(inputs.iloc[positions], bundle, shared)):
                scored[position] = result
            shared.clear()
            bar.update(len(positions))
        forget()
    bar.close()

    rows = []
    for position in range(len(frame)):
        row = {c: np.nan if c in NUMERIC_COLUMNS else "" for c in OUTPUT_COLUMNS}
        if errors[position]:
            problem = errors[position]
            row["error"] = problem.text
            row["needs_review"] = True
            row["review_codes"], row["review_reasons"] = why.joined([why.not_scored(problem.code, problem.text)])
        else:
            result = scored[position]
            reasons = result.pop("review_reasons")
            row["uncertain_labels"] = why.joined(result.pop("uncertain"))[1]
            if duplicated.iloc[position]:
                reasons.append(why.duplicate_id(inputs["id"].iloc[position]))
            row.update(result)
            row["needs_review"] = bool(reasons)
            row["review_codes"], row["review_reasons"] = why.joined(reasons)
        rows.append(row)
    out = pd.DataFrame(rows, index=frame.index, columns=list(OUTPUT_COLUMNS))
    original = frame.copy()
    # A column the input already has with one of our names keeps its data under "input_<name>".
    original.columns = [f"input_{c}" if c in OUTPUT_COLUMNS else c for c in original.columns]
    return pd.concat([original, out], axis=1)


def score_chunks(
    frame: pd.DataFrame,
    bundle: dict,
    mapping: dict[str, str] | None = None,
    problems: dict[int, RowProblem] | None = None,
    progress: bool = False,
) -> Iterator[pd.DataFrame]:
    """`score_frame` over consecutive slices of `frame` (config.SCORE_CHUNK rows), in order: a long
    file is written slice by slice, so its scored rows never sit in memory at once. Duplicate ids
    are found over the whole frame; every row comes back, in its place."""
    mapping = mapping or resolve_columns([str(c) for c in frame.columns])
    ids = canonical_inputs(frame, mapping)["id"]
    duplicate_ids = set(ids[ids.ne("") & ids.duplicated(keep=False)])
    problems = problems or {}
    bar = tqdm(total=len(frame), desc="scoring", unit="row", file=sys.stderr, disable=not (progress and sys.stderr.isatty()))
    for start in range(0, max(len(frame), 1), config.SCORE_CHUNK):
        stop = start + config.SCORE_CHUNK
        mine = {position - start: problem for position, problem in problems.items() if start <= position < stop}
        yield score_frame(frame.iloc[start:stop], bundle, mapping, problems=mine, duplicate_ids=duplicate_ids)
        bar.update(min(stop, len(frame)) - start)
    bar.close()


def merge_summaries(first: dict | None, second: dict) -> dict:
    """The summary of two slices of one file, from theirs (`summarise`)."""
    if first is None:
        return second
    out = {k: first[k] + second[k] for k in ("rows", "scored", "errors", "needs_review", "meets_criteria")}
    out["counts"] = {label: _add(first["counts"].get(label, {}), second["counts"].get(label, {})) for label in first["counts"]}
    out["cross_tables"] = {}
    for name, a in first["cross_tables"].items():
        b = second["cross_tables"].get(name, {})
        fields = {field: _add(a.get(field, {}), b.get(field, {})) for field in [*a, *(f for f in b if f not in a)]}
        # A cross-table of the whole file has a cell, maybe 0, for every field and value it holds.
        columns = {c for row in fields.values() for c in row}
        out["cross_tables"][name] = {f: {c: row.get(c, 0) for c in sorted(columns)} for f, row in sorted(fields.items())}
    return out


def _add(a: dict, b: dict) -> dict:
    out = dict(a)
    for key, value in b.items():
        out[key] = out.get(key, 0) + value
    return out


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
