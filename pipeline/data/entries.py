"""Reading reviewers' spreadsheets of contest entries and writing scored copies of them.

Inputs: CSV in UTF-8 (with or without BOM) or CP949/EUC-KR, .xlsx, or .jsonl. Every cell is read
as text, every row is kept. Outputs are written atomically: CSV as UTF-8 with BOM (so that Excel
shows Korean), .xlsx, or .jsonl.
"""

from __future__ import annotations

import difflib
import itertools
import json
import os
import re
import stat
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from charset_normalizer import from_bytes

from pipeline import config
from pipeline.data.normalise import has_hangul
from pipeline.errors import UserError
from pipeline.io import CSV_ENCODING, atomic_path

# A cell starting with one of these is a formula to a spreadsheet program (OWASP, CSV injection).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_STARTS = frozenset(FORMULA_PREFIXES)
# Control characters no spreadsheet shows and .xlsx cannot hold (tab, line feed, CR are kept).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class InputError(UserError, ValueError):
    """The input file cannot be read as a table of entries; the message says why."""


@dataclass(frozen=True)
class RowProblem:
    """Why a row cannot be scored: a stable code for programs, a Korean sentence for reviewers."""

    code: str
    text: str


@dataclass
class Entries:
    """The entries as read, the encoding used, and which input column feeds which field."""

    frame: pd.DataFrame
    encoding: str
    mapping: dict[str, str]
    problems: dict[int, RowProblem] = field(default_factory=dict)  # rows not read whole: not scored
    # What a reviewer should know about how the file was read (in Korean): a column that looks
    # like the description but was not recognised as one.
    warnings: list[str] = field(default_factory=list)
    sheet: str | None = None  # the workbook sheet read, for an .xlsx input


@dataclass(frozen=True)
class Limits:
    """How much a file may hold before it is parsed (config.MAX_INPUT_ROWS / MAX_INPUT_MB)."""

    rows: int = config.MAX_INPUT_ROWS
    megabytes: float = config.MAX_INPUT_MB

    def check_size(self, path: Path, size: int, what: str = "size") -> None:
        if size > self.megabytes * 2**20:
            raise InputError(
                f"{path.name}: {what} {size / 2**20:,.0f} MB, more than the limit of {self.megabytes:,} MB; "
                "split the file, or raise the limit with --max-mb if you trust it"
            )

    def check_rows(self, path: Path, rows: int) -> None:
        if rows > self.rows:
            raise InputError(
                f"{path.name}: more than the limit of {self.rows:,} rows; "
                "split the file, or raise the limit with --max-rows if you trust it"
            )


@dataclass
class Table:
    """A file read as strings: the frame, how it was read (encoding, or the sheet of a workbook),
    and the rows that could not be read whole (position -> reason), which stay in the frame."""

    frame: pd.DataFrame
    encoding: str
    problems: dict[int, RowProblem] = field(default_factory=dict)
    sheet: str | None = None


# A stray byte decodes (surrogateescape) to a lone surrogate, which the CSV parser cannot take;
# it is swapped for U+FDD0, a noncharacter Unicode reserves for a program's internal use, that
# marks the row until _undecodable_rows turns it into U+FFFD.
_SURROGATE = re.compile(r"[\udc80-\udcff]")
_UNDECODED = re.compile("\ufdd0")


def _check_format(suffix: str, what: str = "unknown format") -> None:
    if suffix.lower() not in config.INPUT_FORMATS:
        raise InputError(f"{what} {suffix or '(none)'}: use one of {', '.join(config.INPUT_FORMATS)}")


