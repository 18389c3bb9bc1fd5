"""The MLflow pyfunc model: all targets predicted from a DataFrame of titles and descriptions."""

from __future__ import annotations

from pathlib import Path

import mlflow.pyfunc
import pandas as pd


class CollabPyfunc(mlflow.pyfunc.PythonModel):
    """Wraps the verified joblib bundle; `predict` returns what `predict.predict_frame` returns."""

    def load_context(self, context) -> None:
        from pipeline.artifacts import load_bundle

        self.models, self.manifest = load_bundle(Path(context.artifacts["bundle"]).parent)

    def predict(self, context, model_input: pd.DataFrame, params=None) -> pd.DataFrame:
        from pipeline.predict import predict_frame

        return predict_frame(self.models, pd.DataFrame(model_input))
