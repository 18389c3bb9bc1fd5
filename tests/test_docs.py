"""The README and the guides: short enough to read, and every link leads somewhere."""

import re
from pathlib import Path

from pipeline import config

ROOT = config.PROJECT_ROOT
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# [text](target) and [text](target#anchor); addresses outside the project are not followed.
LINK = re.compile(r"\[[^\]]+\]\(([^)\s]+)\)")


def _anchors(page: Path) -> set[str]:
    """GitHub's anchors for a page's headings: lower case, spaces to hyphens, punctuation dropped."""
    out = set()
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            heading = line.lstrip("#").strip().lower()
            out.add(re.sub(r"[^\w\- ]", "", heading).replace(" ", "-"))
    return out


def test_the_docs_exist_and_the_readme_is_short():
    for name in ("guide_ko.md", "models.md", "operations.md", "architecture.md"):
        assert (ROOT / "docs" / name).is_file(), name
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 200


def test_every_link_in_the_readme_and_docs_resolves():
    checked = 0
    for page in PAGES:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            resolved = (page.parent / path).resolve() if path else page
            assert resolved.exists(), f"{page.name}: {target}"
            if anchor:
                assert anchor in _anchors(resolved), f"{page.name}: {target}"
            checked += 1
    assert checked >= 10


def test_the_korean_guide_is_in_korean():
    text = (ROOT / "docs" / "guide_ko.md").read_text(encoding="utf-8")
    hangul = len(re.findall(r"[가-힣]", text))
    assert hangul > 0.3 * len(re.findall(r"[A-Za-z가-힣]", text))
    for section in ("시트 준비", "검토 순서", "검토완료", "재학습", "판단하지 못하는 것"):
        assert section in text, section
