"""Issue 10: what each recipient gets in e-mail and files carries only the layers SPEC §6a allows them at that
moment. The unit's people never read a council member's name (they read «Hội đồng thẩm định»); before the
notice no message to the unit counts lowered items; the finalised announcement carries no rank."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from appraisal.council import services as council_services
from appraisal.council.lifecycle import period_advance
from appraisal.council.models import OutboxKind, OutboxMessage
from appraisal.registry.models import Phase
from appraisal.scoring import services as scoring_services
from tests.council.conftest import appraise_all, complete_decision, entry_of, set_phase
from tests.council.test_period_lifecycle import _record_survey, _window

REASON = "Kế hoạch CCHC ban hành sau ngày 31/01."
MEMBER_NAME = "Hoàng Minh Tuấn"


def _docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return z.read("word/document.xml").decode()


def _named(member, chair):
    member.first_name, member.email = MEMBER_NAME, "member@stp.gov.vn"
    member.save()
    chair.first_name = "Phạm Văn Chủ"
    chair.save()


def test_unit_messages_and_files_carry_only_what_the_unit_may_see(
    world, member, chair, secretariat, editor, head, other_editor, client_for
):
    _named(member, chair)
    for user, address in ((editor, "daumoi@skhcn.gov.vn"), (head, "giamdoc@skhcn.gov.vn"),
                          (other_editor, "daumoi@stp.gov.vn")):  # fmt: skip
        user.email = address
        user.save()
    period, skhcn, stp = world["period"], world["skhcn"], world["stp"]
    appraise_all(skhcn, member, overrides={"1.1": "Không"}, reasons={"1.1": REASON})
    appraise_all(stp, secretariat)
    for a in (skhcn, stp):
        council_services.assessment_mark_appraised(assessment=a, by=secretariat)
    # Moment A for the unit: nothing about round 1 has reached it.
    assert not OutboxMessage.objects.filter(unit=skhcn.unit).exists()
    editor_client = client_for(editor)
    notice_url = reverse("scoring:unit_doc", args=[2023, "skhcn", "notice"])
    assert editor_client.get(notice_url).status_code == 403

    # Moment N: the notice is issued; the unit's message counts its lowered items, names no member.
    now = timezone.now()
    _window(period, Phase.EXPLANATION, opens=now - timedelta(hours=1), due=now + timedelta(days=2))
    period_advance(
        period=period, to_phase=Phase.EXPLANATION, by=secretariat, reason="Hết vòng 1", confirmed=True
    )
    notice = OutboxMessage.objects.get(kind=OutboxKind.NOTICE, unit=skhcn.unit)
    assert notice.to_list == ["daumoi@skhcn.gov.vn", "giamdoc@skhcn.gov.vn"]
    assert "1 tiêu chí bị hạ điểm" in notice.body
    stp_notice = OutboxMessage.objects.get(kind=OutboxKind.NOTICE, unit=stp.unit)
    assert stp_notice.to_list == ["daumoi@stp.gov.vn"] and "1 tiêu chí" not in stp_notice.body
    # The notice file the unit downloads: the council's reason, never who gave it.
    client_for(secretariat).post(reverse("scoring:snapshot", args=[2023]))
    response = client_for(editor).get(notice_url)
    assert response.status_code == 200
    text = _docx_text(response.content)
    assert REASON in text and MEMBER_NAME not in text and member.username not in text
    council_notice = client_for(member).get(reverse("council:notice_download", args=[skhcn.pk]))
    assert council_notice.status_code == 200 and REASON in _docx_text(council_notice.content)
    assert (
        client_for(other_editor).get(reverse("council:notice_download", args=[skhcn.pk])).status_code == 404
    )

    # The explanation goes back to the unit as a receipt (its own text only).
    entry = entry_of(skhcn, "1.1")
    council_services.explanation_record(
        entry=entry, text="Đã ban hành ngày 05/01.", by=editor, expected_version=entry.version
    )
    council_services.explanation_submit(assessment=skhcn, by=head)

    # Moment F: the announcement of finalisation tells every unit to look, with no rank and no number.
    set_phase(period, Phase.REAPPRAISAL)
    entry = entry_of(skhcn, "1.1")
    council_services.round2_record(
        entry=entry, decision="keep", reason="Giữ kết quả vòng 1.", by=member, expected_version=entry.version
    )
    for a in (skhcn, stp):
        a.refresh_from_db()
        _record_survey(a, secretariat)
        council_services.assessment_finalise(assessment=a, by=chair)
    scoring_services.period_finalise(period=period, by=chair)
    finalised = OutboxMessage.objects.get(kind=OutboxKind.FINALISED, unit=skhcn.unit)
    assert "hạng" not in finalised.body.lower() and "điểm" not in finalised.body

    # Approval: every unit is told the decision's number and date, to its own people, with no rank or points.
    complete_decision(period, secretariat)
    scoring_services.period_approve(
        period=period, number="519/QĐ-UBND", date=dt.date(2024, 2, 5), by=secretariat
    )
    approved = OutboxMessage.objects.get(kind=OutboxKind.APPROVED, unit=skhcn.unit)
    assert approved.subject == "[Chỉ số CCHC 2023] Quyết định phê duyệt số 519/QĐ-UBND"
    assert "tại Quyết định số 519/QĐ-UBND ngày 05/02/2024" in approved.body
    assert approved.to_list == ["daumoi@skhcn.gov.vn", "giamdoc@skhcn.gov.vn"]
    assert "hạng" not in approved.body.split("Đơn vị xem kết quả, xếp hạng")[0].lower()
    assert "điểm" not in approved.body
    assert OutboxMessage.objects.filter(kind=OutboxKind.APPROVED, unit=stp.unit).count() == 1

    kinds = set(OutboxMessage.objects.filter(unit=skhcn.unit).values_list("kind", flat=True))
    assert kinds == {
        OutboxKind.NOTICE,
        OutboxKind.EXPLANATION_SUBMITTED,
        OutboxKind.FINALISED,
        OutboxKind.APPROVED,
    }
    for message in OutboxMessage.objects.filter(unit__isnull=False):
        seen = message.subject + message.body + message.to + message.cc
        assert MEMBER_NAME not in seen and "Phạm Văn Chủ" not in seen, message.kind
        assert member.username not in seen and "member@stp.gov.vn" not in seen, message.kind
        # Each unit's messages go to that unit's people only.
        domain = "@skhcn.gov.vn" if message.unit_id == skhcn.unit_id else "@stp.gov.vn"
        assert all(a.endswith(domain) for a in message.to_list + message.cc_list), message.to
