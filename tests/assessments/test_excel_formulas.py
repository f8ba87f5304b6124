"""QA: a formula typed in the offline workbook («=1+1» in «Giá trị», «=HYPERLINK(…)» in «Ghi chú») was
silently dropped (read as an empty cell) while the other bad rows were listed. Now it is a row problem, listed
with the others, and nothing is written (the import stays all-or-nothing)."""

from __future__ import annotations

from appraisal.assessments.models import ItemHistory
from tests.assessments.conftest import entry_of
from tests.assessments.test_excel import download, post_workbook, rows_by_code, to_bytes

HYPERLINK = '=HYPERLINK("http://x.example/a","Bấm vào đây")'


def test_formula_cells_are_row_problems_listed_with_the_others(client_for, editor, assessment):
    client = client_for(editor)
    _, wb = download(client, assessment)
    ws = wb["Tự đánh giá"]
    rows = rows_by_code(ws)
    ws.cell(row=rows["1.1"], column=5, value="Có")  # fine, but must not be written
    ws.cell(row=rows["1.2"], column=5, value="=1+1")
    ws.cell(row=rows["1.3"], column=5, value="Tốt")
    ws.cell(row=rows["1.3"], column=6, value=HYPERLINK)
    ws.cell(row=rows["2.1"], column=5, value="1.3")
    response = post_workbook(client, assessment, to_bytes(wb))
    body = response.content.decode()
    assert response.status_code == 422
    assert "Tệp có 3 lỗi; chưa ghi mục nào. Hãy sửa rồi tải lên lại." in body
    link = HYPERLINK.replace('"', "&quot;")
    expected = [
        f"Dòng {rows['1.2']} (mục 1.2): ô Giá trị là công thức «=1+1» chưa có kết quả: hãy nhập giá trị thay cho công thức (hoặc mở tệp bằng Excel và lưu lại để công thức có kết quả).",
        f"Dòng {rows['1.3']} (mục 1.3): ô Ghi chú là công thức «{link}» chưa có kết quả: hãy nhập giá trị thay cho công thức (hoặc mở tệp bằng Excel và lưu lại để công thức có kết quả).",
        f"Dòng {rows['2.1']} (mục 2.1): Điểm phải là bội số của 0,25.",
    ]
    assert [p for p in expected if f"<li>{p}</li>" not in body] == []
    assert not ItemHistory.objects.exists()
    assert [entry_of(assessment, c).self_value for c in ("1.1", "1.2", "1.3")] == ["", "", ""]


def test_a_formula_in_both_cells_of_a_row_lists_both(client_for, editor, assessment):
    client = client_for(editor)
    _, wb = download(client, assessment)
    ws = wb["Tự đánh giá"]
    row = rows_by_code(ws)["1.2"]
    ws.cell(row=row, column=5, value="=A1")
    ws.cell(row=row, column=6, value="=B1")
    body = post_workbook(client, assessment, to_bytes(wb)).content.decode()
    assert "Tệp có 2 lỗi; chưa ghi mục nào. Hãy sửa rồi tải lên lại." in body
    for column, formula in (("Giá trị", "=A1"), ("Ghi chú", "=B1")):
        problem = f"Dòng {row} (mục 1.2): ô {column} là công thức «{formula}» chưa có kết quả: hãy nhập giá trị thay cho công thức (hoặc mở tệp bằng Excel và lưu lại để công thức có kết quả)."
        assert f"<li>{problem}</li>" in body
    assert not ItemHistory.objects.exists()
