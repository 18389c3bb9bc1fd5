"""The labelled narratives: 263 appendix cases retold from news, and the 23 case studies.

`build_narratives` joins the raw narratives to the report's labels by appendix id and gives each
a split group: its title group, merged with the groups of other narratives that retell the same
project (partners filing one project separately). `training_frame` puts both sources into the one
table the narrative models learn from; `excluded_groups` is how `collab train --exclude` removes
chosen cases and everything sharing a group with them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer

from pipeline import config
from pipeline.io import CSV_ENCODING, atomic_write, read_verified

LABEL_COLUMNS: tuple[str, ...] = (
    "actor_type",
    "service_field",
    "tech_applied",
    "tech_applicable",
    "resource_sharing",
    "sustainability",
    "meets_criteria",
)
NARRATIVES_COLUMNS: tuple[str, ...] = (
    "id",
    "region",
    "title",
    "title_corrected",
    "title_group",
    "split_group",
    "match",
    "description",
    *LABEL_COLUMNS,
    "source_years",
    "notes",
)
# The training table: one row per labelled narrative, whatever its source.
TRAINING_COLUMNS: tuple[str, ...] = (
    "key",
    "source",
    "appendix_id",
    "region",
    "title",
    "description",
    "title_group",
    "split_group",
    "match",
    *LABEL_COLUMNS,
)
APPENDIX, CASE_STUDY, REVIEWED = "appendix", "case_study", "reviewed"


def read_raw_narratives(path: Path = config.RAW_NARRATIVES) -> list[dict]:
    """The raw narratives, one dict per line; refuses a copy whose sha256 is not the shipped one."""
    data = read_verified(path, config.RAW_NARRATIVES_SHA256, "the narratives'")
    return [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]


def same_project_components(descriptions: Iterable[str]) -> np.ndarray:
    """A component number per text: texts linked by character-n-gram cosine similarity of at
    least config.SAME_PROJECT_SIMILARITY (closed under the link) share one."""
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True).fit_transform(list(descriptions))
    linked = (vectors @ vectors.T) >= config.SAME_PROJECT_SIMILARITY
    return connected_components(linked, directed=False)[1]


def build_narratives(records: list[dict], cases: pd.DataFrame) -> pd.DataFrame:
    """The narratives with the report's labels and split groups, in appendix order."""
    raw = pd.DataFrame.from_records(records)
    joined = raw.merge(cases, on="id", how="left", suffixes=("", "_case"), validate="one_to_one")
    unknown = joined.loc[joined["title_group"].isna(), "id"].tolist()
    if unknown:
        raise ValueError(f"narratives with ids not in the appendix: {unknown}")
    mismatched = joined.loc[(joined["region"] != joined["region_case"]) | (joined["title"] != joined["title_case"]), "id"]
    if len(mismatched):
        raise ValueError(f"narratives whose region or title differ from the appendix row: {mismatched.tolist()}")
    components = same_project_components(joined["description"])
    # A component's split group is its smallest title group, so a group of one keeps its name.
    first = pd.Series(joined["title_group"].to_numpy()).groupby(components).transform("min")
    joined["split_group"] = first.to_numpy()
    joined["title_corrected"] = joined["title_corrected"].fillna("")
    joined["notes"] = joined["notes"].fillna("")
    joined["source_years"] = [" ".join(map(str, years)) for years in joined["source_years"]]
    return joined.sort_values("id").reset_index(drop=True)[list(NARRATIVES_COLUMNS)]


def same_project_sets(narratives: pd.DataFrame) -> list[list[int]]:
    """Ids of narratives sharing a split group with another narrative of a different title group."""
    sets = []
    for _, rows in narratives.groupby("split_group", sort=True):
        if rows["title_group"].nunique() > 1:
            sets.append(sorted(rows["id"].tolist()))
    return sets


def write_narratives(narratives: pd.DataFrame, path: Path = config.NARRATIVES_CSV) -> Path:
    atomic_write(path, lambda tmp: narratives.to_csv(tmp, index=False, encoding=CSV_ENCODING, lineterminator="\n"))
    return path


def load_narratives(path: Path = config.NARRATIVES_CSV) -> pd.DataFrame:
    """narratives.csv as written by `write_narratives`, every column but `id` as text."""
    frame = pd.read_csv(path, encoding=CSV_ENCODING, dtype=str, keep_default_na=False)
    frame["id"] = frame["id"].astype(int)
    return frame


def _mark(value: str | dict) -> str:
    return value if isinstance(value, str) else value["mark"]


