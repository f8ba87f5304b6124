"""Round 1, explanation, round 2, finalisation and reopening, at the service level."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from appraisal.assessments.models import AssessmentEvent, AssessmentState, EvidenceLink, ItemHistory
from appraisal.core.exceptions import ConcurrencyError, PhaseError, ServiceError
from appraisal.council import services
from appraisal.registry.models import Period, Phase, PhaseWindow
from tests.council.conftest import appraise_all, entry_of, explained_rate_item, open_window, set_phase

S = AssessmentState
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_round1_record_derives_points_and_writes_history(world, member):
    entry = entry_of(world["skhcn"], "1.3")
    fresh = services.round1_record(
        entry=entry, value="đạt", reason="Báo cáo nộp chậm.", by=member, expected_version=entry.version
    )
    assert (fresh.round1_value, fresh.round1_points) == ("Đạt", Decimal("0.5000"))
    assert fresh.round1_reason == "Báo cáo nộp chậm."
    assert fresh.round1_by == member
    h = ItemHistory.objects.filter(entry=entry, layer="round1").get()
    assert (h.old_value, h.new_value, h.new_points, h.reason, h.by) == (
        "",
        "Đạt",
        Decimal("0.5000"),
        "Báo cáo nộp chậm.",
        member,
    )


def test_round1_lowering_without_reason_is_refused(world, member):
    entry = entry_of(world["skhcn"], "1.1")
    with pytest.raises(ServiceError) as exc:
        services.round1_record(
            entry=entry, value="Không", reason="  ", by=member, expected_version=entry.version
        )
    assert exc.value.message == "Phải nêu lý do khi hạ điểm."
    entry.refresh_from_db()
    assert entry.round1_value == "" and entry.version == 1


def test_round1_keeping_or_raising_needs_no_reason(world, member):
    entry = entry_of(world["skhcn"], "1.4")  # self 90% → 0.9
    fresh = services.round1_record(entry=entry, value="95%", by=member, expected_version=entry.version)
    assert fresh.round1_points == Decimal("0.9500")


def test_round1_penalty_growing_deduction_counts_as_lowered(world, member):
    entry = entry_of(world["skhcn"], "P1")  # self: 1 event → 0.5 deducted
    with pytest.raises(ServiceError, match="Phải nêu lý do khi hạ điểm."):
        services.round1_record(entry=entry, value="3", by=member, expected_version=entry.version)
    fresh = services.round1_record(entry=entry, value="0", by=member, expected_version=entry.version)
    assert fresh.round1_points == Decimal("0.0000")


def test_round1_same_version_twice_gives_one_conflict_and_no_lost_update(world, member, secretariat):
    entry = entry_of(world["skhcn"], "1.2")
    version = entry.version
    services.round1_record(
        entry=entry, value="85%", reason="Chỉ đạt 85%.", by=member, expected_version=version
    )
    with pytest.raises(ConcurrencyError) as exc:
        services.round1_record(
            entry=entry, value="50%", reason="Chỉ đạt 50%.", by=secretariat, expected_version=version
        )
    assert "vừa được người khác lưu" in exc.value.message
    entry.refresh_from_db()
    assert (entry.round1_value, entry.round1_points, entry.round1_by) == ("85%", Decimal("0.5000"), member)
    assert ItemHistory.objects.filter(entry=entry, layer="round1").count() == 1


def test_round1_outside_appraisal_window_is_refused_naming_the_phase(world, member):
    period = world["period"]
    now = timezone.now()
    PhaseWindow.objects.create(
        period=period,
        phase=Phase.APPRAISAL,
        opens_at=now - timedelta(days=10),
        due_at=now - timedelta(days=1),
    )
    period = Period.objects.get(pk=period.pk)
    entry = entry_of(world["skhcn"], "1.1")
    entry.assessment.period = period
    with pytest.raises(PhaseError) as exc:
        services.round1_record(entry=entry, value="Có", by=member, expected_version=entry.version)
    assert exc.value.message.startswith("Đã quá hạn chót")
    assert "giai đoạn Thẩm định vòng 1" in exc.value.message
    entry.refresh_from_db()
    assert entry.round1_value == ""


def test_round1_before_the_appraisal_phase_is_refused(world, member):
    set_phase(world["period"], Phase.SELF_ASSESSMENT)
    entry = entry_of(world["skhcn"], "1.1")
    with pytest.raises(PhaseError, match="Giai đoạn Thẩm định vòng 1 chưa mở"):
        services.round1_record(entry=entry, value="Có", by=member, expected_version=entry.version)


def test_round1_by_conflicted_member_is_refused(world, conflicted_member):
    entry = entry_of(world["skhcn"], "1.1")
    with pytest.raises(PermissionDenied):
        services.round1_record(entry=entry, value="Có", by=conflicted_member, expected_version=entry.version)


def test_round1_on_survey_item_is_refused(world, secretariat):
    entry = entry_of(world["skhcn"], "3.1")
    with pytest.raises(ServiceError, match="chấm qua điều tra xã hội học"):
        services.round1_record(entry=entry, value="80%", by=secretariat, expected_version=entry.version)


def test_mark_appraised_lists_missing_items_then_moves_state(world, member, chair):
    a = world["skhcn"]
    with pytest.raises(ServiceError) as exc:
        services.assessment_mark_appraised(assessment=a, by=chair)
    assert exc.value.message == "Còn 8 mục chưa thẩm định vòng 1: 1.1, 1.2, 1.3, 1.4, 2.1, 2.2, T1, P1."
    appraise_all(a, member)
    services.assessment_mark_appraised(assessment=a, by=chair)
    a.refresh_from_db()
    assert a.state == S.APPRAISED
    ev = AssessmentEvent.objects.get(assessment=a)
    assert (ev.from_state, ev.to_state, ev.by) == (S.SUBMITTED, S.APPRAISED, chair)


def test_mark_appraised_by_member_is_forbidden(world, member):
    with pytest.raises(PermissionDenied):
        services.assessment_mark_appraised(assessment=world["skhcn"], by=member)


def _appraised_with_lowered_item(world, member, chair):
    a = world["skhcn"]
    appraise_all(a, member, overrides={"1.1": "Không"}, reasons={"1.1": "Kế hoạch ban hành sau hạn."})
    services.assessment_mark_appraised(assessment=a, by=chair)
    set_phase(world["period"], Phase.EXPLANATION)
    a.refresh_from_db()
    return a


def test_explanation_record_writes_text_version_and_history(world, member, chair, editor):
    a = _appraised_with_lowered_item(world, member, chair)
    entry = entry_of(a, "1.1")
    fresh = services.explanation_record(
        entry=entry, text="Kế hoạch ban hành đúng hạn, xem tệp.", by=editor, expected_version=entry.version
    )
    assert fresh.explanation == "Kế hoạch ban hành đúng hạn, xem tệp."
    assert fresh.version == entry.version + 1
    h = ItemHistory.objects.get(entry=entry, layer="explanation")
    assert (h.old_value, h.new_value, h.by) == ("", "Kế hoạch ban hành đúng hạn, xem tệp.", editor)
    with pytest.raises(ConcurrencyError):
        services.explanation_record(entry=entry, text="khác", by=editor, expected_version=entry.version)


def test_explanation_of_an_item_not_lowered_is_refused(world, member, chair, editor):
    a = _appraised_with_lowered_item(world, member, chair)
    entry = entry_of(a, "1.2")
    with pytest.raises(ServiceError, match="không bị hạ điểm"):
        services.explanation_record(entry=entry, text="x", by=editor, expected_version=entry.version)


def test_explanation_outside_its_phase_is_refused(world, member, chair, editor):
    a = _appraised_with_lowered_item(world, member, chair)
    set_phase(world["period"], Phase.REAPPRAISAL)
    entry = entry_of(a, "1.1")
    with pytest.raises(PhaseError, match="Giai đoạn Giải trình đã kết thúc"):
        services.explanation_record(entry=entry, text="x", by=editor, expected_version=entry.version)


def test_explanation_evidence_upload_links_on_explanation_layer(world, member, chair, editor):
    a = _appraised_with_lowered_item(world, member, chair)
    entry = entry_of(a, "1.1")
    link = services.explanation_evidence_upload(
        entry=entry, uploaded=SimpleUploadedFile("Kế hoạch 2023.pdf", PDF, "application/pdf"), by=editor
    )
    assert link.layer == "explanation"
    assert link.evidence.unit == a.unit and link.evidence.original_name == "Kế hoạch 2023.pdf"
    assert EvidenceLink.objects.filter(entry=entry, layer="explanation").count() == 1


def test_explanation_submit_only_by_head_and_only_with_text(world, member, chair, editor, head):
    a = _appraised_with_lowered_item(world, member, chair)
    with pytest.raises(PermissionDenied):
        services.explanation_submit(assessment=a, by=editor)
    with pytest.raises(ServiceError, match="Chưa có mục nào được giải trình"):
        services.explanation_submit(assessment=a, by=head)
    entry = entry_of(a, "1.1")
    services.explanation_record(
        entry=entry, text="Đã ban hành đúng hạn.", by=editor, expected_version=entry.version
    )
    services.explanation_submit(assessment=a, by=head)
    a.refresh_from_db()
    assert a.state == S.EXPLAINED and a.explanation_submitted_by == head
    assert AssessmentEvent.objects.filter(assessment=a, to_state=S.EXPLAINED, by=head).count() == 1


def _explained(world, member, chair, editor, head):
    a = _appraised_with_lowered_item(world, member, chair)
    entry = entry_of(a, "1.1")
    services.explanation_record(
        entry=entry, text="Đã ban hành đúng hạn.", by=editor, expected_version=entry.version
    )
    services.explanation_submit(assessment=a, by=head)
    set_phase(world["period"], Phase.REAPPRAISAL)
    a.refresh_from_db()
    return a


@pytest.mark.parametrize(
    ("decision", "value", "expected_value", "expected_points"),
    [("accept", "", "Có", Decimal("1.0000")), ("keep", "", "Không", Decimal("0.0000"))],
)
def test_round2_accept_and_keep_take_the_claim_or_round1(
    world, member, chair, editor, head, decision, value, expected_value, expected_points
):
    a = _explained(world, member, chair, editor, head)
    entry = entry_of(a, "1.1")
    fresh = services.round2_record(
        entry=entry,
        decision=decision,
        value=value,
        reason="Xem xét giải trình.",
        by=member,
        expected_version=entry.version,
    )
    assert (fresh.round2_decision, fresh.round2_value, fresh.round2_points) == (
        decision,
        expected_value,
        expected_points,
    )
    assert ItemHistory.objects.get(entry=entry, layer="round2").reason == "Xem xét giải trình."


def test_round2_partial_needs_a_value_and_every_decision_a_reason(world, member, chair, editor, head):
    a = _explained(world, member, chair, editor, head)
    entry = entry_of(a, "1.4")  # not explained
    e11 = entry_of(a, "1.1")
    with pytest.raises(ServiceError, match="Phải nêu lý do của kết luận vòng 2."):
        services.round2_record(
            entry=e11, decision="accept", reason="", by=member, expected_version=e11.version
        )
    with pytest.raises(ServiceError, match="hãy nhập giá trị thẩm định lại"):
        services.round2_record(
            entry=e11, decision="partial", reason="Một phần.", by=member, expected_version=e11.version
        )
    with pytest.raises(ServiceError, match="không có giải trình"):
        services.round2_record(
            entry=entry, decision="keep", reason="x", by=member, expected_version=entry.version
        )


def test_finalise_from_explained_needs_round2_then_passes_through_reappraised(
    world, member, chair, editor, head
):
    a = _explained(world, member, chair, editor, head)
    entry_of(a, "3.1").__class__.objects.filter(assessment=a, node__code="3.1").update(
        survey_value="80%", survey_points=Decimal("2.4000")
    )
    with pytest.raises(ServiceError) as exc:
        services.assessment_finalise(assessment=a, by=chair)
    assert exc.value.message == "Còn 1 mục đã giải trình chưa có kết luận vòng 2: 1.1."
    e11 = entry_of(a, "1.1")
    services.round2_record(
        entry=e11, decision="accept", reason="Giải trình hợp lý.", by=member, expected_version=e11.version
    )
    services.assessment_finalise(assessment=a, by=chair)
    a.refresh_from_db()
    assert a.state == S.FINALISED
    states = list(AssessmentEvent.objects.filter(assessment=a).values_list("from_state", "to_state"))
    assert states[-2:] == [(S.EXPLAINED, S.REAPPRAISED), (S.REAPPRAISED, S.FINALISED)]


def test_finalise_needs_survey_results(world, member, chair):
    a = world["skhcn"]
    appraise_all(a, member)
    services.assessment_mark_appraised(assessment=a, by=chair)
    with pytest.raises(ServiceError) as exc:
        services.assessment_finalise(assessment=a, by=chair)
    assert exc.value.message == "Còn 1 mục chưa có điểm cuối cùng: 3.1."


def test_finalise_by_member_is_forbidden(world, member):
    with pytest.raises(PermissionDenied):
        services.assessment_finalise(assessment=world["skhcn"], by=member)


def _finalised(world, member, chair):
    a = world["skhcn"]
    appraise_all(a, member)
    services.assessment_mark_appraised(assessment=a, by=chair)
    a.entries.filter(node__code="3.1").update(survey_value="80%", survey_points=Decimal("2.4000"))
    services.assessment_finalise(assessment=a, by=chair)
    a.refresh_from_db()
    return a


def test_reopen_only_by_chair_with_reason_and_before_approval(world, member, chair, secretariat):
    a = _finalised(world, member, chair)
    with pytest.raises(PermissionDenied):
        services.assessment_reopen(assessment=a, reason="x", by=secretariat)
    with pytest.raises(ServiceError, match="Phải nêu lý do mở lại"):
        services.assessment_reopen(assessment=a, reason=" ", by=chair)
    services.assessment_reopen(assessment=a, reason="Sai sót mục 2.1.", by=chair)
    a.refresh_from_db()
    assert a.state == S.REAPPRAISED
    ev = AssessmentEvent.objects.filter(assessment=a).last()
    assert (ev.from_state, ev.to_state, ev.reason, ev.by) == (
        S.FINALISED,
        S.REAPPRAISED,
        "Sai sót mục 2.1.",
        chair,
    )


def test_reopen_after_period_approval_is_refused(world, member, chair):
    a = _finalised(world, member, chair)
    set_phase(world["period"], Phase.APPROVED)
    a.period.refresh_from_db()
    with pytest.raises(ServiceError, match="đã được phê duyệt"):
        services.assessment_reopen(assessment=a, reason="Sai sót.", by=chair)
    a.refresh_from_db()
    assert a.state == S.FINALISED


def test_state_changes_are_compare_and_set(world, member, chair):
    a = world["skhcn"]
    appraise_all(a, member)
    stale = type(a).objects.get(pk=a.pk)
    services.assessment_mark_appraised(assessment=a, by=chair)
    with pytest.raises(ServiceError):  # the stale copy still says submitted: the table check refuses it
        services.assessment_mark_appraised(assessment=stale, by=chair)
    assert AssessmentEvent.objects.filter(assessment=a, to_state=S.APPRAISED).count() == 1


def test_explanation_window_dates_drive_explanation(world, member, chair, editor):
    a = _appraised_with_lowered_item(world, member, chair)
    open_window(world["period"], Phase.EXPLANATION, opened_days_ago=-1, due_in_days=5)  # opens tomorrow
    a = type(a).objects.select_related("period").get(pk=a.pk)
    entry = entry_of(a, "1.1")
    entry.assessment = a
    with pytest.raises(PhaseError, match="Giai đoạn Giải trình chưa mở: mở từ"):
        services.explanation_record(entry=entry, text="x", by=editor, expected_version=entry.version)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "95%",
            "Chấp nhận một phần: giá trị «95%» cho 0,95 điểm, ngoài khoảng từ 0,6 điểm (vòng 1) đến 0,9 điểm "
            "(đơn vị tự chấm). Nếu đồng ý toàn bộ giải trình, hãy chọn «Chấp nhận».",
        ),
        (
            "55%",
            "Chấp nhận một phần: giá trị «55%» cho 0,55 điểm, ngoài khoảng từ 0,6 điểm (vòng 1) đến 0,9 điểm "
            "(đơn vị tự chấm). Nếu đồng ý toàn bộ giải trình, hãy chọn «Chấp nhận».",
        ),
    ],
)
def test_round2_partial_outside_round1_and_claim_is_refused_naming_the_range(
    world, member, chair, editor, head, value, message
):
    entry = explained_rate_item(world, member, chair, editor, head)

    with pytest.raises(ServiceError) as caught:
        services.round2_record(
            entry=entry,
            decision="partial",
            value=value,
            reason="Một phần.",
            by=member,
            expected_version=entry.version,
        )

    assert caught.value.message == message
    entry.refresh_from_db()
    assert (entry.round2_value, entry.round2_points, entry.round2_decision) == ("", None, "")
    assert not ItemHistory.objects.filter(entry=entry, layer="round2").exists()


@pytest.mark.parametrize(
    ("value", "points"), [("75%", Decimal("0.7500")), ("60%", Decimal("0.6000")), ("90%", Decimal("0.9000"))]
)
def test_round2_partial_within_round1_and_claim_is_recorded(
    world, member, chair, editor, head, value, points
):
    entry = explained_rate_item(world, member, chair, editor, head)

    fresh = services.round2_record(
        entry=entry,
        decision="partial",
        value=value,
        reason="Một phần.",
        by=member,
        expected_version=entry.version,
    )

    assert (fresh.round2_decision, fresh.round2_value, fresh.round2_points) == ("partial", value, points)
