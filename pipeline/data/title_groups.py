"""Group cases that describe the same project, so no evaluation split separates them.

Two cases share a group when their normalised titles (see `text.normalise_title`) are equal, or
nearly equal (difflib ratio >= config.NEAR_DUPLICATE_RATIO, or >=
config.SAME_REGION_NEAR_DUPLICATE_RATIO when both cases come from the same local government), or
one contains the other and is at least config.CONTAINMENT_MIN_CHARS long. Groups are closed under these links (union-find), so
a chain of OCR variants ends up in one group.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from itertools import combinations

from pipeline import config


def _same_project(a: str, b: str, threshold: float) -> bool:
    if a == b:
        return True
    shorter = min(a, b, key=len)
    if len(shorter) >= config.CONTAINMENT_MIN_CHARS and shorter in (b if shorter == a else a):
        return True
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    # The cheap upper bounds reject most of the ~180k pairs before the full comparison.
    return (
        matcher.real_quick_ratio() >= threshold
        and matcher.quick_ratio() >= threshold
        and matcher.ratio() >= threshold
    )


def assign_title_groups(title_norms: list[str], regions: list[str]) -> list[str]:
    """A group id ("G0001", numbered by first appearance) for each normalised title.

    `regions` are the cases' canonical regions, aligned with `title_norms`. An empty title never
    matches anything: it gets a group of its own.
    """
    parent = list(range(len(title_norms)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in combinations(range(len(title_norms)), 2):
        a, b = title_norms[i], title_norms[j]
        threshold = (
            config.SAME_REGION_NEAR_DUPLICATE_RATIO
            if regions[i] == regions[j]
            else config.NEAR_DUPLICATE_RATIO
        )
        if a and b and find(i) != find(j) and _same_project(a, b, threshold):
            parent[max(find(i), find(j))] = min(find(i), find(j))

    numbering: dict[int, str] = {}
    groups = []
    for i in range(len(title_norms)):
        root = find(i)
        numbering.setdefault(root, f"G{len(numbering) + 1:04d}")
        groups.append(numbering[root])
    return groups
