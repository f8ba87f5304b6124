"""The one reader of spreadsheet cells for every import (SPEC §10): units, index sets, scores, survey, the
offline self-assessment workbook and last year's published results.

What a person typed is what the importers see, whatever Excel did to it:

- a cell Excel formats as percent (0.85 shown as «85 %») reads «85%»; whole-number floats lose their «.0»;
- text is NFC-normalised (a Vietnamese name typed with combining accents equals the stored one), non-breaking
  spaces become spaces and runs of blanks collapse;
- a cell Excel turned into a date («3/4» → 03/04/2026) is marked, so a numeric column refuses it with
  :data:`DATE_MESSAGE` instead of reading a date;
- a formula cell («=1+1», «=HYPERLINK(…)») is marked with its formula: one Excel saved a result for reads as
  that result (what the person saw in the cell); one without (a workbook written by a program) is refused by
  every column an import reads with :func:`formula_message` (a row problem) instead of being dropped unseen;
- numbers written with a decimal comma or point and thousands separators («1.234,5», «1,234.5», «1 234,5»)
  read with :func:`parse_number`;
- the header row is found by its labels below any title rows (official tables start with the issuer and the
  title), and a two-row header whose cells are merged vertically or horizontally reads as one.

Hostile files are refused with a message before they cost anything: the .xlsx archive's unpacked size is checked
from its directory before a byte is inflated, any XML part declaring a DTD (XXE, billion laughs) is refused, and
the sheet is read row by row (openpyxl's streaming parser, never the declared dimension) stopping at the first
row or column past the limits. Every parser error becomes :class:`FileRejected`, never a 500.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

import filetype

__all__ = [
    "DATE_MESSAGE",
    "Cell",
    "Column",
    "FileRejected",
    "Limits",
    "Problem",
    "Row",
    "empty_file_message",
    "formula_message",
    "formula_unread",
    "nfc",
    "number_text",
    "parse_number",
    "read_cells",
    "read_table",
]

DATE_MESSAGE = "Excel đã đổi ô này thành ngày tháng — hãy nhập lại dưới dạng văn bản"


# -- problems ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an imported file; ``row`` is None for the file as a whole."""

    row: int | None
    message: str

    def __str__(self) -> str:
        return f"Dòng {self.row}: {self.message}" if self.row is not None else self.message


class FileRejected(Exception):
    """The file cannot be read as a table (not a workbook, too big, hostile, empty, wrong header, or cells
    Excel changed). ``problems`` lists each reason; ``problem`` is the first."""

    def __init__(self, problem: Problem | Sequence[Problem]) -> None:
        problems = [problem] if isinstance(problem, Problem) else list(problem)
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
        self.problem = problems[0]


def empty_file_message(file_name: str) -> str:
    """What every import says of an empty file (0 bytes), on a page (``core.uploads.ImportFileField``) or from
    a command."""
    return f"Tệp «{file_name}» trống (0 byte). Hãy chọn đúng tệp cần nhập."


# -- limits ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """What an import reads at most. The unpacked size counts every part of the archive."""

    max_unpacked_bytes: int = 40 * 1024 * 1024
    max_parts: int = 2000
    max_rows: int = 20000
    max_columns: int = 100


DEFAULT_LIMITS = Limits()


# -- text and numbers --------------------------------------------------------------------------------------


def nfc(text: str) -> str:
    """NFC, non-breaking spaces as spaces, blanks collapsed, ends stripped."""
    return " ".join(unicodedata.normalize("NFC", text).replace("\u00a0", " ").split())


def _decimal_text(value: Decimal) -> str:
    if value.is_zero():
        return "0"
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


