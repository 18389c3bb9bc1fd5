"""`collab score --spark INPUT -o OUTPUT`: a file of entries scored through Spark by the
registered model (`pipeline.scoring.spark.score_spark`).

Spark reads the input (CSV or Parquet) and, for a Parquet output, writes it: that is the path a
cluster job takes. A CSV, .xlsx or .jsonl output is written by the same writer as `collab score`
(UTF-8 with BOM, spreadsheet-safe cells, in input order), fed partition by partition.
Every output appears whole or not at all.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline import config, tracking
from pipeline.data.entries import InputError, TableWriter, detect_encoding, parse_column_overrides
from pipeline.errors import UserError
from pipeline.io import atomic_path

SPARK_INPUTS = (".csv", ".parquet")
SPARK_OUTPUTS = (".csv", ".xlsx", ".jsonl", ".parquet")
# Enough of a CSV to tell UTF-8 from CP949 (the encoding applies to the whole file in Spark).
_ENCODING_SAMPLE_BYTES = 1 << 20
# Python's names for the encodings Korean files come in, as Java knows them.
_JAVA_CHARSETS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp949": "x-windows-949", "euc-kr": "EUC-KR"}
_ROW = "_collab_row"


@dataclass
class SparkSummary:
    rows: int
    not_scored: int
    needs_review: int
    meets_criteria: int

    def lines(self) -> list[str]:
        return [
            f"rows: {self.rows}",
            f"not scored: {self.not_scored}",
            f"needs review: {self.needs_review}",
            f"meets resource-sharing and sustainability criteria (O): {self.meets_criteria}",
        ]


def _csv_encoding(path: Path, encoding: str | None) -> str:
    if encoding is None and path.is_dir():
        encoding = "utf-8"  # a folder of part files, as Spark writes them
    if encoding is None:
        with path.open("rb") as handle:
            sample = handle.read(_ENCODING_SAMPLE_BYTES)
        # A sample cut inside a character would not read as UTF-8: end it at a line.
        if len(sample) == _ENCODING_SAMPLE_BYTES and b"\n" in sample:
            sample = sample[: sample.rindex(b"\n") + 1]
        encoding = detect_encoding(sample)
    return _JAVA_CHARSETS.get(encoding.lower().replace("_", "-"), encoding)


def check_paths(source: Path, output: Path) -> None:
    """Before Spark starts: known formats, an input that exists, an output that replaces neither
    the input nor a folder that is not an earlier Parquet output."""
    if source.suffix.lower() not in SPARK_INPUTS:
        raise InputError(f"--spark reads {', '.join(SPARK_INPUTS)}, not {source.suffix or '(none)'}; save the sheet as CSV")
    if output.suffix.lower() not in SPARK_OUTPUTS:
        raise InputError(f"-o {output}: --spark writes {', '.join(SPARK_OUTPUTS)}")
    if not source.exists():
        raise InputError(f"{source}: no such file or folder")
    if output.resolve() == source.resolve():
        raise InputError(f"-o {output} is the input: it would be overwritten; choose another name")
    if output.is_dir() and not (output.suffix.lower() == ".parquet" and (output / "_SUCCESS").exists()):
        raise InputError(f"-o {output} is a folder that is not an earlier Parquet output; choose another name")
    if output.is_file() and output.suffix.lower() == ".parquet":
        raise InputError(f"-o {output} is a file; a Parquet output is a folder")


def read_input(spark, source: Path, encoding: str | None):
    """(DataFrame of strings, the encoding read) for a CSV (one record may span lines inside
    quotes) or a Parquet file or folder."""
    if source.suffix.lower() == ".parquet":
        return spark.read.parquet(str(source)), None
    charset = _csv_encoding(source, encoding)
    # Spark 4 reads only Unicode and Latin-1 unless told to accept every charset Java has.
    spark.conf.set("spark.sql.legacy.javaCharsets", "true")
    frame = spark.read.csv(
        str(source), header=True, multiLine=True, escape='"', encoding=charset, inferSchema=False, mode="PERMISSIVE",
    )
    # Spark keeps a UTF-8 byte-order mark as part of the first header.
    return frame.withColumnsRenamed({c: c.lstrip("\ufeff") for c in frame.columns if c.startswith("\ufeff")}), charset


def _write_parquet(frame, output: Path) -> None:
    """Spark writes into a fresh folder beside `output`, which then takes its place."""
    partial = output.with_name(f".{output.name}.{uuid.uuid4().hex}.partial")
    try:
        frame.write.parquet(str(partial))
        if output.exists():
            retired = output.with_name(f".{output.name}.{uuid.uuid4().hex}.old")
            output.rename(retired)
            partial.rename(output)
            shutil.rmtree(retired)
        else:
            partial.rename(output)
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def _write_table(frame, output: Path) -> None:
    """Rows in input order, a partition at a time, through `collab score`'s writer."""
    columns = [c for c in frame.columns if c != _ROW]
    rows = frame.orderBy(_ROW).select(*[f"`{c}`" for c in columns]).toLocalIterator(prefetchPartitions=True)
    with atomic_path(output) as tmp:
        writer = TableWriter(tmp, output.suffix.lower())
        try:
            batch = []
            for row in rows:
                batch.append(tuple(row))
                if len(batch) == config.SCORE_CHUNK:
                    writer.write(pd.DataFrame.from_records(batch, columns=columns))
                    batch = []
            if batch or writer.rows == 0:
                writer.write(pd.DataFrame.from_records(batch, columns=columns))
        finally:
            writer.close()


