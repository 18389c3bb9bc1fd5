"""Stage 6, jobs: what a person runs, end to end, with MLflow around it.

`training` (`collab evaluate`, `collab train`: cross-validate, fit, save, log, register) and
`retraining` (`collab retrain`: reviewed entries to a challenger, judged against the champion).
They drive every stage below, log to MLflow through `pipeline.tracking`, and register the model
that `pipeline.scoring.serving` serves.

May import: every stage below, `pipeline.tracking`, `pipeline.artifacts`.
"""