def detect_encoding(data: bytes) -> str:
    """The encoding that reads the file: BOM, else UTF-8 or CP949 if either reads every byte, else
    charset_normalizer's best guess (UTF-8 if it has none), whose stray bytes then mark their rows."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    for encoding in ("utf-8", "cp949"):  # cp949 reads every EUC-KR file too
        try:
            data.decode(encoding)
            return encoding
        except UnicodeDecodeError:
            pass
    best = from_bytes(data, cp_isolation=["cp949", "euc_kr", "utf_8"]).best()
    if best is None:
        return "utf-8"
    return "cp949" if best.encoding in ("euc_kr", "cp949") else best.encoding


def _undecodable_rows(frame: pd.DataFrame, encoding: str) -> tuple[pd.DataFrame, dict[int, RowProblem]]:
    """Rows holding bytes `encoding` cannot read: those cells get U+FFFD for each stray byte (so
    the output can be written), and the row is reported, not scored."""
    problems: dict[int, RowProblem] = {}
    for column in frame.columns:
        values = frame[column]
        bad = values.str.contains(_UNDECODED, regex=True)
        for position in np.flatnonzero(bad.to_numpy()):
            problems.setdefault(
                int(position),
                RowProblem("bad_bytes", f"{column!s} 열에 {encoding}(으)로 읽을 수 없는 바이트가 있음 (다른 인코딩으로 저장된 행?)"),
            )
        if bad.any():
            frame[column] = values.str.replace(_UNDECODED, "\ufffd", regex=True)
    return frame, problems


def _read_csv(path: Path, encoding: str | None, limits: Limits) -> Table:
    limits.check_size(path, path.stat().st_size)
    data = path.read_bytes()
    # A line ends in LF, CRLF or (old Mac exports) CR alone: count CRs that no LF follows too.
    limits.check_rows(path, data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n"))
    encoding = encoding or detect_encoding(data)
    try:
        # surrogateescape keeps a stray byte as a marker instead of failing the file: a bad row
        # then costs that row only (see _undecodable_rows).
        text = data.decode(encoding, errors="surrogateescape")
    except LookupError:
        raise InputError(f"--encoding {encoding}: no such encoding (try utf-8 or cp949)") from None
    text = _SURROGATE.sub("\ufdd0", text)
    if _UNDECODED.search(text.split("\n", 1)[0]):
        raise InputError(f"{path.name}, line 1: the header is not valid {encoding}; give the encoding with --encoding")

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
    frame, problems = _undecodable_rows(frame, encoding)
    if len(problems) > len(frame) / 2:
        # Mostly unreadable is a wrong encoding, not a few pasted rows.
        raise InputError(
            f"{path.name} is not valid {encoding}: {len(problems)} of {len(frame)} rows have bytes it cannot read "
            f"(first: row {min(problems) + 1}); give the encoding with --encoding (e.g. cp949)"
        )
    return Table(frame, encoding, problems)


def _composed(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell and header in Unicode NFC. macOS writes Hangul decomposed (NFD: 한 as
    ᄒ+ᅡ+ᆫ), which no Hangul test, lexicon or model recognises; composed, it reads as typed. The
    table written out holds the composed text, so evidence offsets point into what is written."""
    def compose(value: object) -> object:
        return unicodedata.normalize("NFC", value) if isinstance(value, str) else value

    frame = frame.map(compose)
    frame.columns = [compose(c) for c in frame.columns]
    return frame


