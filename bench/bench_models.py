"""Benchmark of the title classifiers: training time, artifact size, cold start, throughput.

Run: .venv/bin/python bench/bench_models.py [--models-dir models]
Trains a fresh bundle into a temporary folder (no MLflow), then measures it. Prints figures only;
nothing here asserts a target.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from pipeline import config
from pipeline.artifacts import BUNDLE_NAME, load_bundle, save_bundle
from pipeline.data.dataset import load_cases
from pipeline.jobs.training import fit_all
from pipeline.modeling.predict import predict_frame
from pipeline.text.compose import compose_text
from pipeline.text.tokenizer import KiwiMorphemes

COLD_START = """
import time, sys
t0 = time.perf_counter()
import pandas as pd
from pipeline.artifacts import load_bundle
from pipeline.modeling.predict import predict_frame
bundle, _ = load_bundle(sys.argv[1])
predict_frame(bundle["models"], pd.DataFrame({"region": ["경기 안양시"], "title": ["공동급식지원센터 운영"]}))
print(time.perf_counter() - t0)
"""


def unique_texts(cases: pd.DataFrame, n: int) -> pd.DataFrame:
    """n inputs built from real titles, each made unique so no cache can answer it."""
    rows = cases.sample(n, replace=True, random_state=config.SEED).reset_index(drop=True)
    rows["title"] = [f"{t} {i}차" for i, t in enumerate(rows["title"])]
    return rows[["region", "title"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="texts for the throughput figure")
    args = parser.parse_args()
    cases = load_cases()

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        models, params = fit_all(cases, list(config.TARGETS))
        train_s = time.perf_counter() - t0
        # A bundle and manifest of the shape load_bundle accepts (artifacts.BUNDLE_KEYS and
        # MANIFEST_SCHEMA), holding the title models only: what this benchmark measures.
        manifest = {"model_name": "bench", "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "data": {"rows": len(cases)}, "targets": params}
        save_bundle({"models": models, "narrative": {}, "ranker": None}, manifest, Path(tmp))
        size = (Path(tmp) / BUNDLE_NAME).stat().st_size
        cold = [
            float(subprocess.run([sys.executable, "-c", COLD_START, tmp], capture_output=True, text=True, check=True).stdout)
            for _ in range(3)
        ]
        models = load_bundle(Path(tmp))[0]["models"]

    print(f"training, all {len(config.TARGETS)} targets on {len(cases)} cases (with inner search): {train_s:.1f} s")
    for target, p in params.items():
        print(f"  {target}: {p}")
    print(f"artifact size: {size / 1e6:.2f} MB")
    print(f"fresh process to first prediction (median of 3): {sorted(cold)[1]:.2f} s")

    frame = unique_texts(cases, args.n)
    texts = compose_text(frame)
    t0 = time.perf_counter()
    KiwiMorphemes().tokenize(texts)
    tokenize_s = time.perf_counter() - t0
    frame2 = unique_texts(cases, args.n)
    frame2["title"] = frame2["title"] + "번"  # new texts again: neither cache may answer
    t0 = time.perf_counter()
    predict_frame(models, frame2)
    predict_s = time.perf_counter() - t0
    print(f"{args.n} titles: Kiwi tokenization alone {args.n / tokenize_s:.0f}/s ({tokenize_s:.2f} s); "
          f"all targets predicted {args.n / predict_s:.0f}/s ({predict_s:.2f} s)")


if __name__ == "__main__":
    main()
