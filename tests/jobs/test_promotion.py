"""Issue 23, item 1: `models/` and @champion name the same version whatever stops a promotion.

A copy of the suite's store (champion = version 1) gets a second registered version whose files
sit in a challenger folder; the promotion to it is then failed (an exception), killed (SIGKILL)
or blocked (another process holding the SQLite store) at each step."""

import json
import shutil
import sqlite3
import subprocess
import sys

import mlflow
import pytest

from pipeline import config, tracking
from pipeline.artifacts import BUNDLE_NAME
from pipeline.jobs import promotion


@pytest.fixture()
def setting(trained, tmp_path, monkeypatch):
    """(models, challenger folder, champion run id, challenger run id, challenger version)."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")
    shutil.copyfile(trained[0] / "mlflow.db", tmp_path / "mlflow.db")
    models = tmp_path / "models"
    shutil.copytree(trained[0] / "models", models)
    client = tracking.setup().MlflowClient()
    with mlflow.start_run(run_name="challenger") as run:
        pass
    challenger = tmp_path / "challengers" / "v001"
    shutil.copytree(models, challenger)
    manifest = json.loads((challenger / "manifest.json").read_text(encoding="utf-8"))
    champion_run = manifest["mlflow_run_id"]
    manifest["mlflow_run_id"] = run.info.run_id
    (challenger / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (challenger / BUNDLE_NAME).write_bytes((challenger / BUNDLE_NAME).read_bytes() + b"challenger")
    version = client.create_model_version(config.MODEL_NAME, source=challenger.as_uri(), run_id=run.info.run_id).version
    assert promotion.agreement(models)["champion"] == champion_run
    return models, challenger, champion_run, run.info.run_id, int(version)


def files(folder) -> dict:
    return {name: (folder / name).read_bytes() for name in (BUNDLE_NAME, "manifest.json")}


def test_a_promotion_switches_files_and_alias_together(setting):
    models, challenger, _, challenger_run, version = setting
    promotion.promote(challenger, models, version)
    assert promotion.agreement(models) == {"models_dir": challenger_run, "champion": challenger_run, "version": version}
    assert files(models) == files(challenger)
    assert not (models / promotion.JOURNAL_NAME).exists() and not (models / promotion.PREVIOUS_DIR_NAME).exists()


@pytest.mark.parametrize("step", promotion.STEPS)
def test_a_failure_at_any_step_leaves_the_champion_everywhere(setting, step, monkeypatch):
    models, challenger, champion_run, _, version = setting
    before = files(models)

    def fail(at):
        if at == step:
            raise RuntimeError(f"failed after {at}")

    monkeypatch.setattr(promotion, "after_step", fail)
    with pytest.raises(RuntimeError):
        promotion.promote(challenger, models, version)
    assert promotion.agreement(models) == {"models_dir": champion_run, "champion": champion_run, "version": 1}
    assert files(models) == before
    assert not (models / promotion.JOURNAL_NAME).exists()


KILLED_AT = """
import os, signal, sys
from pathlib import Path
from pipeline.jobs import promotion
def kill(at):
    if at == sys.argv[1]:
        os.kill(os.getpid(), signal.SIGKILL)
promotion.after_step = kill
promotion.promote(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
"""


@pytest.mark.parametrize("step", ["manifest", "alias"])
def test_a_promotion_killed_mid_way_is_undone_by_the_next_retraining(setting, step):
    """Killed after the manifest (models/ new, @champion old) or after the alias (both new, the
    journal still there): the next retraining's start (`roll_back`) puts both back."""
    models, challenger, champion_run, _, version = setting
    before = files(models)
    killed = subprocess.run([sys.executable, "-c", KILLED_AT, step, str(challenger), str(models), str(version)], capture_output=True, text=True)
    assert killed.returncode == -9, killed.stderr[-2000:]
    assert (models / promotion.JOURNAL_NAME).exists()
    journal = promotion.roll_back(models)
    assert journal["to_version"] == version and journal["from_version"] == 1
    assert promotion.agreement(models) == {"models_dir": champion_run, "champion": champion_run, "version": 1}
    assert files(models) == before
    assert promotion.roll_back(models) is None  # done once


def test_a_store_locked_at_the_switch_rolls_back_and_says_so_in_one_line(setting, tmp_path):
    """Issue 23, item 2: another process holding the store's write lock when the alias moves
    (MLflow waits 20 s for it, then fails)."""
    models, challenger, champion_run, _, version = setting
    before = files(models)
    holder = sqlite3.connect(tmp_path / "mlflow.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a writer's lock: readers go on, writers wait
    try:
        with pytest.raises(Exception) as failed:
            promotion.promote(challenger, models, version)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert promotion.agreement(models) == {"models_dir": champion_run, "champion": champion_run, "version": 1}
    assert files(models) == before
    assert tracking.store_problem(failed.value) == (
        f"MLflow 저장소가 잠겨 있음: {tmp_path / 'mlflow.db'} (다른 프로세스가 쓰는 중이라 기다렸으나 풀리지 않음; "
        "그 작업이 끝난 뒤 다시 실행하세요)"
    )


def test_a_second_retraining_is_refused_while_one_holds_the_lock(tmp_path):
    from pipeline.data.entries import InputError

    with promotion.retraining_lock(tmp_path):
        held = subprocess.run(
            [sys.executable, "-c", "import sys; from pathlib import Path; from pipeline.jobs.promotion import retraining_lock\n"
             "with retraining_lock(Path(sys.argv[1])): pass", str(tmp_path)],
            capture_output=True, text=True,
        )
        assert held.returncode == 1 and "다른 재학습이 진행 중입니다" in held.stderr
        with pytest.raises(InputError, match="다른 재학습이 진행 중입니다"):
            with promotion.retraining_lock(tmp_path):
                pass
    with promotion.retraining_lock(tmp_path):  # released
        pass
