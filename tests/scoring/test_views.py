"""Results pages and downloads: allowed and denied for every view, files reopened and checked."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from appraisal.registry.models import Period, Phase
from appraisal.scoring.models import ScoreRun
from appraisal.scoring.services import period_approve, period_finalise
from tests.scoring.conftest import complete_decision, finalise_all

PAGES = ["scoring:period"]
DOWNLOADS = ["scoring:annex", "scoring:decision", "scoring:csv"]


@pytest.mark.parametrize("who", ["secretariat", "chair"])
def test_period_results_visible_live_to_chair_and_secretariat(who, request, scored, client_for):
    user = request.getfixturevalue(who)
    body = client_for(user).get(reverse("scoring:period", args=[2023])).content.decode()
    assert "Kết quả Chỉ số CCHC năm 2023" in body
    assert "Tạm tính" in body
    assert "Sở Khoa học và Công nghệ" in body
    assert "94,00" in body and "58,57" in body


@pytest.mark.parametrize("who", ["observer", "member"])
def test_period_results_reach_observers_and_members_once_finalised(who, request, scored, client_for):
    """SPEC §6a: ranks and other units' results from F for observers and council members."""
    client = client_for(request.getfixturevalue(who))
    response = client.get(reverse("scoring:period", args=[2023]))
    assert response.status_code == 403
    assert "Bảng xếp hạng chỉ được công bố" in response.content.decode()
    Period.objects.filter(year=2023).update(phase=Phase.FINALISED)
    body = client.get(reverse("scoring:period", args=[2023])).content.decode()
    assert "94,00" in body and "58,57" in body


@pytest.mark.parametrize(("who", "status"), [("editor", 403), ("head", 403), ("outsider", 404)])
def test_period_results_denied_to_units_and_outsiders(who, status, request, scored, client_for):
    response = client_for(request.getfixturevalue(who)).get(reverse("scoring:period", args=[2023]))
    assert response.status_code == status


def test_index_sends_unit_people_to_their_own_detail(scored, editor, client_for):
    response = client_for(editor).get(reverse("scoring:index"))
    assert response["Location"] == reverse("scoring:unit_detail", args=[2023, "skhcn"])


def test_unit_detail_shows_layers_and_explanation(scored, editor, client_for):
    finalise_all(scored[0].period)  # SPEC §6a: the unit's index from F
    body = client_for(editor).get(reverse("scoring:unit_detail", args=[2023, "skhcn"])).content.decode()
    assert "94,00%" in body
    assert "Giải thích cách tính các con số" in body
    assert "Lý do của Hội đồng: Thiếu tài liệu kiểm chứng" in body
    assert "76,67" in body  # field 2 component index


@pytest.mark.parametrize("who", ["other_editor", "outsider"])
def test_unit_detail_of_another_unit_is_404(who, request, scored, client_for):
    response = client_for(request.getfixturevalue(who)).get(
        reverse("scoring:unit_detail", args=[2023, "skhcn"])
    )
    assert response.status_code == 404


@pytest.mark.parametrize("name", DOWNLOADS)
@pytest.mark.parametrize(
    ("who", "status"), [("editor", 403), ("member", 403), ("observer", 403), ("outsider", 404)]
)
def test_documents_denied_before_finalisation_outside_chair_and_secretariat(
    name, who, status, request, scored, client_for
):
    response = client_for(request.getfixturevalue(who)).get(reverse(name, args=[2023]))
    assert response.status_code == status


