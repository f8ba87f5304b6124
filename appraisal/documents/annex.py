"""The annex workbook of the approval decision (Phụ lục I, II, … and the heads' ratings).

One sheet per group, in the given order, named 'Phụ lục I', 'Phụ lục II', …, then one sheet for the heads'
ratings. Each sheet: row 1 the 'DỰ THẢO' mark (empty once approved, so rows never move), rows 2–4 the
title block, row 5 empty, the table header (rows 6–7 for groups, row 6 for heads), the units, and a source
note naming the snapshot. Numbers are typed cells; the published index cell holds the rounded
``index_display`` so that what is printed is what a formula over the sheet sees. The layout is described
in docs/documents.md.

The workbook is written in openpyxl's write-only (streaming) mode: it keeps freeze panes, print titles,
merged cells, page setup and header/footer, and keeps memory flat for a national-scale group.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Iterator, Sequence
from copy import copy
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList

from appraisal.engine.rounding import plain

from .data import (
    XLSX_CONTENT_TYPE,
    AdjustmentCol,
    DecisionData,
    ExportFile,
    GroupTable,
    naive_utc,
    stable_zip,
)
from .safe import safe_text, xlsx_text_cell

__all__ = [
    "FONT_NAME",
    "GROUP_COLUMNS",
    "HEAD_COLUMNS",
    "POINTS_FORMAT",
    "annex_reference",
    "annex_title",
    "build_annex",
    "heads_title",
    "index_format",
    "rank_change_text",
    "roman",
]

FONT_NAME = "Times New Roman"
# Points keep the engine's 4 places: shown with at least 2 and at most 4 decimals (12.50, 12.3456), so a
# column never hides a digit that a total depends on. Excel and LibreOffice print the separators of the
# reader's locale (12,50 on a Vietnamese system); the file itself stays typed.
POINTS_FORMAT = "#,##0.00##"
INTEGER_FORMAT = "0"
PAPER_A4 = 9  # ECMA-376 paperSize code

# (header, width in characters) of the fixed columns of a group's table, before the field columns.
GROUP_COLUMNS: tuple[tuple[str, float], ...] = (
    ("STT", 5),
    ("Tên cơ quan, đơn vị", 38),
    ("Điểm tối đa", 8.5),
    ("Điểm tự đánh giá", 9.5),
    ("Điểm thẩm định", 9.5),
    ("Điểm điều tra XHH", 9.5),
    ("Điểm thưởng/trừ", 10),
    ("Tổng điểm", 9.5),
    ("Chỉ số CCHC (%)", 9),
    ("Xếp hạng", 7.5),
    ("Tăng/giảm bậc", 8),
)
FIELD_SUBCOLUMNS: tuple[tuple[str, float], ...] = (("Điểm", 8.5), ("Chỉ số (%)", 8.5))
HEAD_COLUMNS: tuple[tuple[str, float], ...] = (
    ("STT", 5),
    ("Họ và tên", 24),
    ("Chức vụ", 24),
    ("Cơ quan, đơn vị", 38),
    ("Chỉ số CCHC (%)", 11),
    ("Mức độ hoàn thành nhiệm vụ", 30),
    ("Ghi chú", 18),
)

TITLE_ROW = 2  # 'PHỤ LỤC I'; row 1 carries 'DỰ THẢO' on drafts
HEADER_ROW = 6
DRAFT_MARK = "DỰ THẢO"

_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def roman(n: int) -> str:
    """Roman numeral of an annex number (1 → 'I', 4 → 'IV')."""
    if n < 1:
        raise ValueError("annex numbers start at 1")
    out = []
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def index_format(decimals: int) -> str:
    """Number format of an index with the period's decimals ('0.00' for 2)."""
    return "0." + "0" * decimals if decimals > 0 else "0"


def rank_change_text(change: int | None) -> str:
    """'↑2' moved up two places, '↓1' down one, '–' unchanged, '' when there is no previous year."""
    if change is None:
        return ""
    if change > 0:
        return f"↑{change}"
    if change < 0:
        return f"↓{-change}"
    return "–"


def decision_year(data: DecisionData) -> int:
    """Year the decision is (or will be) issued: its date's, else the snapshot's."""
    return data.decision.date.year if data.decision.date else data.generated_at.year


