"""Retraining at full settings on a realistic scenario; prints both retrain logs and timings.

The report has no labelled entries beyond its own 601, so the scenario holds a quarter of the title
groups out of the champion (case studies always stay in), scores them with it, and offers them back
as a reviewer's file twice: with the report's labels (a genuine correction round) and with every
label column shuffled (a poisoned file). Everything runs in a temporary directory and MLflow store.

    .venv/bin/python bench/bench_retraining.py [--repeats 3] [--folds 5] [--share 0.25]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from pipeline import config

LABELS = ("service_field", "actor_type", "tech_applied", "tech_applicable", "sustainability", "resource_sharing")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=config.CV_REPEATS)
    parser.add_argument("--folds", type=int, default=config.CV_FOLDS)
    parser.add_argument("--share", type=float, default=0.25)
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="bench-retrain-"))
    os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{root / 'mlflow.db'}"
    from pipeline.artifacts import load_bundle
    from pipeline.data.dataset import load_cases
    from pipeline.data.entries import write_table
    from pipeline.data.reviewed import read_reviewed
    from pipeline.jobs.retraining import retrain
    from pipeline.jobs.training import train
    from pipeline.modeling.evaluation import hold_out_title_groups
    from pipeline.scoring.score import score_frame

    base, held = hold_out_title_groups(load_cases(), args.share)
    print(f"champion trained on {len(base)} cases; reviewed file: {len(held)} held-out cases")

    started = time.perf_counter()
    train(base, list(config.TARGETS), root / "champion", repeats=0)
    print(f"champion training (no CV): {time.perf_counter() - started:.1f} s")
    scored = score_frame(held[["id", "region", "title"]], load_bundle(root / "champion")[0])
    for label in LABELS:
        scored[label] = held[label].to_numpy()
    scored[config.REVIEW_MARK_COLUMN] = config.REVIEW_MARKS[0]  # the reviewer checked every row
    poisoned = scored.copy()
    shuffle = np.random.default_rng(1)
    for label in LABELS:
        poisoned[label] = shuffle.permutation(poisoned[label].to_numpy().copy())

    for name, frame, path in (("corrected", scored, root / "reviewed.xlsx"), ("poisoned", poisoned, root / "poisoned.csv")):
        write_table(frame, path)
        models = root / f"{name}-models"
        shutil.copytree(root / "champion", models)
        started = time.perf_counter()
        outcome = retrain(read_reviewed(path), base, root / f"{name}-labelled", models, args.repeats, args.folds)
        seconds = time.perf_counter() - started
        print(f"\n== {name} file ({args.repeats} x {args.folds}-fold CV): retrain took {seconds:.1f} s ==")
        print(outcome.format())
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
