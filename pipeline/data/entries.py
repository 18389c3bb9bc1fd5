"""Reading reviewers' spreadsheets of contest entries and writing scored copies of them.

Inputs: CSV in UTF-8 (with or without BOM) or CP949/EUC-KR, .xlsx, or .jsonl. Every cell is read
as text, every row is kept. Outputs are written atomically: CSV as UTF-8 with BOM (so that Excel
shows Korean), .xlsx, or .jsonl.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pandas as pd
from charset_normalizer import from_bytes

from pipeline import config
from pipeline.data.normalise import has_hangul
from pipeline.io import CSV_ENCODING, atomic_write


class InputError(ValueError):
    """The input file cannot be read as a table of entries; the message says why."""


@dataclass
class Entries:
    """The entries as read, the encoding used, and which input column feeds which field."""

    frame: pd.DataFrame
    encoding: str
    mapping: dict[str, str]


def _detect_encoding(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=["cp949", "euc_kr", "utf_8"]).best()
    if best is None:
        raise InputError("cannot tell the file's encoding; give it with --encoding (e.g. cp949)")
    # CP949 is a superset of EUC-KR: reading EUC-KR files as CP949 loses nothing.
    return "cp949" if best.encoding in ("euc_kr", "cp949") else best.encoding


def _read_csv(path: Path, encoding: str | None) -> tuple[pd.DataFrame, str]:
    data = path.read_bytes()
    encoding = encoding or _detect_encoding(data)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise InputError(f"{path.name} is not valid {encoding}: {error}") from None

    try:
        frame = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        raise InputError(f"{path.name} is not a readable CSV table: {error}") from None
    return frame, encoding


def read_table(path: Path, encoding: str | None = None) -> tuple[pd.DataFrame, str]:
    """The file as a DataFrame of strings, and the encoding used ("xlsx"/"utf-8" for the others)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path} does not exist")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path, encoding)
    if suffix == ".xlsx":
        try:
            frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
        except Exception as error:  # openpyxl raises many types for a damaged workbook
            raise InputError(f"{path.name} is not a readable .xlsx workbook: {error}") from None
        return frame, "xlsx"
    if suffix == ".jsonl":
        rows = []
        for number, line in enumerate(path.read_text(encoding=encoding or "utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise InputError(f"{path.name} line {number} is not JSON: {error}") from None
            if not isinstance(row, dict):
                raise InputError(f"{path.name} line {number} is not a JSON object")
            rows.append({k: "" if v is None else str(v) for k, v in row.items()})
        return pd.DataFrame(rows, dtype=str), encoding or "utf-8"
    raise InputError(f"unknown format {suffix or '(none)'}: use one of {', '.join(config.INPUT_FORMATS)}")


def _key(name: str) -> str:
    return "".join(str(name).split()).lower()


def resolve_columns(columns: list[str], overrides: dict[str, str] | None = None) -> dict[str, str]:
    """field -> input column, from --columns overrides first, then the known aliases."""
    mapping: dict[str, str] = {}
    for field, column in (overrides or {}).items():
        if field not in config.INPUT_ALIASES:
            raise InputError(f"--columns: unknown field {field!r}; fields are {list(config.INPUT_ALIASES)}")
        if column not in columns:
            raise InputError(f"--columns: no column {column!r}; the file has {columns}")
        mapping[field] = column
    by_key = {_key(c): c for c in columns}
    for field, aliases in config.INPUT_ALIASES.items():
        if field in mapping:
            continue
        for alias in aliases:
            if _key(alias) in by_key and by_key[_key(alias)] not in mapping.values():
                mapping[field] = by_key[_key(alias)]
                break
    if "title" not in mapping:
        raise InputError(
            f"no title column: the file has {columns}; name one of "
            f"{', '.join(config.INPUT_ALIASES['title'])}, or map it with --columns title=<column>"
        )
    return mapping


def parse_column_overrides(text: str | None) -> dict[str, str]:
    """"title=과제명,region=시군" -> {"title": "과제명", "region": "시군"}."""
    if not text:
        return {}
    out = {}
    for part in text.split(","):
        field, sep, column = part.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise InputError(f"--columns wants field=column pairs separated by commas, got {part!r}")
        out[field.strip()] = column.strip()
    return out


def read_entries(path: Path, encoding: str | None = None, columns: str | None = None) -> Entries:
    """Read an input file and find its title/region/description/id columns."""
    frame, used = read_table(path, encoding)
    frame.columns = [str(c) for c in frame.columns]
    return Entries(frame, used, resolve_columns(list(frame.columns), parse_column_overrides(columns)))


def default_output(path: Path) -> Path:
    """`entries.csv` -> `entries.scored.csv`, beside the input."""
    path = Path(path)
    return path.with_name(f"{path.stem}.scored{path.suffix.lower()}")


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write atomically in the format the suffix names."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        atomic_write(path, lambda tmp: frame.to_csv(tmp, index=False, encoding=CSV_ENCODING, lineterminator="\r\n"))
    elif suffix == ".xlsx":
        atomic_write(path, lambda tmp: frame.to_excel(tmp, index=False, engine="openpyxl"))
    elif suffix == ".jsonl":
        atomic_write(
            path,
            lambda tmp: tmp.write_text(
                "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in frame.to_dict(orient="records")),
                encoding="utf-8",
            ),
        )
    else:
        raise InputError(f"unknown output format {suffix or '(none)'}: use one of {', '.join(config.INPUT_FORMATS)}")


def row_error(title: str, description: str) -> str:
    """Why a row cannot be scored, or "" if it can."""
    text = f"{title} {description}"
    if not text.strip():
        return "empty: no title and no description"
    if len(text) > config.MAX_TEXT_CHARS:
        return f"too long: {len(text):,} characters (limit {config.MAX_TEXT_CHARS:,})"
    if text.count("\ufffd") > 0.1 * len(text.strip()):
        return "undecodable: the text is mostly replacement characters (wrong encoding?)"
    if not has_hangul(text):
        return "no Korean text: the models read Korean titles and narratives"
    return ""


def canonical_inputs(frame: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """title/region/description/id as strings, from the columns the mapping names."""
    out = pd.DataFrame(index=frame.index)
    for field in ("id", "region", "title", "description"):
        column = mapping.get(field)
        values = frame[column] if column is not None else pd.Series("", index=frame.index)
        out[field] = values.fillna("").astype(str).str.strip()
    return out
