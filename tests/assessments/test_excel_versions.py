"""Issue 11, behaviour 6: an offline workbook that lost its hidden version column must not overwrite newer web
values without a word."""

from __future__ import annotations

from appraisal.assessments import services
from appraisal.assessments.models import ItemEntry
from tests.assessments.conftest import entry_of
from tests.assessments.test_excel import download, messages_of, post_workbook, rows_by_code, to_bytes


def test_offline_workbook_without_version_column_is_refused_when_items_changed_since_download(
    client_for, editor, assessment
):
    client = client_for(editor)
    _, wb = download(client, assessment)
    services.entry_save_self(
        entry=entry_of(assessment, "1.4"), value="99%", note="", expected_version=0, by=editor
    )
    ws = wb["Tự đánh giá"]
    row = rows_by_code(ws)["1.4"]
    ws.cell(row=row, column=5, value="60%")
    ws.delete_cols(7)  # the hidden «Phiên bản» column
    body = post_workbook(client, assessment, to_bytes(wb)).content.decode()
    assert (
        f"Dòng {row} (mục 1.4): mục này đã được lưu trên trang web sau khi bạn tải tệp về (giá trị hiện tại «99%»)."
        in body
    )
    assert entry_of(assessment, "1.4").self_value == "99%"


def test_offline_workbook_without_any_version_information_lists_the_items_saved_on_the_web(
    client_for, editor, assessment
):
    client = client_for(editor)
    services.entry_save_self(
        entry=entry_of(assessment, "1.4"), value="99%", note="", expected_version=0, by=editor
    )
    _, wb = download(client, assessment)
    ws = wb["Tự đánh giá"]
    rows = rows_by_code(ws)
    ws.cell(row=rows["1.4"], column=5, value="60%")
    ws.cell(row=rows["1.1"], column=5, value="Có")
    ws.delete_cols(7)
    del wb["_phieu"]
    response = post_workbook(client, assessment, to_bytes(wb))
    body = response.content.decode()
    assert (
        "Tệp đã mất thông tin phiên bản (cột «Phiên bản» ẩn và trang «_phieu» bị xóa hoặc sửa), nên không biết "
        "các mục sau có được sửa trên trang web sau khi tải tệp về hay không: 1.4 (giá trị trên trang web «99%»)."
        in body
    )
    assert list(
        ItemEntry.objects.filter(assessment=assessment)
        .exclude(self_value="")
        .values_list("node__code", "self_value")
    ) == [("1.4", "99%")]


def test_offline_workbook_keeps_working_when_only_the_version_column_is_gone_and_nothing_changed(
    client_for, editor, assessment
):
    client = client_for(editor)
    _, wb = download(client, assessment)
    ws = wb["Tự đánh giá"]
    ws.cell(row=rows_by_code(ws)["1.1"], column=5, value="Có")
    ws.delete_cols(7)
    response = post_workbook(client, assessment, to_bytes(wb))
    assert messages_of(response) == ["Đã cập nhật 1 mục từ tệp Excel: 1.1."]
    assert entry_of(assessment, "1.1").self_value == "Có"
