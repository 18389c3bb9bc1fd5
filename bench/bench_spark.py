"""Scoring through Spark against `collab score` on this machine, whole processes.

Run: .venv/bin/python bench/bench_spark.py [--rows 10000] [--repeats 1] [--quick]
     (or `make bench-spark`; needs the [spark] extra, Java 17 and a trained model: `make run`)

The same file of distinct narratives (three report narratives joined and numbered, about 2,100
characters each, as in bench_scoring.py) is scored three ways, each a fresh process:
`collab score` (one process, Kiwi's threads), `collab score --spark` on `local[2]` writing CSV
(the same writer, in input order), and writing Parquet (Spark's own writer, the cluster path).
Both use the same model: the champion registered in mlruns/ is the bundle in models/.
Wall time is the median over --repeats (min-max); memory is the peak of the summed resident sets
of the process and all its children (the JVM and its Python workers), sampled every 0.2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_scoring import distinct_narratives  # noqa: E402

from pipeline import config, tracking  # noqa: E402

SAMPLE_SECONDS = 0.2


def run(command: list[str]) -> tuple[float, float]:
    """(wall seconds, peak MiB of the process tree) of one fresh process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    root, peak = psutil.Process(process.pid), 0
    while process.poll() is None:
        total = 0
        try:
            for member in [root, *root.children(recursive=True)]:
                try:
                    total += member.memory_info().rss
                except psutil.NoSuchProcess:
                    pass
        except psutil.NoSuchProcess:
            pass
        peak = max(peak, total)
        time.sleep(SAMPLE_SECONDS)
    wall = time.perf_counter() - started
    stderr = process.stderr.read().decode("utf-8", "replace")
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command[2:6])} … failed:\n{stderr[-3000:]}")
    return wall, peak / 2**20


def same_model(models_dir: Path) -> None:
    import mlflow

    mlflow.set_tracking_uri(tracking.tracking_uri())
    champion = mlflow.MlflowClient().get_model_version_by_alias(config.MODEL_NAME, config.MODEL_ALIAS)
    bundle_run = json.loads((models_dir / config.MANIFEST.name).read_text(encoding="utf-8"))["mlflow_run_id"]
    if champion.run_id != bundle_run:
        raise SystemExit(f"the champion (run {champion.run_id}) is not the bundle in {models_dir} (run {bundle_run})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--models-dir", type=Path, default=config.MODELS_DIR)
    parser.add_argument("--quick", action="store_true", help="500 rows (a smoke run)")
    args = parser.parse_args()
    rows = 500 if args.quick else args.rows
    same_model(args.models_dir)
    print(f"{os.cpu_count()} cores; {rows:,} distinct narratives; medians of {args.repeats} fresh processes", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        source = tmp / "entries.csv"
        distinct_narratives(rows).to_csv(source, index=False, encoding="utf-8-sig")
        collab = [sys.executable, "-m", "pipeline.cli", "score", str(source)]
        commands = {
            "collab score -> CSV": [*collab, "-o", str(tmp / "out.csv"), "--models-dir", str(args.models_dir), "--trust"],
            "collab score --spark local[2] -> CSV": [*collab, "--spark", "-o", str(tmp / "spark.csv")],
            "collab score --spark local[2] -> Parquet": [*collab, "--spark", "-o", str(tmp / "spark.parquet")],
        }
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.repeats):  # interleaved, so drift on the machine touches all alike
            for name, command in commands.items():
                times[name].append(run(command))
                shutil.rmtree(tmp / "spark.parquet", ignore_errors=True)
    baseline = statistics.median(w for w, _ in times["collab score -> CSV"])
    for name, figures in times.items():
        walls = [w for w, _ in figures]
        wall = statistics.median(walls)
        print(
            f"{name:<42} {wall:7.1f} s [{min(walls):.1f}-{max(walls):.1f}]  {rows / wall:6.1f} rows/s  "
            f"peak {max(m for _, m in figures):6.0f} MiB  time vs collab score {wall / baseline:.2f}x",
            flush=True,
        )


if __name__ == "__main__":
    main()
