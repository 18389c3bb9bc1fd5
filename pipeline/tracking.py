"""MLflow behind one small module: the rest of the package never builds a tracking URI.

Metadata lives in SQLite (`mlruns/mlflow.db`), artifacts beside it under `mlruns/artifacts`.
MLFLOW_TRACKING_URI, when set, overrides the store (the tests point it at a temporary one).
"""

from __future__ import annotations

import os
from pathlib import Path

from pipeline import config


def tracking_uri() -> str:
    """The tracking store: $MLFLOW_TRACKING_URI, else SQLite under mlruns/."""
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{config.MLRUNS_DIR / 'mlflow.db'}"


def artifact_root() -> str:
    """Where a new experiment keeps its artifacts: beside the SQLite file."""
    uri = tracking_uri()
    base = Path(uri.removeprefix("sqlite:///")).parent if uri.startswith("sqlite:///") else config.MLRUNS_DIR
    return (base / "artifacts").resolve().as_uri()


def setup(experiment: str = config.EXPERIMENT_NAME):
    """Point MLflow at the project's store and select (creating if needed) the experiment."""
    import warnings

    # MLflow is imported only by the jobs that log: it takes seconds to load.
    import mlflow

    # MLflow registers the local-file dataset source twice and then warns that a path is ambiguous
    # between the two identical entries; the warning says nothing about this project's data.
    warnings.filterwarnings("ignore", message="The specified dataset source can be interpreted")

    uri = tracking_uri()
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    if mlflow.get_experiment_by_name(experiment) is None:
        mlflow.create_experiment(experiment, artifact_location=artifact_root())
    mlflow.set_experiment(experiment)
    return mlflow


def ui_address(port: int = 5000, host: str = "127.0.0.1") -> str:
    """The address at which `mlflow ui` opens the project's experiment on its training runs.

    MLflow 3.17's UI derives an experiment's view from the `workflowType` in the address (or the
    browser's last choice), defaulting to its GenAI overview; it no longer reads the
    `mlflow.experimentKind` tag for that (server/js, `useExperimentKind`). So the address says
    `workflowType=machine_learning`."""
    mlflow = setup()
    experiment = mlflow.get_experiment_by_name(config.EXPERIMENT_NAME)
    return f"http://{host}:{port}/#/experiments/{experiment.experiment_id}/runs?workflowType=machine_learning"


def store_problem(error: BaseException) -> str | None:
    """One line for a tracking store that cannot be used (locked by another writer past SQLite's
    wait, or not a readable SQLite file), found anywhere in the error's chain; None otherwise."""
    import sqlite3

    path = tracking_uri().removeprefix("sqlite:///")
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, sqlite3.OperationalError) and "locked" in str(seen):
            return f"MLflow 저장소가 잠겨 있음: {path} (다른 프로세스가 쓰는 중이라 기다렸으나 풀리지 않음; 그 작업이 끝난 뒤 다시 실행하세요)"
        if isinstance(seen, sqlite3.DatabaseError) and ("not a database" in str(seen) or "malformed" in str(seen)):
            return f"MLflow 저장소를 읽을 수 없음: {path} (SQLite 파일이 아니거나 손상됨; 백업에서 되돌리거나 MLFLOW_TRACKING_URI로 다른 저장소를 지정하세요)"
        seen = seen.__cause__ or seen.__context__
    return None
