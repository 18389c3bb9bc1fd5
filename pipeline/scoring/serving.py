"""The MLflow pyfunc model: all targets predicted from a DataFrame of titles and descriptions."""

from __future__ import annotations

from pathlib import Path

import mlflow.pyfunc
import pandas as pd

from pipeline.artifacts import load_bundle
from pipeline.scoring.score import score_frame


class CollabPyfunc(mlflow.pyfunc.PythonModel):
    """Wraps the verified skops bundle; `predict` returns what `collab score` writes."""

    def load_context(self, context) -> None:
        self.bundle, self.manifest = load_bundle(Path(context.artifacts["bundle"]).parent)

    def predict(self, context, model_input: pd.DataFrame, params=None) -> pd.DataFrame:
        return score_frame(pd.DataFrame(model_input).fillna(""), self.bundle)
