"""The reviewer-labelled data: versioned batches beside the report-derived cases, never inside them.

`data/labelled/` holds one CSV per accepted reviewed file (`v001.csv`, `v002.csv`, ...) and
`index.json`, which records for each version its source file and sha256, when it was added, the
rows left out and why, and what retraining decided. A version the promotion rule refused stays on
disk for the record but is not used for training again; a promoted or forced one is.
"""

from __future__ import annotations

import json
import os
import socket
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline import config
from pipeline.artifacts import sha256_file
from pipeline.data.dataset import meets_criteria
from pipeline.data.entries import InputError
from pipeline.data.normalise import normalise_title
from pipeline.data.regions import resolve_region
from pipeline.data.reviewed import BATCH_COLUMNS, Rejection, Reviewed, content_sha256, row_keys
from pipeline.data.title_groups import assign_title_groups
from pipeline.io import CSV_ENCODING, atomic_write, atomic_write_text, process_alive

INDEX_NAME = "index.json"
PENDING, PROMOTED, REFUSED, FORCED, FAILED = "pending", "promoted", "refused", "forced", "failed"
# Versions whose rows train later models.
STATUSES: tuple[str, ...] = (PENDING, PROMOTED, REFUSED, FORCED, FAILED)
TRAINING_STATUSES: tuple[str, ...] = (PROMOTED, FORCED)


# What each version's entry must hold (data/labelled/index.json), checked when the index is read.
VERSION_SCHEMA: dict[str, type] = {"version": int, "status": str, "file": str, "sha256": str, "rows": int}


def read_index(directory: Path = config.LABELLED_DIR) -> list[dict]:
    """The versions, after checking the index's shape: a damaged index is one line naming it."""
    path = Path(directory) / INDEX_NAME
    if not path.exists():
        return []
    try:
        versions = json.loads(path.read_text(encoding="utf-8"))["versions"]
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as error:
        raise ValueError(f"{path} is damaged ({type(error).__name__}: {error}); restore it from a backup") from None
    for n, entry in enumerate(versions if isinstance(versions, list) else [None], start=1):
        wrong = [k for k, kind in VERSION_SCHEMA.items() if not isinstance(entry, dict) or not isinstance(entry.get(k), kind)]
        if wrong or entry["status"] not in STATUSES:
            raise ValueError(
                f"{path} is damaged: entry {n} has no valid {', '.join(wrong) or 'status'}; restore it from a backup"
            )
    return versions


def _write_index(directory: Path, versions: list[dict]) -> None:
    text = json.dumps({"versions": versions}, ensure_ascii=False, indent=2) + "\n"
    atomic_write_text(Path(directory) / INDEX_NAME, text)


def training_versions(directory: Path = config.LABELLED_DIR) -> list[int]:
    """The versions whose rows are part of the training data."""
    return [v["version"] for v in read_index(directory) if v["status"] in TRAINING_STATUSES]


def known_rows(directory: Path = config.LABELLED_DIR) -> dict[str, dict]:
    """Row key (reviewed.row_keys) -> the version holding that row, over every version a decision
    was reached on: rows a refused retraining judged do not come in again as new; rows of a
    failed one (a crash, a kill, a locked store) were never judged and may be offered again."""
    known: dict[str, dict] = {}
    for entry in read_index(directory):
        if entry["status"] == FAILED:
            continue
        for key in row_keys(read_version(directory, entry)):
            known.setdefault(key, entry)
    return known


def drop_known(reviewed: Reviewed, directory: Path = config.LABELLED_DIR) -> Reviewed:
    """The reviewed file without the rows an earlier version holds (each reported as left out);
    refused whole if every row is such a row."""
    known = known_rows(directory)
    if not known or reviewed.accepted.empty:
        return reviewed
    keys = row_keys(reviewed.accepted)
    old = [known.get(key) for key in keys]
    if all(entry is not None for entry in old):
        versions = sorted({(e["version"], e["status"]) for e in old})
        raise InputError(
            f"{reviewed.source.name}: every marked row was already added (labelled version "
            + ", ".join(f"{number} ({status})" for number, status in versions)
            + "); there is nothing new to learn from"
        )
    keep = [entry is None for entry in old]
    rejected = list(reviewed.rejected) + [
        Rejection(int(line), f"already in labelled version {entry['version']} ({entry['status']})")
        for line, entry in zip(reviewed.accepted["source_line"], old)
        if entry is not None
    ]
    accepted = reviewed.accepted[keep].reset_index(drop=True)
    return replace(reviewed, accepted=accepted, rejected=rejected, sha256=content_sha256(accepted))


