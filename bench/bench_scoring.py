"""Scoring against the tokenizer's own speed: `collab score` beside plain batched Kiwi, whole processes.

Run: .venv/bin/python bench/bench_scoring.py [--repeats 3] [--models-dir models] [--quick]
     (or `make bench`)

Every text is distinct, so neither the product's line cache nor anything else can answer from an
earlier one: narratives are three of the 263 report-labelled narratives joined, titles are the
appendix's titles with a running number, and every text carries its own number. Each row of the
table is a pair of fresh processes on the same file: `collab score` (read, score, write) and a
plain-Kiwi script (import kiwipiepy, construct Kiwi, read the same file, one batched `tokenize`
over the same texts the product reads). Wall time is the median over `--repeats` runs (min-max in
brackets); peak memory is the process's maximum resident set (`wait4`). Prints figures only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import config  # noqa: E402

# The yardstick: what a user would write to tokenize the same texts with Kiwi and nothing else.
PLAIN_KIWI = """
import csv, sys
from kiwipiepy import Kiwi
kiwi = Kiwi()
with open(sys.argv[1], encoding="utf-8-sig", newline="") as handle:
    rows = list(csv.DictReader(handle))
texts = [(r["지자체"] + " " + r["사업명"] + "\\n" + r.get("사업내용", "")).strip() for r in rows]
for _ in kiwi.tokenize(texts):
    pass
"""


def distinct_narratives(n: int, seed: int = config.SEED) -> pd.DataFrame:
    """n entries of about 2,000 characters: three different narratives each, numbered."""
    corpus = pd.read_csv(config.NARRATIVES_CSV, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        picks = corpus.iloc[rng.choice(len(corpus), size=3, replace=False)]
        first = picks.iloc[0]
        rows.append(
            {
                "번호": str(i + 1),
                "지자체": first["region"],
                "사업명": f"{first['title']} (접수 {i + 1}호)",
                "사업내용": f"접수 {i + 1}호 사례임. " + " ".join(picks["description"]),
            }
        )
    return pd.DataFrame(rows)


def distinct_titles(n: int) -> pd.DataFrame:
    """n titles without narratives: the appendix's 601, each with a running number."""
    cases = pd.read_csv(config.CASES_CSV, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    picks = cases.iloc[np.arange(n) % len(cases)]
    return pd.DataFrame(
        {
            "번호": [str(i + 1) for i in range(n)],
            "지자체": picks["region"].to_numpy(),
            "사업명": [f"{t} 제{i + 1}차" for i, t in enumerate(picks["title"])],
        }
    )


def run(command: list[str]) -> tuple[float, float]:
    """(wall seconds, peak resident MiB) of one fresh process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    stderr = process.stderr.read().decode("utf-8", "replace")
    process.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command[:4])} … failed:\n{stderr[-3000:]}")
    return wall, usage.ru_maxrss / 1024


def measure(name: str, path: Path, models_dir: Path, repeats: int, out: Path) -> dict:
    collab = [sys.executable, "-m", "pipeline.cli", "score", str(path), "-o", str(out), "--models-dir", str(models_dir), "--trust"]
    kiwi = [sys.executable, "-c", PLAIN_KIWI, str(path)]
    product, plain = [], []
    for _ in range(repeats):  # interleaved, so drift on the machine touches both alike
        plain.append(run(kiwi))
        product.append(run(collab))
    figures = {
        "name": name,
        "collab_s": statistics.median(w for w, _ in product),
        "collab_range": (min(w for w, _ in product), max(w for w, _ in product)),
        "kiwi_s": statistics.median(w for w, _ in plain),
        "kiwi_range": (min(w for w, _ in plain), max(w for w, _ in plain)),
        "collab_mib": max(m for _, m in product),
        "kiwi_mib": max(m for _, m in plain),
    }
    print(
        f"{name:<34} collab {figures['collab_s']:6.1f} s [{figures['collab_range'][0]:.1f}-{figures['collab_range'][1]:.1f}] "
        f"{figures['collab_mib']:5.0f} MiB | Kiwi {figures['kiwi_s']:6.1f} s [{figures['kiwi_range'][0]:.1f}-{figures['kiwi_range'][1]:.1f}] "
        f"{figures['kiwi_mib']:5.0f} MiB | speed ratio (Kiwi/collab) {figures['kiwi_s'] / figures['collab_s']:.2f}, "
        f"memory ratio {figures['collab_mib'] / figures['kiwi_mib']:.2f}",
        flush=True,
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--models-dir", type=Path, default=config.MODELS_DIR)
    parser.add_argument("--quick", action="store_true", help="a tenth of the rows, one repeat (a smoke run)")
    args = parser.parse_args()
    scale, repeats = (10, 1) if args.quick else (1, args.repeats)
    print(f"{os.cpu_count()} cores; medians of {repeats} fresh processes each; every text distinct")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # (name, entries, runs): the cold start is the noisiest, so it gets more runs; the largest
        # file runs once, since its memory against the 10,000-title run is the point.
        cases = [
            ("one row, cold", distinct_narratives(1), 1 if args.quick else 5),
            (f"{1000 // scale:,} distinct narratives", distinct_narratives(1000 // scale), repeats),
            (f"{10_000 // scale:,} distinct titles", distinct_titles(10_000 // scale), repeats),
            (f"{100_000 // scale:,} distinct titles", distinct_titles(100_000 // scale), 1),
        ]
        results = []
        for number, (name, frame, runs) in enumerate(cases):
            path = tmp / f"entries{number}.csv"
            frame.to_csv(path, index=False, encoding="utf-8-sig")
            results.append(measure(name, path, args.models_dir, runs, tmp / "out.csv"))
    small, large = results[2], results[3]
    print(f"memory, {large['name']} against {small['name']}: {large['collab_mib'] / small['collab_mib']:.2f}x")


if __name__ == "__main__":
    main()