def _unneutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo `spreadsheet_safe`'s apostrophe, so that a scored file read back (a reviewed file) holds
    the text as it was: "'- 센터를 운영함" is "- 센터를 운영함" again."""
    def strip(value: object) -> object:
        return value[1:] if isinstance(value, str) and value[:1] == "'" and value[1:2] in _FORMULA_STARTS else value

    frame = frame.map(strip)
    frame.columns = [strip(c) for c in frame.columns]
    return frame


def _xlsx_sheets(path: Path, limits: Limits) -> tuple[dict[str, list[list[str]]], set[str]]:
    """(sheet name -> its first rows (config.HEADER_SCAN_ROWS, where the header is looked for),
    the hidden sheets), after checking the workbook's size and rows without parsing it."""
    try:
        with zipfile.ZipFile(path) as archive:
            # Every member counts, wherever it is stored: a sheet need not sit in xl/worksheets/.
            inflated = sum(i.file_size for i in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise InputError(f"{path.name} is not a readable .xlsx workbook: {error}") from None
    limits.check_size(path, inflated, "uncompressed contents")
    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise InputError(f"{path.name} is not a readable .xlsx workbook: {error}") from None
    try:
        headers, hidden = {}, set()
        for sheet in book.worksheets:
            # Rows are counted by streaming, stopping one past the limit: the sheet's dimension
            # record is what the file claims, and a file can claim 2 rows and hold millions.
            sheet.reset_dimensions()
            rows = sum(1 for _ in itertools.islice(sheet.iter_rows(values_only=True), limits.rows + 1))
            limits.check_rows(path, rows)
            if sheet.sheet_state != "visible":
                hidden.add(sheet.title)
            top = sheet.iter_rows(max_row=config.HEADER_SCAN_ROWS, values_only=True)
            headers[sheet.title] = [[str(v) for v in row if v is not None] for row in top]
        return headers, hidden
    finally:
        book.close()


def _header_row(rows: list[list[str]], overrides: dict[str, str], header_row: int | None, misses: list[InputError]) -> int | None:
    """The index of the first of `rows` that names a title column (the row given, when given).
    Rows where a `--columns` name has near misses add that error to `misses`."""
    candidates = [header_row - 1] if header_row else range(len(rows))
    for index in candidates:
        if index < len(rows):
            try:
                resolve_columns(rows[index], overrides)
                return index
            except InputError as error:
                if "nearest headers" in str(error):
                    misses.append(error)
    return None


def _pick_sheet(
    path: Path, found: tuple[dict[str, list[list[str]]], set[str]], sheet: str | None, overrides: dict[str, str],
    header_row: int | None = None,
) -> tuple[str, int]:
    """(sheet, index of its header row): the sheet named, else the first visible one with a title
    column in one of its first rows (a title row such as "2026년 접수 목록" may stand above the
    header). A hidden sheet (often an old copy or a lookup table) is read only when named."""
    sheets, hidden = found
    if sheet is not None and sheet not in sheets:
        raise InputError(f"{path.name} has no sheet {sheet!r}; its sheets are {list(sheets)}")
    misses: list[InputError] = []
    for name in [sheet] if sheet is not None else [n for n in sheets if n not in hidden]:
        row = _header_row(sheets[name], overrides, header_row, misses)
        if row is not None:
            return name, row
    if misses:  # a --columns name that is nearly a header: say which, not "give --columns"
        raise misses[0]
    if sheet is not None:
        first = sheets[sheet][(header_row or 1) - 1] if len(sheets[sheet]) >= (header_row or 1) else []
        resolve_columns(first, overrides)  # raises, naming the title column it misses
    where = f"row {header_row}" if header_row else f"its first {config.HEADER_SCAN_ROWS} rows"
    raise InputError(
        f"{path.name}: no sheet has a title column in {where} ("
        + "; ".join(f"{name!r}: {rows[0][:8] if rows else []}" for name, rows in sheets.items())
        + f"); name one of {', '.join(config.INPUT_ALIASES['title'])}, or choose with --sheet, --header-row and --columns"
    )


def read_table(
    path: Path,
    encoding: str | None = None,
    sheet: str | None = None,
    overrides: dict[str, str] | None = None,
    limits: Limits | None = None,
    header_row: int | None = None,
) -> Table:
    """The file as a Table of strings. For .xlsx, the sheet named, else the first with a title
    column (by the aliases or `overrides`) in one of its first rows, or in `header_row` (1 = the
    first row); rows above the header are skipped. Size and rows are checked before parsing."""
    path, limits = Path(path), limits or Limits()
    if not path.exists():
        raise InputError(f"{path} does not exist")
    if path.is_dir():
        raise InputError(f"{path} is a folder; give a file")
    if not stat.S_ISREG(path.stat().st_mode):
        # A device (a link to /dev/zero), a pipe or a socket has no size to check and no end.
        raise InputError(f"{path} is not a regular file (a device, pipe or socket); give a file")
    suffix = path.suffix.lower()
    _check_format(suffix)
    if suffix == ".csv":
        table = _read_csv(path, encoding, limits)
        table.frame = _composed(_unneutralise(table.frame))
        return table
    if suffix == ".xlsx":
        chosen, header = _pick_sheet(path, _xlsx_sheets(path, limits), sheet, overrides or {}, header_row)
        try:
            frame = pd.read_excel(path, sheet_name=chosen, header=header, dtype=str, keep_default_na=False, engine="openpyxl")
        except Exception as error:  # openpyxl raises many types for a damaged workbook
            raise InputError(f"{path.name} is not a readable .xlsx workbook: {error}") from None
        where = f"xlsx, sheet {chosen!r}" + (f", header in row {header + 1}" if header else "")
        return Table(_composed(_unneutralise(frame)), where, sheet=chosen)
    # .jsonl
    limits.check_size(path, path.stat().st_size)
    rows = []
    # utf-8-sig reads a file with or without a byte-order mark. JSON Lines are separated by "\n"
    # alone: U+2028, U+2029 and NEL are valid inside a JSON string, and str.splitlines() would
    # split a record at them.
    text = path.read_text(encoding=encoding or "utf-8-sig")
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    limits.check_rows(path, len(lines))
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"{path.name} line {number} is not JSON: {error}") from None
        if not isinstance(row, dict):
            raise InputError(f"{path.name} line {number} is not a JSON object")
        rows.append({k: "" if v is None else str(v) for k, v in row.items()})
    return Table(_composed(pd.DataFrame(rows, dtype=str)), encoding or "utf-8")


