"""A refused explanation file or text sent without htmx (a plain form post) answers 422 with the explanation page
again: the app's own message (the one evidence uploads give, from the one upload check), beside its field, and
what the person typed still there — the document's title, the explanation's text. Nothing is written."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appraisal.assessments.models import Evidence, EvidenceLink, ItemHistory, StoredFile
from appraisal.council import services
from appraisal.registry.models import Phase
from tests.council.conftest import appraise_all, entry_of, set_phase

TITLE = "Quyết định ban hành kế hoạch <số 12> & phụ lục"
TITLE_HTML = "Quyết định ban hành kế hoạch &lt;số 12&gt; &amp; phụ lục"
ACCEPTED = "PDF, Word (.doc, .docx), Excel (.xls, .xlsx), ảnh JPEG/PNG hoặc tệp nén ZIP"


@pytest.fixture
def lowered(world, member, chair):
    """skhcn's item 1.1 lowered in round 1, the notice issued, the explanation phase open."""
    a = world["skhcn"]
    appraise_all(a, member, overrides={"1.1": "Không"}, reasons={"1.1": "Kế hoạch ban hành sau hạn."})
    services.assessment_mark_appraised(assessment=a, by=chair)
    set_phase(world["period"], Phase.EXPLANATION)
    return entry_of(a, "1.1")


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("trong.pdf", b"", "Tệp «trong.pdf» rỗng (0 byte): hãy chọn lại đúng tệp có nội dung."),
        (
            "ke-hoach.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200,
            "Tệp «ke-hoach.pdf» thực chất là chương trình Windows (.exe), không phải tài liệu: không được tải "
            f"lên. Chỉ nhận {ACCEPTED}.",
        ),
        (
            "bao-cao.html",
            b"<!doctype html><html><body>Xin chao</body></html>",
            f"Không nhận dạng được nội dung tệp «bao-cao.html» là {ACCEPTED} (hệ thống kiểm tra nội dung tệp, "
            "không dựa vào tên tệp; trang web HTML hay văn bản thuần không được nhận). "
            "Hãy lưu tài liệu sang PDF rồi tải lên lại.",
        ),
    ],
    ids=["empty", "exe-renamed-pdf", "html"],
)
def test_refused_explanation_file_keeps_the_title(client_for, editor, lowered, name, content, message):
    entry = lowered
    response = client_for(editor).post(
        reverse("council:explanation_upload", args=[entry.pk]),
        {f"f{entry.pk}-file": SimpleUploadedFile(name, content), f"f{entry.pk}-title": TITLE},
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert messages_of(response) == [message]
    assert "Tập tin được gửi là rỗng" not in body
    assert f'name="f{entry.pk}-title" value="{TITLE_HTML}"' in body
    assert f'aria-describedby="explanation-file-{entry.pk}-error"' in body
    assert (
        f'<div class="invalid-feedback d-block" id="explanation-file-{entry.pk}-error">'
        f"{message.replace('<', '&lt;')}</div>" in body
    )
    assert not Evidence.objects.exists()
    assert not EvidenceLink.objects.filter(entry=entry).exists()
    assert not StoredFile.objects.exists()


def test_explanation_file_is_required_with_the_apps_message(client_for, editor, lowered):
    entry = lowered
    response = client_for(editor).post(
        reverse("council:explanation_upload", args=[entry.pk]), {f"f{entry.pk}-title": TITLE}
    )
    assert response.status_code == 422
    assert messages_of(response) == ["Hãy chọn tệp cần tải lên."]
    assert f'name="f{entry.pk}-title" value="{TITLE_HTML}"' in response.content.decode()
    assert not Evidence.objects.exists()


def test_too_long_explanation_without_htmx_keeps_the_text(client_for, editor, lowered):
    entry = lowered
    text = "Đơn vị đã ban hành kế hoạch <đúng hạn> & gửi kèm. " + "x" * 10000
    response = client_for(editor).post(
        reverse("council:explanation_save", args=[entry.pk]),
        {f"e{entry.pk}-text": text, f"e{entry.pk}-version": entry.version},
    )
    body = response.content.decode()
    message = (
        f"Nội dung giải trình có {len(text)} ký tự, vượt giới hạn 10000 ký tự: hãy rút gọn rồi lưu lại "
        "(phần dài có thể đưa vào tài liệu bổ sung)."
    )
    assert response.status_code == 422
    assert messages_of(response) == [message]
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert f'aria-describedby="explanation-text-{entry.pk}-error">{escaped}</textarea>' in body
    assert (
        f'<div class="invalid-feedback d-block" id="explanation-text-{entry.pk}-error">{message}</div>'
        in body
    )
    version = entry.version
    entry.refresh_from_db()
    assert (entry.explanation, entry.version) == ("", version)
    assert not ItemHistory.objects.filter(entry=entry, layer="explanation").exists()


def test_explanation_page_starts_with_empty_forms(client_for, editor, lowered):
    body = (
        client_for(editor).get(reverse("council:explanation", args=[lowered.assessment_id])).content.decode()
    )
    assert f'name="f{lowered.pk}-title" value=""' in body
    assert "invalid-feedback" not in body
