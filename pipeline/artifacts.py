"""Saving and loading the fitted models: a joblib bundle plus a manifest with its sha256.

A joblib file is a pickle: loading it runs code. `load_bundle` therefore checks the file's sha256
against the manifest before it unpickles anything.
"""

from __future__ import annotations

import hashlib
import json
import platform
from importlib import metadata
from pathlib import Path

import joblib

from pipeline import config
from pipeline.io import atomic_write, atomic_write_text

BUNDLE_NAME = "collab_classifier.joblib"
_VERSIONED = ("kiwipiepy", "kiwipiepy_model", "scikit-learn", "numpy", "pandas", "joblib", "mlflow")


class ArtifactError(RuntimeError):
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
    bundle = Path(models_dir) / BUNDLE_NAME
    atomic_write(bundle, lambda tmp: joblib.dump(content, tmp, compress=3))
    manifest = {
        **manifest,
        "versions": library_versions(),
        "artifacts": {BUNDLE_NAME: {"sha256": sha256_file(bundle), "bytes": bundle.stat().st_size}},
    }
    atomic_write_text(Path(models_dir) / config.MANIFEST.name, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return bundle


def read_manifest(models_dir: Path = config.MODELS_DIR) -> dict:
    path = Path(models_dir) / config.MANIFEST.name
    if not path.exists():
        raise ArtifactError(f"no trained model in {models_dir} (missing {path.name}); run `collab train`")
    return json.loads(path.read_text(encoding="utf-8"))


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
    try:
        return joblib.load(bundle), manifest
    except (ModuleNotFoundError, AttributeError) as error:
        # The bundle names classes by module path: one saved by an older layout of the package
        # (before pipeline's stage subpackages, say) cannot be rebuilt by this one.
        raise ArtifactError(
            f"{bundle} was saved by another version of the package ({error}); run `collab train` to retrain it"
        ) from error
