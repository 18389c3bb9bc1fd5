import importlib
import sys

import pytest

from pipeline.artifacts import ArtifactError, load_bundle, save_bundle


def test_a_bundle_saved_by_another_layout_of_the_package_is_refused_with_what_to_do(tmp_path, monkeypatch):
    """A bundle pickles classes by module path; one whose module is gone asks for a retrain."""
    (tmp_path / "vanished_module.py").write_text("class Model:\n    pass\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("vanished_module")
    save_bundle({"models": {"x": module.Model()}}, {"bench": True}, tmp_path / "models")
    del sys.modules["vanished_module"]
    (tmp_path / "vanished_module.py").unlink()
    with pytest.raises(ArtifactError, match="saved by another version of the package.*collab train"):
        load_bundle(tmp_path / "models")
