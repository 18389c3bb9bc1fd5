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
    assert "Contracts: 3 kept, 0 broken." in result.stdout


def test_an_upward_import_breaks_the_layers(tmp_path):
    """The contract can fail: the same layers over a copy of the package with one upward import."""
    import shutil

    package = tmp_path / "pipeline"
    shutil.copytree(ROOT / "pipeline", package, ignore=shutil.ignore_patterns("__pycache__"))
    with (package / "data" / "regions.py").open("a", encoding="utf-8") as handle:
        handle.write("\nfrom pipeline.scoring import score_frame  # noqa: E402,F401\n")
    config = ROOT / "pyproject.toml"
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache", "--config", str(config)],
        cwd=tmp_path, capture_output=True, text=True, check=False,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0
    assert "pipeline.data.regions -> pipeline.scoring" in result.stdout
