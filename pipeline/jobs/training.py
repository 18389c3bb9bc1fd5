"""`collab train` and `collab evaluate`: cross-validate, fit on all cases, save, log to MLflow."""

from __future__ import annotations

import hashlib
import json
import logging
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from mlflow.models import ModelSignature, infer_signature
from mlflow.types.schema import ColSpec, Schema
from sklearn.base import clone
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import classification_report, confusion_matrix

from pipeline import config, tracking
from pipeline.artifacts import save_bundle
from pipeline.data.dataset import load_case_studies, load_cases, load_sub_types
from pipeline.data.narrative_corpus import excluded_groups, load_narratives, training_frame, without_groups
from pipeline.modeling.evaluation import TargetResult, evaluate_targets
from pipeline.modeling.models import make_classifier, target_labels
from pipeline.modeling.narrative_evaluation import evaluate_narrative_models, evaluate_sub_types
from pipeline.modeling.narrative_models import narrative_labels
from pipeline.modeling.verdicts import fit_verdicts
from pipeline.reading.narratives import read_narratives
from pipeline.reading.subtypes import SubTypeRanker
from pipeline.scoring.score import score_frame
from pipeline.scoring.serving import CollabPyfunc

# Estimators whose out-of-fold predictions get per-class metrics and confusion matrices
# ("champion" exists only in retraining runs).
REPORTED_ESTIMATORS: tuple[str, ...] = ("model", "champion", "char_ngram_lr")

INPUT_EXAMPLE = pd.DataFrame(
    {
        "id": ["1", "2"],
        "region": ["경기 안양시", "전라남도"],
        "title": ["공동급식지원센터 운영", "「100원 택시」 전시군 확대 운영"],
        "description": [
            "- 인접한 4개 시가 학교급식지원센터를 공동으로 설립하고 운영비를 분담함\n- 공동급식지원센터 설립 및 운영 조례를 제정함",
            "- 전라남도와 21개 시·군이 택시 운임 차액을 지원하고 이용 정보를 공유함",
        ],
    }
)


def data_digest(cases: pd.DataFrame) -> str:
    """sha256 of the training table as CSV: identifies the data a model was trained on."""
    return hashlib.sha256(cases.to_csv(index=False).encode("utf-8")).hexdigest()


def summary_json(results: dict[str, TargetResult]) -> dict:
    """The `collab evaluate --json` document."""
    return {"targets": {t: r.summary() for t, r in results.items()}}


def format_calibration(results: dict[str, TargetResult]) -> str:
    """Brier score and ECE of each estimator's out-of-fold probabilities (first repeat)."""
    names = [n for n in ("model", "char_ngram_lr", "majority") if all(n in r.oof_proba for r in results.values())]
    lines = [f"{'target':<16}" + "".join(f"{n + ' Brier':>20}{'ECE':>7}" for n in names)]
    for target, result in results.items():
        s = result.summary()
        lines.append(f"{target:<16}" + "".join(f"{s[n]['brier']:>20.3f}{s[n]['ece']:>7.3f}" for n in names))
    return "\n".join(lines)


def format_table(results: dict[str, TargetResult]) -> str:
    """A plain-text table: macro-F1 (mean ± sd) and accuracy per target and estimator."""
    names = ["model", "char_ngram_lr", "majority"]
    lines = [f"{'target':<16}" + "".join(f"{n + ' F1':>22}{'acc':>7}" for n in names)]
    for target, result in results.items():
        s = result.summary()
        cells = "".join(
            f"{s[n]['macro_f1_mean']:>15.3f} ± {s[n]['macro_f1_std']:.3f}{s[n]['accuracy_mean']:>7.3f}"
            for n in names
        )
        lines.append(f"{target:<16}{cells}")
    return "\n".join(lines)


def fit_all(cases: pd.DataFrame, targets: list[str], seed: int = config.SEED) -> tuple[dict, dict]:
    """Fit each target's classifier on all cases (search inside grouped folds); (models, params)."""
    models, params = {}, {}
    for target in targets:
        # The search's fits run on both cores (inside cross-validation folds it stays sequential).
        search = clone(make_classifier(seed)).set_params(n_jobs=config.N_JOBS)
        search.fit(cases, target_labels(cases, target), groups=cases["title_group"])
        models[target] = search.best_estimator_
        # Estimator-valued choices ("use": SentenceEmbedding()) are recorded by their repr.
        params[target] = {
            k: v if isinstance(v, (bool, int, float, str)) else repr(v)
            for k, v in search.best_params_.items()
        }
    return models, params


