"""Figures for MLflow: confusion matrices and reliability diagrams. Labels are drawn in English (no Hangul font here)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display on servers and CI

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from pipeline import config  # noqa: E402


def confusion_figure(matrix: np.ndarray, labels: list[str], title: str):
    """A confusion-matrix heat map with counts; rows are true labels, columns predictions."""
    names = [config.LABEL_ALIASES.get(label, label) for label in labels]
    size = 2.5 + 0.6 * len(labels)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(names)), names, rotation=45, ha="right")
    ax.set_yticks(range(len(names)), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            ax.text(j, i, int(matrix[i, j]), ha="center", va="center",
                    color="white" if matrix[i, j] > matrix.max() / 2 else "black")
    fig.tight_layout()
    return fig


def reliability_figure(tables: dict, title: str):
    """Top-label reliability curves, one per estimator: confidence against accuracy, with the
    diagonal of perfect calibration and each bin's case count as marker size."""
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="perfectly calibrated")
    for name, table in tables.items():
        sizes = 10 + 60 * table["count"] / max(table["count"].max(), 1)
        ax.plot(table["mean_confidence"], table["accuracy"], marker="o", markersize=0, label=name)
        ax.scatter(table["mean_confidence"], table["accuracy"], s=sizes)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence (probability of the predicted label)")
    ax.set_ylabel("accuracy")
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig
