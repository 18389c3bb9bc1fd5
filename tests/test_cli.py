"""The real `collab` commands on real files."""

import contextlib
import io
import json
import shutil
import subprocess
import sys
import traceback

import pandas as pd
import pytest

from pipeline import config

SAMPLE = config.SAMPLE_ENTRIES


def _run(*args, trust=True, fresh=False):
    """`collab` with these arguments: its exit code and what it printed.

    By default in this process, through `pipeline.cli.main` (the same parser, commands, one-line
    error path and exit codes, on real files), so that three dozen commands do not each pay
    Python's imports, the bundle's types and Kiwi's dictionary again (about 6 s a process); an
    exception main lets through ends the command as Python would end the process (traceback on
    stderr, exit 1). With `fresh`, in a new process, as a user runs it. The suite's models live in
    a temporary folder, which the CLI refuses without --trust: `trust` adds it wherever a
    --models-dir is given."""
    args = [*map(str, args)]
    if trust and "--models-dir" in args and args[0] in ("score", "retrain"):
        args.append("--trust")
    command = [sys.executable, "-m", "pipeline.cli", *args]
    if fresh:
        return subprocess.run(command, capture_output=True, text=True, check=False)
    from pipeline.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(args)
        except SystemExit as stop:  # argparse refusing the arguments
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 2)
        except Exception:
            traceback.print_exc()
            code = 1
    return subprocess.CompletedProcess(command, code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="module")
def models_dir(trained):
    return trained[0] / "models"


def test_scores_the_sample_with_a_report(models_dir, tmp_path):
    out, report = tmp_path / "scored.csv", tmp_path / "report.html"
    result = _run("score", SAMPLE, "-o", out, "--report", report, "--models-dir", models_dir, "--json", fresh=True)
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout)
    assert summary["rows"] == 23 and summary["errors"] == 0
    scored = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert scored["번호"].tolist() == [str(n) for n in range(1, 24)]
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "협업행정 사례 1차 검토 보고서" in report.read_text(encoding="utf-8")


@pytest.mark.parametrize("suffix", [".xlsx", ".jsonl"])
def test_scores_xlsx_and_jsonl_into_the_same_format(models_dir, tmp_path, suffix):
    frame = pd.read_csv(SAMPLE, encoding="utf-8-sig", dtype=str).head(3)
    path = tmp_path / f"entries{suffix}"
    if suffix == ".xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_json(path, orient="records", lines=True, force_ascii=False)
    result = _run("score", path, "--models-dir", models_dir)
    assert result.returncode == 0, result.stderr[-3000:]
    out = tmp_path / f"entries.scored{suffix}"
    if suffix == ".xlsx":  # the reviewer's workbook: Korean headers on 검토, codes on 모델 출력
        back = pd.read_excel(out, dtype=str)
        assert len(back) == 3 and config.REVIEW_HEADERS["meets_criteria"] in back.columns
        back = pd.read_excel(out, sheet_name=config.OUTPUT_SHEET, dtype=str)
    else:
        back = pd.read_json(out, lines=True, dtype=str)
    assert len(back) == 3 and "meets_criteria" in back.columns


def test_cp949_file_with_korean_headers(models_dir, tmp_path):
    frame = pd.read_csv(SAMPLE, encoding="utf-8-sig", dtype=str).head(2)
    frame["사업내용"] = frame["사업내용"].str.replace("“", '"').str.replace("”", '"')
    path = tmp_path / "entries.csv"
    path.write_bytes(frame.to_csv(index=False).encode("cp949", errors="replace"))
    result = _run("score", path, "--models-dir", models_dir)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "(cp949)" in result.stderr


def test_failures_leave_no_output(models_dir, tmp_path):
    out = tmp_path / "scored.csv"
    missing_column = tmp_path / "no_title.csv"
    pd.DataFrame({"기관": ["서울"], "메모": ["내용"]}).to_csv(missing_column, index=False)
    result = _run("score", missing_column, "-o", out, "--models-dir", models_dir)
    assert result.returncode == 2 and "no title column" in result.stderr and "기관" in result.stderr

    unknown = tmp_path / "entries.pdf"
    unknown.write_bytes(b"%PDF")
    result = _run("score", unknown, "-o", out, "--models-dir", models_dir)
    assert result.returncode == 2 and "unknown format" in result.stderr

    result = _run("score", SAMPLE, "-o", out, "--models-dir", tmp_path / "nothing")
    assert result.returncode == 2 and "no trained model" in result.stderr

    tampered = tmp_path / "tampered"
    shutil.copytree(models_dir, tampered)
    bundle = tampered / "collab_classifier.skops"
    data = bundle.read_bytes()
    bundle.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # one bit of the last byte
    result = _run("score", SAMPLE, "-o", out, "--report", tmp_path / "r.html", "--models-dir", tampered)
    assert result.returncode == 2 and "sha256" in result.stderr

    assert not out.exists() and not (tmp_path / "r.html").exists()
    assert not list(tmp_path.glob(".*.tmp"))