def test_annex_before_finalisation_is_draft_and_reuses_snapshot(scored, secretariat, client_for):
    c = client_for(secretariat)
    assert c.get(reverse("scoring:annex", args=[2023])).status_code == 409  # a GET writes nothing
    assert ScoreRun.objects.count() == 0
    c.post(reverse("scoring:snapshot", args=[2023]))
    c.post(reverse("scoring:snapshot", args=[2023]))
    response = c.get(reverse("scoring:annex", args=[2023]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    first = wb.worksheets[0]
    texts = [str(c.value) for row in first.iter_rows(max_row=6) for c in row if c.value]
    assert any("DỰ THẢO" in t for t in texts)
    c.get(reverse("scoring:annex", args=[2023]))
    assert ScoreRun.objects.count() == 1  # unchanged inputs: the provisional snapshot is reused


def test_decision_after_approval_carries_number_and_date(scored, chair, secretariat, client_for):
    period = scored[0].period
    Period.objects.filter(pk=period.pk).update(phase=Phase.REAPPRAISAL)
    period.refresh_from_db()
    finalise_all(period)
    period_finalise(period=period, by=chair)
    complete_decision(period)
    period.refresh_from_db()
    period_approve(period=period, number="519/QĐ-UBND", date=dt.date(2024, 2, 5), by=secretariat)
    response = client_for(secretariat).get(reverse("scoring:decision", args=[2023]))
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells
    )
    assert "519/QĐ-UBND" in text
    assert "ngày 05 tháng 02 năm 2024" in text
    assert "DỰ THẢO" not in text
    assert "Sở Khoa học và Công nghệ" in text


def test_csv_has_bom_and_units(scored, chair, secretariat, client_for):
    client_for(secretariat).post(reverse("scoring:snapshot", args=[2023]))
    response = client_for(chair).get(reverse("scoring:csv", args=[2023]))
    assert response.content.startswith(b"\xef\xbb\xbf")
    text = response.content.decode("utf-8-sig")
    assert "Sở Khoa học và Công nghệ" in text and "Sở Tư pháp" in text


def _finalised_with_run(scored):
    """Units finalised (SPEC §6a moment F for them) and a provisional run to build documents from."""
    from appraisal.scoring.services import score_run_create

    period = scored[0].period
    finalise_all(period)
    score_run_create(period=period, by=None)


def test_unit_notice_download_lists_lowered_item(scored, head, client_for):
    _finalised_with_run(scored)
    response = client_for(head).get(reverse("scoring:unit_doc", args=[2023, "skhcn", "notice"]))
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells
    )
    assert "Sở Khoa học và Công nghệ" in text
    assert "Thiếu tài liệu kiểm chứng" in text


def test_unit_notice_of_another_unit_is_404(scored, other_editor, client_for):
    response = client_for(other_editor).get(reverse("scoring:unit_doc", args=[2023, "skhcn", "notice"]))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["scoring:snapshot", "scoring:approve"])
def test_secretariat_actions_denied_to_chair_and_editor(name, scored, chair, editor, client_for):
    for user in (chair, editor):
        assert client_for(user).post(reverse(name, args=[2023])).status_code == 403
    assert ScoreRun.objects.count() == 0


@pytest.mark.parametrize("name", ["scoring:finalise", "scoring:reopen"])
def test_chair_actions_denied_to_secretariat(name, scored, secretariat, client_for):
    assert client_for(secretariat).post(reverse(name, args=[2023]), {"reason": "x"}).status_code == 403


def test_chair_finalises_through_the_page(scored, chair, client_for):
    period = scored[0].period
    Period.objects.filter(pk=period.pk).update(phase=Phase.REAPPRAISAL)
    finalise_all(period)
    response = client_for(chair).post(reverse("scoring:finalise", args=[2023]), follow=True)
    assert "Đã chốt kết quả kỳ đánh giá" in response.content.decode()
    assert "Kết quả chính thức" in response.content.decode()
    assert Period.objects.get(pk=period.pk).phase == Phase.FINALISED


def test_chair_finalise_refused_shows_message(scored, chair, client_for):
    Period.objects.filter(pk=scored[0].period.pk).update(phase=Phase.REAPPRAISAL)
    response = client_for(chair).post(reverse("scoring:finalise", args=[2023]), follow=True)
    assert "còn 2 đơn vị chưa hoàn tất thẩm định" in response.content.decode()
    assert ScoreRun.objects.count() == 0


