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