def _alias(label: str) -> str:
    return config.LABEL_ALIASES.get(label, label)


def log_evaluation(mlflow, results: dict[str, TargetResult], cases: pd.DataFrame) -> None:
    """What a model owner looks at, per target: macro-F1 and accuracy of every estimator, per-class
    metrics, confusion matrices, calibration, out-of-fold predictions and MLflow's own classifier
    evaluation (in a child run per target)."""
    # matplotlib is loaded only when figures are drawn: `collab train --repeats 0` draws none.
    import matplotlib.pyplot as plt

    from pipeline.modeling.plots import confusion_figure, reliability_figure

    for target, result in results.items():
        for name, s in result.summary().items():
            mlflow.log_metrics({f"{target}.{name}.{k}": v for k, v in s.items()})
        # Which hyper-parameters the inner search chose in each outer fold: their stability.
        mlflow.log_dict(result.best_params, f"evaluation/{target}/model_best_params_per_fold.json")
        y = target_labels(cases, target).to_numpy()
        for name in (n for n in REPORTED_ESTIMATORS if n in result.oof):
            predicted = result.oof[name]
            # Per-class precision, recall and F1 go in the JSON beside the matrix, not among the
            # run's metrics: a run page should read as a handful of named figures per target.
            report = classification_report(y, predicted, labels=result.labels, output_dict=True, zero_division=0)
            matrix = confusion_matrix(y, predicted, labels=result.labels)
            mlflow.log_dict(
                {"labels": result.labels, "matrix": matrix.tolist(), "report": report},
                f"evaluation/{target}/{name}_confusion.json",
            )
            fig = confusion_figure(matrix, result.labels, f"{target}: {name} (out-of-fold, repeat 1)")
            mlflow.log_figure(fig, f"evaluation/{target}/{name}_confusion.png")
            plt.close(fig)
        tables = {}
        for name in result.oof_proba:  # Brier and ECE are logged with the summary above
            table = result.reliability(name)
            mlflow.log_dict(table.to_dict(orient="list"), f"evaluation/{target}/{name}_reliability.json")
            if name != "majority":  # one point at the base rate: says nothing on a diagram
                tables[name] = table
        fig = reliability_figure(tables, f"{target}: reliability (out-of-fold)")
        mlflow.log_figure(fig, f"evaluation/{target}/reliability.png")
        plt.close(fig)
        oof = _oof_frame(cases, y, result)
        mlflow.log_text(oof.to_csv(index=False), f"evaluation/{target}/oof_predictions.csv")
        _mlflow_evaluate(mlflow, target, oof)
    mlflow.log_dict(summary_json(results), "evaluation/summary.json")


def _oof_frame(cases: pd.DataFrame, truth, result: TargetResult) -> pd.DataFrame:
    """One row per case: its text, the true label, the model's out-of-fold label and probabilities."""
    proba = result.oof_proba["model"]
    labels = np.asarray(result.labels)
    columns = [c for c in ("id", "region", "title", "description") if c in cases]
    out = cases[columns].reset_index(drop=True).copy()
    out["truth"] = truth
    out["predicted"] = result.oof["model"]
    out["proba_predicted"] = proba.max(axis=1).round(4)
    out["proba_truth"] = proba[np.arange(len(out)), [list(labels).index(t) for t in truth]].round(4)
    return out


def _mlflow_evaluate(mlflow, target: str, oof: pd.DataFrame) -> None:
    """MLflow's classifier evaluation of the out-of-fold predictions, macro-averaged, in a child
    run per target (its artifacts have fixed names). Labels in English: plots have no Hangul font."""

    # matplotlib only when figures are drawn (see log_evaluation).
    import matplotlib.pyplot as plt

    logging.getLogger("mlflow.models.evaluation").setLevel(logging.WARNING)
    data = pd.DataFrame({"label": oof["truth"].map(_alias), "prediction": oof["predicted"].map(_alias)})
    with mlflow.start_run(run_name=f"oof-{target}", nested=True), warnings.catch_warnings():
        # A class never predicted has no precision; MLflow counts it as 0 (as we do) and warns.
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        mlflow.set_tag("target", target)
        mlflow.models.evaluate(
            data=data,
            targets="label",
            predictions="prediction",
            model_type="classifier",
            evaluator_config={
                "average": "macro",
                "log_model_explainability": False,
                "label_list": sorted(set(data["label"]) | set(data["prediction"])),
            },
        )
    plt.close("all")


