"""The offline workbook: download, fill, upload; validated like the web form; unchanged means no writes."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appraisal.assessments import services
from appraisal.assessments.excel import build_workbook
from appraisal.assessments.models import ItemEntry, ItemHistory
from appraisal.assessments.selectors import assessment_form
from tests.assessments.conftest import entry_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(client, assessment):
    response = client.get(reverse("assessments:excel", args=[assessment.pk]))
    return response, openpyxl.load_workbook(io.BytesIO(response.content))


def rows_by_code(ws):
    return {ws.cell(row=r, column=1).value: r for r in range(5, ws.max_row + 1)}


def to_bytes(wb):
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def post_workbook(client, assessment, content, name="phieu.xlsx"):
    return client.post(
        reverse("assessments:excel_upload", args=[assessment.pk]),
        {"file": SimpleUploadedFile(name, content, content_type=XLSX)},
        follow=True,
    )


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_workbook_lists_items_max_rule_and_current_inputs(client_for, editor, assessment):
    services.entry_save_self(
        entry=entry_of(assessment, "1.2"),
        value="17/20",
        note='=HYPERLINK("http://x")',
        expected_version=0,
        by=editor,
    )
    response, wb = download(client_for(editor), assessment)
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="tu-danh-gia-2023-skhcn.xlsx"'
    ws = wb["Tự đánh giá"]
    assert ws["A1"].value == "PHIẾU TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CCHC NĂM 2023"
    assert ws["A2"].value == "Sở Khoa học và Công nghệ"
    assert [c.value for c in ws[4]] == [
        "Mã tiêu chí",
        "Nội dung",
        "Điểm tối đa",
        "Cách chấm",
        "Giá trị",
        "Ghi chú",
        "Phiên bản",
    ]
    rows = rows_by_code(ws)
    assert list(rows) == ["1", "1.1", "1.2", "1.3", "1.4", "2", "2.1", "2.2", "3", "3.1", "T1", "P1"]
    r = rows["1.2"]
    assert [ws.cell(row=r, column=c).value for c in range(1, 8)] == [
        "1.2",
        "Mức độ hoàn thành kế hoạch",
        1,
        "Tỷ lệ phần trăm (ví dụ 85%) hoặc phân số (ví dụ 17/20)",
        "17/20",
        '=HYPERLINK("http://x")',
        1,
    ]
    assert ws.cell(row=r, column=6).data_type == "s"  # user text is never a formula
    assert ws.cell(row=r, column=5).number_format == "@"
    assert ws.cell(row=r, column=5).protection.locked is False
    assert ws.cell(row=r, column=2).protection.locked is True
    assert ws.protection.sheet is True
    assert ws.column_dimensions["G"].hidden is True
    assert ws.cell(row=rows["3.1"], column=4).value == "Chấm qua điều tra xã hội học"
    assert ws.cell(row=rows["P1"], column=4).value == "Điểm trừ. Số lần vi phạm (số nguyên không âm)"
    lists = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists == {'"Có,Không"', '"Tốt,Đạt,Chưa đạt"'}
    assert wb["_phieu"]["B1"].value == "skhcn" and wb["_phieu"].sheet_state == "hidden"


def test_filled_workbook_writes_through_the_engine(client_for, editor, assessment):
    client = client_for(editor)
    _, wb = download(client, assessment)
    ws = wb["Tự đánh giá"]
    rows = rows_by_code(ws)
    values = {
        "1.1": "có",
        "1.2": "85%",
        "1.3": "Tốt",
        "1.4": 0.9,
        "2.1": 1.5,
        "2.2": "17/20",
        "T1": "Không",
        "P1": 2,
    }
    for code, value in values.items():
        ws.cell(row=rows[code], column=5, value=value)
    ws.cell(row=rows["1.4"], column=5).number_format = "0%"  # typed as 90% in Excel
    ws.cell(row=rows["1.1"], column=6, value="Kế hoạch số 12/KH-SKHCN")
    response = post_workbook(client, assessment, to_bytes(wb))
    assert messages_of(response) == ["Đã cập nhật 8 mục từ tệp Excel: 1.1, 1.2, 1.3, 1.4, 2.1, 2.2, T1, P1."]
    stored = {
        e.node.code: (e.self_value, str(e.self_points)) for e in ItemEntry.objects.select_related("node")
    }
    assert stored["1.1"] == ("Có", "1.0000")
    assert stored["1.2"] == ("85%", "0.5000")
    assert stored["1.4"] == ("90%", "0.9000")
    assert stored["2.1"] == ("1.5", "1.5000")
    assert stored["2.2"] == ("17/20", "0.8500")
    assert stored["P1"] == ("2", "1.0000")
    assert entry_of(assessment, "1.1").self_note == "Kế hoạch số 12/KH-SKHCN"
    assert set(ItemHistory.objects.values_list("source", flat=True)) == {"excel"}
    assert ItemHistory.objects.count() == 8


def test_reuploading_an_unchanged_workbook_changes_nothing(client_for, editor, assessment):
    client = client_for(editor)
    for code, value in {"1.1": "Có", "1.2": "17/20", "2.1": "0.75", "P1": "1"}.items():
        services.entry_save_self(
            entry=entry_of(assessment, code),
            value=value,
            note="Ghi chú «x»\ndòng 2",
            expected_version=0,
            by=editor,
        )
    before = list(ItemEntry.objects.order_by("pk").values_list("pk", "version", "self_value", "self_note"))
    history = ItemHistory.objects.count()
    response, _ = download(client, assessment)
    result = post_workbook(client, assessment, response.content)
    assert messages_of(result) == ["Tệp Excel không có gì khác với dữ liệu đã lưu: không thay đổi mục nào."]
    assert (
        list(ItemEntry.objects.order_by("pk").values_list("pk", "version", "self_value", "self_note"))
        == before
    )
    assert ItemHistory.objects.count() == history


def test_every_problem_is_listed_by_row_and_nothing_is_written(client_for, editor, assessment):
    client = client_for(editor)
    _, wb = download(client, assessment)
    ws = wb["Tự đánh giá"]
    rows = rows_by_code(ws)
    ws.cell(row=rows["1.1"], column=5, value="Có")  # fine, but must not be written
    ws.cell(row=rows["1.2"], column=5, value="nhiều")
    ws.cell(row=rows["1.3"], column=5, value="Xuất sắc")
    ws.cell(row=rows["2.1"], column=5, value="1.3")
    ws.cell(row=rows["3.1"], column=5, value="90%")
    ws.cell(row=rows["P1"], column=5, value="-1")
    ws.cell(row=rows["P1"] - 1, column=1, value="9.9")  # T1's code overwritten by an unknown code
    response = post_workbook(client, assessment, to_bytes(wb))
    body = response.content.decode()
    assert response.status_code == 422
    assert "Tệp có 6 lỗi; chưa ghi mục nào. Hãy sửa rồi tải lên lại." in body
    expected = [
        f"Dòng {rows['1.2']} (mục 1.2): «nhiều» không phải là tỷ lệ phần trăm (ví dụ 85%) hoặc phân số (ví dụ 17/20).",
        f"Dòng {rows['1.3']} (mục 1.3): «Xuất sắc» không có trong danh sách mức: Tốt, Đạt, Chưa đạt.",
        f"Dòng {rows['2.1']} (mục 2.1): Điểm phải là bội số của 0,25.",
        f"Dòng {rows['3.1']}: mục 3.1 chấm qua điều tra xã hội học, không nhập giá trị.",
        f"Dòng {rows['T1']}: mã tiêu chí «9.9» không có trong phiếu của đơn vị.",
        f"Dòng {rows['P1']} (mục P1): Giá trị âm không hợp lệ.",
    ]
    for problem in expected:
        assert f"<li>{problem}</li>" in body
    assert not ItemHistory.objects.exists()
    assert entry_of(assessment, "1.1").self_value == ""


def test_a_row_changed_on_the_web_after_download_is_reported(client_for, editor, assessment):
    client = client_for(editor)
    response, wb = download(client, assessment)
    services.entry_save_self(
        entry=entry_of(assessment, "1.2"), value="100%", note="", expected_version=0, by=editor
    )
    ws = wb["Tự đánh giá"]
    rows = rows_by_code(ws)
    ws.cell(row=rows["1.2"], column=5, value="50%")
    result = post_workbook(client, assessment, to_bytes(wb))
    assert (
        f"<li>Dòng {rows['1.2']} (mục 1.2): mục này đã được lưu trên trang web sau khi bạn tải tệp về "
        "(giá trị hiện tại «100%»). Hãy tải tệp mới hoặc sửa trên trang web.</li>" in result.content.decode()
    )
    assert entry_of(assessment, "1.2").self_value == "100%"


def test_a_workbook_of_another_unit_is_refused(
    client_for, editor, other_editor, assessment, other_assessment
):
    content = build_workbook(assessment_form(other_assessment)).content
    response = post_workbook(client_for(editor), assessment, content)
    assert (
        "<li>Tệp này là phiếu của đơn vị có mã «stp», không phải của Sở Khoa học và Công nghệ.</li>"
        in response.content.decode()
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Tệp tải lên rỗng: hãy chọn tệp Excel (.xlsx) đã tải về từ trang Tự đánh giá."),
        (
            b"%PDF-1.4 not a workbook",
            "Không đọc được tệp: hãy tải lên đúng tệp Excel (.xlsx) đã tải về từ trang Tự đánh giá.",
        ),
    ],
)
def test_a_file_that_is_not_the_workbook_is_refused(client_for, editor, assessment, content, message):
    response = post_workbook(client_for(editor), assessment, content)
    assert messages_of(response) == [message]


def test_a_workbook_without_the_sheet_is_refused(client_for, editor, assessment):
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    response = post_workbook(client_for(editor), assessment, to_bytes(wb))
    assert messages_of(response) == [
        "Tệp không có trang tính «Tự đánh giá»: hãy dùng tệp tải về từ trang Tự đánh giá."
    ]


def test_excel_dates_are_reported(client_for, editor, assessment):
    import datetime

    client = client_for(editor)
    _, wb = download(client, assessment)
    ws = wb["Tự đánh giá"]
    row = rows_by_code(ws)["1.2"]
    ws.cell(row=row, column=5, value=datetime.datetime(2023, 1, 2))
    body = post_workbook(client, assessment, to_bytes(wb)).content.decode()
    assert (
        f"Dòng {row} (mục 1.2): Excel đã đổi ô này thành ngày tháng — hãy nhập lại dưới dạng văn bản" in body
    )


def test_workbook_upload_is_refused_for_the_observer_and_other_units(
    client_for, observer, other_editor, assessment
):
    content = build_workbook(assessment_form(assessment)).content
    assert post_workbook(client_for(observer), assessment, content).status_code == 403
    assert client_for(other_editor).get(reverse("assessments:excel", args=[assessment.pk])).status_code == 404
    assert post_workbook(client_for(other_editor), assessment, content).status_code == 404


def test_workbook_upload_after_submission_is_refused(client_for, editor, head, assessment):
    from tests.assessments.test_workflow import fill

    fill(assessment, editor)
    services.assessment_submit(assessment=assessment, by=head)
    content = build_workbook(assessment_form(assessment)).content
    response = post_workbook(client_for(editor), assessment, content)
    assert messages_of(response)[0].startswith("Bản tự đánh giá đang ở trạng thái «Đã chốt tự đánh giá»")
