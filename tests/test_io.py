"""Atomic outputs: a killed run's temporary files are swept by the next run writing there."""

import os
import subprocess
import sys

from pipeline.io import atomic_write_text, sweep_stale


def test_the_next_run_sweeps_what_a_killed_one_left(tmp_path):
    target = tmp_path / "out.csv"
    # A process that died (its id is free again) left a temporary file; a live one (this test's
    # own) is writing another.
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    stale = tmp_path / f".out.csv.{dead}.abc123.tmp"
    live = tmp_path / f".out.csv.{os.getpid()}.def456.tmp"
    other = tmp_path / ".other.csv.1.x.tmp"
    for path in (stale, live, other):
        path.write_text("half")
    atomic_write_text(target, "done")
    assert target.read_text() == "done"
    assert not stale.exists() and live.exists() and other.exists()
    assert sweep_stale(target) == []