def test_period_results_query_count_is_constant(scored, secretariat, group, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import UnitFactory, member_of

    c = client_for(secretariat)
    c.get(reverse("scoring:period", args=[2023]))  # session and roles warmed up
    with CaptureQueriesContext(connection) as two_units:
        c.get(reverse("scoring:period", args=[2023]))
    for i in range(10):
        member_of(scored[0].period, UnitFactory(code=f"y{i}"), group)
    with CaptureQueriesContext(connection) as twelve_units:
        body = c.get(reverse("scoring:period", args=[2023])).content.decode()
    assert "Đơn vị y9" in body
    assert len(twelve_units) == len(two_units)


def test_shortcomings_print_view_lists_items_that_lost_points(scored, editor, client_for):
    _finalised_with_run(scored)
    body = (
        client_for(editor)
        .get(reverse("scoring:unit_report", args=[2023, "skhcn", "shortcomings"]))
        .content.decode()
    )
    assert "BÁO CÁO TỒN TẠI, HẠN CHẾ" in body
    assert "Công khai thủ tục hành chính" in body  # 2.1: 1,5 of 2 after round 1
    assert "Thiếu tài liệu kiểm chứng" in body
    assert "Ban hành kế hoạch CCHC năm" not in body  # 1.1 earned its full point


def test_notice_print_view_lists_only_lowered_items(scored, head, client_for):
    _finalised_with_run(scored)
    body = (
        client_for(head).get(reverse("scoring:unit_report", args=[2023, "skhcn", "notice"])).content.decode()
    )
    assert "THÔNG BÁO KẾT QUẢ THẨM ĐỊNH" in body
    assert "Công khai thủ tục hành chính" in body
    assert "Tỷ lệ hồ sơ trực tuyến" not in body  # 2.2 lost points but was not lowered by the council


@pytest.mark.parametrize("kind", ["notice", "shortcomings"])
def test_unit_report_of_another_unit_is_404(kind, scored, other_editor, client_for):
    response = client_for(other_editor).get(reverse("scoring:unit_report", args=[2023, "skhcn", kind]))
    assert response.status_code == 404


def test_approve_through_page_rejects_bad_date_and_keeps_period(scored, chair, secretariat, client_for):
    period = scored[0].period
    Period.objects.filter(pk=period.pk).update(phase=Phase.REAPPRAISAL)
    period.refresh_from_db()
    finalise_all(period)
    period_finalise(period=period, by=chair)
    complete_decision(period)
    c = client_for(secretariat)
    response = c.post(
        reverse("scoring:approve", args=[2023]), {"number": "519/QĐ-UBND", "date": "31/02/2024"}, follow=True
    )
    period.refresh_from_db()
    assert period.phase == Phase.FINALISED and period.decision_number == ""
    assert "alert-danger" in response.content.decode()
    response = c.post(
        reverse("scoring:approve", args=[2023]), {"number": "519/QĐ-UBND", "date": "05/02/2024"}, follow=True
    )
    period.refresh_from_db()
    assert (period.phase, period.decision_number, period.decision_date) == (
        Phase.APPROVED,
        "519/QĐ-UBND",
        dt.date(2024, 2, 5),
    )
    assert "Quyết định số 519/QĐ-UBND ngày 05/02/2024" in response.content.decode()


def test_final_result_notice_download_and_print_view(scored, head, client_for):
    """What happens today (issue 15, point 7): no final-result notice per unit; now a .docx and a print view
    signed by the council's notice signer of the organisation settings."""
    from appraisal.registry.models import Organisation

    org = Organisation.current()
    org.notice_signer_name = "Lê Thị Hoa"
    org.save()
    _finalised_with_run(scored)  # SPEC §6a: the unit's final result from F
    response = client_for(head).get(reverse("scoring:unit_doc", args=[2023, "skhcn", "result"]))
    doc = Document(io.BytesIO(response.content))
    paragraphs = [p.text for p in doc.paragraphs]
    assert "Kết quả cuối cùng Chỉ số cải cách hành chính năm 2023 của Sở Khoa học và Công nghệ" in paragraphs
    assert any(t.startswith("Sở Khoa học và Công nghệ đạt tổng điểm ") for t in paragraphs)
    signature = [p.text for p in doc.tables[-1].cell(0, 1).paragraphs if p.text]
    assert signature == ["TM. HỘI ĐỒNG THẨM ĐỊNH", "CHỦ TỊCH", "Lê Thị Hoa"]
    body = (
        client_for(head).get(reverse("scoring:unit_report", args=[2023, "skhcn", "result"])).content.decode()
    )
    assert "THÔNG BÁO KẾT QUẢ CUỐI CÙNG" in body
    assert "Kết luận của Hội đồng thẩm định" in body
    assert "Lê Thị Hoa" in body


def test_final_result_notice_of_another_unit_is_404(scored, other_editor, client_for):
    response = client_for(other_editor).get(reverse("scoring:unit_doc", args=[2023, "skhcn", "result"]))
    assert response.status_code == 404


def test_decision_pdf_for_digital_signing_or_a_hint_to_add_libreoffice(
    scored, chair, client_for, monkeypatch, tmp_path
):
    """The decision also as PDF (LibreOffice headless); where it is absent the page says how to add it."""
    import shutil
    import subprocess

    from appraisal.scoring.services import score_run_create

    score_run_create(period=scored[0].period, by=None)  # «Tính tạm»: drafts come from a stored run
    c = client_for(chair)
    page = c.get(reverse("scoring:period", args=[2023])).content.decode()
    # The page's button builds the PDF as a background job; the GET route stays for scripts.
    assert f'action="{reverse("scoring:export", args=[2023, "decision"])}"' in page
    assert '<input type="hidden" name="fmt" value="pdf">' in page
    if shutil.which("soffice") and shutil.which("pdftotext"):
        response = c.get(reverse("scoring:decision_pdf", args=[2023]))
        assert response["Content-Type"] == "application/pdf"
        path = tmp_path / "qd.pdf"
        path.write_bytes(response.content)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
        ).stdout
        assert "QUYẾT ĐỊNH" in text
    monkeypatch.setenv("PATH", "/nonexistent")
    page = c.get(reverse("scoring:period", args=[2023])).content.decode()
    assert "chưa có LibreOffice" in page and "apt-get install libreoffice-writer" in page
    response = c.get(reverse("scoring:decision_pdf", args=[2023]))
    assert response.status_code == 503
    assert "apt-get install libreoffice-writer libreoffice-calc" in response.content.decode()