def annex_reference(data: DecisionData) -> str:
    """'(Kèm theo Quyết định số 519/QĐ-UBND ngày 05/02/2024 của Chủ tịch UBND tỉnh)', blanks while unknown."""
    decision = data.decision
    number = decision.number or f"      /{data.org.decision_symbol}"
    date = decision.date.strftime("%d/%m/%Y") if decision.date else f"      /     /{decision_year(data)}"
    return f"(Kèm theo Quyết định số {safe_text(number)} ngày {date} của {safe_text(data.org.annex_issuer)})"


def annex_title(data: DecisionData, group: GroupTable) -> str:
    return f"KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {data.year} {safe_text(group.title_noun)}"


def heads_title(data: DecisionData) -> str:
    return (
        "KẾT QUẢ ĐÁNH GIÁ MỨC ĐỘ HOÀN THÀNH NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM "
        f"{data.year} CỦA NGƯỜI ĐỨNG ĐẦU CÁC CƠ QUAN, ĐƠN VỊ"
    )


def source_note(data: DecisionData) -> str:
    return (
        f"Nguồn: ParIndex, kết quả chốt {safe_text(data.snapshot_id)}, "
        f"lập lúc {local_time(data.generated_at).strftime('%H:%M ngày %d/%m/%Y')}."
    )


def local_time(when: dt.datetime) -> dt.datetime:
    """Times printed for people are Asia/Ho_Chi_Minh (a naive value is taken as UTC, as stored)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))


def plain_number(value: Decimal) -> Decimal:
    """A Decimal written without exponent ('0E-8' would reach the XML as '0E-8')."""
    return Decimal(format(value, "f"))


ADJUSTMENT_WIDTH = 10.5


def adjustment_label(adjustment: AdjustmentCol) -> str:
    """'9.1. Điểm thưởng (tối đa 3)': the group's number and title as the decision lists them."""
    label = f"{safe_text(adjustment.code)}. {safe_text(adjustment.title)}"
    if adjustment.max_points is not None:
        label += f" (tối đa {plain(adjustment.max_points).replace('.', ',')})"
    return label


def build_annex(data: DecisionData) -> ExportFile:
    """Build the annex workbook of the approval decision from a result snapshot."""
    _check(data)
    wb = Workbook(write_only=True)
    # The workbook's default font is the one of every cell a user adds later: make it Times New Roman too.
    wb._fonts = IndexedList([Font(name=FONT_NAME, size=11, family=1)])
    styles = _Styles(wb, data.decimals)
    for number, group in enumerate(data.groups, start=1):
        _group_sheet(wb, styles, data, group, roman(number))
    _heads_sheet(wb, styles, data, roman(len(data.groups) + 1))

    props = wb.properties
    props.title = f"Phụ lục Chỉ số CCHC năm {data.year}"
    props.subject = _strip_parens(annex_reference(data))
    props.creator = "ParIndex"
    props.lastModifiedBy = "ParIndex"
    props.description = f"Kết quả chốt: {safe_text(data.snapshot_id)}"
    props.keywords = DRAFT_MARK if data.decision.draft else None
    props.created = naive_utc(data.generated_at)

    buffer = io.BytesIO()
    wb.save(buffer)
    prefix = "du-thao-" if data.decision.draft else ""
    return ExportFile(
        filename=f"{prefix}phu-luc-chi-so-cchc-{data.year}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
        content=stable_zip(buffer.getvalue(), data.generated_at),
    )


def _check(data: DecisionData) -> None:
    if data.decimals < 0:
        raise ValueError("decimals must be >= 0")
    for group in data.groups:
        for line in group.rows:
            fields = line.result.fields
            if len(fields) != len(group.field_cols):
                raise ValueError(
                    f"{line.result.name}: {len(fields)} field results for {len(group.field_cols)} field columns"
                )


def _strip_parens(text: str) -> str:
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text