def test_score_can_rank_rows_for_review(models_dir, tmp_path):
    out = tmp_path / "ranked.csv"
    result = _run("score", SAMPLE, "-o", out, "--models-dir", models_dir, "--rank-for-review")
    assert result.returncode == 0, result.stderr[-3000:]
    ranked = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False)
    assert ranked["review_rank"].tolist() == list(range(1, 24))
    assert sorted(ranked["input_row"]) == list(range(1, 24))
    # Issue 21: no row that needs no review comes before one that does.
    flagged = ranked["needs_review"].astype(str).eq("True").to_numpy()
    assert not (flagged[1:] & ~flagged[:-1]).any()


def test_retrain_reports_malformed_rows_and_refuses_an_unusable_file(models_dir, tmp_path):
    models = tmp_path / "models"
    shutil.copytree(models_dir, models)
    scored = pd.read_csv(SAMPLE, encoding="utf-8-sig", dtype=str).head(4)
    scored[config.REVIEW_MARK_COLUMN] = "검토완료"
    for column, value in {"service_field": "교육", "actor_type": "지자체-민간", "tech_applied": "O",
                          "tech_applicable": "X", "sustainability": "△"}.items():
        scored[column] = value
    scored.loc[0, "actor_type"] = "지자체 - 민간"  # not the report's spelling
    scored.loc[1, "tech_applied"] = "o"  # lower case is not coerced
    scored.loc[2, "service_field"] = ""
    scored.loc[3, "사업명"] = ""
    path = tmp_path / "reviewed.csv"
    scored.to_csv(path, index=False, encoding="utf-8-sig")
    labelled_dir = tmp_path / "labelled"
    result = _run("retrain", "--add", path, "--models-dir", models, "--labelled-dir", labelled_dir)
    assert result.returncode == 2
    # Narratives span several physical lines: each row is reported at the line it starts on.
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    starts = [i + 1 for i, line in enumerate(lines) if line.split(",")[0] in {"1", "2", "3", "4"}]
    assert f"line {starts[0]}: actor_type '지자체 - 민간' is not one of" in result.stderr
    assert f"line {starts[1]}: tech_applied 'o' is not one of O, X" in result.stderr
    assert f"line {starts[2]}: service_field is empty" in result.stderr
    assert f"line {starts[3]}: no title" in result.stderr
    assert "no marked row can be used (4 left out)" in result.stderr
    assert not labelled_dir.exists()

    no_labels = tmp_path / "unlabelled.csv"
    pd.read_csv(SAMPLE, encoding="utf-8-sig", dtype=str).head(2).to_csv(no_labels, index=False)
    result = _run("retrain", "--add", no_labels, "--models-dir", models, "--labelled-dir", labelled_dir)
    assert result.returncode == 2 and "has no service_field, actor_type" in result.stderr


# --- Hostile and careless files (issue 13): each test reproduces one item on a real file. ----------

FORMULAS = ['=HYPERLINK("http://example.invalid","공동 급식")', "+1+1 공동 급식", "@SUM(A1) 공동 급식", "-2+3 공동 급식"]