def run_evaluation(cases: pd.DataFrame, targets: list[str], repeats: int, folds: int, seed: int) -> dict:
    """Evaluate and log one MLflow run; returns the results by target."""
    mlflow = tracking.setup()
    with mlflow.start_run(run_name="evaluate", tags={"kind": "evaluate"}):
        log_common(mlflow, cases, repeats, folds, seed, targets)
        results = evaluate_targets(cases, targets, repeats, folds, seed)
        log_evaluation(mlflow, results, cases)
    return results


def narrative_training_data(exclude: tuple[set[str], set[str]] | None = None) -> tuple[pd.DataFrame, list]:
    """The narrative training table (263 + 23, less any excluded groups) and its readings."""
    frame = training_frame(load_narratives(), load_case_studies(), load_cases())
    if exclude is not None:
        frame = without_groups(frame, *exclude)
    return frame, read_narratives(frame)


def narrative_metric_key(label: str) -> str:
    """"sub_type_top1 (option 1)" -> "sub_type_top1_option_1": an MLflow metric name part."""
    return label.replace(" ", "_").replace("(", "").replace(")", "")


# The narrative figures logged as metrics: on the appendix narratives (the kind of text a year's
# entries are), each estimator's headline figures; everything else is in evaluation/narratives.json.
NARRATIVE_METRICS: tuple[str, ...] = ("accuracy", "macro_f1", "roc_auc", "flagged_rate")


def log_narrative_evaluation(mlflow, result: dict, sub_types: dict | None = None, frame: pd.DataFrame | None = None) -> None:
    """The narrative evaluation: `narratives.appendix_narratives.<label>.<estimator>.<metric>` for
    NARRATIVE_METRICS, the verdict's accuracy on the case studies and the sub-type figures as
    `narratives.case_studies.<label>.accuracy`, the headline comparisons' bootstrap intervals as
    `narratives.intervals.<label>.<comparison>.{estimate,low,high}`, the whole as JSON; with `frame` (the narratives
    evaluated), per label the verdict's out-of-fold confusion matrix and reliability diagram
    (Korean class names) and every narrative's out-of-fold label and P(O), under
    evaluation/narratives/."""
    for label, by_name in result["appendix_narratives"].items():
        for name, metrics in by_name.items():
            values = {f"narratives.appendix_narratives.{label}.{name}.{k}": v for k, v in (metrics or {}).items() if k in NARRATIVE_METRICS and v is not None}
            mlflow.log_metrics(values)
    for label, found in result.get("intervals", {}).items():
        for name, c in found.items():
            if isinstance(c, dict):  # a comparison, beside the interval's settings
                mlflow.log_metrics({f"narratives.intervals.{label}.{name}.{end}": c[end] for end in ("estimate", "low", "high")})
    for label, by_name in result["case_studies"].items():
        if (by_name.get("model") or {}).get("accuracy") is not None:
            mlflow.log_metric(f"narratives.case_studies.{label}.accuracy", by_name["model"]["accuracy"])
    for label, v in (sub_types or {}).items():
        mlflow.log_metric(f"narratives.case_studies.{narrative_metric_key(label)}.accuracy", v["accuracy"])
    mlflow.log_dict({k: v for k, v in result.items() if k != "oof"}, "evaluation/narratives.json")
    mlflow.log_dict(result["oof"], "evaluation/narratives_oof.json")
    if frame is not None:
        _log_verdicts(mlflow, result["oof"], frame, result["n"])


