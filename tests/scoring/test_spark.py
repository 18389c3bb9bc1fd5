"""The registered champion on a real local Spark (`local[2]`, Java 17) scores as `collab score` does."""

import math

import pandas as pd
import pytest

from pipeline.scoring.score import score_frame
from pipeline.scoring.spark import score_spark


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _close(a, b) -> bool:
    if _missing(a) or _missing(b):
        return _missing(a) and _missing(b)
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)
    return a == b


def _same_rows(got: pd.DataFrame, expected: pd.DataFrame, key: str) -> None:
    assert list(got.columns) == list(expected.columns)
    assert len(got) == len(expected)
    got = got.sort_values([key, "사업명"], na_position="first").reset_index(drop=True)
    expected = expected.sort_values([key, "사업명"], na_position="first").reset_index(drop=True)
    differing = [
        (i, c, got.at[i, c], expected.at[i, c])
        for c in expected.columns
        for i in range(len(expected))
        if not _close(got.at[i, c], expected.at[i, c])
    ]
    assert not differing, differing[:5]


@pytest.mark.slow
def test_score_spark_gives_every_column_of_collab_score(spark, bundle, awkward_entries, trained, monkeypatch):
    # The driver reads the registry too; conftest clears the store's address before each test.
    monkeypatch.setenv("MLFLOW_TRACKING_URI", trained[1])
    monkeypatch.setenv("MLFLOW_REGISTRY_URI", trained[1])
    import mlflow

    from pipeline import config

    # The registry's champion is the suite's trained model, the bundle `expected` is scored with.
    champion = mlflow.MlflowClient(trained[1], trained[1]).get_model_version_by_alias(config.MODEL_NAME, config.MODEL_ALIAS)
    assert (str(champion.version), champion.run_id) == ("1", trained[2]["mlflow_run_id"])
    frame = awkward_entries
    # Three partitions: the repeated id (rows 1 and 20) is scored in two separate Arrow batches.
    df = spark.createDataFrame(frame).repartition(3)
    got = score_spark(df).toPandas()
    expected = score_frame(frame, bundle)
    _same_rows(got, expected, "번호")
    repeated = got[got["번호"] == frame.loc[20, "번호"]]
    assert len(repeated) == 2 and repeated["review_codes"].str.contains("duplicate_id").all()
    assert got["error"].ne("").sum() == 1  # the empty row; a description alone is scored
    assert set(got["meets_criteria"]) - {""} <= {"O", "X"}