def test_no_output_cell_is_a_formula(models_dir, tmp_path):
    """Item 1: titles, narratives and derived cells that start with = + - @ come out as text."""
    import openpyxl

    narratives = ["+ 센터를 공동으로 운영함", "=1+1 협약 체결", "", "- 예산을 분담함"]
    book = openpyxl.Workbook()
    book.active.append(["사업명", "사업내용"])
    for title, narrative in zip(FORMULAS, narratives):
        book.active.append([title, narrative])
    for row in book.active.iter_rows(min_row=2):
        for cell in row:
            cell.data_type = "s"  # text cells that start with "=", as a spreadsheet keeps typed text
    source = tmp_path / "entries.xlsx"
    book.save(source)
    for suffix in (".xlsx", ".csv"):
        out = tmp_path / f"out{suffix}"
        result = _run("score", source, "-o", out, "--models-dir", models_dir)
        assert result.returncode == 0, result.stderr[-3000:]
        if suffix == ".xlsx":
            # Issue 21: text with the quote-prefix style, as Excel stores typed text, no apostrophe.
            cells = [c for sheet in openpyxl.load_workbook(out) for row in sheet.iter_rows() for c in row]
            assert not [c.coordinate for c in cells if c.data_type == "f"]
            risky = [c for c in cells if isinstance(c.value, str) and c.value[:1] in ("=", "+", "-", "@", "\t", "\r")]
            assert FORMULAS[0] in [c.value for c in risky] and all(c.quotePrefix for c in risky)
            assert not [c.value for c in cells if isinstance(c.value, str) and c.value.startswith("'")]
            continue
        values = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False).to_numpy().ravel().tolist()
        assert not [v for v in values if v[:1] in ("=", "+", "-", "@", "\t", "\r")]
        assert "'" + FORMULAS[0] in values
    # Read back (a reviewer's file), the text is as it came in.
    from pipeline.data.entries import read_entries

    assert read_entries(tmp_path / "out.csv").frame["사업명"].tolist() == FORMULAS


def test_a_row_with_one_field_too_many_is_refused_not_shifted(models_dir, tmp_path):
    """Item 4: an unquoted comma in the first data row made pandas shift every column."""
    path = tmp_path / "entries.csv"
    path.write_text("번호,지자체,사업명,사업내용\n1,경기 안양시,공동급식,센터를 운영, 함께 했다\n2,서울 중구,도심 공원,공원 조성\n", encoding="utf-8")
    result = _run("score", path, "--models-dir", models_dir)
    assert result.returncode == 2 and "line 2" in result.stderr and "more fields than the header" in result.stderr
    path.write_text("번호,사업명\n1,공동급식\n2,도심 공원,덤\n", encoding="utf-8")
    result = _run("score", path, "--models-dir", models_dir)
    assert result.returncode == 2 and "line 3" in result.stderr
    assert not (tmp_path / "entries.scored.csv").exists()


def test_outputs_never_replace_the_input_or_each_other(models_dir, tmp_path):
    """Item 5: -o or --report naming the input (also through a link), or each other."""
    source = tmp_path / "entries.csv"
    shutil.copy(SAMPLE, source)
    before = source.read_bytes()
    link = tmp_path / "link.csv"
    link.symlink_to(source)
    for args, flag in (
        (["-o", source], "-o"),
        (["-o", link], "-o"),
        (["-o", tmp_path / "out.csv", "--report", source], "--report"),
        (["-o", tmp_path / "out.csv", "--report", tmp_path / "out.csv"], "--report"),
        (["-o", tmp_path], "-o"),
        (["-o", tmp_path / "out.pdf"], "-o"),
    ):
        result = _run("score", source, *args, "--models-dir", models_dir)
        assert result.returncode == 2 and f"collab score: {flag}" in result.stderr, result.stderr[-500:]
    assert source.read_bytes() == before and not (tmp_path / "out.csv").exists()


def test_control_characters_and_long_cells(models_dir, tmp_path):
    """Item 6: control characters crashed the .xlsx writer; a cell over 32,767 characters was cut."""
    source = tmp_path / "entries.csv"
    pd.DataFrame({"사업명": ["공동\x07급식\x1b 센터", "도심 공원\x00 조성"]}).to_csv(source, index=False)
    out = tmp_path / "out.xlsx"
    result = _run("score", source, "-o", out, "--models-dir", models_dir)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "row 1, column 사업명: control characters removed" in result.stderr
    assert pd.read_excel(out, dtype=str)["사업명"].tolist() == ["공동급식 센터", "도심 공원 조성"]

    long = tmp_path / "long.csv"
    pd.DataFrame({"사업명": ["공동 급식"], "사업내용": ["센터를 운영함. " * 4000]}).to_csv(long, index=False)
    result = _run("score", long, "-o", tmp_path / "long.xlsx", "--models-dir", models_dir)
    assert result.returncode == 2 and "row 1, column '사업내용'" in result.stderr and "write .csv" in result.stderr
    assert not (tmp_path / "long.xlsx").exists()
    result = _run("score", long, "-o", tmp_path / "long.csv.out.csv", "--models-dir", models_dir)
    assert result.returncode == 0
    kept = pd.read_csv(tmp_path / "long.csv.out.csv", encoding="utf-8-sig", dtype=str)["사업내용"].item()
    assert kept == "센터를 운영함. " * 4000


