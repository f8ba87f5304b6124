"""Evidence: uploads checked by content, stored once, document references, the library, downloads."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from appraisal.assessments import services
from appraisal.assessments.evidence import clean_filename
from appraisal.assessments.models import Evidence, EvidenceLink, EvidenceVersion, StoredFile
from tests.assessments.conftest import PDF, PNG, entry_of, pdf_file, png_file

HTMX = {"HX-Request": "true"}


def upload(client, entry, file, title=""):
    url = reverse("assessments:entry_upload", args=[entry.assessment_id, entry.pk])
    return client.post(url, {"file": file, "title": title}, headers=HTMX)


def test_upload_attaches_a_pdf_to_the_item(client_for, editor, assessment):
    entry = entry_of(assessment, "1.1")
    response = upload(client_for(editor), entry, pdf_file("Kế hoạch CCHC 2023.pdf"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Đã tải lên «Kế hoạch CCHC 2023.pdf» cho mục 1.1." in body
    evidence = Evidence.objects.get()
    assert (evidence.kind, evidence.title, evidence.original_name, evidence.unit, evidence.created_by) == (
        "file",
        "Kế hoạch CCHC 2023.pdf",
        "Kế hoạch CCHC 2023.pdf",
        assessment.unit,
        editor,
    )
    assert (evidence.file.content_type, evidence.file.size) == ("application/pdf", len(PDF))
    link = EvidenceLink.objects.get()
    assert (link.entry, link.evidence, link.layer, link.by, link.removed_at) == (
        entry,
        evidence,
        "self",
        editor,
        None,
    )
    assert f'id="entry-{entry.pk}-evidence" hx-swap-oob="true"' in body  # the item's list refreshes in place
    assert f'href="/tu-danh-gia/tai-lieu/{evidence.pk}/tai-ve/">Kế hoạch CCHC 2023.pdf</a>' in body


def test_upload_too_large_is_refused(client_for, editor, assessment, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    response = upload(client_for(editor), entry_of(assessment, "1.1"), pdf_file("lon.pdf"))
    assert response.status_code == 422
    assert (
        f"Tệp «lon.pdf» có dung lượng {len(PDF)} byte, vượt giới hạn 100 byte. "
        "Hãy nén hoặc chia nhỏ tệp rồi tải lên lại." in response.content.decode()
    )
    assert not StoredFile.objects.exists() and not Evidence.objects.exists()


def test_html_is_refused_whatever_its_name(client_for, editor, assessment):
    page = SimpleUploadedFile(
        "bao-cao.pdf", b"<!doctype html><html><body>Xin chao</body></html>", "application/pdf"
    )
    response = upload(client_for(editor), entry_of(assessment, "1.1"), page)
    assert response.status_code == 422
    assert (
        "Không nhận dạng được nội dung tệp «bao-cao.pdf» là PDF, Word (.doc, .docx), Excel (.xls, .xlsx), "
        "ảnh JPEG/PNG hoặc tệp nén ZIP (hệ thống kiểm tra nội dung tệp, không dựa vào tên tệp;"
        in response.content.decode()
    )
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200,
            "chương trình Windows (.exe)",
        ),
        (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200, "chương trình Linux (ELF)"),
    ],
)
def test_an_executable_renamed_pdf_is_refused(client_for, editor, assessment, content, kind):
    response = upload(
        client_for(editor), entry_of(assessment, "1.1"), SimpleUploadedFile("ke-hoach.pdf", content)
    )
    assert response.status_code == 422
    assert (
        f"Tệp «ke-hoach.pdf» thực chất là {kind}, không phải tài liệu: không được tải lên."
        in response.content.decode()
    )
    assert not StoredFile.objects.exists()


def test_empty_file_is_refused(client_for, editor, assessment):
    response = upload(client_for(editor), entry_of(assessment, "1.1"), SimpleUploadedFile("trong.pdf", b""))
    assert response.status_code == 422
    assert "Tệp «trong.pdf» rỗng (0 byte): hãy chọn lại đúng tệp có nội dung." in response.content.decode()
    assert not Evidence.objects.exists()


def test_other_image_types_are_refused_with_the_accepted_list(client_for, editor, assessment):
    gif = SimpleUploadedFile("anh.gif", b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + b"\x00" * 40)
    response = upload(client_for(editor), entry_of(assessment, "1.1"), gif)
    assert "Tệp «anh.gif» là loại GIF, không được nhận." in response.content.decode()


def test_names_with_path_parts_are_cleaned_and_vietnamese_is_kept(client_for, editor, assessment):
    upload(
        client_for(editor), entry_of(assessment, "1.1"), pdf_file("../../../etc/Báo cáo tổng kết CCHC.pdf")
    )
    evidence = Evidence.objects.get()
    assert evidence.original_name == "Báo cáo tổng kết CCHC.pdf"
    assert ".." not in evidence.file.file.name
    assert evidence.file.file.name == f"evidence/{timezone.now().year}/{evidence.file.sha256}.pdf"


# A minimal ZIP (an empty archive): end-of-central-directory record only, as filetype sees a ZIP.
ZIP = b"PK\x03\x04" + b"\x14\x00" + b"\x00" * 24 + b"PK\x05\x06" + b"\x00" * 18


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "bao-cao.html",
            PDF + b"<html><body><script>alert(1)</script></body></html>",
            "Tệp «bao-cao.html» có đuôi .html nhưng nội dung là PDF: tên tệp không khớp với nội dung nên "
            "không được nhận. Nếu đúng là PDF, hãy đổi tên thành «bao-cao.pdf» rồi tải lên lại.",
        ),
        (
            "anh.svg",
            PNG + b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "Tệp «anh.svg» có đuôi .svg nhưng nội dung là ảnh PNG: tên tệp không khớp với nội dung nên "
            "không được nhận. Nếu đúng là ảnh PNG, hãy đổi tên thành «anh.png» rồi tải lên lại.",
        ),
        (
            "setup.exe",
            ZIP,
            "Tệp «setup.exe» có đuôi .exe nhưng nội dung là tệp nén ZIP: tên tệp không khớp với nội dung "
            "nên không được nhận. Nếu đúng là tệp nén ZIP, hãy đổi tên thành «setup.zip» rồi tải lên lại.",
        ),
    ],
    ids=["pdf-html-polyglot", "png-svg-polyglot", "zip-named-exe"],
)
def test_upload_keeping_a_contradicting_extension_is_refused(
    client_for, editor, assessment, name, content, message
):
    """Today a PDF+HTML named bao-cao.html, a PNG+SVG polyglot named anh.svg and a ZIP named setup.exe are
    stored and served under those names."""
    response = upload(client_for(editor), entry_of(assessment, "1.1"), SimpleUploadedFile(name, content))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert (StoredFile.objects.count(), Evidence.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("name", "content", "stored_name"),
    [
        ("Kế hoạch v1.5", PDF, "Kế hoạch v1.5.pdf"),
        ("Báo cáo 2023.PDF", PDF, "Báo cáo 2023.pdf"),
        ("anh hoi nghi.jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64, "anh hoi nghi.jpg"),
        ("ho-so", ZIP, "ho-so.zip"),
    ],
    ids=["no-extension", "upper-case", "jpeg-alias", "zip-without-extension"],
)
def test_stored_and_served_name_take_the_extension_of_the_detected_type(
    client_for, editor, assessment, name, content, stored_name
):
    client = client_for(editor)
    upload(client, entry_of(assessment, "1.1"), SimpleUploadedFile(name, content))
    evidence = Evidence.objects.get()
    extension = stored_name.rsplit(".", 1)[1]
    assert evidence.original_name == stored_name
    assert evidence.file.file.name == f"evidence/{timezone.now().year}/{evidence.file.sha256}.{extension}"
    response = client.get(reverse("assessments:evidence_download", args=[evidence.pk]))
    assert response["Content-Disposition"] == content_disposition_header(True, stored_name)


def test_download_of_a_row_stored_under_a_contradicting_name_is_served_as_its_type(
    client_for, editor, assessment
):
    """Rows stored before the name rule keep their name in the database but are served as what they are."""
    client = client_for(editor)
    upload(client, entry_of(assessment, "1.1"), pdf_file("bao-cao.pdf"))
    Evidence.objects.update(original_name="bao-cao.html")
    response = client.get(reverse("assessments:evidence_download", args=[Evidence.objects.get().pk]))
    assert (
        response["Content-Type"],
        response["Content-Disposition"],
        response["X-Content-Type-Options"],
    ) == (
        "application/pdf",
        'attachment; filename="bao-cao.pdf"',
        "nosniff",
    )


def test_replacing_with_a_contradicting_name_is_refused_and_keeps_the_file(client_for, editor, assessment):
    client = client_for(editor)
    upload(client, entry_of(assessment, "1.1"), pdf_file("Kế hoạch.pdf"))
    evidence = Evidence.objects.get()
    response = client.post(
        reverse("assessments:evidence_replace", args=[assessment.pk, evidence.pk]),
        {"file": SimpleUploadedFile("ke-hoach.svg", PNG)},
        follow=True,
    )
    assert response.status_code == 422
    assert [str(m) for m in response.context["messages"]] == [
        "Tệp «ke-hoach.svg» có đuôi .svg nhưng nội dung là ảnh PNG: tên tệp không khớp với nội dung nên "
        "không được nhận. Nếu đúng là ảnh PNG, hãy đổi tên thành «ke-hoach.png» rồi tải lên lại."
    ]
    evidence.refresh_from_db()
    assert (evidence.original_name, evidence.file.content_type, EvidenceVersion.objects.count()) == (
        "Kế hoạch.pdf",
        "application/pdf",
        0,
    )


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("..\\..\\Quyết định 519.pdf", "Quyết định 519.pdf"),
        ("/etc/passwd", "passwd"),
        ("..", "tai-lieu"),
        ("a\x00b<c>.png", "ab_c_.png"),
        ("Ke\u0302\u0301 hoa\u0323ch.pdf", "Kế hoạch.pdf"),  # decomposed Vietnamese → NFC
    ],
)
def test_clean_filename(raw, clean):
    assert clean_filename(raw) == clean


def test_the_same_file_twice_is_stored_once(client_for, editor, assessment):
    client = client_for(editor)
    upload(client, entry_of(assessment, "1.1"), png_file("anh-1.png"))
    upload(client, entry_of(assessment, "1.3"), png_file("Ảnh chụp hội nghị.png"))
    assert StoredFile.objects.count() == 1
    assert list(Evidence.objects.order_by("pk").values_list("original_name", "file__sha256")) == [
        ("anh-1.png", StoredFile.objects.get().sha256),
        ("Ảnh chụp hội nghị.png", StoredFile.objects.get().sha256),
    ]


def test_cite_an_issued_document(client_for, editor, assessment):
    entry = entry_of(assessment, "1.1")
    url = reverse("assessments:entry_cite", args=[assessment.pk, entry.pk])
    data = {"doc_number": "125/KH-SKHCN", "doc_date": "15/01/2023", "doc_summary": "Kế hoạch CCHC năm 2023"}
    response = client_for(editor).post(url, data, headers=HTMX)
    evidence = Evidence.objects.get()
    assert "Đã gắn văn bản số 125/KH-SKHCN cho mục 1.1." in response.content.decode()
    assert (evidence.kind, evidence.doc_number, evidence.doc_date.isoformat(), evidence.doc_summary) == (
        "document",
        "125/KH-SKHCN",
        "2023-01-15",
        "Kế hoạch CCHC năm 2023",
    )
    assert "Văn bản số 125/KH-SKHCN ngày 15/01/2023: Kế hoạch CCHC năm 2023" in response.content.decode()
    assert EvidenceLink.objects.get().entry == entry


def test_cite_refuses_a_date_not_in_vietnamese_order_and_keeps_the_input(client_for, editor, assessment):
    entry = entry_of(assessment, "1.1")
    url = reverse("assessments:entry_cite", args=[assessment.pk, entry.pk])
    data = {"doc_number": "125/KH-SKHCN", "doc_date": "2023-13-01", "doc_summary": "Kế hoạch"}
    body = client_for(editor).post(url, data, headers=HTMX).content.decode()
    assert "Ngày ban hành phải viết dạng dd/mm/yyyy, ví dụ 15/03/2023." in body
    assert 'value="125/KH-SKHCN"' in body
    assert not Evidence.objects.exists()


def test_cite_refuses_a_future_date(editor, assessment):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(services.ServiceError) as error:
        services.evidence_cite_for_entry(
            entry=entry_of(assessment, "1.1"),
            doc_number="1/KH",
            doc_date=tomorrow,
            doc_summary="x",
            by=editor,
        )
    assert error.value.message == "Ngày ban hành không được sau ngày hôm nay."


def test_one_document_serves_several_items(client_for, editor, assessment):
    client = client_for(editor)
    upload(client, entry_of(assessment, "1.1"), pdf_file("Báo cáo CCHC.pdf"))
    evidence = Evidence.objects.get()
    second = entry_of(assessment, "1.3")
    url = reverse("assessments:entry_attach", args=[assessment.pk, second.pk])
    response = client.post(url, {"evidence": evidence.pk}, headers=HTMX)
    assert "Đã gắn «Báo cáo CCHC.pdf» cho mục 1.3." in response.content.decode()
    again = client.post(url, {"evidence": evidence.pk}, headers=HTMX)
    assert "Tài liệu «Báo cáo CCHC.pdf» đã được gắn vào mục 1.3." in again.content.decode()
    assert EvidenceLink.objects.count() == 2
    library = client.get(reverse("assessments:library", args=[assessment.pk])).content.decode()
    first = entry_of(assessment, "1.1")
    assert (
        f'<a href="/tu-danh-gia/{assessment.pk}/phieu/#entry-{first.pk}">1.1</a>, '
        f'<a href="/tu-danh-gia/{assessment.pk}/phieu/#entry-{second.pk}">1.3</a>' in library
    )


def test_attaching_another_units_evidence_is_404(
    client_for, editor, other_editor, assessment, other_assessment
):
    services.evidence_upload_for_entry(
        entry=entry_of(other_assessment, "1.1"), uploaded=pdf_file(), by=other_editor
    )
    foreign = Evidence.objects.get()
    entry = entry_of(assessment, "1.1")
    url = reverse("assessments:entry_attach", args=[assessment.pk, entry.pk])
    response = client_for(editor).post(url, {"evidence": foreign.pk}, headers=HTMX)
    assert response.status_code == 404
    assert not EvidenceLink.objects.filter(entry=entry).exists()


def test_detach_is_soft(client_for, editor, assessment):
    client = client_for(editor)
    entry = entry_of(assessment, "1.1")
    upload(client, entry, pdf_file())
    link = EvidenceLink.objects.get()
    url = reverse("assessments:entry_detach", args=[assessment.pk, entry.pk, link.pk])
    response = client.post(url, headers=HTMX)
    link.refresh_from_db()
    assert "Đã gỡ tài liệu khỏi mục 1.1." in response.content.decode()
    assert link.removed_at is not None and link.removed_by == editor
    assert Evidence.objects.count() == 1  # still in the library
    assert "Chưa có tài liệu kiểm chứng." in response.content.decode()
    # Attaching it again is allowed: only one live link per item.
    client.post(
        reverse("assessments:entry_attach", args=[assessment.pk, entry.pk]),
        {"evidence": link.evidence_id},
        headers=HTMX,
    )
    assert EvidenceLink.objects.filter(entry=entry, removed_at__isnull=True).count() == 1
    assert EvidenceLink.objects.filter(entry=entry).count() == 2


def test_replace_keeps_the_old_file_as_a_version(client_for, editor, assessment):
    client = client_for(editor)
    upload(client, entry_of(assessment, "1.1"), pdf_file("Kế hoạch v1.pdf"))
    evidence = Evidence.objects.get()
    old_file = evidence.file
    url = reverse("assessments:evidence_replace", args=[assessment.pk, evidence.pk])
    response = client.post(url, {"file": png_file("Kế hoạch bản ký.png")}, follow=True)
    evidence.refresh_from_db()
    assert [str(m) for m in response.context["messages"]] == [
        "Đã thay tệp của «Kế hoạch v1.pdf»; tệp cũ vẫn được lưu trong lịch sử."
    ]
    assert (evidence.original_name, evidence.file.content_type) == ("Kế hoạch bản ký.png", "image/png")
    version = EvidenceVersion.objects.get()
    assert (version.file, version.original_name, version.by) == (old_file, "Kế hoạch v1.pdf", editor)
    old = client.get(reverse("assessments:evidence_version_download", args=[evidence.pk, version.pk]))
    assert b"".join(old.streaming_content) == PDF
    body = response.content.decode()
    assert "Phiên bản cũ (1)" in body


def test_replace_with_identical_content_is_refused(client_for, editor, assessment):
    client = client_for(editor)
    upload(client, entry_of(assessment, "1.1"), pdf_file())
    evidence = Evidence.objects.get()
    response = client.post(
        reverse("assessments:evidence_replace", args=[assessment.pk, evidence.pk]),
        {"file": pdf_file("khac.pdf")},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Tệp mới giống hệt tệp hiện tại: không có gì để thay."
    ]
    assert not EvidenceVersion.objects.exists()


def test_download_sends_the_file_with_its_vietnamese_name(client_for, editor, assessment):
    client = client_for(editor)
    upload(client, entry_of(assessment, "1.1"), pdf_file("Báo cáo CCHC năm 2023.pdf"))
    evidence = Evidence.objects.get()
    response = client.get(reverse("assessments:evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''" + quote("Báo cáo CCHC năm 2023.pdf")
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        # The self-assessment is still a draft: observers see a unit's evidence once submitted (SPEC §6a; QA
        # item 3, it was 200); tests/council/test_evidence_download_access.py follows it through submission.
        ("observer", 403),
        ("secretariat", 200),
        ("head", 200),
        ("other_editor", 404),
        ("member", 404),
        (
            "conflicted_member",
            200,
        ),  # SPEC §6a: a council member of the unit sees its evidence as its people do
        ("outsider", 404),
    ],
)
def test_download_permission(client_for, request, editor, assessment, persona, status):
    services.evidence_upload_for_entry(entry=entry_of(assessment, "1.1"), uploaded=pdf_file(), by=editor)
    evidence = Evidence.objects.get()
    client = client_for(request.getfixturevalue(persona))
    response = client.get(reverse("assessments:evidence_download", args=[evidence.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF


def test_download_of_an_old_version_of_another_unit_is_404(client_for, editor, other_editor, assessment):
    services.evidence_upload_for_entry(entry=entry_of(assessment, "1.1"), uploaded=pdf_file(), by=editor)
    evidence = Evidence.objects.get()
    services.evidence_replace_file(assessment=assessment, evidence=evidence, uploaded=png_file(), by=editor)
    version = EvidenceVersion.objects.get()
    url = reverse("assessments:evidence_version_download", args=[evidence.pk, version.pk])
    assert client_for(other_editor).get(url).status_code == 404


def test_download_requires_login(client, editor, assessment):
    services.evidence_upload_for_entry(entry=entry_of(assessment, "1.1"), uploaded=pdf_file(), by=editor)
    response = client.get(reverse("assessments:evidence_download", args=[Evidence.objects.get().pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


def test_library_add_file_and_document(client_for, editor, assessment):
    client = client_for(editor)
    url = reverse("assessments:library_add", args=[assessment.pk])
    response = client.post(
        url, {"file": png_file("Sơ đồ quy trình.png"), "title": "Sơ đồ quy trình ISO"}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Đã thêm «Sơ đồ quy trình ISO» vào thư viện tài liệu của đơn vị."
    ]
    client.post(
        url, {"doc_number": "12/QĐ-SKHCN", "doc_date": "02/03/2023", "doc_summary": "Quy chế làm việc"}
    )
    body = client.get(reverse("assessments:library", args=[assessment.pk])).content.decode()
    assert 'Sơ đồ quy trình.png</a><div class="small">Sơ đồ quy trình ISO</div>' in body
    assert 'Văn bản số 12/QĐ-SKHCN ngày 02/03/2023<div class="small">Quy chế làm việc</div>' in body
    assert body.count("Chưa gắn mục nào") == 2


def test_library_add_needs_a_file_or_a_document(client_for, editor, assessment):
    response = client_for(editor).post(
        reverse("assessments:library_add", args=[assessment.pk]), {"title": "x"}
    )
    assert response.status_code == 422
    assert (
        "Hãy chọn tệp để tải lên, hoặc nhập số/ký hiệu, ngày ban hành và trích yếu của văn bản."
        in response.content.decode()
    )


def test_library_of_another_unit_is_404(client_for, other_editor, assessment):
    assert (
        client_for(other_editor).get(reverse("assessments:library", args=[assessment.pk])).status_code == 404
    )
    response = client_for(other_editor).post(
        reverse("assessments:library_add", args=[assessment.pk]), {"file": pdf_file()}
    )
    assert response.status_code == 404
    assert not Evidence.objects.exists()


def test_library_is_read_only_for_the_observer(client_for, observer, assessment):
    from appraisal.assessments.models import Assessment

    Assessment.objects.filter(pk=assessment.pk).update(state="submitted")  # SPEC §6a: once submitted
    body = client_for(observer).get(reverse("assessments:library", args=[assessment.pk])).content.decode()
    assert "<strong>Chỉ xem:</strong>" in body
    assert "Thêm vào thư viện</button>" not in body
    response = client_for(observer).post(
        reverse("assessments:library_add", args=[assessment.pk]), {"file": pdf_file()}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("rows", [1, 4])
def test_library_queries_do_not_grow_with_evidence(
    client_for, django_assert_num_queries, editor, assessment, rows
):
    for i in range(rows):
        services.evidence_upload_for_entry(
            entry=entry_of(assessment, "1.1" if i % 2 else "1.3"),
            uploaded=png_file(f"a{i}.png", PNG + bytes([i])),
            by=editor,
        )
    client = client_for(editor)
    # session, user, roles, assessment, evidence, links, versions, windows
    with django_assert_num_queries(10):
        client.get(reverse("assessments:library", args=[assessment.pk]))


def test_evidence_is_refused_after_submission(editor, head, assessment):
    from tests.assessments.test_workflow import fill

    fill(assessment, editor)
    services.assessment_submit(assessment=assessment, by=head)
    with pytest.raises(services.ServiceError):
        services.evidence_upload_for_entry(entry=entry_of(assessment, "1.1"), uploaded=pdf_file(), by=editor)
    assert not Evidence.objects.exists()