def add_version(reviewed: Reviewed, directory: Path = config.LABELLED_DIR, **details) -> dict:
    """Write the accepted rows as the next version and record it (status pending) with `details`;
    returns the entry."""
    directory = Path(directory)
    versions = read_index(directory)
    number = max((v["version"] for v in versions), default=0) + 1
    path = directory / f"v{number:03d}.csv"
    rows = reviewed.accepted.reindex(columns=list(BATCH_COLUMNS))
    atomic_write(path, lambda tmp: rows.to_csv(tmp, index=False, encoding=CSV_ENCODING, lineterminator="\r\n"))
    entry = {
        "version": number,
        "file": path.name,
        "sha256": sha256_file(path),
        "rows": len(rows),
        "source": reviewed.source.name,
        "source_sha256": reviewed.file_sha256,
        "content_sha256": reviewed.sha256,
        "unmarked_rows": reviewed.unmarked,
        "source_rows": reviewed.rows_read,
        "added": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "rejected": [{reviewed.unit: r.line, "reason": r.reason} for r in reviewed.rejected],
        "status": PENDING,
        # Who is retraining on it: a pending version whose process is gone is marked failed.
        "pid": os.getpid(),
        "host": socket.gethostname(),
        **details,
    }
    _write_index(directory, [*versions, entry])
    return entry


def process_gone(entry: dict) -> bool:
    """Whether the process that retrained on a version ran on this machine and is gone."""
    pid = entry.get("pid")
    return entry.get("host") == socket.gethostname() and isinstance(pid, int) and not process_alive(pid)


def recover_stale(directory: Path = config.LABELLED_DIR) -> list[dict]:
    """Mark failed every pending version whose retraining process is gone from this machine (killed
    with SIGKILL, or the machine restarted): its rows may then be offered again. Returns the
    entries changed (with `mlflow_run_id` when the run had started, for the caller to end)."""
    versions = read_index(directory)
    stale = [v for v in versions if v["status"] == PENDING and process_gone(v)]
    for entry in stale:
        entry.update(status=FAILED, decision=f"the retraining process (pid {entry['pid']} on {entry['host']}) is gone: killed or crashed")
    if stale:
        _write_index(directory, versions)
    return stale


def record_decision(directory: Path, version: int, status: str, **details) -> None:
    """Set a version's status (promoted, refused or forced) and what led to it."""
    versions = read_index(directory)
    for entry in versions:
        if entry["version"] == version:
            entry.update(status=status, **details)
    _write_index(directory, versions)


def read_version(directory: Path, entry: dict) -> pd.DataFrame:
    """One version's rows, after checking the file is the one the index recorded."""
    path = Path(directory) / entry["file"]
    if sha256_file(path) != entry["sha256"]:
        raise ValueError(f"{path} was changed after it was added (sha256 differs from {INDEX_NAME})")
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding=CSV_ENCODING)


def training_cases(base: pd.DataFrame, directory: Path, versions: list[int]) -> pd.DataFrame:
    """The report's cases followed by the rows of `versions`, with title groups recomputed over all
    of them (a reviewed entry that repeats a report case joins its group) and a `labelled_version`
    column (0 for the report's cases)."""
    frames = [base.assign(id=base["id"].astype(str), labelled_version=0)]
    by_number = {v["version"]: v for v in read_index(directory)}
    for number in versions:
        rows = read_version(directory, by_number[number])
        region = rows["region"].map(lambda r: resolve_region(r).canonical if r else "")
        frames.append(
            pd.DataFrame(
                {
                    "id": [f"L{number:03d}-{line}" for line in rows["source_line"]],
                    "region": region,
                    "region_raw": rows["region"],
                    "title": rows["title"],
                    # Not "description": the title models read that column (compose_text), and they
                    # learn from titles alone; the narrative side reads this one (narrative_corpus).
                    "narrative": rows["description"],
                    **{c: rows[c] for c in ("service_field", "actor_type", *config.MARK_COLUMNS)},
                    "meets_criteria": [meets_criteria(r, s) for r, s in zip(rows["resource_sharing"], rows["sustainability"])],
                    "title_norm": rows["title"].map(normalise_title),
                    "case_study": "",
                    "source_line": rows["source_line"],
                    "labelled_version": number,
                }
            )
        )
    cases = pd.concat(frames, ignore_index=True)
    cases["title_group"] = assign_title_groups(list(cases["title_norm"]), list(cases["region"]))
    for column in ("case_study", "parse_notes", "raw_name", "narrative"):
        if column in cases:
            cases[column] = cases[column].fillna("")
    cases["labelled_version"] = cases["labelled_version"].astype(np.int64)
    return cases
