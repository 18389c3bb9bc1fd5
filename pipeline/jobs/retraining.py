"""`collab retrain --add REVIEWED`: learn from reviewers' corrections without ever getting worse.

1. The reviewed file is validated (reviewed.py) and its accepted rows become a new version of the
   labelled data (labelled.py); the report-derived data is never edited.
2. Champion and challenger are cross-validated on the same grouped folds of the combined data:
   in each fold the challenger's recipe learns from the whole training part, the champion's from
   the part it had (the report and the versions it was trained on). Both are tested on the same
   held-out part, beside the two baselines.
3. The rule (`decide`), on those held-out folds only: the primary metric is the mean over the
   title targets of macro-F1 on the trusted cases of each held-out fold. The challenger is
   promoted unless
   - its mean paired fold difference to the champion is below -PROMOTION_Z standard errors and
     below -PROMOTION_MIN_DROP, or
   - the reviewed labels agree with the champion's out-of-fold probabilities no better than
     shuffled labels do (permutation test, p > LABEL_SIGNAL_ALPHA), or
   - the narrative recipe with this version's narratives is worse beyond noise than without them
     (mean over the narrative labels of accuracy on the trusted narratives of each held-out fold,
     paired by fold, below -PROMOTION_Z standard errors and -PROMOTION_MIN_DROP), or
   - its narrative accuracy on the 23 case studies (mean over the labels) falls by more than
     PROMOTION_NARRATIVE_SLACK narratives in 23, when both models were measured there (a
     retraining does not re-measure narrative models it fits on unchanged narratives), or
   - any one title target is worse beyond noise on its own (`per_label_rule`), or any reviewed
     column disagrees with the champion far beyond the trusted labels' history (`column_rule`);
     the reason names the column.
   `--force` promotes regardless and says so in the run, the registry and the data index.
4. Only a challenger to be promoted is fitted on all the combined data (its title models on every
   title, its narrative side and the combiner on the report's narratives plus every reviewed row
   with a description), in a folder of its own, logged, registered (alias `challenger`) and
   installed by `promotion.promote`: `models/` and @champion switch together or not at all.
   What the champion was trained without (`collab train --exclude`) every challenger is trained
   without too, unless a reviewer returns those cases: then they come back as reviewed rows.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline import config, tracking
from pipeline.artifacts import load_bundle, read_manifest
from pipeline.data import labelled
from pipeline.data.entries import InputError
from pipeline.data.narrative_corpus import with_reviewed, without_groups
from pipeline.data.reviewed import Reviewed
from pipeline.jobs.promotion import challenger_dir, promote, retraining_lock, roll_back
from pipeline.jobs.training import fit_and_log, log_common, log_evaluation, narrative_training_data, set_alias
from pipeline.modeling.evaluation import TargetResult, evaluate_targets
from pipeline.modeling.models import make_char_baseline, make_classifier, make_majority
from pipeline.modeling.narrative_evaluation import compare_narratives
from pipeline.modeling.narrative_models import NARRATIVE_LABELS as COMBINED_LABELS
from pipeline.reading.narratives import read_narratives
from pipeline.scoring.score import score_frame
from pipeline.signals import terminate_as_interrupt

# The primary metric is scored on the trusted cases of each held-out fold: the report's and those
# of versions already promoted. The new rows are what is being judged, so they cannot also be the
# yardstick: a file of wrong labels would make every model look equally bad on itself.
PRIMARY = "macro_f1_trusted"
COMPARISON_BUILDERS = {
    "model": make_classifier,  # the challenger
    "champion": make_classifier,  # same recipe, less data: see train_masks in compare()
    "majority": make_majority,
    "char_ngram_lr": make_char_baseline,
}


@dataclass
class Decision:
    """What the promotion rule concluded, with the figures it used."""

    rule_promotes: bool
    forced: bool
    reason: str
    primary: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)
    narratives: dict = field(default_factory=dict)
    per_label: dict = field(default_factory=dict)
    columns: dict = field(default_factory=dict)

    @property
    def promote(self) -> bool:
        return self.rule_promotes or self.forced

    @property
    def status(self) -> str:
        if self.rule_promotes:
            return labelled.PROMOTED
        return labelled.FORCED if self.forced else labelled.REFUSED


def paired_differences(results: dict[str, TargetResult]) -> np.ndarray:
    """Per fold: mean over targets of challenger minus champion macro-F1 on the trusted cases."""
    per_target = [
        [m[PRIMARY] - c[PRIMARY] for m, c in zip(r.scores["model"], r.scores["champion"])]
        for r in results.values()
    ]
    return np.mean(np.array(per_target), axis=0)


def label_signal(results: dict[str, TargetResult], new_rows: np.ndarray, seed: int = config.SEED) -> dict:
    """Permutation test: do the reviewed labels agree with the champion better than shuffled ones?

    The statistic is the mean probability the champion's recipe (trained without the new rows,
    out of fold) gives the reviewer's label, averaged over targets; the null shuffles each
    target's labels among the new rows, keeping how often each label occurs.
    """
    rng = np.random.default_rng(seed)
    rows = np.flatnonzero(new_rows)
    n, permutations = len(rows), config.LABEL_SIGNAL_PERMUTATIONS
    observed, null = 0.0, np.zeros(permutations)
    for result in results.values():
        proba = result.oof_proba["champion"][rows]
        codes = np.array([result.labels.index(v) for v in result.truth[rows]])
        observed += proba[np.arange(n), codes].mean() / len(results)
        shuffled = codes[np.argsort(rng.random((permutations, n)), axis=1)]
        null += proba[np.arange(n), shuffled].mean(axis=1) / len(results)
    p_value = float((1 + np.sum(null >= observed)) / (permutations + 1))
    return {
        "statistic": "mean champion probability of the reviewer's label (out of fold)",
        "observed": round(float(observed), 4),
        "shuffled_mean": round(float(null.mean()), 4),
        "p_value": round(p_value, 4),
        "rows": n,
        "passes": p_value <= config.LABEL_SIGNAL_ALPHA,
    }


def per_label_rule(results: dict[str, TargetResult]) -> dict[str, dict]:
    """Each title target on its own: the paired fold differences of trusted macro-F1; a target
    fails when it is worse beyond noise (below -PROMOTION_Z SE) by more than PROMOTION_LABEL_MIN_DROP."""
    out = {}
    for target, result in results.items():
        diffs = np.array([m[PRIMARY] - c[PRIMARY] for m, c in zip(result.scores["model"], result.scores["champion"])])
        mean, se, threshold = paired_noise(diffs)
        out[target] = {
            "challenger_minus_champion": round(mean, 4),
            "standard_error": round(se, 4),
            "threshold": round(threshold, 4),
            "passes": not worse(mean, threshold, config.PROMOTION_LABEL_MIN_DROP),
        }
    return out


def column_rule(results: dict[str, TargetResult], new_rows: np.ndarray) -> dict[str, dict]:
    """Each reviewed column against the champion's history: how often the champion's recipe
    (out of fold) disagrees with the reviewed rows' labels, beside how often it disagrees with the
    trusted rows' labels. A column fails when its disagreement is both improbable under the
    history (one-sided binomial p below COLUMN_RULE_ALPHA) and COLUMN_RULE_MIN_EXCESS above it: a
    whole column set to one value, or labels of another column pasted in."""
    from scipy.stats import binomtest

    out = {}
    n = int(new_rows.sum())
    for target, result in results.items():
        if n == 0 or (~new_rows).sum() == 0:
            continue
        predicted = np.asarray(result.labels)[result.oof_proba["champion"].argmax(axis=1)]
        disagree = predicted != result.truth
        history = float(disagree[~new_rows].mean())
        k = int(disagree[new_rows].sum())
        p_value = float(binomtest(k, n, min(max(history, 1 / n), 1 - 1 / n), alternative="greater").pvalue)
        out[target] = {
            "history_disagreement": round(history, 4),
            "reviewed_disagreement": round(k / n, 4),
            "p_value": p_value,
            "passes": not (p_value < config.COLUMN_RULE_ALPHA and k / n - history > config.COLUMN_RULE_MIN_EXCESS),
        }
    return out


def case_study_accuracy(narrative_metrics: dict) -> dict[str, dict]:
    """label -> {"accuracy", "n"} of the narrative model on the 23 case studies, from a manifest's
    `narrative_metrics` (empty when the narratives were not cross-validated: a retraining fits
    the narrative models on the same narratives as the champion's, so they are not re-measured)."""
    if not narrative_metrics:
        return {}
    n = narrative_metrics["n"]["case_studies"]
    return {
        label: {"accuracy": narrative_metrics["case_studies"][label]["model"]["accuracy"], "n": n}
        for label in COMBINED_LABELS
        if label in narrative_metrics["case_studies"]
    }


def narrative_mean(metrics: dict) -> float | None:
    values = [metrics[label]["accuracy"] for label in COMBINED_LABELS if label in metrics]
    return float(np.mean(values)) if values else None


def paired_noise(diffs: np.ndarray) -> tuple[float, float, float]:
    """(mean, standard error, threshold) of per-fold paired differences: worse beyond noise below
    the threshold, -PROMOTION_Z standard errors of the mean."""
    se = float(diffs.std(ddof=1) / np.sqrt(len(diffs))) if len(diffs) > 1 else 0.0
    return float(diffs.mean()), se, -config.PROMOTION_Z * se


def worse(mean: float, threshold: float, min_drop: float = config.PROMOTION_MIN_DROP) -> bool:
    """Worse beyond noise (below `threshold`) and by more than `min_drop`."""
    return mean < threshold and mean < -min_drop


def narrative_rule(comparison: dict | None) -> dict:
    """The narrative side's rule: per fold, the mean over labels of challenger minus champion
    accuracy on the trusted narratives held out; worse beyond noise below -PROMOTION_Z standard
    errors of the mean and -PROMOTION_MIN_DROP (`worse`). Empty when no reviewed row brought a narrative."""
    if not comparison:
        return {}
    diffs = np.array([np.mean([f["challenger"][k] - f["champion"][k] for k in f["champion"]]) for f in comparison["folds"]])
    mean, se, threshold = paired_noise(diffs)
    return {
        "metric": "mean over narrative labels of accuracy on the trusted narratives of each held-out fold, paired by fold",
        "challenger_minus_champion": round(mean, 4),
        "standard_error": round(se, 4),
        "threshold": round(threshold, 4),
        "folds": len(diffs),
        "rows_on_trial": comparison["rows_on_trial"],
        "per_label": {k: round(v, 4) for k, v in comparison["per_label"].items()},
        "passes": not worse(mean, threshold),
    }


def decide(
    results: dict[str, TargetResult],
    champion_narratives: dict,
    challenger_narratives: dict,
    labels: dict | None = None,
    force: bool = False,
    narrative_comparison: dict | None = None,
    columns: dict | None = None,
) -> Decision:
    """Apply the promotion rule (module docstring) to a champion/challenger comparison."""
    diffs = paired_differences(results)
    mean, se, threshold = paired_noise(diffs)
    primary = {
        "metric": "mean over targets of macro-F1 on the trusted cases of each held-out fold, paired by fold",
        "challenger_minus_champion": round(mean, 4),
        "standard_error": round(se, 4),
        "threshold": round(threshold, 4),
        "folds": len(diffs),
        "per_target": {
            t: round(r.summary()["model"][f"{PRIMARY}_mean"] - r.summary()["champion"][f"{PRIMARY}_mean"], 4)
            for t, r in results.items()
        },
        "passes": not worse(mean, threshold),
    }
    narratives: dict = {}
    before, after = narrative_mean(champion_narratives), narrative_mean(challenger_narratives)
    if before is not None and after is not None:
        n = challenger_narratives[COMBINED_LABELS[0]]["n"]
        slack = config.PROMOTION_NARRATIVE_SLACK / n
        narratives = {
            "champion_mean_accuracy": round(before, 4),
            "challenger_mean_accuracy": round(after, 4),
            "allowed_drop": round(slack, 4),
            "passes": after >= before - slack - 1e-9,
        }
    reasons = []
    if primary["passes"]:
        reasons.append(
            f"macro-F1 {mean:+.3f} (threshold {threshold:+.3f} = -{config.PROMOTION_Z:g} SE, "
            f"or a loss under {config.PROMOTION_MIN_DROP:g}): not worse beyond noise"
        )
    else:
        reasons.append(
            f"macro-F1 {mean:+.3f} is below {threshold:+.3f} (-{config.PROMOTION_Z:g} SE) "
            f"and {-config.PROMOTION_MIN_DROP:+.3f}: worse beyond noise"
        )
    labels = labels or {}
    if labels and not labels["passes"]:
        reasons.append(
            f"the reviewed labels agree with the champion no better than shuffled labels "
            f"(p={labels['p_value']:.3f} > {config.LABEL_SIGNAL_ALPHA}): a sorted column, shifted rows or careless labels?"
        )
    elif labels:
        reasons.append(f"the reviewed labels carry signal (permutation p={labels['p_value']:.3f})")
    if narratives and not narratives["passes"]:
        reasons.append(
            f"narrative accuracy fell from {before:.3f} to {after:.3f} (more than {config.PROMOTION_NARRATIVE_SLACK} in {n})"
        )
    elif narratives:
        reasons.append(f"narrative accuracy {before:.3f} -> {after:.3f}")
    reviewed_narratives = narrative_rule(narrative_comparison)
    if reviewed_narratives:
        narratives["reviewed"] = reviewed_narratives
        m, t = reviewed_narratives["challenger_minus_champion"], reviewed_narratives["threshold"]
        if reviewed_narratives["passes"]:
            reasons.append(
                f"narrative accuracy on trusted narratives {m:+.3f} (threshold {t:+.3f}, or a loss under "
                f"{config.PROMOTION_MIN_DROP:g}): not worse beyond noise"
            )
        else:
            reasons.append(
                f"narrative accuracy on trusted narratives {m:+.3f} is below {t:+.3f} and {-config.PROMOTION_MIN_DROP:+.3f}: "
                "worse beyond noise"
            )
    per_label = per_label_rule(results)
    for target, rule in per_label.items():
        if not rule["passes"]:
            reasons.append(
                f"{target}: macro-F1 {rule['challenger_minus_champion']:+.3f} is below {rule['threshold']:+.3f} "
                f"and {-config.PROMOTION_LABEL_MIN_DROP:+.3f}: this label is worse beyond noise"
            )
    columns = columns or {}
    for target, rule in columns.items():
        if not rule["passes"]:
            reasons.append(
                f"{target}: the champion disagrees with {rule['reviewed_disagreement']:.0%} of this column's reviewed labels, "
                f"with {rule['history_disagreement']:.0%} of the trusted ones (p={rule['p_value']:.1e}): "
                "a column set to one value, or another column's labels?"
            )
    rule_promotes = bool(
        primary["passes"] and labels.get("passes", True) and narratives.get("passes", True)
        and reviewed_narratives.get("passes", True)
        and all(r["passes"] for r in per_label.values()) and all(r["passes"] for r in columns.values())
    )
    reason = "; ".join(reasons)
    if force and not rule_promotes:
        reason = "forced (--force): " + reason
    return Decision(rule_promotes, force, reason, primary, labels, narratives, per_label, columns)


def compare(
    cases: pd.DataFrame, champion_rows: np.ndarray, repeats: int, folds: int, seed: int
) -> dict[str, TargetResult]:
    """Champion and challenger (and the baselines) on the same grouped folds of `cases`; the
    champion's recipe learns only from `champion_rows`, the data it already had, which is also
    the trusted subset the primary metric is scored on."""
    return evaluate_targets(
        cases,
        list(config.TARGETS),
        repeats,
        folds,
        seed,
        COMPARISON_BUILDERS,
        train_masks={"champion": champion_rows},
        subsets={"trusted": champion_rows},
    )


@dataclass
class RetrainOutcome:
    version: dict
    decision: Decision
    results: dict[str, TargetResult]
    champion_manifest: dict
    challenger_manifest: dict

    def format(self) -> str:
        lines = [
            (
                f"labelled data version {self.version['version']}: {self.version['rows']} rows added "
                f"from {self.version['source']} ({len(self.version['rejected'])} left out, "
                f"{self.version.get('unmarked_rows', 0)} not marked as reviewed)"
            ),
            (
                f"{self.version.get('confirming_rows', 0)} of the {self.version['rows']} rows carry exactly the champion's "
                "labels: they confirm it and teach it little"
            ),
            "macro-F1 on the same grouped folds: trusted cases (the primary metric) | all held-out cases",
            f"{'target':<16}{'champion':>9}{'challenger':>11}{'diff':>8}  |{'champion':>9}{'challenger':>11}{'char n-gram':>12}{'majority':>9}",
        ]
        for target, result in self.results.items():
            s = result.summary()
            trusted = [s[n][f"{PRIMARY}_mean"] for n in ("champion", "model")]
            lines.append(
                f"{target:<16}{trusted[0]:>9.3f}{trusted[1]:>11.3f}{trusted[1] - trusted[0]:>+8.3f}  |"
                + "".join(
                    f"{s[n]['macro_f1_mean']:>{w}.3f}"
                    for n, w in (("champion", 9), ("model", 11), ("char_ngram_lr", 12), ("majority", 9))
                )
            )
        p = self.decision.primary
        lines.append(
            f"primary: challenger - champion {p['challenger_minus_champion']:+.4f} "
            f"(SE {p['standard_error']:.4f} over {p['folds']} folds; threshold {p['threshold']:+.4f})"
        )
        q = self.decision.labels
        lines.append(
            f"reviewed labels vs champion: mean probability {q['observed']:.3f}, shuffled {q['shuffled_mean']:.3f}, "
            f"permutation p {q['p_value']:.4f} over {q['rows']} rows"
        )
        reviewed = self.decision.narratives.get("reviewed")
        if reviewed:
            per_label = ", ".join(f"{k} {v:+.3f}" for k, v in reviewed["per_label"].items())
            lines.append(
                f"narratives ({reviewed['rows_on_trial']} reviewed on trial): challenger - champion accuracy on trusted "
                f"narratives {reviewed['challenger_minus_champion']:+.4f} (SE {reviewed['standard_error']:.4f}, "
                f"threshold {reviewed['threshold']:+.4f}; {per_label})"
            )
        champion_n = case_study_accuracy(self.champion_manifest.get("narrative_metrics", {}))
        challenger_n = case_study_accuracy(self.challenger_manifest.get("narrative_metrics", {}))
        for label in COMBINED_LABELS:
            if label in champion_n and label in challenger_n:
                lines.append(
                    f"narratives {label:<16} champion {champion_n[label]['accuracy']:.3f}  "
                    f"challenger {challenger_n[label]['accuracy']:.3f}  (n={challenger_n[label]['n']})"
                )
        verdict = {
            labelled.PROMOTED: f"PROMOTED: version {self.challenger_manifest.get('registered_version')} is now @{config.MODEL_ALIAS}",
            labelled.FORCED: f"PROMOTED BY --force: version {self.challenger_manifest.get('registered_version')} is now @{config.MODEL_ALIAS}",
            labelled.REFUSED: "KEPT THE CHAMPION: no challenger was fitted or registered",
        }[self.decision.status]
        lines.append(f"{verdict} ({self.decision.reason})")
        return "\n".join(lines)


def confirming_rows(rows: pd.DataFrame, champion: dict) -> int:
    """How many reviewed rows carry exactly the labels the champion gives them: they confirm the
    model and teach it little (a file of them is the model learning its own predictions)."""
    if rows.empty:
        return 0
    scored = score_frame(rows[["id", "region", "title", "description"]].reset_index(drop=True), champion)
    same = np.ones(len(rows), dtype=bool)
    for label in config.TARGETS:
        same &= scored[label].to_numpy() == rows[label].to_numpy()
    return int(same.sum())


def retrain(
    reviewed: Reviewed,
    base_cases: pd.DataFrame,
    labelled_dir: Path = config.LABELLED_DIR,
    models_dir: Path = config.MODELS_DIR,
    repeats: int = config.CV_REPEATS,
    folds: int = config.CV_FOLDS,
    seed: int = config.SEED,
    force: bool = False,
) -> RetrainOutcome:
    """Add a validated reviewed file as a new labelled version, train and judge a challenger;
    under the store's lock, so that one retraining at a time writes `models/` and the index."""
    with retraining_lock(models_dir):
        # A promotion a killed retraining left unfinished is undone before the champion is read.
        roll_back(models_dir)
        return _retrain(reviewed, base_cases, labelled_dir, models_dir, repeats, folds, seed, force)


def _retrain(reviewed, base_cases, labelled_dir, models_dir, repeats, folds, seed, force) -> RetrainOutcome:
    champion_manifest = read_manifest(models_dir)
    champion, _ = load_bundle(models_dir)  # refuse a damaged champion before any work
    # A champion trained with `collab train --exclude` keeps its exclusion in every challenger:
    # otherwise a retraining would learn the excluded cases' titles and narratives from the
    # report, and text kept apart to measure the product would be scored by a model trained on it.
    excluded = champion_manifest.get("excluded") or {}
    if excluded:
        base_cases = without_groups(base_cases, set(excluded["title_groups"]))
    recover_stale_versions(labelled_dir)
    if reviewed.accepted.empty:
        raise InputError(f"{reviewed.source.name}: no marked row can be used ({len(reviewed.rejected)} left out)")
    reviewed = labelled.drop_known(reviewed, labelled_dir)
    confirming = confirming_rows(reviewed.accepted, champion)
    champion_versions = list(champion_manifest.get("data", {}).get("labelled_versions", []))
    version = labelled.add_version(reviewed, labelled_dir, confirming_rows=confirming)
    cases = labelled.training_cases(base_cases, labelled_dir, [*champion_versions, version["version"]])
    champion_rows = (cases["labelled_version"] != version["version"]).to_numpy()
    data_info = {
        "source": f"data/processed/cases.csv + {labelled_dir.name}/ versions {[*champion_versions, version['version']]}",
        "name": f"krila-appendix+labelled-v{version['version']:03d}",
        "labelled_versions": [*champion_versions, version["version"]],
    }

    try:
        with terminate_as_interrupt():
            outcome = _judge(reviewed, cases, champion_rows, champion_manifest, version, data_info, labelled_dir, models_dir, repeats, folds, seed, force, excluded)
    except BaseException as error:
        # The version stays on disk for the record; it never trains anything.
        labelled.record_decision(labelled_dir, version["version"], labelled.FAILED, decision=f"retraining failed: {error!r}")
        raise
    labelled.record_decision(
        labelled_dir,
        version["version"],
        outcome.decision.status,
        decision=outcome.decision.reason,
        mlflow_run_id=outcome.challenger_manifest["mlflow_run_id"],
        registered_version=outcome.challenger_manifest["registered_version"],
    )
    outcome.version = next(v for v in labelled.read_index(labelled_dir) if v["version"] == version["version"])
    return outcome


def _judge(reviewed, cases, champion_rows, champion_manifest, version, data_info, labelled_dir, models_dir, repeats, folds, seed, force, excluded) -> RetrainOutcome:
    """The MLflow run of one retraining: compare, fit and register the challenger, decide, promote."""
    mlflow = tracking.setup()
    with mlflow.start_run(run_name="retrain") as run:
        # Recorded at once, so that a retraining killed from here on has its run ended as FAILED
        # by the next one (recover_stale_versions).
        labelled.record_decision(labelled_dir, version["version"], labelled.PENDING, mlflow_run_id=run.info.run_id)
        mlflow.set_tags(
            {
                "kind": "retrain",
                "reviewed_file": reviewed.source.name,
                "reviewed_sha256": reviewed.sha256,
                "labelled_version": version["version"],
                "champion_run_id": champion_manifest.get("mlflow_run_id", ""),
                "force": str(force).lower(),
            }
        )
        log_common(mlflow, cases, repeats, folds, seed, list(config.TARGETS), data_info)
        if excluded:
            mlflow.log_params({"excluded_ids_sha256": excluded["ids_sha256"], "excluded_ids": excluded["ids"]})
            mlflow.log_dict(excluded, "excluded.json")
        mlflow.log_metrics(
            {
                "reviewed.rows_read": reviewed.rows_read,
                "reviewed.unmarked": reviewed.unmarked,
                "reviewed.accepted": len(reviewed.accepted),
                "reviewed.rejected": len(reviewed.rejected),
                "reviewed.confirming": version.get("confirming_rows", 0),
            }
        )
        mlflow.log_dict(version, "labelled_version.json")
        results = compare(cases, champion_rows, repeats, folds, seed)
        log_evaluation(mlflow, results, cases)
        # The narrative side learns from the report's narratives and every reviewed row with a
        # description; the rows of this version are on trial against the trusted ones.
        kept_apart = (set(excluded["title_groups"]), set(excluded["split_groups"])) if excluded else None
        narrative_frame = with_reviewed(narrative_training_data(kept_apart)[0], cases)
        readings = read_narratives(narrative_frame)
        on_trial = narrative_frame["key"].isin(["R" + i for i in cases.loc[~champion_rows, "id"].astype(str)]).to_numpy()
        comparison = None
        if on_trial.any():
            comparison = compare_narratives(narrative_frame, readings, on_trial, folds, seed) | {"rows_on_trial": int(on_trial.sum())}
            for label, diff in comparison["per_label"].items():
                mlflow.log_metric(f"narratives.reviewed.{label}.challenger_minus_champion", diff)
        mlflow.log_metric("reviewed.narratives", int(on_trial.sum()))

        # Everything the rule reads is measured on held-out folds above: the challenger is fitted
        # on all the data only if it is to be installed.
        decision = decide(
            results,
            case_study_accuracy(champion_manifest.get("narrative_metrics", {})),
            {},  # a retraining does not re-measure the case studies (module docstring)
            label_signal(results, ~champion_rows, seed),
            force,
            comparison,
            column_rule(results, ~champion_rows),
        )
        log_decision(mlflow, decision)
        challenger = {"mlflow_run_id": run.info.run_id, "registered_version": None}
        if decision.promote:
            folder = challenger_dir(models_dir, version["version"])
            challenger = fit_and_log(
                mlflow, run, cases, list(config.TARGETS), folder, seed, results, data_info, narrative=(narrative_frame, readings),
                excluded=excluded,
            )
            registered = str(challenger["registered_version"])
            set_alias(mlflow, config.CHALLENGER_ALIAS, registered)
            client = mlflow.MlflowClient()
            client.set_model_version_tag(config.MODEL_NAME, registered, "labelled_version", str(version["version"]))
            promote(folder, Path(models_dir), int(registered))
            # Tagged once it is the champion: a promotion rolled back leaves the version untagged.
            client.set_model_version_tag(config.MODEL_NAME, registered, "decision", decision.status)
            shutil.rmtree(folder, ignore_errors=True)

    return RetrainOutcome(version, decision, results, champion_manifest, challenger)


def log_decision(mlflow, decision: Decision) -> None:
    """The decision's figures, its JSON and its tags on the retraining's run."""
    mlflow.log_metrics(
        {
            "primary.challenger_minus_champion": decision.primary["challenger_minus_champion"],
            "primary.standard_error": decision.primary["standard_error"],
            "primary.threshold": decision.primary["threshold"],
            "labels.p_value": decision.labels["p_value"],
            "labels.observed": decision.labels["observed"],
            "labels.shuffled_mean": decision.labels["shuffled_mean"],
            "promoted": float(decision.promote),
        }
        | {f"per_label.{t}.challenger_minus_champion": r["challenger_minus_champion"] for t, r in decision.per_label.items()}
        | {f"columns.{t}.reviewed_disagreement": r["reviewed_disagreement"] for t, r in decision.columns.items()}
    )
    mlflow.log_dict(asdict(decision) | {"status": decision.status, "promote": decision.promote}, "decision.json")
    mlflow.set_tags({"decision": decision.status, "decision_reason": decision.reason[:5000]})


def recover_stale_versions(labelled_dir: Path) -> list[dict]:
    """Versions left pending by a retraining whose process is gone (SIGKILL, a restart) are marked
    failed, their rows free to be offered again, and their MLflow runs ended as FAILED."""
    stale = labelled.recover_stale(labelled_dir)
    # Also the runs of versions already marked failed whose process could not end them (the store
    # was locked at that moment) and is gone now.
    gone = [v for v in labelled.read_index(labelled_dir) if v["status"] == labelled.FAILED and labelled.process_gone(v)]
    runs = [entry["mlflow_run_id"] for entry in gone if entry.get("mlflow_run_id")]
    if runs:
        client = tracking.setup().MlflowClient()
        for run_id in runs:
            if client.get_run(run_id).info.status == "RUNNING":
                client.set_terminated(run_id, status="FAILED")
    for entry in stale:
        print(f"labelled version {entry['version']}: {entry['decision']}; marked failed, its rows may be offered again", file=sys.stderr)
    return stale
