"""A refused evidence upload or citation sent without htmx (a plain form post, no JavaScript) answers 422 with the
self-assessment form again, the item's evidence panel open: what the person typed is still there (the file's
title, the document's number, date and summary) and the message stands beside its field. Nothing is written."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from appraisal.assessments.models import Evidence, EvidenceLink
from tests.assessments.conftest import entry_of

TITLE = "Kế hoạch CCHC <số 12> & phụ lục"
ACCEPTED = "PDF, Word (.doc, .docx), Excel (.xls, .xlsx), ảnh JPEG/PNG hoặc tệp nén ZIP"


def html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def beside(pk: int, field: str, message: str) -> str:
    return f'<div class="invalid-feedback d-block" id="entry-{pk}-{field}-error">{html(message)}</div>'


def test_refused_file_without_javascript_keeps_the_title(client_for, editor, assessment):
    entry = entry_of(assessment, "1.1")
    response = client_for(editor).post(
        reverse("assessments:entry_upload", args=[assessment.pk, entry.pk]),
        {"file": SimpleUploadedFile("bao-cao.pdf", b"<html>khong phai PDF</html>"), "title": TITLE},
    )
    body = response.content.decode()
    message = (
        f"Không nhận dạng được nội dung tệp «bao-cao.pdf» là {ACCEPTED} (hệ thống kiểm tra nội dung tệp, "
        "không dựa vào tên tệp; trang web HTML hay văn bản thuần không được nhận). "
        "Hãy lưu tài liệu sang PDF rồi tải lên lại."
    )
    assert response.status_code == 422
    assert messages_of(response) == [message]
    assert f'name="title" id="entry-{entry.pk}-ftitle" value="{html(TITLE)}"' in body
    assert f'aria-describedby="entry-{entry.pk}-file-help entry-{entry.pk}-file-error"' in body
    assert beside(entry.pk, "file", message) in body
    assert body.count(f'id="entry-{entry.pk}-evidence"') == 1  # the panel inline, not its out-of-band copies
    assert body.count('id="missing-panel"') == 1
    assert not Evidence.objects.exists()


def test_upload_without_a_file_keeps_the_title(client_for, editor, assessment):
    entry = entry_of(assessment, "1.1")
    response = client_for(editor).post(
        reverse("assessments:entry_upload", args=[assessment.pk, entry.pk]), {"title": TITLE}
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert messages_of(response) == ["Hãy chọn tệp cần tải lên."]
    assert f'name="title" id="entry-{entry.pk}-ftitle" value="{html(TITLE)}"' in body
    assert beside(entry.pk, "file", "Hãy chọn tệp cần tải lên.") in body
    assert not Evidence.objects.exists()


def test_refused_citation_without_javascript_keeps_what_was_typed(client_for, editor, assessment):
    entry = entry_of(assessment, "1.1")
    response = client_for(editor).post(
        reverse("assessments:entry_cite", args=[assessment.pk, entry.pk]),
        {"doc_number": "12/KH-SKHCN", "doc_date": "2023-03-15", "doc_summary": "Kế hoạch <CCHC> 2023"},
    )
    body = response.content.decode()
    message = "Ngày ban hành phải viết dạng dd/mm/yyyy, ví dụ 15/03/2023."
    assert response.status_code == 422
    assert messages_of(response) == [message]
    assert f'id="entry-{entry.pk}-docno" placeholder="125/KH-SKHCN" value="12/KH-SKHCN"' in body
    assert (
        f'id="entry-{entry.pk}-docdate" placeholder="dd/mm/yyyy" inputmode="numeric" value="2023-03-15"'
        in body
    )
    assert f"{html('Kế hoạch <CCHC> 2023')}</textarea>" in body
    assert f'aria-describedby="entry-{entry.pk}-docdate-error"' in body
    assert beside(entry.pk, "docdate", message) in body
    assert not Evidence.objects.exists()


def test_citation_refused_by_the_service_keeps_what_was_typed(client_for, editor, assessment):
    entry = entry_of(assessment, "1.1")
    tomorrow = (timezone.localdate() + timedelta(days=1)).strftime("%d/%m/%Y")
    response = client_for(editor).post(
        reverse("assessments:entry_cite", args=[assessment.pk, entry.pk]),
        {"doc_number": "12/KH-SKHCN", "doc_date": tomorrow, "doc_summary": "Kế hoạch CCHC 2023"},
    )
    body = response.content.decode()
    message = "Ngày ban hành không được sau ngày hôm nay."
    assert response.status_code == 422
    assert messages_of(response) == [message]
    assert f'value="{tomorrow}"' in body and 'value="12/KH-SKHCN"' in body
    assert beside(entry.pk, "docdate", message) in body
    assert not EvidenceLink.objects.exists()


def test_the_form_page_opens_no_panel(client_for, editor, assessment):
    entry = entry_of(assessment, "1.1")
    body = client_for(editor).get(reverse("assessments:form", args=[assessment.pk])).content.decode()
    assert f'<div id="entry-{entry.pk}-panel" class="evidence-panel"></div>' in body