_GROUPED_COMMA = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")  # 1,234.5
_GROUPED_POINT = re.compile(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?")  # 1.234,5
_PLAIN = re.compile(r"[+-]?(\d+([.,]\d+)?|[.,]\d+)")


def number_text(text: str) -> str | None:
    """A number as typed, in plain form with a decimal point, or None when it is not a number.

    Accepts a decimal comma or point and thousands separators: '70,785' and '70.785' are 70.785 (one
    separator is a decimal separator, as Vietnamese and English users both write scores), '1.234,5' and
    '1,234.5' are 1234.5, spaces inside ('1 234,5') are dropped. A trailing '%' is kept: '88,5 %' → '88.5%'.
    """
    stripped = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    percent = stripped.endswith("%")
    if percent:
        stripped = stripped[:-1]
    if not stripped or len(stripped) > 40:
        return None
    if _GROUPED_COMMA.fullmatch(stripped) and (stripped.count(",") > 1 or "." in stripped):
        stripped = stripped.replace(",", "")
    elif _GROUPED_POINT.fullmatch(stripped) and (stripped.count(".") > 1 or "," in stripped):
        stripped = stripped.replace(".", "").replace(",", ".")
    elif _PLAIN.fullmatch(stripped):
        stripped = stripped.replace(",", ".")
    else:
        return None
    try:
        value = Decimal(stripped)
    except InvalidOperation:  # pragma: no cover - the patterns only let literals through
        return None
    return _decimal_text(value) + ("%" if percent else "")


def parse_number(text: str) -> Decimal | None:
    """:func:`number_text` as a Decimal (a percent sign is refused here: None)."""
    found = number_text(text)
    if found is None or found.endswith("%"):
        return None
    return Decimal(found)


# -- cells -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell as the person meant it: ``text`` ('85%' for a percent-formatted 0.85, '70.5', 'Có'), and
    ``is_date`` when Excel stored a date or time there (``text`` is then dd/mm/yyyy); ``formula`` ('=1+1') when
    the cell holds a formula (``text`` is then its cached value, often none)."""

    text: str
    is_date: bool = False
    formula: str = ""

    @property
    def is_blank(self) -> bool:
        return not self.text.strip() and not self.formula


def formula_message(label: str, formula: str) -> str:
    """What every import says of a formula without a saved result in a column it reads (the row is prefixed by
    the caller)."""
    shown = formula if len(formula) <= 80 else formula[:79] + "…"
    return (
        f"ô {label} là công thức «{shown}» chưa có kết quả: hãy nhập giá trị thay cho công thức "
        "(hoặc mở tệp bằng Excel và lưu lại để công thức có kết quả)."
    )


def formula_unread(cell: Cell) -> bool:
    """A formula whose result the file does not hold (a workbook written by a program, never opened in Excel):
    its value is unknown, so an import refuses the row rather than read it as empty. A formula Excel saved a
    result for is read as that result, which is what the person saw in the cell."""
    return bool(cell.formula) and not cell.text.strip()


EMPTY = Cell("")


def _number_cell(value: int | float | Decimal, number_format: str) -> str:
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if "%" in (number_format or ""):
        return _decimal_text((number * 100).normalize()) + "%"
    return _decimal_text(number.normalize())


def cell_of(value: object, number_format: str = "General") -> Cell:
    """One spreadsheet value (as openpyxl or the CSV reader gives it) as a :class:`Cell`."""
    if value is None:
        return EMPTY
    if isinstance(value, bool):
        return Cell("Có" if value else "Không")
    if isinstance(value, datetime | date):
        return Cell(value.strftime("%d/%m/%Y"), is_date=True)
    if isinstance(value, time):
        return Cell(value.strftime("%H:%M"), is_date=True)
    if isinstance(value, int | float | Decimal):
        try:
            return Cell(_number_cell(value, number_format))
        except (InvalidOperation, ValueError):
            return Cell(str(value))
    return Cell(unicodedata.normalize("NFC", str(value)).replace("\u00a0", " "))


# -- reading a workbook ------------------------------------------------------------------------------------

_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY", "<!DOCTYPE".encode("utf-16-le"), "<!ENTITY".encode("utf-16-le"))


def _not_a_workbook(file_name: str) -> FileRejected:
    return FileRejected(
        Problem(
            None,
            f"Tệp «{file_name}» không phải là bảng tính Excel (.xlsx) hợp lệ. "
            "Hãy lưu tệp dưới dạng Excel Workbook (.xlsx) hoặc CSV UTF-8 rồi tải lên lại.",
        )
    )


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def _check_archive(file_name: str, content: bytes, limits: Limits) -> None:
    """Refuse, from the zip directory alone, an archive that unpacks too big; then refuse any XML part that
    declares a DTD (external entities, entity expansion). Declared sizes are binding: zipfile stops reading
    an entry at its declared size and fails its CRC check if the data says otherwise."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _not_a_workbook(file_name)
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_parts:
            raise FileRejected(
                Problem(None, f"Tệp «{file_name}» có quá nhiều thành phần ({len(infos)}); không đọc.")
            )
        unpacked = sum(info.file_size for info in infos)
        if unpacked > limits.max_unpacked_bytes:
            raise FileRejected(
                Problem(
                    None,
                    f"Tệp «{file_name}» khi giải nén lớn {_mb(unpacked)}, vượt giới hạn "
                    f"{_mb(limits.max_unpacked_bytes)}; không đọc. Hãy xóa các trang tính, định dạng "
                    "hoặc dòng thừa rồi lưu lại.",
                )
            )
        try:
            for info in infos:
                if not info.filename.endswith((".xml", ".rels", ".vml")):
                    continue
                with archive.open(info) as part:
                    tail = b""
                    while chunk := part.read(1 << 20):
                        window = tail + chunk
                        if any(marker in window for marker in _DTD_MARKERS):
                            raise FileRejected(
                                Problem(
                                    None,
                                    f"Tệp «{file_name}» chứa khai báo DTD/thực thể XML (phần "
                                    f"{info.filename}), điều mà Excel không bao giờ ghi; tệp bị từ chối. "
                                    "Hãy mở tệp trong Excel và lưu lại thành tệp mới.",
                                )
                            )
                        tail = window[-32:]
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):
            raise _not_a_workbook(file_name)


