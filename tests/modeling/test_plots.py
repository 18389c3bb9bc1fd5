"""Issue 21, item 4: figures draw the report's Korean class names in a CJK font, not boxes."""

import warnings
from pathlib import Path

import numpy as np

from pipeline import config
from pipeline.modeling.plots import class_names, confusion_figure, korean_font


def test_korean_class_names_are_drawn_with_a_font_that_has_them():
    assert any(Path(p).is_file() for p in config.CJK_FONTS), "fonts-noto-cjk is not installed: `make chromium` installs it"
    assert korean_font()
    labels = list(config.ACTOR_TYPES)
    assert class_names(labels) == labels
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = confusion_figure(np.eye(len(labels), dtype=int), labels, "주체 유형: 판정 (교차검증)")
        fig.canvas.draw()
    assert not [str(w.message) for w in caught if "missing from" in str(w.message)]
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks == labels
