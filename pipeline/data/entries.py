"""Reading reviewers' spreadsheets of contest entries and writing scored copies of them.

Inputs: CSV in UTF-8 (with or without BOM) or CP949/EUC-KR, .xlsx, or .jsonl. Every cell is read
as text, every row is kept. Outputs are written atomically: CSV as UTF-8 with BOM (so that Excel
shows Korean), .xlsx, or .jsonl.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pandas as pd
from charset_normalizer import from_bytes

from pipeline import config
from pipeline.data.normalise import has_hangul
from pipeline.io import CSV_ENCODING, atomic_path

# A cell starting with one of these is a formula to a spreadsheet program (OWASP, CSV injection).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_STARTS = frozenset(FORMULA_PREFIXES)
# Control characters no spreadsheet shows and .xlsx cannot hold (tab, line feed, CR are kept).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
        with warnings.catch_warnings():
            # index_col=False: pandas would otherwise read a first data row with one field too many
            # (an unquoted comma) as an index column and shift every column left. It then warns
            # instead, and the warning is turned into an error: a row is never cut silently.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False, index_col=False)
    except pd.errors.ParserWarning:
        raise InputError(
            f"{path.name}, line 2: the first data row has more fields than the header (an unquoted comma?); "
            "quote that cell or fix the row"
        ) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        raise InputError(f"{path.name} is not a readable CSV table: {error}") from None
    return frame, encoding


def _unneutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo `spreadsheet_safe`'s apostrophe, so that a scored file read back (a reviewed file) holds
    the text as it was: "'- 센터를 운영함" is "- 센터를 운영함" again."""
    def strip(value: object) -> object:
        return value[1:] if isinstance(value, str) and value[:1] == "'" and value[1:2] in _FORMULA_STARTS else value

    frame = frame.map(strip)
    frame.columns = [strip(c) for c in frame.columns]
    return frame


def read_table(path: Path, encoding: str | None = None) -> tuple[pd.DataFrame, str]:
    """The file as a DataFrame of strings, and the encoding used ("xlsx"/"utf-8" for the others)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path} does not exist")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame, encoding = _read_csv(path, encoding)
        return _unneutralise(frame), encoding
    if suffix == ".xlsx":
        try:
            frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
        except Exception as error:  # openpyxl raises many types for a damaged workbook
            raise InputError(f"{path.name} is not a readable .xlsx workbook: {error}") from None
        return _unneutralise(frame), "xlsx"
    if suffix == ".jsonl":
        rows = []
        # utf-8-sig reads a file with or without a byte-order mark.
        for number, line in enumerate(path.read_text(encoding=encoding or "utf-8-sig").splitlines(), 1):
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


@dataclass(frozen=True)
class CellChange:
    """A cell changed on output so that no spreadsheet program executes or chokes on it."""

    row: int  # 1-based data row
    column: str
    change: str


def spreadsheet_safe(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[CellChange]]:
    """A copy whose text cells a spreadsheet program shows as text: control characters removed, and
    a cell starting with = + - @ tab or CR prefixed with an apostrophe (OWASP). Returns the copy and
    the cells whose control characters were removed."""
    out, changes = frame.copy(), []
    # Header cells come from the input too.
    out.columns = ["'" + c if isinstance(c, str) and c.startswith(FORMULA_PREFIXES) else c for c in out.columns]
    for column in out.columns:
        values = out[column]
        if not (values.dtype == object or pd.api.types.is_string_dtype(values)):
            continue
        cleaned = []
        for row, value in enumerate(values, start=1):
            if isinstance(value, str):
                if _CONTROL.search(value):
                    value = _CONTROL.sub("", value)
                    changes.append(CellChange(row, str(column), "control characters removed"))
                if value.startswith(FORMULA_PREFIXES):
                    value = "'" + value
            cleaned.append(value)
        out[column] = pd.Series(cleaned, index=out.index, dtype=object)
    return out, changes


def check_xlsx_cells(frame: pd.DataFrame) -> None:
    """Refuse a table with a cell longer than Excel holds: .xlsx would cut it silently."""
    for column in frame.columns:
        lengths = frame[column].map(lambda v: len(v) if isinstance(v, str) else 0)
        if len(lengths) and lengths.max() > config.XLSX_MAX_CELL_CHARS:
            row = int(lengths.to_numpy().argmax()) + 1
            raise InputError(
                f"row {row}, column {column!r} has {int(lengths.max()):,} characters; .xlsx holds "
                f"{config.XLSX_MAX_CELL_CHARS:,} per cell: write .csv (which keeps it whole) instead"
            )


def write_table(frame: pd.DataFrame, path: Path, suffix: str | None = None) -> list[CellChange]:
    """Write in the format `suffix` names (default: the path's), every text cell made
    spreadsheet-safe (`spreadsheet_safe`; .jsonl is written as it is), atomically unless `suffix`
    is given (the caller then writes to a temporary path of its own). Returns the cells whose
    control characters were removed."""
    path = Path(path)
    if suffix is None:
        with atomic_path(path) as tmp:
            return write_table(frame, tmp, path.suffix.lower())
    if suffix not in config.INPUT_FORMATS:
        raise InputError(f"unknown output format {suffix or '(none)'}: use one of {', '.join(config.INPUT_FORMATS)}")
    changes: list[CellChange] = []
    if suffix in (".csv", ".xlsx"):
        frame, changes = spreadsheet_safe(frame)
    if suffix == ".xlsx":
        check_xlsx_cells(frame)
        frame.to_excel(path, index=False, engine="openpyxl")
    elif suffix == ".csv":
        frame.to_csv(path, index=False, encoding=CSV_ENCODING, lineterminator="\r\n")
    else:
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in frame.to_dict(orient="records"))
        path.write_text(lines, encoding="utf-8")
    return changes


def check_output_paths(source: Path, output: Path, report: Path | None = None) -> None:
    """Before any work: the outputs are files of a known format in writable folders, distinct from
    the input and from each other (compared after resolving links), so nothing is overwritten."""
    if Path(source).suffix.lower() not in config.INPUT_FORMATS:
        raise InputError(f"unknown format {Path(source).suffix or '(none)'}: use one of {', '.join(config.INPUT_FORMATS)}")
    if output.suffix.lower() not in config.INPUT_FORMATS:
        raise InputError(f"-o {output}: unknown output format {output.suffix or '(none)'}; use one of {', '.join(config.INPUT_FORMATS)}")
    named = {"the input": Path(source).resolve()}
    for flag, path in (("-o", output), ("--report", report)):
        if path is None:
            continue
        resolved = Path(path).resolve()
        for what, other in named.items():
            if resolved == other:
                raise InputError(f"{flag} {path} is {what}: it would be overwritten; choose another file name")
        if resolved.is_dir():
            raise InputError(f"{flag} {path} is a folder; give a file name")
        folder = resolved.parent
        if not folder.is_dir() or not os.access(folder, os.W_OK):
            raise InputError(f"{flag} {path}: cannot write in {folder}; choose a folder you can write to")
        named[f"the file given to {flag}"] = resolved


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