class _Styles:
    """Named styles of the workbook: one lookup per cell instead of four style objects per cell."""

    title = "pi_title"
    subtitle = "pi_subtitle"
    draft = "pi_draft"
    head = "pi_head"
    text = "pi_text"
    text_centre = "pi_text_centre"
    integer = "pi_integer"
    points = "pi_points"
    index = "pi_index"
    field_index = "pi_field_index"
    note = "pi_note"

    def __init__(self, wb: Workbook, decimals: int) -> None:
        self._arrays: dict[str, StyleArray] = {}
        thin = Side(style="thin")
        box = Border(left=thin, right=thin, top=thin, bottom=thin)
        centre = Alignment(horizontal="center", vertical="center", wrap_text=True)

        def add(name: str, **kwargs: object) -> None:
            wb.add_named_style(NamedStyle(name=name, **kwargs))

        add(self.title, font=Font(name=FONT_NAME, size=13, bold=True), alignment=centre)
        add(self.subtitle, font=Font(name=FONT_NAME, size=12, italic=True), alignment=centre)
        add(self.draft, font=Font(name=FONT_NAME, size=12, bold=True), alignment=centre, border=box)
        add(
            self.head,
            font=Font(name=FONT_NAME, size=11, bold=True),
            alignment=centre,
            border=box,
            fill=PatternFill("solid", fgColor="F2F2F2"),
        )
        add(
            self.text,
            font=Font(name=FONT_NAME, size=11),
            alignment=Alignment(vertical="center", wrap_text=True),
            border=box,
        )
        add(self.text_centre, font=Font(name=FONT_NAME, size=11), alignment=centre, border=box)
        add(
            self.integer,
            font=Font(name=FONT_NAME, size=11),
            alignment=centre,
            border=box,
            number_format=INTEGER_FORMAT,
        )
        add(
            self.points,
            font=Font(name=FONT_NAME, size=11),
            alignment=Alignment(horizontal="right", vertical="center"),
            border=box,
            number_format=POINTS_FORMAT,
        )
        add(
            self.index,
            font=Font(name=FONT_NAME, size=11, bold=True),
            alignment=Alignment(horizontal="right", vertical="center"),
            border=box,
            number_format=index_format(decimals),
        )
        add(
            self.field_index,
            font=Font(name=FONT_NAME, size=11),
            alignment=Alignment(horizontal="right", vertical="center"),
            border=box,
            number_format=index_format(decimals),
        )
        add(
            self.note,
            font=Font(name=FONT_NAME, size=10, italic=True),
            alignment=Alignment(vertical="center", wrap_text=True),
        )

    def apply(self, cell: WriteOnlyCell, name: str) -> WriteOnlyCell:
        """Give ``cell`` the named style; the resolved style array is reused, a quarter of the build time."""
        array = self._arrays.get(name)
        if array is None:
            cell.style = name
            self._arrays[name] = copy(cell._style)
        else:
            cell._style = copy(array)
        return cell

    def value_cell(self, ws: object, value: object, name: str) -> WriteOnlyCell:
        """A typed cell: numbers as numbers (Decimal written without exponent), None as an empty cell."""
        if isinstance(value, Decimal):
            value = plain_number(value)
        return self.apply(WriteOnlyCell(ws, value=value), name)

    def text_cell(self, ws: object, value: object, name: str) -> WriteOnlyCell:
        """A text cell that can never become a formula (see safe.xlsx_text_cell)."""
        cell = xlsx_text_cell(ws, value)
        quoted = cell.quotePrefix
        self.apply(cell, name)
        if quoted:
            cell.quotePrefix = True
        return cell


def _setup_sheet(ws: object, data: DecisionData, widths: Sequence[float], header_rows: int) -> None:
    """Everything that must be set before the first row is streamed, and the print setup."""
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    first_data_row = HEADER_ROW + header_rows
    ws.freeze_panes = f"C{first_data_row}"
    ws.print_title_rows = f"{HEADER_ROW}:{first_data_row - 1}"

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.oddFooter.center.font = f"{FONT_NAME},Regular"
    ws.oddFooter.center.size = 10
    if data.decision.draft:
        ws.oddHeader.right.text = DRAFT_MARK
        ws.oddHeader.right.font = f"{FONT_NAME},Bold"
        ws.oddHeader.right.size = 12
    ws.row_dimensions[1].height = 20 if data.decision.draft else 8


def _title_rows(
    ws: object,
    styles: _Styles,
    data: DecisionData,
    ncols: int,
    lines: Sequence[tuple[str, str]],
    widths: Sequence[float],
) -> None:
    """Rows 1–5: the draft mark, the annex number, its title and the decision it belongs to."""
    last = get_column_letter(ncols)
    if data.decision.draft:
        mark_from = max(1, ncols - 1)
        row: list[object] = [None] * (mark_from - 1)
        row += [styles.text_cell(ws, DRAFT_MARK, styles.draft)]
        row += [styles.value_cell(ws, None, styles.draft) for _ in range(ncols - mark_from)]
        ws.append(row)
        if mark_from < ncols:
            ws.merged_cells.add(f"{get_column_letter(mark_from)}1:{last}1")
    else:
        ws.append([])
    total_width = sum(widths)
    for offset, (text, style) in enumerate(lines):
        row_idx = TITLE_ROW + offset
        # Width units are digits of the 11 pt default font; a bold capital is about 1.4 of them.
        factor = 13 / 11 * 1.4 if style == styles.title else 12 / 11 * 1.05
        # A merged cell does not grow with its text: give the row the lines it needs.
        needed = max(1, math.ceil(len(text) * factor / (total_width * 0.95)))
        ws.row_dimensions[row_idx].height = 18 * needed
        ws.append([styles.text_cell(ws, text, style)])
        ws.merged_cells.add(f"A{row_idx}:{last}{row_idx}")
    ws.append([])


def _note_rows(ws: object, styles: _Styles, data: DecisionData, next_row: int, ncols: int) -> None:
    ws.append([])
    ws.append([styles.text_cell(ws, source_note(data), styles.note)])
    ws.merged_cells.add(f"A{next_row + 1}:{get_column_letter(ncols)}{next_row + 1}")


def _group_sheet(wb: Workbook, styles: _Styles, data: DecisionData, group: GroupTable, numeral: str) -> None:
    ws = wb.create_sheet(title=f"Phụ lục {numeral}")
    base = len(GROUP_COLUMNS)
    widths = [w for _, w in GROUP_COLUMNS] + [w for _ in group.field_cols for _, w in FIELD_SUBCOLUMNS]
    widths += [ADJUSTMENT_WIDTH for _ in group.adjustment_cols]
    ncols = len(widths)
    _setup_sheet(ws, data, widths, header_rows=2)
    ws.row_dimensions[HEADER_ROW].height = 66 if group.field_cols else 33
    ws.row_dimensions[HEADER_ROW + 1].height = 33
    _title_rows(
        ws,
        styles,
        data,
        ncols,
        [
            (f"PHỤ LỤC {numeral}", styles.title),
            (annex_title(data, group), styles.title),
            (annex_reference(data), styles.subtitle),
        ],
        widths,
    )

    # Header: the fixed columns span both rows; each field spans its two sub-columns.
    top: list[WriteOnlyCell] = [styles.text_cell(ws, label, styles.head) for label, _ in GROUP_COLUMNS]
    bottom: list[WriteOnlyCell] = [styles.value_cell(ws, None, styles.head) for _ in GROUP_COLUMNS]
    for col in range(1, base + 1):
        letter = get_column_letter(col)
        ws.merged_cells.add(f"{letter}{HEADER_ROW}:{letter}{HEADER_ROW + 1}")
    for number, field in enumerate(group.field_cols):
        first = base + 1 + 2 * number
        label = f"{safe_text(field.code)}. {safe_text(field.title)}"
        top += [styles.text_cell(ws, label, styles.head), styles.value_cell(ws, None, styles.head)]
        bottom += [styles.text_cell(ws, sub, styles.head) for sub, _ in FIELD_SUBCOLUMNS]
        span = f"{get_column_letter(first)}{HEADER_ROW}:{get_column_letter(first + 1)}{HEADER_ROW}"
        ws.merged_cells.add(span)
    # Adjustment groups with their own numbers ('9.1. Điểm thưởng'), each spanning both header rows.
    for number, adjustment in enumerate(group.adjustment_cols):
        col = base + 1 + 2 * len(group.field_cols) + number
        top.append(styles.text_cell(ws, adjustment_label(adjustment), styles.head))
        bottom.append(styles.value_cell(ws, None, styles.head))
        letter = get_column_letter(col)
        ws.merged_cells.add(f"{letter}{HEADER_ROW}:{letter}{HEADER_ROW + 1}")
    ws.append(top)
    ws.append(bottom)

    for row in _group_rows(ws, styles, data, group):
        ws.append(row)
    _note_rows(ws, styles, data, HEADER_ROW + 2 + len(group.rows), ncols)


