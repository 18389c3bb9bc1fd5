"""Figures for MLflow: confusion matrices and reliability diagrams.

Class names are drawn as the report writes them (서비스 분야, 지자체-민간) in Noto Sans CJK, the
font Debian's `fonts-noto-cjk` installs (`make chromium` installs it); on a machine without it they
fall back to the English aliases of config.LABEL_ALIASES rather than to boxes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display on servers and CI

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from pipeline import config  # noqa: E402


_korean: bool | None = None


def korean_font() -> bool:
    """Make matplotlib draw Hangul with the first CJK font of config.CJK_FONTS found; False (and
    English class names) when none is installed."""
    global _korean
    if _korean is None:
        from pathlib import Path

        from matplotlib import font_manager

        found = next((Path(p) for p in config.CJK_FONTS if Path(p).is_file()), None)
        if found is not None:
            font_manager.fontManager.addfont(str(found))
            family = font_manager.FontProperties(fname=str(found)).get_name()
            plt.rcParams["font.family"] = [family, "DejaVu Sans"]
            plt.rcParams["axes.unicode_minus"] = False
        _korean = found is not None
    return _korean


def class_names(labels: list[str]) -> list[str]:
    """Class names as the report writes them, or their English aliases without a CJK font."""
    return list(labels) if korean_font() else [config.LABEL_ALIASES.get(label, label) for label in labels]


def confusion_figure(matrix: np.ndarray, labels: list[str], title: str):
    """A confusion-matrix heat map with counts; rows are true labels, columns predictions."""
    names = class_names(labels)
    size = 3.0 + 0.7 * len(labels)
    fig, ax = plt.subplots(figsize=(size + 1.0, size))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(names)), names, rotation=40, ha="right", fontsize=9)
    ax.set_yticks(range(len(names)), names, fontsize=9)
    ax.set_xlabel("예측" if korean_font() else "predicted")
    ax.set_ylabel("정답" if korean_font() else "true")
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