def _log_verdicts(mlflow, oof: dict, frame: pd.DataFrame, n: dict) -> None:
    import matplotlib.pyplot as plt

    from pipeline.modeling.calibration import reliability_table
    from pipeline.modeling.plots import confusion_figure, korean_font, reliability_figure

    # Each narrative with the verdict's out-of-fold label and P(O), for the notebook's worst errors.
    table = frame[["key", "title", "description"]].reset_index(drop=True)
    for label, by_name in oof.items():
        if "model" not in by_name or label not in frame.columns:
            continue
        y = narrative_labels(frame, label)
        predicted = np.asarray(by_name["model"]["predicted"], dtype=object)
        table[f"{label}.truth"] = y
        table[f"{label}.predicted"] = predicted
        labels = sorted(set(y) | {p for p in predicted if p is not None})
        matrix = confusion_matrix(y, predicted, labels=labels)
        # Without a CJK font matplotlib draws Hangul as empty boxes: the title falls back to English.
        if korean_font():
            header = config.REVIEW_HEADERS.get(label, label)
            title, reliability_title = f"{header}: 판정 (교차검증, 서술 {n['narratives']}건)", f"{header}: 신뢰도 (교차검증)"
        else:
            title, reliability_title = f"{label}: verdict (out-of-fold, {n['narratives']} narratives)", f"{label}: reliability (out-of-fold)"
        mlflow.log_dict({"labels": labels, "matrix": matrix.tolist()}, f"evaluation/narratives/{label}/model_confusion.json")
        fig = confusion_figure(matrix, labels, title)
        mlflow.log_figure(fig, f"evaluation/narratives/{label}/model_confusion.png")
        plt.close(fig)
        p_yes = by_name["model"].get("p_yes")
        if p_yes is not None:
            table[f"{label}.p_yes"] = np.round(p_yes, 4)
        if p_yes is not None and labels == [config.MARK_YES, config.MARK_NO]:
            p = np.asarray(p_yes, dtype=float)
            reliability = reliability_table(y, np.column_stack([p, 1 - p]), labels)
            fig = reliability_figure({"model": reliability}, reliability_title)
            mlflow.log_figure(fig, f"evaluation/narratives/{label}/reliability.png")
            plt.close(fig)
    mlflow.log_text(table.to_csv(index=False), "evaluation/narratives/oof_predictions.csv")


def narrative_summary(result: dict, sub_types: dict | None = None) -> dict:
    """The `collab evaluate --narratives --json` document."""
    case_studies = {**result["case_studies"], **(sub_types or {})}
    return {
        "narratives": result["narratives"],
        "appendix_narratives": result["appendix_narratives"],
        "case_studies": case_studies,
        "by_length": result["by_length"],
        "intervals": result["intervals"],
        "n": result["n"],
        "recipes": result["recipes"],
    }


def evaluate_narratives(mlflow, frame: pd.DataFrame, readings: list, cases: pd.DataFrame, repeats: int, folds: int, seed: int) -> dict:
    """Inside an active run: cross-validate the verdicts on narratives (title side from `cases`)
    and rank the case studies' sub-types, log every figure; returns narrative_summary."""
    result = evaluate_narrative_models(frame, readings, cases, repeats, folds, seed)
    sub_types = evaluate_sub_types(load_case_studies(), load_sub_types())
    log_narrative_evaluation(mlflow, result, sub_types, frame)
    return narrative_summary(result, sub_types)


def run_narrative_evaluation(repeats: int, folds: int, seed: int = config.SEED) -> dict:
    """`collab evaluate --narratives`, logged as its own MLflow run; returns narrative_summary."""
    mlflow = tracking.setup()
    with mlflow.start_run(run_name="evaluate-narratives", tags={"kind": "evaluate-narratives"}):
        frame, readings = narrative_training_data()
        mlflow.log_params({"seed": seed, "cv_repeats": repeats, "cv_folds": folds, "n_narratives": len(frame)})
        return evaluate_narratives(mlflow, frame, readings, load_cases(), repeats, folds, seed)


REPORT_DATA = {"source": "data/processed/cases.csv", "name": "krila-appendix-601", "labelled_versions": []}


def log_common(mlflow, cases, repeats, folds, seed, targets, data_info: dict = REPORT_DATA) -> None:

    mlflow.log_params(
        {
            "targets": ",".join(targets),
            "cv_repeats": repeats,
            "cv_folds": folds,
            "inner_folds": config.INNER_FOLDS,
            "c_grid": ",".join(map(str, config.C_GRID)),
            "seed": seed,
            "n_cases": len(cases),
            "n_title_groups": cases["title_group"].nunique(),
            "labelled_versions": ",".join(map(str, data_info["labelled_versions"])) or "none",
        }
    )
    dataset = mlflow.data.from_pandas(
        cases[["region", "title", *config.TARGETS.values(), "title_group"]],
        source=data_info["source"],
        name=data_info["name"],
    )
    mlflow.log_input(dataset, context="training")


def exclusion(ids: list[int], cases: pd.DataFrame) -> dict:
    """What `collab train --exclude` leaves out: the ids' title groups and every narrative split
    group touching them, with the ids' sha256 (of their sorted list, one per line) for the record."""
    titles, splits = excluded_groups(ids, cases, load_narratives())
    listing = "".join(f"{i}\n" for i in sorted(set(ids)))
    return {
        "ids_sha256": hashlib.sha256(listing.encode("utf-8")).hexdigest(),
        "ids": len(set(ids)),
        "title_groups": sorted(titles),
        "split_groups": sorted(splits),
    }


def train(
    cases: pd.DataFrame,
    targets: list[str],
    models_dir: Path = config.MODELS_DIR,
    repeats: int = config.CV_REPEATS,
    folds: int = config.CV_FOLDS,
    seed: int = config.SEED,
    register: bool = True,
    exclude_ids: list[int] | None = None,
) -> dict:
    """Cross-validate, fit on all cases, save the bundle, log and register in MLflow as champion.

    `exclude_ids` (appendix ids) leaves those cases, their title groups and every narrative of the
    same project out of every part: title models, narrative models, their calibration.
    Returns the manifest written beside the bundle.
    """
    excluded = exclusion(exclude_ids, cases) if exclude_ids else None
    if excluded:
        cases = without_groups(cases, set(excluded["title_groups"]))
    narrative = narrative_training_data((set(excluded["title_groups"]), set(excluded["split_groups"])) if excluded else None)
    mlflow = tracking.setup()
    with mlflow.start_run(run_name="train", tags={"kind": "train"}) as run:
        log_common(mlflow, cases, repeats, folds, seed, targets)
        if excluded:
            mlflow.log_params({"excluded_ids_sha256": excluded["ids_sha256"], "excluded_ids": excluded["ids"]})
            mlflow.log_dict(excluded, "excluded.json")
        results = {}
        if repeats > 0:
            results = evaluate_targets(cases, targets, repeats, folds, seed)
            log_evaluation(mlflow, results, cases)
        manifest = fit_and_log(
            mlflow, run, cases, targets, models_dir, seed, results, REPORT_DATA, register,
            narrative=narrative, narrative_repeats=repeats, narrative_folds=folds, excluded=excluded,
        )
        if register:
            set_alias(mlflow, config.MODEL_ALIAS, manifest["registered_version"])
    return manifest


def set_alias(mlflow, alias: str, version: int) -> None:
    mlflow.MlflowClient().set_registered_model_alias(config.MODEL_NAME, alias, str(version))


def fit_and_log(
    mlflow,
    run,
    cases: pd.DataFrame,
    targets: list[str],
    models_dir: Path,
    seed: int,
    results: dict[str, TargetResult],
    data_info: dict,
    register: bool = True,
    narrative: tuple[pd.DataFrame, list] | None = None,
    narrative_repeats: int = 0,
    narrative_folds: int = config.CV_FOLDS,
    excluded: dict | None = None,
) -> dict:
    """Inside an active run: fit every title target on all cases and the narrative models on the
    narratives (`narrative`: frame and readings, by default all of them; cross-validated first
    when `narrative_repeats` > 0), save the bundle and manifest to `models_dir`, log the pyfunc
    model and (if `register`) register a new version without moving any alias. Returns the
    manifest (with `registered_version`)."""
    started = time.perf_counter()
    models, best_params = fit_all(cases, targets, seed)
    fit_seconds = time.perf_counter() - started
    mlflow.log_metric("fit_seconds", fit_seconds)
    mlflow.log_dict(best_params, "best_params.json")
    frame, readings = narrative if narrative is not None else narrative_training_data()
    narrative_metrics = evaluate_narratives(mlflow, frame, readings, cases, narrative_repeats, narrative_folds, seed) if narrative_repeats > 0 else {}
    started = time.perf_counter()
    # The title side's out-of-fold probabilities use the regularisation each title model chose.
    chosen_C = {t: float(best_params[t]["clf__C"]) for t in targets if "clf__C" in best_params.get(t, {})}
    narrative_part = fit_verdicts(cases, frame, readings, seed, C=chosen_C)
    mlflow.log_metric("narrative_fit_seconds", time.perf_counter() - started)
    mlflow.log_params({f"narrative_recipe.{label}": v["chosen"] for label, v in narrative_part["recipes"].items()})
    bundle_content = {
        "models": models,
        "narrative": narrative_part,
        # Case studies left out of the narrative training (--exclude) leave the prototypes too.
        "ranker": SubTypeRanker(load_sub_types(), [cs for cs in load_case_studies() if f"CS{cs['number']:02d}" in set(frame["key"])]),
    }
    manifest = {
        "model_name": config.MODEL_NAME,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "mlflow_run_id": run.info.run_id,
        "data": {
            "source": data_info["source"],
            "labelled_versions": data_info["labelled_versions"],
            "rows": len(cases),
            "sha256": data_digest(cases),
        },
        "seed": seed,
        "targets": {
            t: {"labels": [str(c) for c in models[t].classes_], "best_params": best_params[t]}
            for t in targets
        },
        "metrics": summary_json(results)["targets"] if results else {},
        "narrative_data": {"rows": len(frame), "sha256": data_digest(frame.drop(columns=["key"]))},
        "narrative_metrics": narrative_metrics,
        "narrative_thresholds": {
            label: model.threshold_ for label, model in narrative_part["models"].items() if model.threshold_ is not None
        },
        "resource_sharing_rate": narrative_part["resource_sharing_rate"],
        "narrative_recipes": narrative_part["recipes"],
        "excluded": excluded or {},
        "fit_seconds": round(fit_seconds, 2),
    }
    bundle = save_bundle(bundle_content, manifest, models_dir)
    manifest = json.loads((Path(models_dir) / config.MANIFEST.name).read_text(encoding="utf-8"))
    mlflow.log_metric("bundle_bytes", bundle.stat().st_size)
    output = score_frame(INPUT_EXAMPLE, bundle_content)
    info = mlflow.pyfunc.log_model(
        name="model",
        python_model=CollabPyfunc(),
        artifacts={"bundle": str(bundle), "manifest": str(Path(models_dir) / config.MANIFEST.name)},
        signature=ModelSignature(
            inputs=Schema(
                [ColSpec("string", "title")]
                + [ColSpec("string", c, required=False) for c in ("id", "region", "description")]
            ),
            outputs=infer_signature(INPUT_EXAMPLE, output).outputs,
        ),
        input_example=INPUT_EXAMPLE,
        pip_requirements=[f"{k}=={v}" for k, v in manifest["versions"].items() if k != "python" and v != "not installed"],
        registered_model_name=config.MODEL_NAME if register else None,
    )
    if register:
        manifest["registered_version"] = int(info.registered_model_version)
        describe_registered(mlflow.MlflowClient(), manifest)
    return manifest


