"""The one text an entry is read as: its head (region and title), then its narrative."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def compose_text(frame: pd.DataFrame) -> list[str]:
    """One text per row: "region title", then the description (if any) on a line of its own.

    The first line is the entry's head; DomainCues reads only the head, the other blocks read all.
    """

    def column(name: str) -> pd.Series:
        values = frame[name] if name in frame else pd.Series("", index=frame.index)
        return values.fillna("").astype(str).map(lambda t: " ".join(t.split()))

    heads = (column("region") + " " + column("title")).str.strip()
    return [f"{h}\n{d}" if d else h for h, d in zip(heads, column("description"))]


def text_columns(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """`frame`'s `columns` as text: a missing column or cell is "" (cast to object first, so that
    a column pandas read as all-NaN floats takes text without a dtype warning)."""
    out = frame.reindex(columns=list(columns)).astype(object)
    return out.where(out.notna(), "").astype(str)
