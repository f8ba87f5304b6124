"""The annex workbook, reopened with openpyxl."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from appraisal.documents import build_annex
from appraisal.documents.annex import POINTS_FORMAT, rank_change_text, roman
from appraisal.engine import StoredDetails, index_display

from .conftest import HYPERLINK, with_unit_names
from .samples import sample_data

FIRST_DATA_ROW = 8  # rows 6–7 hold the two-row header of a group sheet
HEADS_FIRST_ROW = 7


def _unit_rows(ws, count: int):
    return list(ws.iter_rows(min_row=FIRST_DATA_ROW, max_row=FIRST_DATA_ROW + count - 1))


def test_annex_sheets_are_one_per_group_then_heads(approved_annex):
    assert approved_annex.sheetnames == ["Phụ lục I", "Phụ lục II", "Phụ lục III", "Phụ lục IV"]


def test_annex_roman_numerals_go_past_three():
    assert [roman(n) for n in (1, 2, 3, 4, 5, 9, 14, 40)] == ["I", "II", "III", "IV", "V", "IX", "XIV", "XL"]


def test_annex_title_rows_cite_the_decision_number_and_date(approved_annex):
    ws = approved_annex["Phụ lục I"]
    assert ws["A2"].value == "PHỤ LỤC I"
    assert ws["A3"].value == "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2023 CỦA CÁC SỞ, BAN, NGÀNH"
    assert ws["A4"].value == "(Kèm theo Quyết định số 519/QĐ-UBND ngày 05/02/2024 của Chủ tịch UBND tỉnh)"
    heads = approved_annex["Phụ lục IV"]
    assert heads["A2"].value == "PHỤ LỤC IV"
    assert heads["A3"].value.startswith(
        "KẾT QUẢ ĐÁNH GIÁ MỨC ĐỘ HOÀN THÀNH NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH NĂM 2023"
    )
    assert "A2:AA2" in {str(r) for r in ws.merged_cells.ranges}


def test_annex_draft_leaves_blanks_and_marks_every_sheet(draft_annex):
    for ws in draft_annex.worksheets:
        first_row = [cell.value for cell in ws[1] if cell.value is not None]
        assert first_row == ["DỰ THẢO"], ws.title
        assert ws.oddHeader.right.text == "DỰ THẢO"
        assert (
            ws["A4"].value
            == "(Kèm theo Quyết định số       /QĐ-UBND ngày       /     /2024 của Chủ tịch UBND tỉnh)"
        )
    assert draft_annex.properties.keywords == "DỰ THẢO"


def test_annex_approved_has_no_draft_mark(approved_annex):
    for ws in approved_annex.worksheets:
        assert all(cell.value is None for cell in ws[1])
        assert not ws.oddHeader.right.text
        values = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        assert not any("DỰ THẢO" in value for value in values)


def test_annex_header_has_fixed_then_merged_field_columns(approved_annex, approved_data):
    ws = approved_annex["Phụ lục I"]
    header = [c.value for c in ws[6]]
    assert header[:11] == [
        "STT", "Tên cơ quan, đơn vị", "Điểm tối đa", "Điểm tự đánh giá", "Điểm thẩm định", "Điểm điều tra XHH",
        "Điểm thưởng/trừ", "Tổng điểm", "Chỉ số CCHC (%)", "Xếp hạng", "Tăng/giảm bậc",
    ]  # fmt: skip
    fields = approved_data.groups[0].field_cols
    assert header[11] == f"1. {fields[0].title}"
    assert header[11 + 2 * 7] == f"8. {fields[7].title}"
    assert [c.value for c in ws[7]][11:13] == ["Điểm", "Chỉ số (%)"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A6:A7", "B6:B7", "K6:K7", "L6:M6", "Z6:AA6"} <= merged
    assert ws["B6"].alignment.wrap_text is True


def test_annex_rows_hold_each_units_published_index_and_rank(approved_annex, approved_data):
    for group, ws in zip(approved_data.groups, approved_annex.worksheets, strict=False):
        rows = _unit_rows(ws, len(group.rows))
        for unit, cells in zip(group.rows, rows, strict=True):
            values = [c.value for c in cells]
            assert values[0] == unit.stt
            assert values[1] == unit.result.name
            assert Decimal(str(values[2])) == unit.result.max_points
            assert Decimal(str(values[4])) == unit.result.appraisal_points
            assert Decimal(str(values[6])) == unit.result.bonus_points - unit.result.penalty_points
            assert Decimal(str(values[7])) == unit.result.total_points
            # The published (rounded) index, not the unrounded one.
            assert Decimal(str(values[8])) == unit.result.index_display
            assert values[9] == unit.result.rank
            assert (values[10] or "") == rank_change_text(unit.result.rank_change)
            assert Decimal(str(values[11])) == unit.result.fields[0].points
        after = ws.cell(row=FIRST_DATA_ROW + len(group.rows) + 1, column=1).value
        assert after.startswith("Nguồn: ParIndex, kết quả chốt run 12 / sha256:ab12cd34ef56")


def test_annex_prints_the_engines_published_component_index(approved_data):
    """The engine rounds (half up: 87.125 → 87.13, where half to even gives 87.12); the annex prints its figure."""
    group = approved_data.groups[0]
    unit = group.rows[0]
    cell = dataclasses.replace(
        unit.result.fields[0], index=Decimal("87.125"), index_display=index_display(Decimal("87.125"), 2)
    )
    result = dataclasses.replace(
        unit.result, details=StoredDetails(field_results=(cell, *unit.result.fields[1:]))
    )
    unit = dataclasses.replace(unit, result=result)
    data = dataclasses.replace(
        approved_data,
        groups=(dataclasses.replace(group, rows=(unit, *group.rows[1:])), *approved_data.groups[1:]),
    )
    ws = openpyxl.load_workbook(io.BytesIO(build_annex(data).content))["Phụ lục I"]
    assert Decimal(str(ws.cell(row=FIRST_DATA_ROW, column=13).value)) == Decimal("87.13")


def test_annex_rank_change_marks():
    assert [rank_change_text(n) for n in (2, -1, 0, None)] == ["↑2", "↓1", "–", ""]


def test_annex_cells_are_typed_with_number_formats(approved_annex):
    ws = approved_annex["Phụ lục I"]
    row = FIRST_DATA_ROW
    assert ws.cell(row, 1).data_type == "n" and ws.cell(row, 1).number_format == "0"
    for col in range(3, 9):
        assert ws.cell(row, col).data_type == "n"
        assert ws.cell(row, col).number_format == POINTS_FORMAT == "#,##0.00##"
    assert ws.cell(row, 9).number_format == "0.00"
    assert ws.cell(row, 9).font.bold is True
    assert ws.cell(row, 10).number_format == "0"
    assert ws.cell(row, 13).number_format == "0.00"
    heads = approved_annex["Phụ lục IV"]
    assert heads.cell(HEADS_FIRST_ROW, 5).data_type == "n"
    assert heads.cell(HEADS_FIRST_ROW, 5).number_format == "0.00"


def test_annex_index_format_follows_the_periods_decimals():
    wb = openpyxl.load_workbook(io.BytesIO(build_annex(sample_data(decimals=1)).content))
    assert wb["Phụ lục I"].cell(FIRST_DATA_ROW, 9).number_format == "0.0"
    assert wb["Phụ lục IV"].cell(HEADS_FIRST_ROW, 5).number_format == "0.0"


def test_annex_every_written_cell_is_times_new_roman(approved_annex):
    for ws in approved_annex.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert cell.font.name == "Times New Roman", (ws.title, cell.coordinate)
    assert approved_annex["Phụ lục I"]["A2"].font.bold is True
    assert approved_annex["Phụ lục I"]["A4"].font.italic is True


def test_annex_cells_have_thin_borders(approved_annex):
    cell = approved_annex["Phụ lục I"].cell(FIRST_DATA_ROW, 2)
    assert {
        cell.border.left.style,
        cell.border.right.style,
        cell.border.top.style,
        cell.border.bottom.style,
    } == {"thin"}


def test_annex_freezes_panes_below_the_header(approved_annex):
    assert approved_annex["Phụ lục I"].freeze_panes == "C8"
    assert approved_annex["Phụ lục IV"].freeze_panes == "C7"


def test_annex_prints_landscape_a4_fitted_to_width_with_repeated_header(approved_annex):
    for ws in approved_annex.worksheets:
        setup = ws.page_setup
        assert setup.orientation == "landscape"
        assert int(setup.paperSize) == 9
        assert int(setup.fitToWidth) == 1
        assert int(setup.fitToHeight) == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert "&P" in ws.oddFooter.center.text
    assert approved_annex["Phụ lục I"].print_title_rows == "$6:$7"
    assert approved_annex["Phụ lục IV"].print_title_rows == "$6:$6"


def test_annex_column_widths_are_set(approved_annex):
    ws = approved_annex["Phụ lục I"]
    assert ws.column_dimensions["A"].width == 5
    assert ws.column_dimensions["B"].width == 38


def test_annex_properties_name_the_snapshot(approved_annex):
    props = approved_annex.properties
    assert props.creator == "ParIndex"
    assert props.title == "Phụ lục Chỉ số CCHC năm 2023"
    assert props.description == "Kết quả chốt: run 12 / sha256:ab12cd34ef56"
    assert props.created.isoformat() == "2024-01-30T02:15:00"
    assert props.modified.isoformat() == "2024-01-30T02:15:00"


def test_annex_heads_sheet_lists_every_head(approved_annex, approved_data):
    ws = approved_annex["Phụ lục IV"]
    assert [c.value for c in ws[6]] == [
        "STT", "Họ và tên", "Chức vụ", "Cơ quan, đơn vị", "Chỉ số CCHC (%)", "Mức độ hoàn thành nhiệm vụ", "Ghi chú",
    ]  # fmt: skip
    rows = list(ws.iter_rows(min_row=HEADS_FIRST_ROW, max_row=HEADS_FIRST_ROW + len(approved_data.heads) - 1))
    for head, cells in zip(approved_data.heads, rows, strict=True):
        values = [c.value for c in cells]
        assert values[:4] == [head.stt, head.name, head.title, head.unit_name]
        assert Decimal(str(values[4])) == head.index_display
        assert values[5] == head.rating_label
        assert (values[6] or "") == head.note


def test_annex_keeps_vietnamese_diacritics(approved_annex):
    ws = approved_annex["Phụ lục I"]
    names = [ws.cell(r, 2).value for r in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 19)]
    assert "Sở Lao động – Thương binh và Xã hội" in names
    assert "Sở Văn hóa, Thể thao và Du lịch" in names
    assert approved_annex["Phụ lục IV"].cell(HEADS_FIRST_ROW, 2).value == "Nguyễn Thị Hoài"


def test_annex_formula_like_names_stay_text(approved_data):
    data = with_unit_names(approved_data, {0: HYPERLINK, 1: "+1+1", 2: "@SUM(A1)", 3: "-2\x07"})
    content = build_annex(data).content
    ws = openpyxl.load_workbook(io.BytesIO(content))["Phụ lục I"]
    cells = [ws.cell(FIRST_DATA_ROW + n, 2) for n in range(4)]
    assert [c.value for c in cells] == [HYPERLINK, "+1+1", "@SUM(A1)", "-2"]
    assert all(c.data_type == "s" for c in cells)
    assert all(c.quotePrefix for c in cells)
    heads = openpyxl.load_workbook(io.BytesIO(content))["Phụ lục IV"]
    assert heads.cell(HEADS_FIRST_ROW, 4).value == HYPERLINK
    assert heads.cell(HEADS_FIRST_ROW, 4).data_type == "s"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet


def test_annex_same_data_gives_the_same_bytes(approved_annex_file):
    first, second = approved_annex_file, build_annex(sample_data(draft=False))
    assert first.content == second.content
    assert first.filename == "phu-luc-chi-so-cchc-2023.xlsx"
    assert first.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_annex_draft_file_name_says_so(draft_data):
    assert build_annex(draft_data).filename == "du-thao-phu-luc-chi-so-cchc-2023.xlsx"


def test_annex_rejects_rows_whose_fields_do_not_match_the_columns(approved_data):
    group = approved_data.groups[0]
    first = group.rows[0]
    broken = dataclasses.replace(
        first,
        result=dataclasses.replace(
            first.result, details=StoredDetails(field_results=first.result.fields[:-1])
        ),
    )
    data = dataclasses.replace(
        approved_data,
        groups=(dataclasses.replace(group, rows=(broken, *group.rows[1:])), *approved_data.groups[1:]),
    )
    with pytest.raises(ValueError, match="Sở Khoa học và Công nghệ: 7 field results for 8 field columns"):
        build_annex(data)