def _too_many_rows(file_name: str, limits: Limits) -> FileRejected:
    return FileRejected(
        Problem(
            None,
            f"Tệp «{file_name}» có quá nhiều dòng (trên {limits.max_rows:,}); không đọc. Hãy xóa các dòng "
            "thừa (kể cả dòng trống đã định dạng ở cuối trang tính).".replace(",", "."),
        )
    )


def _too_many_columns(file_name: str, limits: Limits, row: int) -> FileRejected:
    return FileRejected(
        Problem(
            None,
            f"Tệp «{file_name}» có ô ở cột thứ {limits.max_columns + 1} trở đi (dòng {row}); bảng nhập chỉ "
            f"đọc tối đa {limits.max_columns} cột. Hãy xóa các cột thừa.",
        )
    )


def _sheet_rows(
    file_name: str, workbook: Any, sheet: Any, limits: Limits
) -> Iterator[tuple[int, list[Cell]]]:
    """Stream one read-only sheet through openpyxl's parser, ignoring its declared dimension. Values are the
    cached ones (data_only), and a formula cell also carries its formula, so no import drops it unseen."""
    from openpyxl.cell.read_only import ReadOnlyCell
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        def parse_cell(self, element: Any) -> dict[str, Any]:
            item = super().parse_cell(element)
            if element.find(FORMULA_TAG) is not None:
                formula = self.parse_formula(element)  # also keeps shared formulas for the cells that follow
                item["formula"] = (
                    formula if isinstance(formula, str) else getattr(formula, "text", None) or "="
                )
            return item

    with sheet._get_source() as source:
        parser = Parser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, raw in parser.parse():
            if number > limits.max_rows:
                raise _too_many_rows(file_name, limits)
            cells: list[Cell] = []
            for item in raw:
                column = item["column"]
                formula = item.pop("formula", "")
                if column > limits.max_columns:
                    if item["value"] is None and not formula:
                        continue  # a formatted empty cell far away costs nothing
                    raise _too_many_columns(file_name, limits, number)
                if item["value"] is None and not formula:
                    continue
                if column > len(cells):
                    cells.extend([EMPTY] * (column - len(cells)))
                number_format = "General"
                if item["style_id"]:
                    number_format = ReadOnlyCell(sheet, **item).number_format
                cell = cell_of(item["value"], number_format)
                cells[column - 1] = Cell(cell.text, cell.is_date, formula) if formula else cell
            yield number, cells


