"""The offline self-assessment workbook: built from the form, read back row by row.

Layout (sheet «Tự đánh giá»): title rows, then a header row — Mã tiêu chí · Nội dung · Điểm tối đa · Cách chấm ·
Giá trị · Ghi chú · Phiên bản — and one row per node in form order. Only «Giá trị» and «Ghi chú» of the unit's
own leaves are unlocked; the sheet is protected (no password) so the structure stays as built. «Phiên bản»
(hidden) carries each entry's version so a row edited offline after someone saved the same item on the web
is reported instead of overwriting it. A hidden sheet «_phieu» names the unit and year.

Text from users is written as text cells (never formulas) and read back unchanged, so an untouched workbook
re-uploads to exactly the stored values.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from appraisal.core.cells import (
    DATE_MESSAGE,
    Cell,
    FileRejected,
    Limits,
    formula_message,
    formula_unread,
    read_cells,
    sheet_names,
)
from appraisal.core.exceptions import ServiceError
from appraisal.documents.safe import put_xlsx_text
from appraisal.registry.models import Method

from .selectors import SURVEY_TEXT, FormData

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "Tự đánh giá"
META = "_phieu"
HEADERS = ["Mã tiêu chí", "Nội dung", "Điểm tối đa", "Cách chấm", "Giá trị", "Ghi chú", "Phiên bản"]
COLUMN_WIDTHS = [12, 70, 12, 34, 22, 44, 10]
HEADER_ROW = 4
MAX_ROWS = 5000


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes


class WorkbookError(ServiceError):
    """The upload is not a readable self-assessment workbook at all."""


@dataclass
class SheetRow:
    number: int  # Excel row number, as the person sees it
    code: str
    value: str
    note: str
    version: int | None
    problems: list[str] = field(default_factory=list)  # what is wrong with the row's own cells


@dataclass
class Sheet:
    unit_code: str = ""
    year: int | None = None
    rows: list[SheetRow] = field(default_factory=list)
    # The versions recorded at download in the hidden sheet: the fallback when the «Phiên bản» column is gone.
    versions: dict[str, int] = field(default_factory=dict)
    has_version_column: bool = False


# A text cell that no spreadsheet reads as a formula ('=HYPERLINK(…)' stays text).
_put_text = put_xlsx_text


def build_workbook(form: FormData) -> ExportFile:
    assessment = form.assessment
    unit, period = assessment.unit, assessment.period
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    bold = Font(bold=True)
    ws["A1"] = f"PHIẾU TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CCHC NĂM {period.year}"
    ws["A1"].font = Font(bold=True, size=13)
    _put_text(ws["A2"], unit.name)
    ws["A2"].font = bold
    ws["A3"] = (
        "Chỉ nhập cột «Giá trị» (Có/Không, tên mức, 85% hoặc 17/20, số điểm, số lần) và «Ghi chú»; "
        "không đổi mã tiêu chí, không thêm hay xóa dòng. Lưu tệp rồi tải lên lại ở trang Tự đánh giá."
    )
    ws["A3"].alignment = Alignment(wrap_text=False)
    for column, header in enumerate(HEADERS, start=1):
        cell = ws.cell(row=HEADER_ROW, column=column, value=header)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDE7F3")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for column, width in enumerate(COLUMN_WIDTHS, start=1):
        ws.column_dimensions[chr(64 + column)].width = width
    ws.column_dimensions["G"].hidden = True
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)

    input_fill = PatternFill("solid", fgColor="FFF8DC")
    validations: dict[str, DataValidation] = {}
    row_number = HEADER_ROW
    for block in form.blocks:
        for row in block.rows:
            item = row.item
            if item is not None and item.entry is None:
                continue  # a leaf that does not apply to the unit
            row_number += 1
            node = row.node
            _put_text(ws.cell(row=row_number, column=1), node.code)
            _put_text(ws.cell(row=row_number, column=2), node.title)
            max_cell = ws.cell(row=row_number, column=3, value=Decimal(node.max_points))
            max_cell.number_format = "0.00"
            title_cell = ws.cell(row=row_number, column=2)
            title_cell.alignment = Alignment(wrap_text=True, vertical="top")
            if item is None:
                for column in range(1, 4):
                    ws.cell(row=row_number, column=column).font = bold
                continue
            entry = item.entry
            assert entry is not None
            if item.is_survey:
                _put_text(ws.cell(row=row_number, column=4), SURVEY_TEXT)
                continue
            hint = item.input_hint
            if node.method == Method.PENALTY:
                hint = f"Điểm trừ. {hint}"
            elif node.method == Method.BONUS:
                hint = f"Điểm thưởng. {hint}"
            _put_text(ws.cell(row=row_number, column=4), hint)
            ws.cell(row=row_number, column=4).alignment = Alignment(wrap_text=True, vertical="top")
            value_cell = ws.cell(row=row_number, column=5)
            _put_text(value_cell, entry.self_value)
            value_cell.number_format = "@"  # typed 1/2 stays text, not a date
            note_cell = ws.cell(row=row_number, column=6)
            _put_text(note_cell, entry.self_note)
            note_cell.number_format = "@"
            note_cell.alignment = Alignment(wrap_text=True, vertical="top")
            for cell in (value_cell, note_cell):
                cell.protection = Protection(locked=False)
                cell.fill = input_fill
            ws.cell(row=row_number, column=7, value=entry.version)
            choices = item.rule.choices if item.rule is not None else ()
            if choices and not any("," in c or '"' in c for c in choices):
                formula = '"' + ",".join(choices) + '"'
                if len(formula) <= 255:
                    validation = validations.get(formula)
                    if validation is None:
                        validation = DataValidation(
                            type="list",
                            formula1=formula,
                            allow_blank=True,
                            showErrorMessage=True,
                            errorTitle="Giá trị không hợp lệ",
                            error="Hãy chọn một giá trị trong danh sách.",
                        )
                        validations[formula] = validation
                        ws.add_data_validation(validation)
                    validation.add(value_cell)
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False

    meta = wb.create_sheet(META)
    _put_text(meta["A1"], "unit")
    _put_text(meta["B1"], unit.code)
    _put_text(meta["A2"], "year")
    meta["B2"] = period.year
    meta_row = 3
    for block in form.blocks:
        for row in block.rows:
            if row.item is not None and row.item.entry is not None and not row.item.is_survey:
                _put_text(meta.cell(row=meta_row, column=1), "item")
                _put_text(meta.cell(row=meta_row, column=2), row.node.code)
                meta.cell(row=meta_row, column=3, value=row.item.entry.version)
                meta_row += 1
    meta.sheet_state = "hidden"

    buffer = io.BytesIO()
    wb.save(buffer)
    return ExportFile(
        filename=f"tu-danh-gia-{period.year}-{unit.code}.xlsx", content_type=XLSX, content=buffer.getvalue()
    )


LIMITS = Limits(max_rows=HEADER_ROW + MAX_ROWS + 50, max_columns=60)


def _code_text(cell: Cell) -> str:
    return cell.text.strip()


def read_workbook(content: bytes) -> Sheet:
    """Parse an uploaded workbook into rows; raise WorkbookError if it is not the self-assessment form.

    Read through the shared cell reader (:mod:`appraisal.core.cells`): streaming, size-limited, percent cells
    as percentages, dates and formulas refused with the reason (a row problem, never an empty cell).
    """
    name = "phiếu tự đánh giá"
    if not content:
        raise WorkbookError("Tệp tải lên rỗng: hãy chọn tệp Excel (.xlsx) đã tải về từ trang Tự đánh giá.")
    if not content.startswith(b"PK"):
        raise WorkbookError(
            "Không đọc được tệp: hãy tải lên đúng tệp Excel (.xlsx) đã tải về từ trang Tự đánh giá."
        )
    try:
        names = sheet_names(name, content, limits=LIMITS)
        if SHEET not in names:
            raise WorkbookError(
                f"Tệp không có trang tính «{SHEET}»: hãy dùng tệp tải về từ trang Tự đánh giá."
            )
        rows = read_cells(name, content, sheet_name=SHEET, limits=LIMITS)
        meta_rows = read_cells(name, content, sheet_name=META, limits=LIMITS) if META in names else []
    except FileRejected as rejected:
        raise WorkbookError(rejected.problem.message)
    sheet = Sheet()
    for _, cells in meta_rows:
        texts = [c.text.strip() for c in cells] + ["", "", ""]
        if texts[0] == "unit":
            sheet.unit_code = texts[1]
        elif texts[0] == "year" and texts[1].isdigit():
            sheet.year = int(texts[1])
        elif texts[0] == "item" and texts[1] and texts[2].isdigit():
            sheet.versions[texts[1]] = int(texts[2])

    header_index = None
    for i, (_, cells) in enumerate(rows[:10]):
        if cells and cells[0].text.strip() == HEADERS[0]:
            header_index = i
            break
    if header_index is None:
        raise WorkbookError(
            "Không tìm thấy dòng tiêu đề «Mã tiêu chí»: hãy dùng tệp tải về từ trang Tự đánh giá."
        )
    header_row, header_cells = rows[header_index]
    columns = {c.text.strip(): i for i, c in enumerate(header_cells) if c.text.strip()}
    for needed in ("Mã tiêu chí", "Giá trị", "Ghi chú"):
        if needed not in columns:
            raise WorkbookError(f"Thiếu cột «{needed}» ở dòng tiêu đề (dòng {header_row}).")
    if len(rows) - header_index - 1 > MAX_ROWS:
        raise WorkbookError(f"Tệp có quá nhiều dòng (trên {MAX_ROWS}).")
    code_col, value_col, note_col = columns["Mã tiêu chí"], columns["Giá trị"], columns["Ghi chú"]
    version_col = columns.get("Phiên bản")
    sheet.has_version_column = version_col is not None
    empty = Cell("")
    for r, cells in rows[header_index + 1 :]:

        def at(col: int | None, cells: list[Cell] = cells) -> Cell:
            return cells[col] if col is not None and col < len(cells) else empty

        code = _code_text(at(code_col))
        value_cell, note_cell = at(value_col), at(note_col)
        problems = [
            formula_message(label, cell.formula)
            for label, cell in (("Giá trị", value_cell), ("Ghi chú", note_cell))
            if formula_unread(cell)
        ]
        value, note = value_cell.text.strip(), note_cell.text
        if value_cell.is_date and not value_cell.formula:
            value = ""
            problems.insert(0, f"{DATE_MESSAGE} (ví dụ 85% hoặc 17/20).")
        version_text = at(version_col).text
        version = int(version_text) if version_text.isdigit() else None
        if not code and not value and not note.strip() and not problems:
            continue
        sheet.rows.append(
            SheetRow(number=r, code=code, value=value, note=note, version=version, problems=problems)
        )
    return sheet
