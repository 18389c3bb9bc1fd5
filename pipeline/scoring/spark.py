"""The registered model on Spark: a DataFrame of entries in, the same DataFrame with every column
`collab score` writes out, through `mlflow.pyfunc.spark_udf`.

Each Spark task's Python worker loads the verified bundle (MLflow 3.17 loads it per task; once the
modules are imported that takes about half a second) and scores Arrow batches with `score_frame`,
so labels and probabilities are those of `collab score`.
What depends on the whole file rather than on one batch, an id used by more than one row, is
found here with a Spark window and added as `score_frame` would add it.
"""

from __future__ import annotations

import os
import re
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import config
from pipeline.data.entries import resolve_columns
from pipeline.scoring import reasons as why

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

# Measured with pandas 3.1 and PySpark 4.3 (tests/scoring/test_spark.py): string columns in, a
# struct of strings, doubles and a boolean out, equal to `collab score`. PySpark warns about
# pandas 3 on every conversion; the warning says nothing about this path.
_PANDAS_WARNING = "PySpark does not yet fully support pandas >= 3"


def champion_uri() -> str:
    return f"models:/{config.MODEL_NAME}@{config.MODEL_ALIAS}"


def quiet_pandas_warning() -> None:
    warnings.filterwarnings("ignore", message=_PANDAS_WARNING, category=FutureWarning)


def local_session(master: str = config.SPARK_MASTER, app: str = "collab-score", quiet: bool = True) -> SparkSession:
    """A Spark session on this machine whose Python workers run this interpreter (they import the
    package and the model's libraries, which the system Python does not have); `quiet`: Spark logs
    errors only."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    quiet_pandas_warning()
    from pyspark.sql import SparkSession

    builder = SparkSession.builder
    if quiet:
        log_config = Path(__file__).with_name("spark-log4j2.properties")
        builder = builder.config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={log_config.as_uri()}")
    return (
        builder.master(master)
        .appName(app)
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        # One Arrow batch is one `score_frame` call: large enough to keep Kiwi's threads busy.
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(config.SPARK_BATCH_ROWS))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )


def model_fields(model_uri: str) -> tuple[list[str], list[tuple[str, str]]]:
    """From the model version's logged signature: the fields it takes (id, region, title,
    description), and (column, Spark SQL type) of what it returns beyond them, in the order
    `collab score` writes them."""
    from mlflow.models import get_model_info

    signature = get_model_info(model_uri).signature
    if signature is None or signature.inputs is None or signature.outputs is None:
        raise ValueError(f"{model_uri} has no signature; retrain it with `collab train`")
    inputs = [spec.name for spec in signature.inputs.inputs]
    outputs = [(spec.name, spec.type.to_spark().simpleString()) for spec in signature.outputs.inputs if spec.name not in inputs]
    return inputs, outputs


def score_spark(df: DataFrame, model_uri: str | None = None, columns: dict[str, str] | None = None) -> DataFrame:
    """`df` with every output column of `collab score` added (labels, probabilities, review flags,
    reasons, evidence), scored by the registered model `model_uri` (the champion by default;
    MLFLOW_TRACKING_URI names the store). Input columns are found by the usual Korean and English
    headers (`columns` overrides: field -> column); one whose name clashes with an output column
    keeps its data as `input_<name>`. Every row comes back; row order is Spark's."""
    import mlflow.pyfunc
    from pyspark.sql import functions as F

    quiet_pandas_warning()
    model_uri = model_uri or champion_uri()
    mapping = resolve_columns(list(df.columns), columns)
    model_inputs, fields = model_fields(model_uri)
    names = [name for name, _ in fields]
    result_type = ", ".join(f"`{name}` {kind}" for name, kind in fields)
    predict = mlflow.pyfunc.spark_udf(df.sparkSession, model_uri, result_type=result_type, env_manager="local")

    def field(name: str):
        if name not in mapping:
            return F.lit("")
        return F.trim(F.coalesce(F.col(f"`{mapping[name]}`").cast("string"), F.lit("")))

    inputs = F.struct(*[field(name).alias(name) for name in model_inputs])
    kept = [F.col(f"`{c}`").alias(f"input_{c}" if c in names else c) for c in df.columns]
    scored = df.select(*kept, predict(inputs).alias("_scored"))
    originals = [F.col(f"`{c}`") for c in scored.columns if c != "_scored"]
    out = scored.select(*originals, *[F.col(f"_scored.`{n}`").alias(n) for n in names])
    if "id" in mapping and {"needs_review", "review_codes", "review_reasons", "error"} <= set(names):
        out = _flag_duplicate_ids(out, field("id"))
    return out


def _flag_duplicate_ids(out: DataFrame, ident) -> DataFrame:
    """An id on more than one row of the whole DataFrame is a review reason, as in `collab score`;
    the model saw only one batch, so it flagged only the repeats inside it."""
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    code = why.duplicate_id("{}").code
    before, _, after = why.duplicate_id("\x00").text.partition("\x00")
    count = F.count(F.lit(1)).over(Window.partitionBy(ident))
    codes = F.split(F.col("review_codes"), re.escape(why.SEPARATOR))
    # An unscored row keeps its one reason, as in `collab score`.
    missing = (ident != "") & (count > 1) & (F.col("error") == "") & ~F.array_contains(codes, code)

    def appended(column: str, text):
        return F.when(F.col(column) == "", text).otherwise(F.concat(F.col(column), F.lit(why.SEPARATOR), text))

    reason = F.concat(F.lit(before), ident, F.lit(after))
    return out.withColumns(
        {
            "review_codes": F.when(missing, appended("review_codes", F.lit(code))).otherwise(F.col("review_codes")),
            "review_reasons": F.when(missing, appended("review_reasons", reason)).otherwise(F.col("review_reasons")),
            "needs_review": F.when(missing, F.lit(True)).otherwise(F.col("needs_review")),
        }
    )
