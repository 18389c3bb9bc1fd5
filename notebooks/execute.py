"""`make notebooks`: run both notebooks top to bottom against the project's data and MLflow store
and write the executed copies, outputs and figures included, to notebooks/executed/ (where a
repository browser shows them). Run `make run` (or `collab train`) first: 02 reads the champion."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent


def main() -> int:
    # The kernel inherits this: MLflow's download progress bars are noise in a kept output.
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    out = HERE / "executed"
    out.mkdir(exist_ok=True)
    for path in sorted(HERE.glob("[0-9][0-9]_*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        NotebookClient(notebook, timeout=1200, kernel_name="python3", resources={"metadata": {"path": str(HERE.parent)}}).execute()
        nbformat.write(notebook, out / path.name)
        print(f"wrote {out / path.name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
