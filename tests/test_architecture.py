"""The import contracts in pyproject.toml ([tool.importlinter]) hold: data flows one way."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _lint(config: Path | None = None) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"]
    if config is not None:
        command += ["--config", str(config)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_the_import_contracts_are_kept():
    result = _lint()
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "Contracts: 4 kept, 0 broken." in result.stdout


def test_an_upward_import_breaks_the_layers(tmp_path):
    """The contracts can fail: the same contracts over a copy of the package with one upward import
    and one PySpark import outside the Spark modules."""
    import shutil

    package = tmp_path / "pipeline"
    shutil.copytree(ROOT / "pipeline", package, ignore=shutil.ignore_patterns("__pycache__"))
    with (package / "data" / "regions.py").open("a", encoding="utf-8") as handle:
        handle.write("\nfrom pipeline.scoring import score_frame  # noqa: E402,F401\n")
    with (package / "scoring" / "score.py").open("a", encoding="utf-8") as handle:
        handle.write("\nimport pyspark  # noqa: E402,F401\n")
    config = ROOT / "pyproject.toml"
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache", "--config", str(config)],
        cwd=tmp_path, capture_output=True, text=True, check=False,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0
    assert "pipeline.data.regions -> pipeline.scoring" in result.stdout
    assert "pipeline.scoring.score is not allowed to import pyspark" in result.stdout