def test_an_unwritable_report_leaves_no_half_output(models_dir, tmp_path):
    """Item 7: the table was written, then the report failed."""
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = _run("score", SAMPLE, "-o", out, "--report", blocker / "report.html", "--models-dir", models_dir)
    assert result.returncode == 2 and "--report" in result.stderr and "cannot write" in result.stderr
    assert not out.exists()


def test_jsonl_with_a_byte_order_mark(models_dir, tmp_path):
    """Item 8 (in part): a .jsonl written with a BOM was refused."""
    path = tmp_path / "entries.jsonl"
    path.write_text('{"title": "공동급식지원센터 운영", "region": "경기 안양시"}\n', encoding="utf-8-sig")
    result = _run("score", path, "--models-dir", models_dir)
    assert result.returncode == 0, result.stderr[-2000:]


class _Payload:
    """Unpickling this runs a shell command: what a hostile models/ folder would hold."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self):
        import os

        return (os.system, (self.command,))


def _plant_bundle(models_dir, tmp_path, data: bytes):
    """A copy of the models folder whose bundle is `data`, with the manifest's sha256 made to match."""
    import hashlib

    from pipeline.artifacts import BUNDLE_NAME

    planted = tmp_path / "planted"
    shutil.copytree(models_dir, planted)
    (planted / BUNDLE_NAME).write_bytes(data)
    manifest = json.loads((planted / "manifest.json").read_text(encoding="utf-8"))
    manifest["artifacts"][BUNDLE_NAME]["sha256"] = hashlib.sha256(data).hexdigest()
    (planted / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return planted


def test_a_bundle_cannot_run_code(models_dir, tmp_path):
    """Item 2: a pickle with its sha256 in the manifest executed its code on `collab score`."""
    import pickle
    import zipfile

    import skops.io
    from sklearn.preprocessing import FunctionTransformer

    marker = tmp_path / "executed"
    planted = _plant_bundle(models_dir, tmp_path, pickle.dumps(_Payload(f"touch {marker}")))
    result = _run("score", SAMPLE, "-o", tmp_path / "out.csv", "--models-dir", planted)
    assert result.returncode == 2 and "is not a skops bundle" in result.stderr, result.stderr[-2000:]
    assert not marker.exists() and "Traceback" not in result.stderr

    # A skops file naming a function outside the trusted list is refused before anything is built.
    hostile = tmp_path / "hostile.skops"
    skops.io.dump({"models": FunctionTransformer(func=__import__("os").system)}, hostile, compression=zipfile.ZIP_DEFLATED)
    planted = _plant_bundle(models_dir, tmp_path / "2", hostile.read_bytes())
    result = _run("score", SAMPLE, "-o", tmp_path / "out.csv", "--models-dir", planted)
    assert result.returncode == 2 and "types this package does not trust" in result.stderr and "system" in result.stderr
    assert not (tmp_path / "out.csv").exists()


def test_a_models_folder_from_elsewhere_needs_trust(models_dir, tmp_path):
    result = _run("score", SAMPLE, "-o", tmp_path / "out.csv", "--models-dir", models_dir, trust=False)
    assert result.returncode == 2 and "is not this project's models folder" in result.stderr and "--trust" in result.stderr
    assert not (tmp_path / "out.csv").exists()


def test_a_cp949_row_in_a_utf8_file_is_one_unscored_row(models_dir, tmp_path):
    """Item 8: one row pasted from a CP949 file made the whole UTF-8 file unreadable."""
    path = tmp_path / "mixed.csv"
    rows = [("번호,사업명,사업내용", "utf-8"), ("1,공동급식지원센터 운영,4개 시가 센터를 공동 운영함", "utf-8"),
            ("2,도심 공원 조성,구와 주민이 공원을 함께 만듦", "cp949"), ("3,섬 주민 여객선 운임 지원,도와 군이 운임을 분담함", "utf-8")]
    path.write_bytes(b"\r\n".join(text.encode(encoding) for text, encoding in rows) + b"\r\n")
    out = tmp_path / "out.csv"
    result = _run("score", path, "-o", out, "--models-dir", models_dir)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "row 2:" in result.stderr
    scored = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert scored["번호"].tolist() == ["1", "2", "3"]
    assert scored["review_codes"].tolist()[1] == "not_scored:bad_bytes" and scored["error"].tolist()[1]
    assert scored["error"].tolist()[0] == scored["error"].tolist()[2] == ""
    assert scored["service_field"].tolist()[0] and not scored["service_field"].tolist()[1]


def test_a_workbook_over_the_row_limit_is_refused_before_reading(models_dir, tmp_path):
    """Item 3 (the limits themselves are tested on a larger workbook in tests/data/test_entries.py)."""
    path = tmp_path / "entries.xlsx"
    pd.DataFrame({"사업명": ["공동급식지원센터 운영"] * 50}).to_excel(path, index=False)
    result = _run("score", path, "--models-dir", models_dir, "--max-rows", "10")
    assert result.returncode == 2 and "more than the limit of 10 rows" in result.stderr and "--max-rows" in result.stderr


def test_a_scored_file_nobody_marked_is_refused_for_retraining(models_dir, tmp_path):
    """Item 9: the scored file returned unchanged was promoted."""
    out = tmp_path / "scored.csv"
    assert _run("score", SAMPLE, "-o", out, "--models-dir", models_dir).returncode == 0
    labelled_dir = tmp_path / "labelled"
    result = _run("retrain", "--add", out, "--models-dir", models_dir, "--labelled-dir", labelled_dir)
    assert result.returncode == 2 and "no row is marked as reviewed" in result.stderr and "검토완료" in result.stderr
    assert not labelled_dir.exists()


def test_bad_arguments_are_refused_before_any_version_is_made(models_dir, tmp_path):
    """Item 11 (arguments) and item 12 (one line, exit 2, no traceback)."""
    labelled_dir = tmp_path / "labelled"
    for flag, value in (("--repeats", "0"), ("--folds", "1")):
        result = _run("retrain", "--add", SAMPLE, flag, value, "--models-dir", models_dir, "--labelled-dir", labelled_dir)
        assert result.returncode == 2 and f"argument {flag}" in result.stderr and "too small" in result.stderr
        assert "Traceback" not in result.stderr and not labelled_dir.exists()
    result = _run("evaluate", "--repeats", "0")
    assert result.returncode == 2 and "Traceback" not in result.stderr


@pytest.mark.slow
def test_a_killed_retraining_is_recorded_as_failed(trained, models_dir, tmp_path, monkeypatch):
    """Item 11: SIGTERM left the version `pending` and the MLflow run RUNNING forever."""
    import os
    import signal
    import time

    from pipeline.data import labelled

    models, labelled_dir = tmp_path / "models", tmp_path / "labelled"
    shutil.copytree(models_dir, models)
    scored = tmp_path / "scored.csv"
    assert _run("score", SAMPLE, "-o", scored, "--models-dir", models).returncode == 0
    reviewed = pd.read_csv(scored, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    reviewed[config.REVIEW_MARK_COLUMN] = "검토완료"
    reviewed["tech_applicable"] = "O"  # a reviewer's correction
    reviewed.to_csv(tmp_path / "reviewed.csv", index=False, encoding="utf-8-sig")
    env = {**os.environ, "MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path / 'mlflow.db'}"}

    def start():
        return subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "retrain", "--add", str(tmp_path / "reviewed.csv"), "--repeats", "1",
             "--folds", "3", "--models-dir", str(models), "--trust", "--labelled-dir", str(labelled_dir)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )

    import sqlite3

    deadline = time.monotonic() + 300

    def retrain_runs() -> list[str]:
        """The retraining runs' statuses, read straight from the store, read-only: an MLflow client
        here would race the child to create and migrate the store's tables."""
        if not (tmp_path / "mlflow.db").exists():
            return []
        try:
            with sqlite3.connect(f"file:{tmp_path / 'mlflow.db'}?mode=ro", uri=True) as db:
                rows = db.execute(
                    "SELECT r.status FROM runs r JOIN tags t ON t.run_uuid = r.run_uuid "
                    "WHERE t.key = 'kind' AND t.value = 'retrain' ORDER BY r.start_time"
                ).fetchall()
        except sqlite3.OperationalError:  # tables not there yet, or the store is being written
            return []
        return [status for (status,) in rows]

    def wait_for(statuses: list[str], process) -> None:
        while retrain_runs() != statuses:  # the version is written and the MLflow run has begun
            assert process.poll() is None and time.monotonic() < deadline, process.communicate()[1][-2000:]
            time.sleep(0.5)

    # Issue 23, items 2 and 4: SIGKILL left the version pending and its run RUNNING for good, and
    # the same file was refused ever after. The next retraining finds the process gone, marks the
    # version failed and ends its run, and takes the same rows again.
    process = start()
    wait_for(["RUNNING"], process)
    # Issue 23, item 1: a second retraining meanwhile is refused in one line, before any work.
    second = start()
    _, stderr = second.communicate(timeout=120)
    assert second.returncode == 2 and "다른 재학습이 진행 중입니다" in stderr and "Traceback" not in stderr, stderr[-2000:]
    process.kill()
    process.wait(timeout=60)
    [entry] = labelled.read_index(labelled_dir)
    assert entry["status"] == labelled.PENDING
    process = start()
    wait_for(["FAILED", "RUNNING"], process)
    first, second = labelled.read_index(labelled_dir)
    assert first["status"] == labelled.FAILED and "is gone" in first["decision"]
    assert second["status"] == labelled.PENDING and second["rows"] == entry["rows"]
    # Item 11: SIGTERM is recorded at once, as an interruption.
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130 and "interrupted" in stderr and "Traceback" not in stderr, stderr[-2000:]
    assert "marked failed, its rows may be offered again" in stderr
    second = labelled.read_index(labelled_dir)[1]
    assert second["status"] == labelled.FAILED and "SIGTERM" in second["decision"]
    assert retrain_runs() == ["FAILED", "FAILED"]
    # Item 2: an unreadable store is one line naming the file (in this process: it needs no kill).
    (tmp_path / "mlflow.db").write_bytes(b"not a database " * 1000)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", env["MLFLOW_TRACKING_URI"])
    result = _run("retrain", "--add", tmp_path / "reviewed.csv", "--repeats", "1", "--folds", "3", "--models-dir", models,
                  "--labelled-dir", labelled_dir)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert f"MLflow 저장소를 읽을 수 없음: {tmp_path / 'mlflow.db'}" in result.stderr


def test_manifest_errors_name_the_file(models_dir, tmp_path):
    """Item 12: a manifest without `artifacts`, or not JSON, gave a traceback or a nameless error."""
    broken = tmp_path / "models"
    shutil.copytree(models_dir, broken)
    manifest = broken / "manifest.json"
    manifest.write_text('{"model_name": "x"', encoding="utf-8")
    result = _run("score", SAMPLE, "-o", tmp_path / "out.csv", "--models-dir", broken)
    assert result.returncode == 2 and f"{manifest} is not a readable manifest" in result.stderr
    good = json.loads((models_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest.write_text(json.dumps({k: v for k, v in good.items() if k != "artifacts"}), encoding="utf-8")
    result = _run("score", SAMPLE, "-o", tmp_path / "out.csv", "--models-dir", broken)
    assert result.returncode == 2 and f"{manifest} is damaged: artifacts (dict) missing" in result.stderr
    assert "Traceback" not in result.stderr
    # Issue 23, item 7: a manifest whose bundle sha256 still matches but whose fields were damaged.
    manifest.write_text(json.dumps({**good, "targets": None, "data": "x"}), encoding="utf-8")
    result = _run("score", SAMPLE, "-o", tmp_path / "out.csv", "--models-dir", broken)
    assert result.returncode == 2 and "is damaged: data (dict), targets (dict)" in result.stderr
    assert "Traceback" not in result.stderr


def test_one_line_errors_and_tracebacks_only_with_debug(tmp_path):
    missing = tmp_path / "ids.txt"
    result = _run("train", "--exclude", missing, "--models-dir", tmp_path / "models")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and str(missing) in result.stderr
    # The traceback Python itself prints, in a process of its own.
    result = _run("--debug", "train", "--exclude", missing, "--models-dir", tmp_path / "models", fresh=True)
    assert result.returncode == 1 and "Traceback" in result.stderr


def test_each_command_says_in_korean_what_it_does_with_an_example():
    """Issue 21, item 6."""
    import re

    from pipeline.cli import HELP, build_parser

    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    assert set(commands) == set(HELP)
    for name, sub in commands.items():
        text = sub.format_help()
        line, example = HELP[name]
        assert re.search(r"[가-힣]", line) and line in text and f"예: {example}" in text, name
    assert "주요 내용" in commands["score"].format_help() and "--header-row" in commands["score"].format_help()