LINE_HEIGHT_PT = 15


def _fit_row_height(ws: object, row_idx: int, texts: Sequence[tuple[str, float]]) -> None:
    """Give a row the lines its wrapped text needs.

    Streaming rows cannot be measured afterwards, and LibreOffice keeps the default height of a row it was
    given without one; an estimate from the text length (≈ 1 character per width unit) keeps every name
    readable. Rows that fit on one line keep the default height.
    """
    # Times New Roman 11 fits about 1.1 characters of Vietnamese text per width unit.
    lines = max(math.ceil(len(safe_text(text)) / max(1, int(width * 1.1) - 1)) for text, width in texts)
    if lines > 1:
        ws.row_dimensions[row_idx].height = LINE_HEIGHT_PT * lines


def _group_rows(ws: object, styles: _Styles, data: DecisionData, group: GroupTable) -> Iterator[list[object]]:
    name_width = GROUP_COLUMNS[1][1]
    for offset, line in enumerate(group.rows):
        unit = line.result
        _fit_row_height(ws, HEADER_ROW + 2 + offset, [(unit.name, name_width)])
        cells: list[object] = [
            styles.value_cell(ws, line.stt, styles.integer),
            styles.text_cell(ws, unit.name, styles.text),
            styles.value_cell(ws, unit.max_points, styles.points),
            styles.value_cell(ws, unit.self_points, styles.points),
            styles.value_cell(ws, unit.appraisal_points, styles.points),
            styles.value_cell(ws, unit.survey_points, styles.points),
            styles.value_cell(ws, unit.bonus_points - unit.penalty_points, styles.points),
            styles.value_cell(ws, unit.total_points, styles.points),
            styles.value_cell(ws, unit.index_display, styles.index),
            styles.value_cell(ws, unit.rank, styles.integer),
            styles.text_cell(ws, rank_change_text(unit.rank_change), styles.text_centre),
        ]
        for field in unit.fields:
            cells.append(styles.value_cell(ws, field.points, styles.points))
            cells.append(styles.value_cell(ws, field.index_display, styles.field_index))
        for points in line.adjustment_points:
            cells.append(styles.value_cell(ws, points, styles.points))
        yield cells


def _heads_sheet(wb: Workbook, styles: _Styles, data: DecisionData, numeral: str) -> None:
    ws = wb.create_sheet(title=f"Phụ lục {numeral}")
    widths = [w for _, w in HEAD_COLUMNS]
    ncols = len(widths)
    _setup_sheet(ws, data, widths, header_rows=1)
    ws.row_dimensions[HEADER_ROW].height = 48
    _title_rows(
        ws,
        styles,
        data,
        ncols,
        [
            (f"PHỤ LỤC {numeral}", styles.title),
            (heads_title(data), styles.title),
            (annex_reference(data), styles.subtitle),
        ],
        widths,
    )
    ws.append([styles.text_cell(ws, label, styles.head) for label, _ in HEAD_COLUMNS])
    for offset, head in enumerate(data.heads):
        texts = (head.name, head.title, head.unit_name, "", head.rating_label, head.note)
        _fit_row_height(ws, HEADER_ROW + 1 + offset, list(zip(texts, widths[1:], strict=True)))
        ws.append(
            [
                styles.value_cell(ws, head.stt, styles.integer),
                styles.text_cell(ws, head.name, styles.text),
                styles.text_cell(ws, head.title, styles.text),
                styles.text_cell(ws, head.unit_name, styles.text),
                styles.value_cell(ws, head.index_display, styles.index),
                styles.text_cell(ws, head.rating_label, styles.text),
                styles.text_cell(ws, head.note, styles.text),
            ]
        )
    _note_rows(ws, styles, data, HEADER_ROW + 1 + len(data.heads), ncols)
