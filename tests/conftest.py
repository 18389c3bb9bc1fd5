"""Shared fixtures: the real report, parsed once per test session."""

from __future__ import annotations

import json
import sys

import pytest

from pipeline.data.dataset import Dataset, build_dataset, read_report


def _forget_mlflow_addresses() -> None:
    # mlflow.set_tracking_uri/set_registry_uri also keep the address in module globals, which win
    # over the environment: a store an earlier test of this worker trained into would otherwise
    # answer a later test's `models:/` lookups, depending on which tests xdist gave the worker.
    mlflow = sys.modules.get("mlflow")
    if mlflow is not None:
        mlflow.set_tracking_uri(None)
        mlflow.set_registry_uri(None)


@pytest.fixture(autouse=True)
def _mlflow_environment(monkeypatch):
    """mlflow.set_tracking_uri/set_registry_uri write MLFLOW_TRACKING_URI/MLFLOW_REGISTRY_URI into
    os.environ, where every later subprocess (a served model, a notebook kernel) would read them.
    Registering them with monkeypatch restores them after each test."""
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.delenv("MLFLOW_REGISTRY_URI", raising=False)
    _forget_mlflow_addresses()
    yield
    _forget_mlflow_addresses()


@pytest.fixture(scope="session")
def report_text() -> str:
    return read_report()


@pytest.fixture(scope="session")
def dataset(report_text: str) -> Dataset:
    from pipeline.data.narrative_corpus import read_raw_narratives

    return build_dataset(report_text, read_raw_narratives())


@pytest.fixture(scope="session")
def case_studies(dataset: Dataset) -> dict[int, dict]:
    return {cs["number"]: cs for cs in dataset.case_studies}


# Share of title groups (case-study groups excepted) held out of the suite's champion, so that
# test_retraining can offer them back as a reviewed file of genuinely new entries.
HELD_OUT_SHARE = 0.25


@pytest.fixture(scope="session")
def split() -> tuple:
    """(base, held_out): the report's cases split by title group, case studies always in base."""
    from pipeline.data.dataset import load_cases
    from pipeline.modeling.evaluation import hold_out_title_groups

    return hold_out_title_groups(load_cases(), HELD_OUT_SHARE)


# Appendix ids the suite's champion is trained without (`collab train --exclude`): a narrative
# whose project three other narratives retell under other titles (ids 361, 378, 431).
EXCLUDED_IDS = (320,)


def _train_suite_champion(root, split) -> dict:
    from pipeline import config
    from pipeline.jobs.training import train

    assert set(EXCLUDED_IDS) <= set(split[0]["id"])
    mp = pytest.MonkeyPatch()
    mp.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{root / 'mlflow.db'}")
    mp.delenv("MLFLOW_REGISTRY_URI", raising=False)
    try:
        return train(split[0], list(config.TARGETS), root / "models", repeats=1, folds=2, exclude_ids=list(EXCLUDED_IDS))
    finally:
        mp.undo()


@pytest.fixture(scope="session")
def trained(tmp_path_factory, split, worker_id):
    """One real `collab train --exclude` run (all targets, 1 x 2-fold CV) on the base split into a
    temporary models dir and MLflow store: (root, tracking URI, manifest).

    Under pytest-xdist the workers share it: the first to ask trains under a file lock, the others
    wait and read what it wrote (the run's temporary root is common to all workers)."""
    if worker_id == "master":
        root = tmp_path_factory.mktemp("train")
        manifest = _train_suite_champion(root, split)
    else:
        from filelock import FileLock

        root = tmp_path_factory.getbasetemp().parent / "train"
        done = root / "manifest.json"
        with FileLock(str(root) + ".lock"):
            if not done.is_file():
                root.mkdir(exist_ok=True)
                manifest = _train_suite_champion(root, split)
                done.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        manifest = json.loads(done.read_text(encoding="utf-8"))
    return root, f"sqlite:///{root / 'mlflow.db'}", manifest


@pytest.fixture(scope="session")
def bundle(trained):
    from pipeline.artifacts import load_bundle

    return load_bundle(trained[0] / "models")[0]


@pytest.fixture(scope="session")
def spark(trained):
    """One local Spark (`local[2]`, Java 17) for every Spark test of a worker: its JVM and Python
    workers start once, and the workers keep the champion they loaded. Started with the suite's
    store in the environment, which the JVM and its Python workers inherit."""
    from pipeline.scoring.spark import local_session

    patch = pytest.MonkeyPatch()
    patch.setenv("MLFLOW_TRACKING_URI", trained[1])
    patch.setenv("MLFLOW_REGISTRY_URI", trained[1])
    try:
        session = local_session()
    finally:
        patch.undo()
    yield session
    session.stop()


@pytest.fixture
def awkward_entries():
    """The sample with what a file of a year's entries holds: ids used twice (in different
    partitions when scored on Spark; one pair with an unscorable row), a row with no title, one
    with nothing at all, a title Excel would run."""
    import pandas as pd

    from pipeline import config

    frame = pd.read_csv(config.SAMPLE_ENTRIES, encoding="utf-8-sig", dtype=str)
    frame.loc[1, "번호"] = frame.loc[20, "번호"]
    frame.loc[5, "사업명"] = None
    frame.loc[6, ["사업명", "사업내용"]] = None
    frame.loc[6, "번호"] = frame.loc[10, "번호"]
    frame.loc[7, "사업명"] = "=HYPERLINK(\"http://example.org\")"
    return frame


# pytest-xdist's `worksteal` (make test) gives each worker one half of the collection in order and
# lets an idle worker take from the other's queue. So: the longest test after the trained model (a
# whole retraining) first, then the other long tests that need the trained model (so that none is
# left to run alone at the end), the rest of those, and last the tests that need no model. The
# worker with the first half trains and goes straight on to the retraining; the other starts on
# the half that needs no model, and later takes trained tests from the first.
FIRST = ("tests/jobs/test_retraining.py::test_a_corrected_file_retrains_and_promotes",)
LONG = (
    "tests/test_cli.py::test_a_killed_retraining_is_recorded_as_failed",
    # The Spark tests one after the other, so that one worker runs them all on one `spark`.
    "tests/jobs/test_spark_scoring.py::test_collab_score_spark_reads_a_cp949_csv_and_writes_what_collab_score_writes",
    "tests/jobs/test_spark_scoring.py::test_a_parquet_output_is_a_folder_that_only_replaces_an_earlier_one",
    "tests/scoring/test_spark.py::test_score_spark_gives_every_column_of_collab_score",
    "tests/test_tracking.py::test_the_ui_opens_the_experiment_on_its_training_runs",
    "tests/jobs/test_retraining.py::test_one_poisoned_column_is_refused_and_named",
    "tests/jobs/test_promotion.py::test_a_store_locked_at_the_switch_rolls_back_and_says_so_in_one_line",
)


def pytest_collection_modifyitems(items):
    def rank(item) -> tuple[int, int]:
        if item.nodeid in FIRST:
            return (0, 0)
        if item.nodeid in LONG:
            return (1, LONG.index(item.nodeid))
        return (2, 0) if "trained" in getattr(item, "fixturenames", ()) else (3, 0)

    items.sort(key=rank)
