"""Shared fixtures: the real report, parsed once per test session."""

from __future__ import annotations

import pytest

from pipeline.dataset import Dataset, build_dataset, read_report


@pytest.fixture(scope="session")
def report_text() -> str:
    return read_report()


@pytest.fixture(scope="session")
def dataset(report_text: str) -> Dataset:
    return build_dataset(report_text)


@pytest.fixture(scope="session")
def case_studies(dataset: Dataset) -> dict[int, dict]:
    return {cs["number"]: cs for cs in dataset.case_studies}


@pytest.fixture(scope="session")
def trained(tmp_path_factory, dataset):
    """One real `collab train` run (all targets, 1 x 2-fold CV) into a temporary models dir and
    MLflow store: (root, tracking URI, manifest)."""
    from pipeline import config
    from pipeline.training import train

    root = tmp_path_factory.mktemp("train")
    uri = f"sqlite:///{root / 'mlflow.db'}"
    mp = pytest.MonkeyPatch()
    mp.setenv("MLFLOW_TRACKING_URI", uri)
    manifest = train(dataset.cases, list(config.TARGETS), root / "models", repeats=1, folds=2)
    mp.undo()
    return root, uri, manifest


@pytest.fixture(scope="session")
def bundle(trained):
    from pipeline.artifacts import load_bundle

    return load_bundle(trained[0] / "models")[0]