# Characters a header may carry that do not change what it names: "주요 내용", "시·군·구",
# "[사업명]", "(연번)".
_HEADER_NOISE = re.compile(r"[\s()\[\]{}（）【】「」『』<>〈〉《》·ㆍ・.,:;_\-*※]")


def _key(name: str) -> str:
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", str(name))).lower()


def _closest(column: str, columns: list[str]) -> list[str]:
    """The file's headers nearest to a name that matched none (by their keys)."""
    keys = {_key(c): c for c in columns}
    return [keys[k] for k in difflib.get_close_matches(_key(column), list(keys), n=3, cutoff=0.4)]


def resolve_columns(columns: list[str], overrides: dict[str, str] | None = None) -> dict[str, str]:
    """field -> input column, from --columns overrides first, then the known aliases."""
    mapping: dict[str, str] = {}
    for field, column in (overrides or {}).items():
        if field not in config.INPUT_ALIASES:
            raise InputError(f"--columns: unknown field {field!r}; fields are {list(config.INPUT_ALIASES)}")
        if column not in columns:
            same = [c for c in columns if _key(c) == _key(column)]
            if len(same) != 1:
                near = _closest(column, columns)
                hint = f"; the nearest headers are {near}" if near else ""
                raise InputError(f"--columns: no column {column!r} in the file{hint}; its headers are {columns}")
            column = same[0]
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


def read_entries(
    path: Path,
    encoding: str | None = None,
    columns: str | None = None,
    sheet: str | None = None,
    limits: Limits | None = None,
    header_row: int | None = None,
) -> Entries:
    """Read an input file and find its title/region/description/id columns."""
    overrides = parse_column_overrides(columns)
    table = read_table(path, encoding, sheet, overrides, limits, header_row)
    frame = table.frame
    frame.columns = [str(c) for c in frame.columns]
    mapping = resolve_columns(list(frame.columns), overrides)
    return Entries(frame, table.encoding, mapping, table.problems, description_warnings(frame, mapping), table.sheet)


def description_warnings(frame: pd.DataFrame, mapping: dict[str, str]) -> list[str]:
    """When no description column was found, the unmapped columns whose cells read as prose
    (Korean, config.PROSE_CHARS characters on average): every row would be judged from its title
    alone, so the reviewer is told which `--columns` to give."""
    if "description" in mapping:
        return []
    out = []
    for column in frame.columns:
        if column in mapping.values():
            continue
        cells = frame[column].astype(str)
        korean = cells[cells.map(has_hangul)]
        if len(korean) and korean.str.len().mean() >= config.PROSE_CHARS:
            out.append(
                f"사업 내용 열을 찾지 못해 모든 행을 제목만으로 판단합니다. '{column}' 열이 사업 내용이라면 "
                f"--columns description={column} 을(를) 주십시오"
            )
    return out


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


