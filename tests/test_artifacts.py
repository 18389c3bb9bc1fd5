import hashlib
import json
import zipfile

import pytest
import skops.io

from pipeline.artifacts import BUNDLE_NAME, ArtifactError, load_bundle, save_bundle

# A class as a bundle saved by an older layout of the package names it: the module is gone.
Moved = type("Model", (), {"__module__": "pipeline.modeling.vanished"})


def _planted(tmp_path, content) -> object:
    """A models folder whose skops bundle holds `content`, with a manifest that matches it."""
    models = tmp_path / "models"
    models.mkdir()
    skops.io.dump(content, models / BUNDLE_NAME, compression=zipfile.ZIP_DEFLATED)
    digest = hashlib.sha256((models / BUNDLE_NAME).read_bytes()).hexdigest()
    manifest = {"model_name": "m", "created": "now", "data": {}, "targets": {}, "artifacts": {BUNDLE_NAME: {"sha256": digest}}}
    (models / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return models


def test_a_bundle_saved_by_another_layout_of_the_package_is_refused_with_what_to_do(tmp_path):
    models = _planted(tmp_path, {"models": {"x": Moved()}})
    with pytest.raises(ArtifactError, match=r"saved by another version of the package.*vanished.*collab train"):
        load_bundle(models)


def test_a_bundle_that_loads_but_holds_no_model_is_refused(tmp_path):
    """Issue 23, item 10: a damaged bundle whose manifest's sha256 was made to match it."""
    models = _planted(tmp_path, {"nothing": 1})
    with pytest.raises(ArtifactError, match=r"does not hold a trained model \(models, narrative, ranker\)"):
        load_bundle(models)


def test_saving_refuses_a_type_nobody_listed(tmp_path):
    with pytest.raises(ArtifactError, match=r"not in artifacts.TRUSTED_TYPES: \['pipeline.modeling.vanished.Model'\]"):
        save_bundle({"models": {"x": Moved()}}, {"bench": True}, tmp_path)
    assert not (tmp_path / BUNDLE_NAME).exists()
