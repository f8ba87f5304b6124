"""QA: the one cell reader (appraisal/core/cells.py) read workbooks with cached values only, so a formula cell
without one (a workbook written by a program) vanished unseen. Now such a formula in a column an import reads is
a row problem naming the cell and the formula; a formula Excel saved a result for reads as that result; formulas
in columns the import ignores stay ignored."""

from __future__ import annotations

from appraisal.core.cells import read_cells, read_table
from appraisal.council.importing import scores_import
from appraisal.registry.importing import UNIT_COLUMNS
from tests.council.conftest import entry_of
from tests.council.test_import_cells import HEADER, rewrite_sheet, workbook

UNREAD = (
    " chưa có kết quả: hãy nhập giá trị thay cho công thức (hoặc mở tệp bằng Excel và lưu lại để công thức có "
    "kết quả)."
)


def test_read_cells_marks_formula_cells_with_or_without_a_cached_value():
    content = workbook([["a", "=1+1", "=SUM(A1:B1)"]])
    cached = rewrite_sheet(content, lambda xml: xml.replace(b"<f>1+1</f>", b"<f>1+1</f><v>2</v>"))
    [(_, cells)] = read_cells("x.xlsx", cached)
    assert [(c.text, c.formula) for c in cells] == [("a", ""), ("2", "=1+1"), ("", "=SUM(A1:B1)")]


def test_import_scores_formula_cell_is_a_row_problem_and_nothing_is_written(world, secretariat):
    content = workbook(
        [
            HEADER,
            ["skhcn", "1.2", "=1+1", ""],
            ["stp", "1.2", "Có", '=HYPERLINK("http://x","y")'],
        ]
    )
    report = scores_import(
        period=world["period"], layer="round1", file_name="v1.xlsx", content=content, by=secretariat
    )
    assert [str(p) for p in report.problems] == [
        "Dòng 2: ô Giá trị là công thức «=1+1»" + UNREAD,
        'Dòng 3: ô Ghi chú là công thức «=HYPERLINK("http://x","y")»' + UNREAD,
    ]
    assert entry_of(world["skhcn"], "1.2").round1_value == ""
    assert entry_of(world["stp"], "1.2").round1_value == ""


def test_read_table_ignores_formulas_in_columns_it_does_not_read():
    header = [c.label for c in UNIT_COLUMNS if c.required] + ["Cột tính thêm"]
    row = ["x"] * (len(header) - 1) + ["=LEN(A2)"]
    rows = read_table("dv.xlsx", workbook([header, row]), UNIT_COLUMNS)
    assert [n for n, _ in rows] == [2]


def test_import_scores_reads_a_formula_excel_saved_a_result_for_as_that_result(world, secretariat):
    content = workbook([HEADER, ["skhcn", "1.2", "=1+1", ""]])
    cached = rewrite_sheet(content, lambda xml: xml.replace(b"<f>1+1</f>", b"<f>1+1</f><v>90</v>"))
    report = scores_import(
        period=world["period"], layer="round1", file_name="v1.xlsx", content=cached, by=secretariat
    )
    assert report.problems == []
    assert entry_of(world["skhcn"], "1.2").round1_value == "90%"
