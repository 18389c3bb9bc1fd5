"""Retraining from reviewed files, end to end on the real report.

The suite's champion (conftest `trained`) is trained on the report's cases minus a held-out quarter
of title groups; the reviewed file is that quarter, scored by the champion, with the labels a
reviewer would give (the report's own). A poisoned copy has each label column shuffled across rows.
"""

import json
import shutil

import mlflow
import numpy as np
import pandas as pd
import pytest

from pipeline import config
from pipeline.artifacts import load_bundle, read_manifest
from pipeline.data import labelled
from pipeline.data.entries import InputError, write_table
from pipeline.data.reviewed import read_reviewed
from pipeline.jobs.retraining import confirming_rows, decide, retrain
from pipeline.modeling.evaluation import TargetResult
from pipeline.scoring.score import score_frame
from pipeline.scoring.workbook import write_review_workbook

LABELS = ["service_field", "actor_type", "tech_applied", "tech_applicable", "sustainability", "resource_sharing"]


@pytest.fixture()
def store(tmp_path, monkeypatch):
    """A fresh MLflow store for each retraining: the suite's own champion stays untouched."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")
    from pipeline import tracking

    tracking.setup()
    return tmp_path


def reviewed_frame(held: pd.DataFrame, bundle: dict, narratives: bool = False) -> pd.DataFrame:
    """The held-out cases as `collab score` writes them, with the label columns set by a reviewer;
    with `narratives`, the cases the shared narratives tell carry that narrative as 사업내용."""
    entries = held[["id", "region", "title"]].rename(columns={"id": "번호", "region": "지자체", "title": "사업명"})
    if narratives:
        from pipeline.data.narrative_corpus import load_narratives

        told = load_narratives().set_index("id")["description"]
        entries["사업내용"] = [told.get(int(i), "") for i in held["id"]]
    scored = score_frame(entries, bundle)
    for label in LABELS:
        scored[label] = held[label].to_numpy()
    scored[config.REVIEW_MARK_COLUMN] = "검토완료"
    return scored


def fresh_copy(trained, store):
    models, data = store / "models", store / "labelled"
    shutil.copytree(trained[0] / "models", models)
    return models, data


def aliases() -> dict:
    client = mlflow.MlflowClient()
    return {
        alias: int(version)
        for alias, version in client.get_registered_model(config.MODEL_NAME).aliases.items()
    }


@pytest.mark.slow
def test_one_poisoned_column_is_refused_and_named(trained, split, store):
    """Issue 23, item 6: four correct columns and sustainability = O on every row passed."""
    models, data = fresh_copy(trained, store)
    frame = reviewed_frame(split[1], load_bundle(models)[0])
    assert (frame["sustainability"] == "O").mean() < 0.2
    frame["sustainability"] = "O"
    path = store / "poisoned.csv"
    write_table(frame, path)
    manifest_before = (models / "manifest.json").read_bytes()

    outcome = retrain(read_reviewed(path), split[0], data, models, repeats=1, folds=2)

    print(outcome.format())
    assert outcome.decision.status == labelled.REFUSED, outcome.decision.reason
    assert not outcome.decision.columns["sustainability"]["passes"]
    assert "sustainability: the champion disagrees with" in outcome.decision.reason
    assert all(r["passes"] for t, r in outcome.decision.columns.items() if t != "sustainability")
    assert outcome.decision.labels["passes"]  # the four good columns carry signal: not what refused it
    # Issue 13, item 10: the same rows, saved again without the BOM, are not a new version.
    again = store / "poisoned-again.csv"
    again.write_bytes(path.read_bytes().removeprefix(b"\xef\xbb\xbf"))
    with pytest.raises(InputError, match=r"already added \(labelled version 1 \(refused\)\)"):
        retrain(read_reviewed(again), split[0], data, models, repeats=1, folds=2)
    # A refused challenger is not fitted: nothing registered, models/ untouched.
    assert outcome.challenger_manifest["registered_version"] is None
    assert mlflow.MlflowClient().search_registered_models() == []
    assert (models / "manifest.json").read_bytes() == manifest_before
    assert not (models / "challengers").exists() or not any((models / "challengers").iterdir())
    [entry] = labelled.read_index(data)
    assert entry["status"] == labelled.REFUSED and entry["rows"] == len(split[1]) - 1
    assert labelled.training_versions(data) == []
    run = mlflow.get_run(outcome.challenger_manifest["mlflow_run_id"])
    assert run.data.tags["decision"] == labelled.REFUSED
    assert "service_field.champion.macro_f1_mean" in run.data.metrics
    assert run.data.metrics["columns.sustainability.reviewed_disagreement"] > 0.5


def test_shuffled_labels_fail_the_permutation_test():
    """The file whose every column is shuffled across rows: its labels agree with the champion's
    out-of-fold probabilities no better than chance."""
    from pipeline.jobs.retraining import label_signal

    rng = np.random.default_rng(0)
    truth = rng.choice(["O", "X"], size=200, p=[0.3, 0.7])
    # A champion that is right on 85 % of rows, confidently.
    right = rng.random(200) < 0.85
    p_o = np.where((truth == "O") == right, 0.8, 0.2)
    result = TargetResult("t", ["O", "X"])
    result.oof_proba = {"champion": np.column_stack([p_o, 1 - p_o])}
    new = np.zeros(200, dtype=bool)
    new[100:] = True
    result.truth = truth
    assert label_signal({"t": result}, new)["passes"]
    result.truth = truth.copy()
    result.truth[100:] = rng.permutation(truth[100:])
    assert not label_signal({"t": result}, new)["passes"]


@pytest.mark.slow
def test_a_corrected_file_retrains_and_promotes(trained, split, store):
    models, data = fresh_copy(trained, store)
    path = store / "reviewed.xlsx"
    frame = reviewed_frame(split[1], load_bundle(models)[0], narratives=True)
    told = int((frame["사업내용"] != "").sum())
    assert told > 20
    # As a reviewer returns it: the workbook `collab score -o .xlsx` writes (Korean headers, sheet 검토).
    mapping = {"id": "번호", "region": "지자체", "title": "사업명", "description": "사업내용"}
    write_review_workbook(frame, path, mapping, "held-out.csv", None, {})

    outcome = retrain(read_reviewed(path), split[0], data, models, repeats=1, folds=2)

    print(outcome.format())
    assert outcome.decision.status == labelled.PROMOTED, outcome.decision.reason
    assert all(r["passes"] for r in outcome.decision.columns.values()) and set(outcome.decision.per_label) == set(config.TARGETS)
    # The reviewed narratives train the challenger's narrative side, and are judged on trial.
    assert outcome.decision.narratives["reviewed"]["rows_on_trial"] == told
    # What the champion was trained without (conftest EXCLUDED_IDS) the challenger is too: its
    # narratives are the champion's plus the reviewed ones, its titles the champion's plus theirs.
    champion = trained[2]
    assert champion["excluded"]["split_groups"]
    assert outcome.challenger_manifest["excluded"] == champion["excluded"]
    assert outcome.challenger_manifest["narrative_data"]["rows"] == champion["narrative_data"]["rows"] + told < 286 + told
    new = outcome.challenger_manifest["registered_version"]
    assert aliases() == {config.MODEL_ALIAS: new, config.CHALLENGER_ALIAS: new}
    installed = read_manifest(models)
    assert installed["mlflow_run_id"] == outcome.challenger_manifest["mlflow_run_id"]
    assert installed["data"]["labelled_versions"] == [1]
    assert installed["data"]["rows"] == champion["data"]["rows"] + len(split[1]) - 1 < len(split[0]) + len(split[1]) - 1
    load_bundle(models)  # the installed bundle matches its manifest
    [entry] = labelled.read_index(data)
    assert entry["status"] == labelled.PROMOTED and entry["source"] == "reviewed.xlsx"
    # One held-out appendix title has no Hangul: scoring would refuse it, so training does too.
    assert [r["reason"] for r in entry["rejected"]] == ["한글 없음: 모델은 한국어 사업명과 내용을 읽음"]
    assert 0 <= entry["confirming_rows"] < entry["rows"]
    stored = labelled.read_version(data, entry)
    assert len(stored) == entry["rows"] == len(split[1]) - 1
    assert set(stored["title"]) == set(split[1]["title"]) - {"Q-Service"}
    run = mlflow.get_run(entry["mlflow_run_id"])
    assert run.data.params["labelled_versions"] == "1"
    decision = json.loads(mlflow.artifacts.load_text(run.info.artifact_uri + "/decision.json"))
    assert decision["status"] == labelled.PROMOTED

    # The same file again is refused before any training.
    with pytest.raises(InputError, match=r"already added \(labelled version 1 \(promoted\)\)"):
        retrain(read_reviewed(path), split[0], data, models, repeats=1, folds=2)


def _result(target: str, model: list[float], champion: list[float]) -> TargetResult:
    result = TargetResult(target, ["O", "X"])
    result.scores = {
        "model": [{"macro_f1": v, "accuracy": v, "macro_f1_trusted": v} for v in model],
        "champion": [{"macro_f1": v, "accuracy": v, "macro_f1_trusted": v} for v in champion],
    }
    return result


NARRATIVES = {label: {"accuracy": 0.8, "n": 23} for label in ("service_field", "actor_type", "tech_applied", "tech_applicable", "sustainability")}


def test_the_rule_tolerates_noise_but_not_a_consistent_loss():
    noisy = {"a": _result("a", [0.60, 0.50, 0.58], [0.55, 0.56, 0.59])}  # mean -0.007, large spread
    assert decide(noisy, NARRATIVES, NARRATIVES).status == labelled.PROMOTED
    # A consistent loss too small to refuse a year's corrections for (PROMOTION_MIN_DROP).
    slightly = {"a": _result("a", [0.548, 0.558, 0.568], [0.55, 0.56, 0.57])}  # -0.002 in every fold
    assert decide(slightly, NARRATIVES, NARRATIVES).status == labelled.PROMOTED
    worse = {"a": _result("a", [0.50, 0.51, 0.52], [0.55, 0.56, 0.57])}  # -0.05 in every fold
    decision = decide(worse, NARRATIVES, NARRATIVES)
    assert decision.status == labelled.REFUSED and "worse beyond noise" in decision.reason
    forced = decide(worse, NARRATIVES, NARRATIVES, force=True)
    assert forced.promote and forced.status == labelled.FORCED and forced.reason.startswith("forced")


def test_the_rule_refuses_a_challenger_that_reads_narratives_worse():
    same = {"a": _result("a", [0.55, 0.56, 0.57], [0.55, 0.56, 0.57])}
    one_case_worse = {k: {"accuracy": v["accuracy"] - 1 / 23, "n": 23} for k, v in NARRATIVES.items()}
    assert decide(same, NARRATIVES, one_case_worse).status == labelled.PROMOTED
    two_cases_worse = {k: {"accuracy": v["accuracy"] - 2 / 23, "n": 23} for k, v in NARRATIVES.items()}
    decision = decide(same, NARRATIVES, two_cases_worse)
    assert decision.status == labelled.REFUSED and "narrative accuracy fell" in decision.reason


def test_the_rule_refuses_reviewed_narratives_that_make_the_narrative_side_worse():
    same = {"a": _result("a", [0.55, 0.56, 0.57], [0.55, 0.56, 0.57])}

    def comparison(challenger: list[float]) -> dict:
        folds = [{"champion": {"actor_type": 0.6}, "challenger": {"actor_type": c}} for c in challenger]
        return {"folds": folds, "per_label": {"actor_type": float(np.mean(challenger)) - 0.6}, "rows_on_trial": 30}

    assert decide(same, {}, {}, narrative_comparison=None).status == labelled.PROMOTED
    assert decide(same, {}, {}, narrative_comparison=comparison([0.62, 0.57, 0.61])).status == labelled.PROMOTED
    # -0.0014 in every fold, as on a simulated half-reviewed year: beyond noise, not beyond 0.01.
    assert decide(same, {}, {}, narrative_comparison=comparison([0.5986, 0.5986, 0.5986])).status == labelled.PROMOTED
    decision = decide(same, {}, {}, narrative_comparison=comparison([0.55, 0.54, 0.56]))
    assert decision.status == labelled.REFUSED and "trusted narratives -0.050" in decision.reason


def test_a_retraining_that_fails_marks_its_version_failed(trained, split, tmp_path, monkeypatch):
    models, data = fresh_copy(trained, tmp_path)
    path = tmp_path / "reviewed.csv"
    write_table(reviewed_frame(split[1].head(5), load_bundle(models)[0]), path)
    # A store that cannot be created: the run fails after the version was written.
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'reviewed.csv' / 'mlflow.db'}")
    with pytest.raises(OSError):
        retrain(read_reviewed(path), split[0], data, models, repeats=1, folds=3)
    [entry] = labelled.read_index(data)
    assert entry["status"] == labelled.FAILED and "retraining failed" in entry["decision"]
    assert labelled.training_versions(data) == []
    assert read_manifest(models) == read_manifest(trained[0] / "models")


def test_rows_that_repeat_the_champion_are_counted(trained, split):
    """Issue 13, item 9: rows whose labels are the champion's own predictions confirm, not teach."""
    bundle = load_bundle(trained[0] / "models")[0]
    held = split[1][split[1]["title"].str.contains("[가-힣]")].head(12)
    predicted = score_frame(held[["id", "region", "title"]].assign(description=""), bundle)
    rows = held[["id", "region", "title"]].assign(description="").reset_index(drop=True)
    for label in config.TARGETS:
        rows[label] = predicted[label].to_numpy()
    assert confirming_rows(rows, bundle) == 12
    rows.loc[3, "actor_type"] = next(a for a in config.ACTOR_TYPES if a != rows.loc[3, "actor_type"])
    assert confirming_rows(rows, bundle) == 11
