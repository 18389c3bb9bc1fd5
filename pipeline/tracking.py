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