def spreadsheet_safe(frame: pd.DataFrame, quote: bool = True) -> tuple[pd.DataFrame, list[CellChange]]:
    """A copy whose text cells a spreadsheet program shows as text: control characters removed, and
    (with `quote`, for CSV, which has no cell types) a cell starting with = + - @ tab or CR
    prefixed with an apostrophe (OWASP); an .xlsx writer marks such cells as text instead. Returns
    the copy and the cells whose control characters were removed."""
    out, changes = frame.copy(), []
    # Header cells come from the input too.
    if quote:
        out.columns = ["'" + c if isinstance(c, str) and c.startswith(FORMULA_PREFIXES) else c for c in out.columns]
    else:
        out.columns = [_CONTROL.sub("", c) if isinstance(c, str) else c for c in out.columns]
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
                if quote and value.startswith(FORMULA_PREFIXES):
                    value = "'" + value
            cleaned.append(value)
        out[column] = pd.Series(cleaned, index=out.index, dtype=object)
    return out, changes


def check_xlsx_cells(frame: pd.DataFrame) -> None:
    """Refuse a table with a cell longer than Excel holds, or more columns than a sheet holds:
    .xlsx would cut it silently, or Excel refuse the file."""
    if len(frame.columns) > config.XLSX_MAX_COLUMNS:
        raise InputError(
            f"{len(frame.columns):,} columns: an .xlsx sheet holds {config.XLSX_MAX_COLUMNS:,}; write .csv instead"
        )
    for column in frame.columns:
        lengths = frame[column].map(lambda v: len(v) if isinstance(v, str) else 0)
        if len(lengths) and lengths.max() > config.XLSX_MAX_CELL_CHARS:
            row = int(lengths.to_numpy().argmax()) + 1
            raise InputError(
                f"row {row}, column {column!r} has {int(lengths.max()):,} characters; .xlsx holds "
                f"{config.XLSX_MAX_CELL_CHARS:,} per cell: write .csv (which keeps it whole) instead"
            )