def training_frame(narratives: pd.DataFrame, case_studies: list[dict], cases: pd.DataFrame) -> pd.DataFrame:
    """The narrative models' training table: the appendix narratives with the appendix's labels,
    then the 23 case studies with the labels of their own tables.

    A case study joins the title group of its appendix row, so it never sits across a split from
    a narrative or title of the same project.
    """
    appendix = narratives.assign(
        key=["N" + str(i) for i in narratives["id"]], source=APPENDIX, appendix_id=narratives["id"].astype(str)
    )
    group_of = dict(zip(cases["id"], cases["title_group"]))
    split_of = dict(zip(narratives["title_group"], narratives["split_group"]))
    studies = []
    for cs in case_studies:
        group = group_of.get(cs["appendix_id"], f"CS{cs['number']:02d}")
        labels = {label: _mark(cs[label]) for label in LABEL_COLUMNS if label != "meets_criteria"}
        met = labels["resource_sharing"] == config.MARK_YES and labels["sustainability"] != config.MARK_NO
        studies.append(
            {
                "key": f"CS{cs['number']:02d}",
                "source": CASE_STUDY,
                "appendix_id": "" if cs["appendix_id"] is None else str(cs["appendix_id"]),
                "region": cs["region"],
                "title": cs["name"],
                "description": cs["narrative"],
                "title_group": group,
                "split_group": split_of.get(group, group),
                "match": "report",
                **labels,
                "meets_criteria": config.MARK_YES if met else config.MARK_NO,
            }
        )
    frame = pd.concat([appendix, pd.DataFrame.from_records(studies)], ignore_index=True)
    return frame[list(TRAINING_COLUMNS)]


def with_reviewed(frame: pd.DataFrame, cases: pd.DataFrame) -> pd.DataFrame:
    """The narrative training table `frame` joined by every reviewed case of `cases` that has a
    narrative (`labelled.training_cases`), regrouped by the title groups of `cases`.

    Retraining recomputes title groups over the report and the reviewed rows, so a reviewed
    entry repeating a report case shares its group; the narratives take their group from the case
    they tell (by appendix id), and split groups stay closed under both links: rows sharing an
    earlier split group or a title group share one, named by its smallest title group.
    """
    group_of = dict(zip(cases["id"].astype(str), cases["title_group"]))
    out = frame.copy()
    out["title_group"] = [group_of.get(a, g) if a else g for a, g in zip(out["appendix_id"], out["title_group"])]
    reviewed = cases[(cases["labelled_version"] > 0) & (cases["narrative"] != "")]
    rows = pd.DataFrame(
        {
            "key": "R" + reviewed["id"].astype(str),
            "source": REVIEWED,
            "appendix_id": "",
            "region": reviewed["region_raw"],
            "title": reviewed["title"],
            "description": reviewed["narrative"],
            "title_group": reviewed["title_group"],
            "split_group": reviewed["title_group"],
            "match": REVIEWED,
            **{label: reviewed[label] for label in LABEL_COLUMNS},
        }
    )
    out = pd.concat([out, rows], ignore_index=True)
    # Connected rows: an edge from each row to its earlier split group and to its title group.
    names = sorted(set(out["split_group"]) | set(out["title_group"]))
    index = {name: i for i, name in enumerate(names)}
    edges = np.array([[index[a], index[b]] for a, b in zip(out["split_group"], out["title_group"])])
    linked = sparse.coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(len(names), len(names)))
    component = connected_components(linked, directed=False)[1]
    smallest: dict[int, str] = {}
    for name in names:  # sorted, so the first name met in a component is its smallest
        smallest.setdefault(component[index[name]], name)
    out["split_group"] = [smallest[component[index[g]]] for g in out["title_group"]]
    return out[list(TRAINING_COLUMNS)]


def read_ids(path: Path) -> list[int]:
    """Appendix ids from a file, one per line (blank lines and '#' comments ignored)."""
    ids = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8-sig").splitlines(), start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        if not text.isdigit():
            raise ValueError(f"{path}, line {number}: {text!r} is not an appendix id (a number 1-601)")
        ids.append(int(text))
    return ids


def excluded_groups(ids: Iterable[int], cases: pd.DataFrame, narratives: pd.DataFrame) -> tuple[set[str], set[str]]:
    """(title groups, split groups) to leave out of every training set when excluding `ids`.

    The ids' title groups, widened by the split groups of narratives in them: a narrative retelling
    the same project under another title leaves too.
    """
    ids = set(ids)
    unknown = sorted(ids - set(cases["id"]))
    if unknown:
        raise ValueError(f"ids not in the appendix (1-{len(cases)}): {unknown[:10]}")
    titles = set(cases.loc[cases["id"].isin(ids), "title_group"])
    splits = set(narratives.loc[narratives["title_group"].isin(titles), "split_group"]) | titles
    titles |= set(narratives.loc[narratives["split_group"].isin(splits), "title_group"])
    return titles, splits


def without_groups(frame: pd.DataFrame, titles: set[str], splits: set[str] = frozenset()) -> pd.DataFrame:
    """The rows of `frame` in none of the given title or split groups."""
    keep = ~frame["title_group"].isin(titles)
    if "split_group" in frame:
        keep &= ~frame["split_group"].isin(splits)
    return frame[keep].reset_index(drop=True)
