"""Installing a challenger as the champion, as one switch that `models/` and the registry agree on.

What scores is `models/bundle.skops` with `models/manifest.json` (read by `collab score`, serving
and Spark); what the registry calls the champion is the alias @champion. The three cannot change in
one atomic operation, so a journal (`models/promotion.json`) is written before the first change
and removed after the last: the champion's two files are kept in `models/previous/` first, and on
any failure (an exception here, or a process killed mid-way, found by the next retraining) they are
put back and @champion points where it pointed. Between the journal's writing and its removal the
promotion has not happened; after its removal all three name the new version.

Retrainings hold `models/retrain.lock` (`retraining_lock`) from start to end, so only one of them
writes `models/`, the labelled index or the aliases at a time; each fits its challenger in a folder
of its own (`challenger_dir`).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline import config, tracking
from pipeline.artifacts import BUNDLE_NAME, read_manifest
from pipeline.data.entries import InputError
from pipeline.io import atomic_path, atomic_write_text

JOURNAL_NAME = "promotion.json"
PREVIOUS_DIR_NAME = "previous"
LOCK_NAME = "retrain.lock"
CHALLENGERS_DIR_NAME = "challengers"
# The promotion's steps, in order; `after_step` is called after each (a test makes one fail there).
STEPS = ("journal", "keep", "bundle", "manifest", "alias")


def _copy_into(source: Path, models_dir: Path, name: str) -> None:
    """Replace `models_dir/name` with `source/name` atomically: a reader sees the old file or the new."""
    with atomic_path(models_dir / name) as tmp:
        shutil.copyfile(source / name, tmp)


def after_step(step: str) -> None:
    """Called after each step of a promotion: the point at which a test fails or kills it."""


@contextmanager
def retraining_lock(models_dir: Path) -> Iterator[None]:
    """Held for a whole retraining: a second one started meanwhile is refused in one line. The OS
    releases the lock when its process ends, however it ends."""
    from filelock import FileLock, Timeout

    path = Path(models_dir) / LOCK_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise InputError(f"다른 재학습이 진행 중입니다 (잠금 {path}): 그 재학습이 끝난 뒤 다시 실행하세요") from None
    try:
        yield
    finally:
        lock.release()


def challenger_dir(models_dir: Path, labelled_version: int) -> Path:
    """A folder of this retraining's own for its challenger. Under the lock no other retraining is
    running, so what else is in `challengers/` was left by a killed one and is removed."""
    parent = Path(models_dir) / CHALLENGERS_DIR_NAME
    shutil.rmtree(parent, ignore_errors=True)
    return parent / f"v{labelled_version:03d}"


def champion_version(client) -> int | None:
    """The registered version @champion names, None before the first."""
    from mlflow.exceptions import MlflowException

    try:
        model = client.get_registered_model(config.MODEL_NAME)
    except MlflowException as error:
        if error.error_code == "RESOURCE_DOES_NOT_EXIST":
            return None
        raise
    alias = model.aliases.get(config.MODEL_ALIAS)
    return int(alias) if alias is not None else None


def agreement(models_dir: Path) -> dict:
    """The MLflow run of the bundle in `models/` and of the version @champion names: after a
    promotion, failed or not, they are the same run."""
    mlflow = tracking.setup()
    client = mlflow.MlflowClient()
    version = champion_version(client)
    registered = client.get_model_version(config.MODEL_NAME, str(version)).run_id if version is not None else None
    return {"models_dir": read_manifest(models_dir).get("mlflow_run_id"), "champion": registered, "version": version}


def promote(challenger: Path, models_dir: Path, version: int) -> None:
    """Make the challenger in folder `challenger` (registered as `version`) the champion: its
    bundle and manifest in `models_dir`, @champion on `version`; all or nothing."""
    models_dir = Path(models_dir)
    client = tracking.setup().MlflowClient()
    journal = {
        "to_version": int(version),
        "from_version": champion_version(client),
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    atomic_write_text(models_dir / JOURNAL_NAME, json.dumps(journal, indent=2))
    try:
        after_step("journal")
        previous = models_dir / PREVIOUS_DIR_NAME
        shutil.rmtree(previous, ignore_errors=True)
        previous.mkdir()
        for name in (BUNDLE_NAME, config.MANIFEST.name):
            if (models_dir / name).is_file():
                shutil.copyfile(models_dir / name, previous / name)
        after_step("keep")
        # The bundle goes first: until the manifest follows, the old manifest's sha256 refuses the
        # new bundle instead of mixing the two.
        for name, step in ((BUNDLE_NAME, "bundle"), (config.MANIFEST.name, "manifest")):
            _copy_into(challenger, models_dir, name)
            after_step(step)
        client.set_registered_model_alias(config.MODEL_NAME, config.MODEL_ALIAS, str(version))
        after_step("alias")
    except BaseException:
        roll_back(models_dir)
        raise
    finish(models_dir)


def finish(models_dir: Path) -> None:
    """The promotion is done: drop the journal (the switch), then the kept champion."""
    (Path(models_dir) / JOURNAL_NAME).unlink()
    shutil.rmtree(Path(models_dir) / PREVIOUS_DIR_NAME, ignore_errors=True)


def roll_back(models_dir: Path) -> dict | None:
    """Undo an unfinished promotion (its journal present): the kept champion's files back in
    `models_dir`, @champion back on the version it named. Returns the journal, None if there was
    none. If the registry cannot be written now, the journal stays for the next retraining."""
    models_dir = Path(models_dir)
    path = models_dir / JOURNAL_NAME
    if not path.is_file():
        return None
    journal = json.loads(path.read_text(encoding="utf-8"))
    previous = models_dir / PREVIOUS_DIR_NAME
    if (previous / config.MANIFEST.name).is_file():  # else nothing in models/ was replaced yet
        for name in (BUNDLE_NAME, config.MANIFEST.name):
            _copy_into(previous, models_dir, name)
    client = tracking.setup().MlflowClient()
    if champion_version(client) != journal["from_version"]:
        if journal["from_version"] is None:
            client.delete_registered_model_alias(config.MODEL_NAME, config.MODEL_ALIAS)
        else:
            client.set_registered_model_alias(config.MODEL_NAME, config.MODEL_ALIAS, str(journal["from_version"]))
    finish(models_dir)
    print(
        f"promotion of version {journal['to_version']} (pid {journal['pid']}, {journal['started']}) was not "
        f"finished: {models_dir} and @{config.MODEL_ALIAS} are back on version {journal['from_version']}",
        file=sys.stderr,
    )
    return journal