MODEL_DESCRIPTION = (
    "협업행정 우수사례 1차 분류 (collab-classifier). Input: a table with `title` (사업명) and optional "
    "`description` (사업내용), `region`, `id`. Output: service_field, actor_type, tech_applied, "
    "tech_applicable, resource_sharing, sustainability, meets_criteria, model_type, sub_type, each "
    "with a calibrated probability, review reasons and evidence sentences. Rows with a description "
    "are decided by a learned pool of the title and narrative models; rows without, by the title "
    "models. Trained on the KRILA report's 601 appendix cases and its narratives, plus reviewed "
    "files (`collab retrain`). Load: models:/collab-classifier@champion."
)


def describe_registered(client, manifest: dict) -> None:
    """The registered model's description, and its new version's: data versions, excluded ids and
    the headline figures, so the registry says what each version is without opening its run."""
    client.update_registered_model(config.MODEL_NAME, description=MODEL_DESCRIPTION)
    data, excluded = manifest.get("data", {}), manifest.get("excluded") or {}
    lines = [
        f"Data: {data.get('rows', '?')} cases ({data.get('source', '?')}), labelled versions "
        f"{data.get('labelled_versions') or 'none'}, sha256 {str(data.get('sha256', ''))[:12]}; "
        f"{manifest.get('narrative_data', {}).get('rows', '?')} narratives.",
        f"Excluded: {excluded.get('ids', 0)} ids (sha256 {str(excluded.get('ids_sha256', ''))[:12] or '-'}).",
    ]
    metrics = manifest.get("metrics") or {}
    if metrics:
        lines.append(
            "Title models, grouped CV macro-F1 (model / char n-gram / majority): "
            + "; ".join(
                f"{t} {m['model']['macro_f1_mean']:.3f} / {m['char_ngram_lr']['macro_f1_mean']:.3f} / {m['majority']['macro_f1_mean']:.3f}"
                for t, m in metrics.items()
                if {"model", "char_ngram_lr", "majority"} <= set(m)
            )
        )
    appendix = (manifest.get("narrative_metrics") or {}).get("appendix_narratives", {})
    if appendix:
        lines.append(
            "Verdicts on the appendix narratives, grouped CV accuracy: "
            + "; ".join(f"{label} {v['model']['accuracy']:.3f}" for label, v in appendix.items() if v.get("model"))
        )
    lines.append(f"Run {manifest.get('mlflow_run_id', '?')}, created {manifest.get('created', '?')}.")
    client.update_model_version(config.MODEL_NAME, str(manifest["registered_version"]), description="\n".join(lines))
