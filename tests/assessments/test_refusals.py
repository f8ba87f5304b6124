"""Versions required, refusals as refusals: a save without the version it read never overwrites, and every
refused save or action on the self-assessment endpoints answers 409 (someone else's change came first) or 422
(refused) with the message, never 200 or a redirect that a client or a monitor would count as done."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from appraisal.assessments.models import AssessmentEvent, Evidence, ItemHistory
from tests.assessments.conftest import entry_of

HTMX = {"HX-Request": "true"}
VERSION_MISSING = (
    "Chưa lưu: yêu cầu không cho biết phiên bản của mục mà bạn đã mở, nên không thể biết có ai vừa lưu "
    "mục này hay không. Hãy tải lại trang rồi nhập lại."
)


def save_url(entry):
    return reverse("assessments:entry_save", args=[entry.assessment_id, entry.pk])


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "no-javascript"])
def test_save_without_version_silently_overwrote_now_refused_422(editor, head, assessment, headers):
    """Today a POST without ``version`` overwrites another person's save."""
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(head)
    entry = entry_of(assessment, "1.2")
    assert first.post(save_url(entry), {"value": "100%", "version": 0}, headers=HTMX).status_code == 200
    response = second.post(save_url(entry), {"value": "70%", "note": "ghi đè"}, headers=headers)
    entry.refresh_from_db()
    assert response.status_code == 422
    assert VERSION_MISSING in response.content.decode()
    assert (entry.self_value, entry.self_points, entry.self_note, entry.version) == (
        "100%",
        Decimal("1.0000"),
        "",
        1,
    )
    assert list(ItemHistory.objects.filter(entry=entry).values_list("new_value", flat=True)) == ["100%"]


@pytest.mark.parametrize("version", ["", "abc", "-1"])
def test_save_with_an_unreadable_version_is_refused_422(client_for, editor, assessment, version):
    entry = entry_of(assessment, "1.1")
    response = client_for(editor).post(save_url(entry), {"value": "Có", "version": version}, headers=HTMX)
    entry.refresh_from_db()
    assert (response.status_code, entry.version, entry.self_value) == (422, 0, "")
    assert f"Lỗi: {VERSION_MISSING}" in response.content.decode()


def test_stale_save_without_javascript_redirected_now_answers_409_with_both_values(editor, head, assessment):
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(head)
    entry = entry_of(assessment, "1.3")
    first.post(save_url(entry), {"value": "Tốt", "version": 0})
    response = second.post(save_url(entry), {"value": "Đạt", "version": 0})
    entry.refresh_from_db()
    assert response.status_code == 409
    assert f"Mục 1.3 vừa được {editor.get_full_name()} lưu lúc" in response.content.decode()
    assert "với giá trị «Tốt»; giá trị của bạn: «Đạt»." in response.content.decode()
    assert (entry.self_value, entry.version) == ("Tốt", 1)


def test_bad_value_without_javascript_redirected_now_answers_422(client_for, editor, assessment):
    entry = entry_of(assessment, "1.2")
    response = client_for(editor).post(save_url(entry), {"value": "chín mươi", "version": 0})
    assert response.status_code == 422
    assert "Mục 1.2: «chín mươi» không phải là tỷ lệ phần trăm" in response.content.decode()
    assert 'id="entry-' in response.content.decode()  # the form again, not an error page


def _until(days):
    return timezone.localtime(timezone.now() + timedelta(days=days)).strftime("%d/%m/%Y %H:%M")


REFUSED = [
    (
        "editor",
        "submit",
        {},
        "Chỉ lãnh đạo đơn vị mới được chốt bản tự đánh giá; hãy đề nghị lãnh đạo đơn vị chốt.",
    ),
    ("editor", "withdraw", {}, "Chỉ rút lại được bản đã chốt; bản này đang ở trạng thái «Đang tự đánh giá»."),
    ("secretariat", "return", {}, "Hãy ghi lý do trả lại để đơn vị biết cần bổ sung gì."),
    (
        "secretariat",
        "return",
        {"reason": "Bổ sung tài liệu"},
        "Chỉ trả lại được bản đã chốt; bản này đang ở trạng thái «Đang tự đánh giá».",
    ),
    ("secretariat", "extend", {"until": "", "reason": "Mất điện"}, "Hãy nhập thời hạn mới."),
    (
        "secretariat",
        "extend",
        {"until": _until(-1), "reason": "Mất điện"},
        "Thời hạn gia hạn phải ở tương lai.",
    ),
    ("editor", "excel_upload", {}, "Hãy chọn tệp Excel đã điền."),
]


@pytest.mark.parametrize(
    ("persona", "action", "data", "message"),
    REFUSED,
    ids=[
        "submit-by-editor",
        "withdraw-draft",
        "return-no-reason",
        "return-draft",
        "extend-no-date",
        "extend-past",
        "excel-no-file",
    ],
)
def test_refused_workflow_action_redirected_now_answers_422_with_the_message(
    client_for, request, assessment, persona, action, data, message
):
    response = client_for(request.getfixturevalue(persona)).post(
        reverse(f"assessments:{action}", args=[assessment.pk]), data
    )
    assessment.refresh_from_db()
    assert response.status_code == 422
    assert f"<strong>Lỗi:</strong> {message}" in response.content.decode()
    assert (assessment.state, assessment.extension_until, AssessmentEvent.objects.count()) == (
        "draft",
        None,
        0,
    )


def test_refused_upload_without_javascript_redirected_now_answers_422(client_for, editor, assessment):
    entry = entry_of(assessment, "1.1")
    page = SimpleUploadedFile("bao-cao.pdf", b"<html>khong phai PDF</html>")
    response = client_for(editor).post(
        reverse("assessments:entry_upload", args=[assessment.pk, entry.pk]), {"file": page}
    )
    assert response.status_code == 422
    assert (
        "<strong>Lỗi:</strong> Không nhận dạng được nội dung tệp «bao-cao.pdf»" in response.content.decode()
    )
    assert not Evidence.objects.exists()
