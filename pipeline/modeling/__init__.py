"""Stage 4, modeling: features, estimators, calibration and honest evaluation.

The title models (`features`, `models`, `evaluation`) and the narrative models
(`narrative_features`, `narrative_models`, `narrative_evaluation`), the calibration that turns
their scores into probabilities and flags (`calibration`), and the figures a model owner reads
(`plots`). Plain scikit-learn estimators and functions: no MLflow, no files written.

May import: `pipeline.reading`, `pipeline.text`, `pipeline.data`, `pipeline.config`.
"""
