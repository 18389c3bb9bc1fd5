"""Benchmark of batch scoring against plain Kiwi tokenization of the same narratives.

Run: .venv/bin/python bench/bench_scoring.py [--n 1000] [--models-dir models]
Builds N narratives of case-study length from the 23 case studies (each made unique, so no cache
can answer), then measures in one process: batched Kiwi tokenization alone, and score_frame end to
end. Also the cold start of `collab score` on one row, and peak memory. Prints figures only.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from pipeline import config
from pipeline.artifacts import load_bundle
from pipeline.data.dataset import load_case_studies
from pipeline.scoring.score import score_frame
from pipeline.text.tokenizer import get_kiwi


def narratives(n: int) -> pd.DataFrame:
    studies = load_case_studies()
    rows = []
    for i in range(n):
        cs = studies[i % len(studies)]
        rows.append(
            {
                "번호": str(i + 1),
                "지자체": cs["region"],
                "사업명": f"{cs['name']} {i}",
                "사업내용": f"- {i}번째 접수 사례임\n{cs['narrative']}",
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--models-dir", type=Path, default=config.MODELS_DIR)
    args = parser.parse_args()

    frame = narratives(args.n)
    chars = frame["사업내용"].str.len()
    print(f"{args.n} narratives, {chars.mean():.0f} characters on average")

    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one.csv"
        frame.head(1).to_csv(one, index=False, encoding="utf-8-sig")
        cold = []
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "pipeline.cli", "score", str(one), "-o", str(Path(tmp) / "out.csv"),
                 "--models-dir", str(args.models_dir)],
                capture_output=True, check=True,
            )
            cold.append(time.perf_counter() - t0)
    print(f"cold start, `collab score` on one row (process start to file written), median of 3: {sorted(cold)[1]:.2f} s")

    bundle, _ = load_bundle(args.models_dir)
    kiwi = get_kiwi()
    kiwi.tokenize("워밍업")  # model load happens on first use; time the steady state
    texts = (frame["사업명"] + "\n" + frame["사업내용"]).tolist()
    t0 = time.perf_counter()
    for _ in kiwi.tokenize(texts):
        pass
    tokenize_s = time.perf_counter() - t0
    frame["사업내용"] = frame["사업내용"] + " "  # new texts: no cache answers for scoring either
    t0 = time.perf_counter()
    score_frame(frame, bundle)
    score_s = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"plain batched Kiwi tokenization: {args.n / tokenize_s:.1f} entries/s ({tokenize_s:.1f} s)")
    print(f"score_frame end to end:          {args.n / score_s:.1f} entries/s ({score_s:.1f} s)")
    print(f"scoring / tokenization throughput: {tokenize_s / score_s:.2f}")
    print(f"peak memory (this process): {peak:.0f} MB")


if __name__ == "__main__":
    main()
