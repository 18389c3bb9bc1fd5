"""Apply fitted title models to a DataFrame: one label and one probability per target."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline import config
from pipeline.text.compose import text_columns


def predict_frame(models: dict, frame: pd.DataFrame) -> pd.DataFrame:
    """For each target, `<target>` (the label) and `<target>_proba` (its probability).

    `frame` needs a `title` column; `region` and `description` are used when present.
    """
    if "title" not in frame:
        raise ValueError(f"a 'title' column is required; found {list(frame.columns)}")
    inputs = text_columns(frame, config.TEXT_COLUMNS)
    out = pd.DataFrame(index=frame.index)
    for target, model in models.items():
        proba = model.predict_proba(inputs)
        out[target] = model.predict(inputs)
        classes = list(model.classes_)
        out[f"{target}_proba"] = np.round(
            proba[np.arange(len(out)), [classes.index(p) for p in out[target]]], 4
        )
    return out