def _summary(frame) -> SparkSummary:
    from pyspark.sql import functions as F

    counts = frame.agg(
        F.count(F.lit(1)).alias("rows"),
        F.sum((F.col("error") != "").cast("int")).alias("not_scored"),
        F.sum(F.col("needs_review").cast("int")).alias("needs_review"),
        F.sum((F.col("meets_criteria") == "O").cast("int")).alias("meets_criteria"),
    ).first()
    return SparkSummary(**{k: int(v or 0) for k, v in counts.asDict().items()})


def score_file(
    source: Path,
    output: Path,
    model_uri: str | None = None,
    master: str = config.SPARK_MASTER,
    encoding: str | None = None,
    columns: str | None = None,
) -> SparkSummary:
    """Read `source` with Spark, score it with `score_spark`, write `output`; returns counts."""
    source, output = Path(source), Path(output)
    check_paths(source, output)
    overrides = parse_column_overrides(columns)
    # MLflow's download bars would print one line per worker and model load.
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    try:
        from pyspark.errors import PySparkException
        from pyspark.sql import functions as F
    except ImportError:
        raise UserError("PySpark is not installed: `make spark` installs it (and Java 17)") from None
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise UserError("Spark needs Java 17 and there is no `java` here: `make spark` installs it")
    import mlflow

    from pipeline.scoring.spark import local_session, score_spark

    mlflow.set_tracking_uri(tracking.tracking_uri())
    mlflow.set_registry_uri(tracking.tracking_uri())

    # The environment is this project's own, the one the model was trained in.
    for name in ("mlflow.pyfunc", "mlflow.models.flavor_backend_registry"):
        logging.getLogger(name).setLevel(logging.ERROR)
    spark = local_session(master)
    try:
        frame, charset = read_input(spark, source, encoding)
    except PySparkException as error:
        # Spark's message opens with its error class and the reason; the rest is the plan.
        raise InputError(f"{source}: Spark could not read it: {str(error).splitlines()[0]}") from error
    print(f"read {source} through Spark ({master}{', ' + charset if charset else ''})", file=sys.stderr)
    # A CSV read with multiLine is one partition, i.e. one Python worker on one core: spread the
    # rows over every core (the row number, taken first, keeps the input order for the output).
    numbered = frame.withColumn(_ROW, F.monotonically_increasing_id())
    numbered = numbered.repartition(spark.sparkContext.defaultParallelism * config.SPARK_PARTITIONS_PER_CORE)
    try:
        scored = score_spark(numbered, model_uri, overrides).persist()
    except mlflow.exceptions.MlflowException as error:
        raise UserError(
            f"{model_uri or 'the champion'} in {tracking.tracking_uri()}: {error.message.splitlines()[0]} "
            "(train one with `collab train`, or name one with --model-uri)"
        ) from error
    try:
        if output.suffix.lower() == ".parquet":
            # In input order here too: the CLI's files are one machine's, read back in part order.
            _write_parquet(scored.orderBy(_ROW).drop(_ROW), output)
        else:
            _write_table(scored, output)
        return _summary(scored)
    finally:
        scored.unpersist()
