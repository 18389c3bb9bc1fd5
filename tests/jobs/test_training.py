
import mlflow
import numpy as np
import pandas as pd
import pytest

from pipeline import config
from pipeline.artifacts import ArtifactError, load_bundle
from pipeline.jobs.training import fit_all

PROBE = pd.DataFrame(
    {
        "region": ["경기 안양시", "서울 영등포구", "충청남도"],
        "title": ["공동급식지원센터 운영", "여성안심 빅데이터 CPTED 플랫폼 구축", "로드킬 바로신고 시스템 구축"],
        "description": ["", "", ""],
    }
)


def test_train_writes_bundle_and_manifest(trained, split):
    root, _, _ = trained
    bundle, on_disk = load_bundle(root / "models")
    models = bundle["models"]
    assert set(models) == set(config.TARGETS)
    narrative = bundle["narrative"]
    assert set(narrative["models"]) == {"service_field", "actor_type", "tech_applied", "tech_applicable", "sustainability"}
    assert 0.5 < narrative["resource_sharing_rate"] < 1.0
    metrics = on_disk["narrative_metrics"]
    assert metrics["case_studies"]["model_type"]["n"] == 22
    assert set(metrics["appendix_narratives"]["sustainability"]) == {
        "model", "narrative_only", "title_only", "fixed_average", "majority", "char_ngram_lr", "rules"
    }
    assert set(narrative["stacks"]) == set(narrative["models"])
    # Trained --exclude: the ids' title groups and the narratives retelling their project are gone.
    excluded = on_disk["excluded"]
    assert excluded["ids"] == 1 and len(excluded["ids_sha256"]) == 64  # conftest.EXCLUDED_IDS
    assert on_disk["data"]["rows"] == len(split[0]) - split[0]["title_group"].isin(excluded["title_groups"]).sum()
    assert on_disk["narrative_data"]["rows"] == 286 - 4
    assert on_disk["versions"]["kiwipiepy"] == "0.24.1"
    assert set(on_disk["metrics"]["actor_type"]) == {"model", "majority", "char_ngram_lr"}
    assert list(models["actor_type"].classes_) == sorted(config.ACTOR_TYPES)


def test_registered_model_loads_by_alias_and_predicts(trained):
    _, uri, manifest = trained
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    model = mlflow.pyfunc.load_model(f"models:/{config.MODEL_NAME}@{config.MODEL_ALIAS}")
    out = model.predict(PROBE)
    assert len(out) == len(PROBE)
    assert set(out["tech_applied"]) <= {"O", "X"}
    assert set(out["actor_type"]) <= set(config.ACTOR_TYPES)
    assert ((out["actor_type_proba"] > 0) & (out["actor_type_proba"] <= 1)).all()
    assert (out["error"] == "").all()
    run = mlflow.get_run(manifest["mlflow_run_id"])
    assert "actor_type.model.macro_f1_mean" in run.data.metrics
    assert "actor_type.char_ngram_lr.macro_f1_mean" in run.data.metrics
    assert "narratives.case_studies.model_type.accuracy" in run.data.metrics
    assert "narratives.appendix_narratives.sustainability.model.roc_auc" in run.data.metrics
    assert "narratives.appendix_narratives.sustainability.rules.flagged_rate" in run.data.metrics
    low, high = (run.data.metrics[f"narratives.intervals.sustainability.model_minus_char_ngram_lr.{end}"] for end in ("low", "high"))
    assert low <= manifest["narrative_metrics"]["intervals"]["sustainability"]["model_minus_char_ngram_lr"]["estimate"] <= high
    assert run.data.params["excluded_ids_sha256"] == manifest["excluded"]["ids_sha256"]
    assert 0.0 < run.data.metrics["actor_type.model.brier"] < 2.0
    assert 0.0 <= run.data.metrics["actor_type.model.ece"] <= 1.0
    artifacts = {a.path for a in mlflow.MlflowClient().list_artifacts(run.info.run_id, "evaluation/actor_type")}
    for name in ("model_confusion.png", "model_confusion.json", "reliability.png", "model_reliability.json", "oof_predictions.csv"):
        assert f"evaluation/actor_type/{name}" in artifacts
    # Issue 21, item 4: the narrative side's verdicts have their own figures; the run page reads
    # as named figures (per-class ones are in the JSON beside each matrix); the registry says what
    # each version is.
    narrative = {a.path for a in mlflow.MlflowClient().list_artifacts(run.info.run_id, "evaluation/narratives/actor_type")}
    assert {"evaluation/narratives/actor_type/model_confusion.png", "evaluation/narratives/actor_type/model_confusion.json"} <= narrative
    sustainability = {a.path for a in mlflow.MlflowClient().list_artifacts(run.info.run_id, "evaluation/narratives/sustainability")}
    assert "evaluation/narratives/sustainability/reliability.png" in sustainability
    assert len(run.data.metrics) < 300
    client = mlflow.MlflowClient()
    assert "models:/collab-classifier@champion" in client.get_registered_model(config.MODEL_NAME).description
    described = client.get_model_version(config.MODEL_NAME, str(manifest["registered_version"])).description
    assert "Data:" in described and "Excluded: 1 ids" in described and "Verdicts on the appendix narratives" in described
    # MLflow's own classifier evaluation, macro-averaged, in one child run per target.
    # The run's own experiment: search_runs' default is whichever experiment an earlier test set active.
    children = mlflow.search_runs([run.info.experiment_id], filter_string=f"tags.mlflow.parentRunId = '{run.info.run_id}'")
    assert sorted(children["tags.target"]) == sorted(config.TARGETS)
    assert children["metrics.f1_score"].between(0, 1).all()


def test_a_tampered_bundle_is_refused(trained, tmp_path):
    root, _, _ = trained
    copy = tmp_path / "models"
    copy.mkdir()
    for f in (root / "models").iterdir():
        (copy / f.name).write_bytes(f.read_bytes())
    bundle = copy / "collab_classifier.skops"
    bundle.write_bytes(bundle.read_bytes() + b"\0")
    with pytest.raises(ArtifactError, match="sha256"):
        load_bundle(copy)
    with pytest.raises(ArtifactError, match="no trained model"):
        load_bundle(tmp_path / "empty")


def test_training_is_deterministic_for_a_fixed_seed(dataset):
    first, params_1 = fit_all(dataset.cases, ["tech_applicable"], seed=7)
    second, params_2 = fit_all(dataset.cases, ["tech_applicable"], seed=7)
    assert params_1 == params_2
    np.testing.assert_array_equal(
        first["tech_applicable"].predict_proba(PROBE), second["tech_applicable"].predict_proba(PROBE)
    )
