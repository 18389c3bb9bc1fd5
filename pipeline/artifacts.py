"""Saving and loading the fitted models: a skops bundle plus a manifest with its sha256.

A pickle (joblib) runs code when loaded, and a manifest beside it can be rewritten by whoever
wrote the pickle, so a checksum alone does not make one safe. The bundle is therefore written with
skops, which rebuilds objects from a schema and loads only the types it is told to trust:
skops' own list of safe types plus `TRUSTED_TYPES` below, the project's classes and the few
private scikit-learn ones the calibration uses. A bundle naming any other type is refused before
anything in it is built, and the sha256 check still catches damaged or swapped files.
"""

from __future__ import annotations

import hashlib
import json
import platform
import zipfile
from importlib import metadata
from pathlib import Path

from pipeline import config
from pipeline.errors import UserError
from pipeline.io import atomic_write, atomic_write_text

BUNDLE_NAME = "collab_classifier.skops"
_VERSIONED = ("kiwipiepy", "kiwipiepy_model", "scikit-learn", "numpy", "pandas", "skops", "mlflow")
# The types beyond skops' defaults a bundle may hold; a new class in a model must be added here.
TRUSTED_TYPES: frozenset[str] = frozenset(
    {
        "pipeline.modeling.calibration.CalibratedDecision",
        "pipeline.modeling.calibration._GivenProbabilities",
        "pipeline.modeling.features.DomainCues",
        "pipeline.modeling.narrative_features.CueCounts",
        "pipeline.modeling.narrative_features.morpheme_text",
        "pipeline.modeling.narrative_features.reading_text",
        "pipeline.modeling.verdicts.StackedDecision",
        "pipeline.reading.subtypes.SubTypeRanker",
        "pipeline.text.compose.compose_text",
        "pipeline.text.tokenizer.KiwiMorphemes",
        "pipeline.text.vectorizers.TermTfidf",
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
        "sklearn.calibration._TemperatureScaling",
    }
)


class ArtifactError(UserError, RuntimeError):
    """A model artifact is missing, or does not match its manifest."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _VERSIONED:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def save_bundle(content: dict, manifest: dict, models_dir: Path = config.MODELS_DIR) -> Path:
    """Write the bundle (`models` by target, and for scoring `weights` and `ranker`) and a manifest
    recording its sha256; returns the bundle path."""
    import skops.io

    def write(tmp: Path) -> None:
        skops.io.dump(content, tmp, compression=zipfile.ZIP_DEFLATED, compresslevel=3)
        untrusted = sorted(set(skops.io.get_untrusted_types(file=tmp)) - TRUSTED_TYPES)
        if untrusted:
            # Caught when saving, not by the first user: a new class in a model is listed on purpose.
            raise ArtifactError(f"the bundle would hold types not in artifacts.TRUSTED_TYPES: {untrusted}")

    bundle = Path(models_dir) / BUNDLE_NAME
    atomic_write(bundle, write)
    manifest = {
        **manifest,
        "versions": library_versions(),
        "artifacts": {BUNDLE_NAME: {"sha256": sha256_file(bundle), "bytes": bundle.stat().st_size}},
    }
    atomic_write_text(Path(models_dir) / config.MANIFEST.name, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return bundle


BUNDLE_KEYS = frozenset({"models", "narrative", "ranker"})
# What every reader of a manifest relies on (scoring, serving, retraining, the notebooks), checked
# when it is read so that damage is one line, not a traceback later.
MANIFEST_SCHEMA: dict[str, type] = {"model_name": str, "created": str, "data": dict, "targets": dict, "artifacts": dict}


def read_manifest(models_dir: Path = config.MODELS_DIR) -> dict:
    path = Path(models_dir) / config.MANIFEST.name
    if not path.exists():
        raise ArtifactError(f"no trained model in {models_dir} (missing {path.name}); run `collab train`")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ArtifactError(f"{path} is not a readable manifest ({error}); run `collab train` to write a new one") from None
    if not isinstance(manifest, dict):
        raise ArtifactError(f"{path} is not a manifest (a JSON object); run `collab train` to write a new one")
    wrong = [key for key, kind in MANIFEST_SCHEMA.items() if not isinstance(manifest.get(key), kind)]
    if wrong:
        raise ArtifactError(
            f"{path} is damaged: {', '.join(f'{k} ({MANIFEST_SCHEMA[k].__name__})' for k in wrong)} missing or of the wrong type; "
            "run `collab train` to write a new one"
        )
    recorded = manifest["artifacts"].get(BUNDLE_NAME)
    sha256 = recorded.get("sha256") if isinstance(recorded, dict) else None
    if not isinstance(sha256, str):
        raise ArtifactError(
            f"{path} does not record the sha256 of {BUNDLE_NAME} (artifacts.{BUNDLE_NAME}.sha256); "
            "run `collab train` to write a new one"
        )
    return manifest


def load_bundle(models_dir: Path = config.MODELS_DIR) -> tuple[dict, dict]:
    """(bundle, manifest), after checking the bundle's sha256 against the manifest."""
    manifest = read_manifest(models_dir)
    bundle = Path(models_dir) / BUNDLE_NAME
    if not bundle.exists():
        raise ArtifactError(f"{bundle} is missing; run `collab train`")
    expected = manifest["artifacts"][BUNDLE_NAME]["sha256"]
    actual = sha256_file(bundle)
    if actual != expected:
        raise ArtifactError(
            f"{bundle} has sha256 {actual}, the manifest says {expected}: refusing to load it"
        )
    import skops.io

    try:
        untrusted = skops.io.get_untrusted_types(file=bundle)
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ArtifactError(f"{bundle} is not a skops bundle ({error}); run `collab train`") from None
    unknown = sorted(set(untrusted) - TRUSTED_TYPES)
    if unknown and all(name.startswith("pipeline.") for name in unknown):
        # Classes are named by module path: a bundle from an older layout of the package names
        # classes this one no longer has.
        raise ArtifactError(
            f"{bundle} was saved by another version of the package (it names {unknown}); run `collab train` to retrain it"
        )
    if unknown:
        raise ArtifactError(f"{bundle} holds types this package does not trust: {unknown}; refusing to load it")
    try:
        content = skops.io.load(bundle, trusted=untrusted)
    except (ModuleNotFoundError, AttributeError, TypeError) as error:
        # The bundle names classes by module path: one saved by an older layout of the package
        # cannot be rebuilt by this one.
        raise ArtifactError(
            f"{bundle} was saved by another version of the package ({error}); run `collab train` to retrain it"
        ) from error
    except Exception as error:  # a damaged bundle whose manifest was rewritten to match it
        raise ArtifactError(f"{bundle} is damaged ({type(error).__name__}: {error}); run `collab train`") from error
    if not isinstance(content, dict) or not BUNDLE_KEYS <= set(content):
        raise ArtifactError(f"{bundle} does not hold a trained model ({', '.join(sorted(BUNDLE_KEYS))}); run `collab train`")
    return content, manifest


def check_models_dir(models_dir: Path, trust: bool) -> None:
    """Refuse a models folder other than the project's own (models/ and the folders in it) unless
    the user says they trust it: a bundle executes no code, but a foreign one still decides every
    label, and its manifest is written by whoever wrote the bundle."""
    own = config.MODELS_DIR.resolve()
    folder = Path(models_dir).resolve()
    if trust or folder == own or own in folder.parents:
        return
    raise ArtifactError(
        f"--models-dir {models_dir} is not this project's models folder ({config.MODELS_DIR}); "
        "add --trust if you know where its model came from"
    )
