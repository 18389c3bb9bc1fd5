"""The project's MLflow store as a model owner opens it: the real `mlflow server` and a real browser."""

import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from pipeline import tracking

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_the_ui_opens_the_experiment_on_its_training_runs(trained, tmp_path, monkeypatch):
    """Issue 21, item 4: MLflow 3.17 opened the experiment on its GenAI overview (traces, "Detect
    Issues"); the address `make mlflow-ui` prints opens the runs table."""
    assert CHROMIUM, "chromium is not installed: `make test` installs it"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", trained[1])
    port = _free_port()
    address = tracking.ui_address(port)
    server = subprocess.Popen(
        [sys.executable, "-m", "mlflow", "server", "--backend-store-uri", trained[1], "--host", "127.0.0.1",
         "--port", str(port), "--workers", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, server.stderr.read()[-2000:] if server.poll() is not None else "timeout"
                time.sleep(0.5)
        dom = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}",
             "--window-size=1400,900", "--virtual-time-budget=15000", "--dump-dom", address],
            capture_output=True, text=True, timeout=180, check=True,
        ).stdout
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert "Run Name" in dom  # the runs table's header
    assert "Detect Issues" not in dom  # the GenAI overview's
    assert ">train<" in dom or "train</" in dom  # the suite's training run is listed
