"""`mlflow models serve` of the registered champion answers like `collab score` does."""

import json
import math
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from pipeline import config

STARTUP_SECONDS = 180


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(trained):
    _, uri, _ = trained
    port = _free_port()
    mlflow_cli = Path(sys.executable).with_name("mlflow")
    process = subprocess.Popen(
        [str(mlflow_cli), "models", "serve", "-m", f"models:/{config.MODEL_NAME}@{config.MODEL_ALIAS}",
         "--env-manager", "local", "-h", "127.0.0.1", "-p", str(port), "-w", "1"],
        # mlflow starts `uvicorn` by name: the environment's bin must be on PATH, as in an activated venv.
        env={
            **os.environ,
            "MLFLOW_TRACKING_URI": uri,
            "MLFLOW_REGISTRY_URI": uri,
            "PATH": f"{mlflow_cli.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            with urllib.request.urlopen(f"{base}/ping", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"mlflow models serve did not start:\n{process.stdout.read()[-3000:]}")
        time.sleep(1)
    yield base
    process.terminate()
    process.wait(timeout=30)


def _missing(value) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def _same(a, b) -> bool:
    if _missing(a) and _missing(b):
        return True
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), abs_tol=1e-9)
    return a == b


@pytest.mark.slow
def test_served_champion_answers_as_collab_score_does(server, trained, tmp_path):
    entries = pd.read_csv(config.SAMPLE_ENTRIES, encoding="utf-8-sig", dtype=str).head(4)
    request = pd.DataFrame(
        {"id": entries["번호"], "region": entries["지자체"], "title": entries["사업명"], "description": entries["사업내용"]}
    )
    request.loc[3, "description"] = ""  # a title-only entry
    body = json.dumps({"dataframe_split": request.to_dict(orient="split")}, ensure_ascii=False).encode("utf-8")
    call = urllib.request.Request(f"{server}/invocations", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(call, timeout=120) as response:
        served = json.loads(response.read())["predictions"]

    path = tmp_path / "entries.jsonl"
    request.to_json(path, orient="records", lines=True, force_ascii=False)
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "score", str(path), "--models-dir", str(trained[0] / "models"), "--trust"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    scored = [json.loads(line) for line in (tmp_path / "entries.scored.jsonl").read_text(encoding="utf-8").splitlines()]

    assert len(served) == len(scored) == 4
    for got, expected in zip(served, scored):
        assert got.keys() == expected.keys()
        differing = [k for k in expected if not _same(got[k], expected[k])]
        assert not differing, {k: (got[k], expected[k]) for k in differing}
    assert served[0]["service_field"] in config.SERVICE_FIELDS