def read_cells(
    file_name: str, content: bytes, *, sheet_name: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> list[tuple[int, list[Cell]]]:
    """Every row of the first sheet (or ``sheet_name``) of a .xlsx, or of a .csv, as ``(row number, cells)``.

    Row numbers are the spreadsheet's own (blank rows count). Raises :class:`FileRejected` on anything that
    is not a readable table within ``limits``.
    """
    if not content:
        raise FileRejected(Problem(None, empty_file_message(file_name)))
    lower = file_name.lower()
    if content.startswith(_XLSX_MAGIC):
        return _read_xlsx(file_name, content, sheet_name, limits)
    if (
        content.startswith(_OLE_MAGIC)
        or lower.endswith((".xlsx", ".xlsm", ".xls"))
        or not lower.endswith((".csv", ".txt"))
        or filetype.guess(content) is not None  # a PDF, an image… renamed to .csv
    ):
        raise _not_a_workbook(file_name)
    return _read_csv(file_name, content, limits)


def sheet_names(file_name: str, content: bytes, *, limits: Limits = DEFAULT_LIMITS) -> list[str]:
    """The sheet names of a .xlsx (after the same checks as :func:`read_cells`)."""
    workbook = _open_workbook(file_name, content, limits)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def _open_workbook(file_name: str, content: bytes, limits: Limits) -> Any:
    import openpyxl

    _check_archive(file_name, content, limits)
    try:
        return openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any parser failure on an uploaded file is the file's fault
        raise _not_a_workbook(file_name)


def _read_xlsx(
    file_name: str, content: bytes, sheet_name: str | None, limits: Limits
) -> list[tuple[int, list[Cell]]]:
    workbook = _open_workbook(file_name, content, limits)
    try:
        if not workbook.worksheets:
            return []
        if sheet_name is not None:
            if sheet_name not in workbook.sheetnames:
                raise FileRejected(Problem(None, f"Tệp «{file_name}» không có trang tính «{sheet_name}»."))
            sheet = workbook[sheet_name]
        else:
            sheet = workbook.worksheets[0]
        try:
            return list(_sheet_rows(file_name, workbook, sheet, limits))
        except FileRejected:
            raise
        except Exception:  # noqa: BLE001 - malformed XML, bad references, bad numbers: the file's fault
            raise FileRejected(
                Problem(
                    None,
                    f"Tệp «{file_name}» bị hỏng (nội dung trang tính không đọc được). Hãy mở tệp trong "
                    "Excel, lưu lại rồi tải lên lại.",
                )
            )
    finally:
        workbook.close()


def _read_csv(file_name: str, content: bytes, limits: Limits) -> list[tuple[int, list[Cell]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRejected(
            Problem(
                None,
                f"Tệp «{file_name}» không đọc được: tệp CSV phải lưu với mã hóa UTF-8 "
                "(trong Excel chọn «CSV UTF-8»), hoặc tải lên tệp Excel (.xlsx).",
            )
        )
    if "\x00" in text:
        raise FileRejected(
            Problem(None, f"Tệp «{file_name}» không phải là tệp CSV hoặc Excel (.xlsx) hợp lệ.")
        )
    first_line = text.split("\n", 1)[0]
    if first_line.lower().startswith("sep=") and len(first_line.strip()) == 5:
        delimiter = first_line.strip()[4]
        text = text.split("\n", 1)[1] if "\n" in text else ""
        offset = 1
    else:
        delimiter = max((";", ",", "\t"), key=first_line.count)
        if first_line.count(delimiter) == 0:
            delimiter = ","
        offset = 0
    csv.field_size_limit(1 << 20)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[Cell]]] = []
    try:
        for number, values in enumerate(reader, start=1 + offset):
            if number > limits.max_rows:
                raise _too_many_rows(file_name, limits)
            if len(values) > limits.max_columns and any(v.strip() for v in values[limits.max_columns :]):
                raise _too_many_columns(file_name, limits, number)
            rows.append((number, [cell_of(v) for v in values[: limits.max_columns]]))
    except csv.Error as error:
        raise FileRejected(Problem(None, f"Tệp «{file_name}» không đọc được như CSV: {error}."))
    return rows


# -- tables with a header ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of an import: ``key`` (the English name), ``label`` (the Vietnamese one, written in the
    templates), ``aliases`` (other labels official tables use). ``numeric`` columns refuse dates."""

    key: str
    label: str
    required: bool = False
    numeric: bool = False
    aliases: tuple[str, ...] = field(default=())

    @property
    def display(self) -> str:
        return f"{self.label} ({self.key})"


Row = tuple[int, dict[str, str]]

HEADER_SEARCH_ROWS = 30
_COLUMN_NUMBER = re.compile(r"\(?\s*(\d{1,3})\s*\)?")


def header_key(text: str) -> str:
    """Header cells match case-insensitively; Vietnamese labels must keep their diacritics."""
    return nfc(text).casefold()


def _column_index(columns: Sequence[Column]) -> dict[str, Column]:
    index: dict[str, Column] = {}
    for column in columns:
        for name in (column.key, column.label, *column.aliases):
            index[header_key(name)] = column
    return index


def _positions(header: Sequence[str], by_key: dict[str, Column], row: int) -> dict[str, int]:
    positions: dict[str, int] = {}
    for position, text in enumerate(header):
        column = by_key.get(header_key(text)) if text else None
        if column is None:
            continue
        if column.key in positions:
            raise FileRejected(Problem(row, f"cột {column.display} xuất hiện hai lần trong dòng tiêu đề."))
        positions[column.key] = position
    return positions


def _texts(cells: Sequence[Cell]) -> list[str]:
    return [nfc(c.text) for c in cells]


def _merged(upper: Sequence[str], lower: Sequence[str]) -> list[str]:
    """A two-row header: a cell merged down keeps its text in the upper row; split columns name themselves
    in the lower row."""
    width = max(len(upper), len(lower))
    out = []
    for i in range(width):
        below = lower[i] if i < len(lower) else ""
        above = upper[i] if i < len(upper) else ""
        out.append(below or above)
    return out


def _find_header(
    non_blank: Sequence[tuple[int, list[Cell]]], columns: Sequence[Column]
) -> tuple[int, dict[str, int], int]:
    """(header row number, key → position, index in ``non_blank`` of the first data row).

    The header is the first row (or pair of rows) within the first rows of the sheet that holds every
    required column; title rows above it are skipped. When none does, the first non-blank row is reported.
    """
    by_key = _column_index(columns)
    required = {c.key for c in columns if c.required}
    for i, (number, cells) in enumerate(non_blank[:HEADER_SEARCH_ROWS]):
        texts = _texts(cells)
        positions = _positions(texts, by_key, number)
        if required <= positions.keys():
            start = i + 1
            # A second header row (sub-headers under merged cells) may add optional columns.
            if start < len(non_blank) and non_blank[start][0] == number + 1:
                below = _texts(non_blank[start][1])
                merged = _merged(texts, below)
                extra = _positions(merged, by_key, number)
                if len(extra) > len(positions) and all(
                    not t or by_key.get(header_key(t)) is not None or not _is_value(t) for t in below
                ):
                    positions, start = extra, start + 1
            return number, positions, _skip_column_numbers(non_blank, start)
        if i + 1 < len(non_blank) and non_blank[i + 1][0] == number + 1:
            merged = _merged(texts, _texts(non_blank[i + 1][1]))
            positions = _positions(merged, by_key, number)
            if required <= positions.keys():
                return number, positions, _skip_column_numbers(non_blank, i + 2)
    first_row, first_cells = non_blank[0]
    positions = _positions(_texts(first_cells), by_key, first_row)
    missing = [c.display for c in columns if c.required and c.key not in positions]
    expected = ", ".join(c.label for c in columns if c.required)
    raise FileRejected(
        Problem(
            first_row,
            f"dòng tiêu đề thiếu cột {', '.join(missing)}. Dòng tiêu đề phải ghi tên các cột "
            f"(bắt buộc: {expected}); hãy dùng tệp mẫu.",
        )
    )


def _is_value(text: str) -> bool:
    return number_text(text) is not None


def _skip_column_numbers(non_blank: Sequence[tuple[int, list[Cell]]], start: int) -> int:
    """Official tables number their columns under the header ('(1)', '(2)'… or 'A', 'B'…): skip that row."""
    if start < len(non_blank):
        texts = [t for t in _texts(non_blank[start][1]) if t]
        found = [_COLUMN_NUMBER.fullmatch(t) for t in texts]
        numbers = [int(m.group(1)) for m in found if m is not None]
        if len(texts) >= 3 and len(numbers) == len(texts) and numbers == list(range(1, len(texts) + 1)):
            return start + 1
    return start


def read_table(
    file_name: str, content: bytes, columns: Sequence[Column], *, limits: Limits = DEFAULT_LIMITS
) -> list[Row]:
    """Read a .xlsx or .csv file into ``(row_number, {key: text})`` for every non-blank data row.

    Raises FileRejected with every reason when the file is not a readable table, lacks a required column, has
    no data rows, has dates (Excel's doing) in numeric columns or formulas without a saved result in any column
    it reads (:func:`formula_unread`). Extra columns are ignored, formulas in them too.
    """
    raw_rows = read_cells(file_name, content, limits=limits)
    non_blank = [(n, cells) for n, cells in raw_rows if not all(c.is_blank for c in cells)]
    if not non_blank:
        raise FileRejected(
            Problem(
                None, f"Tệp «{file_name}» không có nội dung: cần dòng tiêu đề và ít nhất một dòng dữ liệu."
            )
        )
    header_row, positions, first_data = _find_header(non_blank, columns)
    data = non_blank[first_data:]
    if not data:
        raise FileRejected(
            Problem(
                None, f"Tệp «{file_name}» chỉ có dòng tiêu đề (dòng {header_row}), không có dòng dữ liệu nào."
            )
        )
    numeric = {c.key: c for c in columns if c.numeric}
    labels = {c.key: c.label for c in columns}
    problems: list[Problem] = []
    rows: list[Row] = []
    for number, cells in data:
        values: dict[str, str] = {}
        for key, pos in positions.items():
            cell = cells[pos] if pos < len(cells) else EMPTY
            if formula_unread(cell):
                problems.append(Problem(number, formula_message(labels[key], cell.formula)))
            elif cell.is_date and key in numeric:
                problems.append(
                    Problem(number, f"cột {numeric[key].label}, ô «{cell.text}»: {DATE_MESSAGE}.")
                )
            text = nfc(cell.text)
            values[key] = (number_text(text) or text) if key in numeric else text
        rows.append((number, values))
    if problems:
        raise FileRejected(problems)
    return rows
