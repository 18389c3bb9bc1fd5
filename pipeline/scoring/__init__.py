"""Stage 5, scoring: new entries in, labels, flags and evidence out.

`score_frame` (the main job's core, shared by the CLI, the MLflow model and the tests), the HTML
review page (`report`) and the MLflow pyfunc that serves the registered model (`serving`).

May import: `pipeline.modeling`, `pipeline.reading`, `pipeline.text`, `pipeline.data`, and the
shared `pipeline.config`, `pipeline.io`, `pipeline.artifacts`.
"""

from pipeline.scoring.score import (
    CRITERIA,
    LABELS,
    OUTPUT_COLUMNS,
    rank_for_review,
    score_frame,
    summarise,
)

__all__ = ["CRITERIA", "LABELS", "OUTPUT_COLUMNS", "rank_for_review", "score_frame", "summarise"]
