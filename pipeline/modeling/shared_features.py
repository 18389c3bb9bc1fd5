"""One feature computation per batch for every model that holds the same fitted block.

The five title models each fit their own feature union on the same cases, and the narrative models
theirs on the same narratives, so their text blocks (Kiwi morphemes, character n-grams) are equal
after fitting. Scoring through `SharedFeatures` computes each distinct block once per input and
hands the matrix to every head. Blocks are matched by a digest of their fitted state, taken once
per block object; the matrices are stacked exactly as `FeatureUnion.transform` stacks them, so the
probabilities are the ones the models give on their own (tests/modeling/test_shared_features.py).
"""

from __future__ import annotations

import joblib
import numpy as np
from sklearn.pipeline import FeatureUnion, Pipeline


class SharedFeatures:
    """A memo of block outputs for one batch: `clear()` it before the next, so that memory stays
    bounded and an input's id is never reused while it is a key."""

    def __init__(self) -> None:
        self._digests: dict[int, str] = {}
        self._owners: list[object] = []  # the digested blocks, kept alive so their ids stay theirs
        self._memo: dict[tuple[str, int], object] = {}
        self._inputs: list[object] = []  # inputs whose ids are memo keys, alive until clear()

    def digest(self, block: object) -> str:
        key = id(block)
        if key not in self._digests:
            self._digests[key] = joblib.hash(block)
            self._owners.append(block)
        return self._digests[key]

    def transform(self, block, X):
        """`block.transform(X)`, computed once per equal block and input object."""
        key = (self.digest(block), id(X))
        if key not in self._memo:
            self._memo[key] = block.transform(X)
            self._inputs.append(X)
        return self._memo[key]

    def provide(self, block, X, matrix) -> None:
        """Record `matrix` as `block.transform(X)`, computed some cheaper way by the caller."""
        self._memo[(self.digest(block), id(X))] = matrix
        self._inputs.append(X)

    def holds(self, block, X) -> bool:
        """Whether `block.transform(X)` is already known (computed or provided)."""
        return (self.digest(block), id(X)) in self._memo

    def union(self, union: FeatureUnion, X):
        """`union.transform(X)`, each of its blocks through the memo."""
        blocks = []
        # FeatureUnion._iter yields the blocks that are not "drop", with their weights, in order.
        for _, block, weight in union._iter():
            out = self.transform(block, X)
            blocks.append(out if weight is None else out * weight)
        return union._hstack(blocks)

    def features(self, pipeline: Pipeline, X):
        """What `pipeline[:-1].transform(X)` gives, through the memo."""
        for _, step in pipeline.steps[:-1]:
            X = self.union(step, X) if isinstance(step, FeatureUnion) else self.transform(step, X)
        return X

    def predict_proba(self, pipeline: Pipeline, X) -> np.ndarray:
        return pipeline.steps[-1][1].predict_proba(self.features(pipeline, X))

    def clear(self) -> None:
        self._memo.clear()
        self._inputs.clear()