def xlsx_value(value: object) -> object:
    """A value as openpyxl stores it: NumPy scalars as Python ones, missing as an empty cell."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    return value.item() if isinstance(value, np.generic) else value


def _json_value(value: object) -> object:
    """NumPy scalars as the Python values json writes."""
    return value.item() if isinstance(value, np.generic) else value


class TableWriter:
    """Writes a table in consecutive chunks, so that a long scored file never sits in memory whole:
    CSV as UTF-8 with BOM (one handle, so the BOM is written once), .xlsx through openpyxl's
    write-only mode, .jsonl a line per row. Text cells are made spreadsheet-safe in CSV and
    .xlsx (`spreadsheet_safe`); `write` returns the cells whose control characters were removed,
    numbered by their row in the whole table."""

    def __init__(self, path: Path, suffix: str) -> None:
        _check_format(suffix, "unknown output format")
        self.path, self.suffix, self.rows = Path(path), suffix, 0
        self._handle = None
        self._book = self._sheet = None
        if suffix == ".xlsx":
            self._book = openpyxl.Workbook(write_only=True)
            self._sheet = self._book.create_sheet()
        else:
            self._handle = self.path.open("w", encoding=CSV_ENCODING if suffix == ".csv" else "utf-8", newline="")

    def write(self, frame: pd.DataFrame) -> list[CellChange]:
        changes: list[CellChange] = []
        if self.suffix in (".csv", ".xlsx"):
            frame, changes = spreadsheet_safe(frame)
            changes = [CellChange(c.row + self.rows, c.column, c.change) for c in changes]
        if self.suffix == ".xlsx":
            check_xlsx_cells(frame)
            if self.rows == 0:
                self._sheet.append([xlsx_value(c) for c in frame.columns])
            for row in frame.itertuples(index=False, name=None):
                self._sheet.append([xlsx_value(v) for v in row])
        elif self.suffix == ".csv":
            frame.to_csv(self._handle, index=False, header=self.rows == 0, lineterminator="\r\n")
        else:
            duplicated = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
            if duplicated:
                raise InputError(f"{self.path.name}: columns {duplicated} appear twice; a JSON line cannot hold both")
            columns = [str(c) for c in frame.columns]
            for row in frame.itertuples(index=False, name=None):
                # Strict JSON: a missing number is null, never NaN.
                record = {c: None if isinstance(v, float) and v != v else _json_value(v) for c, v in zip(columns, row)}
                self._handle.write(json.dumps(record, ensure_ascii=False, allow_nan=False) + "\n")
        self.rows += len(frame)
        return changes

    def close(self) -> None:
        if self._book is not None:
            self._book.save(self.path)
            self._book = None
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def write_table(frame: pd.DataFrame, path: Path, suffix: str | None = None) -> list[CellChange]:
    """Write in the format `suffix` names (default: the path's), every text cell made
    spreadsheet-safe (`spreadsheet_safe`; .jsonl is written as it is), atomically unless `suffix`
    is given (the caller then writes to a temporary path of its own). Returns the cells whose
    control characters were removed."""
    path = Path(path)
    if suffix is None:
        with atomic_path(path) as tmp:
            return write_table(frame, tmp, path.suffix.lower())
    writer = TableWriter(path, suffix)
    try:
        return writer.write(frame)
    finally:
        writer.close()


def check_output_paths(source: Path, output: Path, report: Path | None = None) -> None:
    """Before any work: the outputs are files of a known format in writable folders, distinct from
    the input and from each other (compared after resolving links), so nothing is overwritten."""
    _check_format(Path(source).suffix)
    _check_format(output.suffix, f"-o {output}: unknown output format")
    if report is not None and Path(report).suffix.lower() not in (".html", ".htm"):
        raise InputError(f"--report {report}: the report is an HTML page; give a name ending in .html")
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
        if resolved.exists() and not resolved.is_file():
            # A pipe or device would be replaced by the finished file (or block the writer).
            raise InputError(f"{flag} {path} is not a regular file (a pipe or device); give a file name")
        folder = resolved.parent
        if not folder.is_dir() or not os.access(folder, os.W_OK):
            raise InputError(f"{flag} {path}: cannot write in {folder}; choose a folder you can write to")
        named[f"the file given to {flag}"] = resolved


def row_problem(title: str, description: str) -> RowProblem | None:
    """Why a row cannot be scored, or None if it can."""
    text = f"{title} {description}"
    if not text.strip():
        return RowProblem("empty", "비어 있음: 사업명도 사업 내용도 없음")
    if len(text) > config.MAX_TEXT_CHARS:
        return RowProblem("too_long", f"너무 김: {len(text):,}자 (한도 {config.MAX_TEXT_CHARS:,}자)")
    if text.count("\ufffd") > 0.1 * len(text.strip()):
        return RowProblem("undecodable", "읽을 수 없음: 글자 대부분이 깨져 있음 (인코딩이 다른 파일?)")
    if not has_hangul(text):
        return RowProblem("no_korean", "한글 없음: 모델은 한국어 사업명과 내용을 읽음")
    return None


def row_error(title: str, description: str) -> str:
    """Why a row cannot be scored (in Korean), or "" if it can."""
    problem = row_problem(title, description)
    return problem.text if problem else ""


def canonical_inputs(frame: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """title/region/description/id as strings, from the columns the mapping names."""
    out = pd.DataFrame(index=frame.index)
    for field in ("id", "region", "title", "description"):
        column = mapping.get(field)
        values = frame[column] if column is not None else pd.Series("", index=frame.index)
        out[field] = values.fillna("").astype(str).str.strip()
    return out