@pytest.mark.parametrize(
    ("number", "date", "line"),
    [
        ("", None, "Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số …/TTr-SNV ngày …."),
        ("45/TTr-SNV", None, "Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 45/TTr-SNV ngày …."),
        (
            "45/TTr-SNV",
            dt.date(2024, 1, 31),
            "Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 45/TTr-SNV ngày 31/01/2024.",
        ),
    ],
)
def test_draft_decision_leaves_placeholders_for_a_missing_proposal_number_and_date(
    scored, secretariat, client_for, number, date, line
):
    """QA 18: the draft read «…tại Tờ trình số.» before the proposal was entered."""
    period = scored[0].period
    Period.objects.filter(pk=period.pk).update(
        proposal="Theo đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số",
        proposal_number=number,
        proposal_date=date,
    )
    _finalised_with_run(scored)

    response = client_for(secretariat).get(reverse("scoring:decision", args=[2023]))

    paragraphs = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    assert [p for p in paragraphs if p.startswith("Theo đề nghị")] == [line]


def test_approve_without_number_and_date_names_each_missing_field(scored, secretariat, client_for):
    """QA 20: «Lỗi: Trường này là bắt buộc.» twice, naming neither field."""
    response = client_for(secretariat).post(reverse("scoring:approve", args=[2023]), {}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Hãy nhập số quyết định phê duyệt (ví dụ 519/QĐ-UBND).",
        "Hãy nhập ngày ký quyết định phê duyệt (dd/mm/yyyy).",
    ]
    assert Period.objects.get(pk=scored[0].period.pk).phase != Phase.APPROVED


def test_approve_with_a_wrong_date_says_which_field_is_wrong(scored, secretariat, client_for):
    response = client_for(secretariat).post(
        reverse("scoring:approve", args=[2023]), {"number": "519/QĐ-UBND", "date": "31/02/2024"}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "Ngày 31/02/2024 không có thật: hãy kiểm tra lại ngày, tháng.",
    ]
    response = client_for(secretariat).post(
        reverse("scoring:approve", args=[2023]), {"number": "519/QĐ-UBND", "date": "5 tháng 2"}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Ngày ký quyết định phê duyệt không hợp lệ: ghi dạng dd/mm/yyyy, ví dụ 05/02/2024.",
    ]
