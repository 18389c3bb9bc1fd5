"""Kept apart, then half reviewed: the product measured as an outside reader measures it, by the CLI.

A random set of the appendix narratives' projects is left out with `collab train --exclude`; the
entries are split into two halves by project. One half is scored, returned with the report's
labels marked 검토완료 and added with `collab retrain --add`; the other half is scored before and
after. Everything runs in a temporary project root (COLLAB_ROOT) with its own models/ and MLflow
store, so this project's champion is untouched. Prints each label's accuracy (and ROC-AUC for
the criteria) on the untouched half before and after, and the retraining's decision.

    .venv/bin/python bench/bench_kept_apart.py [--projects 100] [--seed 7]   # about 4 min on 2 cores
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, roc_auc_score

from pipeline import config
from pipeline.modeling.narrative_models import NARRATIVE_LABELS, narrative_labels

REVIEWED_LABELS = (*NARRATIVE_LABELS, "resource_sharing")
ENTRY_COLUMNS = ["region", "title", "description"]


def collab(root: Path, *args: str) -> str:
    """Run the installed `collab` with `root` as the project; its stdout, or exit with its stderr."""
    command = [str(Path(sys.executable).with_name("collab")), *args]
    # The store is the temporary root's: an MLflow address in the environment would win over it.
    env = {k: v for k, v in os.environ.items() if k not in ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")}
    done = subprocess.run(command, env=env | {"COLLAB_ROOT": str(root)}, cwd=root, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"collab {args[0]} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def figures(scored: pd.DataFrame, truth: pd.DataFrame) -> dict[str, float]:
    """label -> accuracy, and label_auc -> ROC-AUC of P(O) for the two-class labels."""
    out = {}
    for label in NARRATIVE_LABELS:
        y = narrative_labels(truth, label)
        predicted = scored[label].astype(str).replace({config.MARK_PARTIAL: config.MARK_YES}).to_numpy()
        out[label] = float(accuracy_score(y, predicted))
        if label in config.NARRATIVE_CRITERIA and 0 < (y == config.MARK_YES).sum() < len(y):
            # `<label>_proba` is the confidence in the label shown: P(O) is its complement under X.
            p_yes = np.where(predicted == config.MARK_YES, scored[f"{label}_proba"], 1 - scored[f"{label}_proba"])
            out[f"{label}_auc"] = float(roc_auc_score(y == config.MARK_YES, p_yes))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100, help="narrative projects (split groups) kept apart")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    narratives = pd.read_csv(config.NARRATIVES_CSV, encoding="utf-8-sig")
    rng = np.random.default_rng(args.seed)
    chosen = rng.choice(narratives["split_group"].unique(), args.projects, replace=False)
    kept = narratives[narratives["split_group"].isin(chosen)].reset_index(drop=True)
    reviewed_groups = set(chosen[: len(chosen) // 2])
    halves = {name: kept[kept["split_group"].isin(reviewed_groups) == (name == "reviewed")].reset_index(drop=True) for name in ("reviewed", "untouched")}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kept-apart-") as tmp:
        root = Path(tmp)
        shutil.copytree(config.DATA_DIR, root / "data", ignore=shutil.ignore_patterns(config.LABELLED_DIR.name))
        for folder in (config.MODELS_DIR, config.MLRUNS_DIR):
            (root / folder.name).mkdir()
        kept["id"].to_csv(root / "exclude.txt", index=False, header=False)
        for name, half in halves.items():
            half[ENTRY_COLUMNS].to_csv(root / f"{name}.csv", index=False, encoding="utf-8-sig")
        collab(root, "train", "--exclude", "exclude.txt", "--repeats", "1")
        collab(root, "score", "untouched.csv", "-o", "before.csv")
        collab(root, "score", "reviewed.csv", "-o", "scored.csv")
        returned = pd.read_csv(root / "scored.csv", encoding="utf-8-sig")
        for label in REVIEWED_LABELS:
            returned[label] = halves["reviewed"][label].astype(str).to_numpy()
        returned[config.REVIEW_MARK_COLUMN] = "검토완료"
        returned.to_csv(root / "returned.csv", index=False, encoding="utf-8-sig")
        decision = [line for line in collab(root, "retrain", "--add", "returned.csv").splitlines() if line.startswith(("PROMOTED", "REFUSED"))]
        collab(root, "score", "untouched.csv", "-o", "after.csv")
        before = figures(pd.read_csv(root / "before.csv", encoding="utf-8-sig"), halves["untouched"])
        after = figures(pd.read_csv(root / "after.csv", encoding="utf-8-sig"), halves["untouched"])
    print(
        f"{len(kept)} narratives of {args.projects} projects kept apart (seed {args.seed}); "
        f"{len(halves['reviewed'])} reviewed and retrained on, {len(halves['untouched'])} untouched; "
        f"{time.perf_counter() - started:.0f} s"
    )
    print(*decision, sep="\n")
    print(f"{'on the untouched half':28s} {'before':>8s} {'after':>8s}")
    for key in before:
        print(f"{key:28s} {before[key]:8.3f} {after[key]:8.3f}")
    mean = [np.mean([found[label] for label in NARRATIVE_LABELS]) for found in (before, after)]
    print(f"{'mean accuracy':28s} {mean[0]:8.3f} {mean[1]:8.3f}")


if __name__ == "__main__":
    main()
