"""Issue 9 (SPEC §3a): periods side by side, phases and windows in step, each unit on its own clock, units that
never submit, gates with reasons, closed periods, announcements. Each test is named after a behaviour observed
on the code before this work."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from appraisal.assessments import services as assessment_services
from appraisal.assessments.forms import ExtensionForm
from appraisal.assessments.models import Assessment, AssessmentEvent, AssessmentState
from appraisal.core.dates import LOCAL_TZ
from appraisal.core.exceptions import PhaseError, ServiceError
from appraisal.council import services as council_services
from appraisal.council.lifecycle import ConfirmationNeeded, period_advance
from appraisal.council.models import OutboxKind, OutboxMessage
from appraisal.registry import services as registry_services
from appraisal.registry.models import Organisation, Period, PeriodEvent, PeriodEventKind, Phase, PhaseWindow
from appraisal.registry.phases import phase_is_open, window_status
from appraisal.registry.selectors import period_current
from appraisal.scoring import services as scoring_services
from tests.council.conftest import (
    appraise_all,
    complete_decision,
    entry_of,
    open_window,
    set_phase,
    submit_assessment,
)

S = AssessmentState


def _window(period, phase, *, opens, due):
    PhaseWindow.objects.update_or_create(
        period=period, phase=phase, defaults={"opens_at": opens, "due_at": due}
    )
    if hasattr(period, "_window_cache"):
        del period._window_cache


# 1 ---------------------------------------------------------------------------------------------------------


def test_creating_next_period_leaves_everyone_on_the_current_period(
    period, index_set, unit, editor, secretariat, client_for
):
    registry_services.period_create(year=2024, by=secretariat)
    assert period_current() == period
    client = client_for(editor)
    home = client.get("/")
    assert home.context["period"] == period
    assert "Bạn chưa được giao đơn vị nào" not in home.content.decode()
    landing = client.get(reverse("assessments:index"))
    assert landing.status_code == 302
    assert landing["Location"] == reverse("assessments:open_year", kwargs={"year": 2023, "code": "skhcn"})
    client.post(landing["Location"])  # «Bắt đầu tự đánh giá»
    assert list(Assessment.objects.values_list("period__year", flat=True)) == [2023]
    # The unit does not take part in 2024: its page there does not exist, and nothing is created.
    assert (
        client.get(reverse("assessments:open_year", kwargs={"year": 2024, "code": "skhcn"})).status_code
        == 404
    )
    assert not Assessment.objects.filter(period__year=2024).exists()


def test_secretariat_chooses_the_current_period_and_it_is_recorded(period, secretariat, client_for):
    later = registry_services.period_create(year=2024, by=secretariat)
    response = client_for(secretariat).post(reverse("registry:period_set_current", args=[later.pk]))
    assert response.status_code == 302
    assert Organisation.current().current_period == later
    assert period_current() == later
    event = PeriodEvent.objects.get(period=later, kind=PeriodEventKind.CURRENT)
    assert event.by == secretariat


def test_period_switcher_lists_only_the_periods_a_person_has_something_in(
    period, index_set, unit, editor, secretariat, client_for
):
    registry_services.period_create(year=2024, by=secretariat)  # skhcn is not a member of 2024
    html = client_for(editor).get("/").content.decode()
    assert "Chỉ số CCHC năm 2023" in html
    assert "Chỉ số CCHC năm 2024" not in html
    html = client_for(secretariat).get("/").content.decode()
    assert "Chỉ số CCHC năm 2024 · Chuẩn bị" in html


# 4 ---------------------------------------------------------------------------------------------------------


def test_advancing_to_round1_lists_unsubmitted_units_and_closes_the_window(
    period, index_set, unit, other_unit, editor, other_editor, secretariat
):
    now = timezone.now()
    _window(period, Phase.SELF_ASSESSMENT, opens=now - timedelta(days=10), due=now + timedelta(days=3))
    submit_assessment(period, other_unit, other_editor)
    submit_assessment(period, unit, editor, state=S.DRAFT)
    with pytest.raises(ConfirmationNeeded) as refused:
        period_advance(period=period, to_phase=Phase.APPRAISAL, by=secretariat, reason="Đến lịch")
    texts = [r.text for r in refused.value.running]
    assert any("Thời hạn giai đoạn Tự đánh giá còn đến" in t for t in texts)
    assert any(t.startswith("1 đơn vị chưa chốt tự đánh giá") for t in texts)
    assert refused.value.running[1].names == ("Sở Khoa học và Công nghệ",)
    period.refresh_from_db()
    assert period.phase == Phase.SELF_ASSESSMENT

    period_advance(period=period, to_phase=Phase.APPRAISAL, by=secretariat, reason="Đến lịch", confirmed=True)
    period.refresh_from_db()
    assert period.phase == Phase.APPRAISAL
    window = PhaseWindow.objects.get(period=period, phase=Phase.SELF_ASSESSMENT)
    assert abs((window.due_at - timezone.now()).total_seconds()) < 60
    event = PeriodEvent.objects.get(period=period, kind=PeriodEventKind.PHASE)
    assert (event.from_phase, event.to_phase, event.reason, event.by) == (
        Phase.SELF_ASSESSMENT,
        Phase.APPRAISAL,
        "Đến lịch",
        secretariat,
    )
    assert "Sở Khoa học và Công nghệ" not in event.detail  # names stay on the page; the count is recorded
    assert "1 đơn vị chưa chốt tự đánh giá" in event.detail


def test_window_of_a_later_phase_never_opens_its_actions_early(world, member):
    period = world["period"]
    set_phase(period, Phase.SELF_ASSESSMENT)
    open_window(period, Phase.APPRAISAL)
    assert not phase_is_open(period=period, phase=Phase.APPRAISAL)
    status = window_status(period=period, phase=Phase.APPRAISAL)
    assert status.state == "planned"
    assert status.text.startswith("Dự kiến từ")
    entry = entry_of(world["skhcn"], "1.1")
    with pytest.raises(PhaseError, match="Giai đoạn Thẩm định vòng 1 chưa mở"):
        council_services.round1_record(
            entry=entry, value="Không", reason="x", by=member, expected_version=None
        )


def test_windows_must_follow_the_phases_without_overlap(period, secretariat):
    now = timezone.now()
    registry_services.phase_window_set(
        period=period,
        phase=Phase.SELF_ASSESSMENT,
        opens_at=now,
        due_at=now + timedelta(days=10),
        grace_minutes=0,
        by=secretariat,
    )
    with pytest.raises(ServiceError, match="phải mở sau hạn chót"):
        registry_services.phase_window_set(
            period=period,
            phase=Phase.APPRAISAL,
            opens_at=now + timedelta(days=5),
            due_at=now + timedelta(days=20),
            grace_minutes=0,
            by=secretariat,
        )
    assert PeriodEvent.objects.filter(period=period, kind=PeriodEventKind.WINDOW).count() == 1


# 5 ---------------------------------------------------------------------------------------------------------


def test_extension_in_round2_keeps_the_units_self_assessment_open(
    period, index_set, unit, editor, head, secretariat
):
    assessment = submit_assessment(period, unit, editor, state=S.DRAFT)
    assessment.entries.update(self_note="Thuyết minh kèm theo")  # complete: every claim explained
    set_phase(period, Phase.REAPPRAISAL)
    with pytest.raises(PhaseError, match="Giai đoạn Tự đánh giá đã kết thúc"):
        assessment_services.assessment_submit(assessment=assessment, by=head)
    form = ExtensionForm(
        {"until": (timezone.localdate() + timedelta(days=10)).strftime("%d/%m/%Y"), "reason": "Ốm"}
    )
    assert form.is_valid(), form.errors
    until = form.cleaned_data["until"]
    assert until.astimezone(LOCAL_TZ).time() == dt.time(23, 59)
    assessment_services.assessment_grant_extension(
        assessment=assessment, until=until, reason="Cán bộ đầu mối ốm", by=secretariat
    )
    assessment.refresh_from_db()
    assert assessment.extension_until == until
    submitted = assessment_services.assessment_submit(assessment=assessment, by=head)
    assert submitted.state == S.SUBMITTED
    event = PeriodEvent.objects.get(period=period, kind=PeriodEventKind.EXTENSION)
    assert (event.unit, event.by, event.reason) == (unit, secretariat, "Cán bộ đầu mối ốm")
    assert "Gia hạn tự đánh giá cho Sở Khoa học và Công nghệ đến 23:59 ngày" in event.detail


def test_extension_that_cannot_take_effect_is_refused_with_the_reason(world, secretariat):
    set_phase(world["period"], Phase.REAPPRAISAL)
    with pytest.raises(ServiceError, match="không có bước nào của đơn vị để gia hạn"):
        assessment_services.assessment_grant_extension(
            assessment=world["skhcn"], until=timezone.now() + timedelta(days=3), reason="x", by=secretariat
        )
    assert not PeriodEvent.objects.filter(kind=PeriodEventKind.EXTENSION).exists()


def test_every_extension_grant_is_kept(period, index_set, unit, editor, secretariat):
    assessment = submit_assessment(period, unit, editor, state=S.DRAFT)
    for days in (3, 6):
        assessment_services.assessment_grant_extension(
            assessment=assessment,
            until=timezone.now() + timedelta(days=days),
            reason=f"lần {days}",
            by=secretariat,
        )
    assert list(
        PeriodEvent.objects.filter(kind=PeriodEventKind.EXTENSION)
        .order_by("pk")
        .values_list("reason", flat=True)
    ) == ["lần 3", "lần 6"]


def test_unit_with_extension_submits_during_round1_and_is_appraised(
    world, unit, editor, head, member, secretariat
):
    period = world["period"]
    Assessment.objects.filter(pk=world["skhcn"].pk).update(state=S.DRAFT)
    assessment = Assessment.objects.get(pk=world["skhcn"].pk)
    assessment.entries.update(self_note="Thuyết minh kèm theo")
    assessment_services.assessment_grant_extension(
        assessment=assessment, until=timezone.now() + timedelta(days=2), reason="Bão lụt", by=secretariat
    )
    assessment.refresh_from_db()
    assessment_services.assessment_submit(assessment=assessment, by=head)
    set_phase(period, Phase.EXPLANATION)  # the period moved on meanwhile: the unit keeps its own clock
    assessment.refresh_from_db()
    appraise_all(assessment, member, overrides={"1.1": "Không"}, reasons={"1.1": "Chưa ban hành kế hoạch."})
    council_services.assessment_mark_appraised(assessment=assessment, by=secretariat)
    assessment.refresh_from_db()
    assert assessment.state == S.APPRAISED
    assert assessment.notice_issued_at is not None
    expected_end = timezone.localdate() + timedelta(days=period.explanation_days)
    assert assessment.explanation_until.astimezone(LOCAL_TZ).date() == expected_end
    assert assessment.explanation_until.astimezone(LOCAL_TZ).time() == dt.time(23, 59)


# 6 ---------------------------------------------------------------------------------------------------------


def test_unit_that_never_submitted_is_closed_appraised_at_zero_and_ranked(
    period, index_set, unit, other_unit, editor, other_editor, member, secretariat, chair
):
    from appraisal.council.models import Assignment

    Assignment.objects.create(period=period, member=member, field_code="1", created_by=secretariat)
    submitted = submit_assessment(period, other_unit, other_editor)
    draft = submit_assessment(period, unit, editor, values={"1.1": "Có"}, state=S.DRAFT)
    with pytest.raises(PhaseError, match="vẫn còn trong thời hạn tự đánh giá"):
        assessment_services.assessment_close_not_submitted(assessment=draft, reason="Quá hạn", by=secretariat)
    set_phase(period, Phase.APPRAISAL)
    appraise_all(submitted, secretariat)
    assessment_services.assessment_close_not_submitted(
        assessment=draft, reason="Quá hạn, đã nhắc 3 lần", by=secretariat
    )
    draft.refresh_from_db()
    assert (draft.state, draft.not_submitted_reason) == (S.NOT_SUBMITTED, "Quá hạn, đã nhắc 3 lần")
    assert PeriodEvent.objects.get(kind=PeriodEventKind.NOT_SUBMITTED).unit == unit
    entry = entry_of(draft, "1.1")
    council_services.round1_record(
        entry=entry, value="Có", reason="", by=member, expected_version=entry.version
    )
    council_services.assessment_mark_appraised(assessment=draft, by=secretariat)
    draft.refresh_from_db()
    assert draft.state == S.APPRAISED
    assert council_services.assessment_missing_final(draft) == ["3.1"]  # only the survey is still to come
    _, result = scoring_services.results_compute(period=period)
    rows = {u.code: u for g in result.groups for u in g.units}
    assert rows["skhcn"].total_points == Decimal("1")
    assert rows["skhcn"].rank == 2


def test_stopping_to_track_a_unit_needs_a_reason_and_is_recorded(period, index_set, unit, secretariat):
    with pytest.raises(ServiceError, match="Hãy ghi lý do"):
        registry_services.unit_set_tracked(
            period=period, unit=unit, tracked=False, reason=" ", by=secretariat
        )
    registry_services.unit_set_tracked(
        period=period, unit=unit, tracked=False, reason="Sáp nhập", by=secretariat
    )
    membership = unit.memberships.get(period=period)
    assert (membership.tracked, membership.untracked_reason) == (False, "Sáp nhập")
    assert PeriodEvent.objects.get(kind=PeriodEventKind.UNTRACKED).reason == "Sáp nhập"


# 7 ---------------------------------------------------------------------------------------------------------


def test_unit_cannot_be_finalised_while_its_explanation_window_is_open(
    world, member, head, secretariat, chair
):
    period, assessment = world["period"], world["skhcn"]
    appraise_all(assessment, member, overrides={"1.1": "Không"}, reasons={"1.1": "Chưa ban hành kế hoạch."})
    council_services.assessment_mark_appraised(assessment=assessment, by=secretariat)
    assessment.refresh_from_db()
    with pytest.raises(PhaseError, match="chưa phát hành thông báo"):
        council_services.assessment_finalise(assessment=assessment, by=chair)
    period_advance(
        period=period, to_phase=Phase.EXPLANATION, by=secretariat, reason="Hết vòng 1", confirmed=True
    )
    open_window(period, Phase.EXPLANATION)
    assessment.refresh_from_db()
    with pytest.raises(PhaseError, match="còn trong thời hạn giải trình"):
        council_services.assessment_finalise(assessment=assessment, by=chair)
    council_services.explanation_waive(assessment=assessment, by=head)
    _record_survey(assessment, secretariat)
    assessment.refresh_from_db()
    finalised = council_services.assessment_finalise(assessment=assessment, by=chair)
    assert finalised.state == S.FINALISED
    assert AssessmentEvent.objects.filter(
        assessment=assessment, reason="Đơn vị không giải trình; giữ kết quả thẩm định vòng 1"
    ).exists()


# 8, 9 --------------------------------------------------------------------------------------------------------


def _record_survey(assessment, by):
    from appraisal.assessments.layers import entry_record_layer

    for e in assessment.entries.filter(node__method="survey").select_related("node", "assessment__period"):
        entry_record_layer(entry=e, layer="survey", value="80%", by=by, source="test")


def _finalised_period(world, member, secretariat, chair):
    period = world["period"]
    for key in ("skhcn", "stp"):
        a = world[key]
        appraise_all(a, member if key == "skhcn" else secretariat)
        council_services.assessment_mark_appraised(assessment=a, by=secretariat)
        _record_survey(a, secretariat)
    set_phase(period, Phase.REAPPRAISAL)
    for key in ("skhcn", "stp"):
        a = world[key]
        a.refresh_from_db()
        council_services.assessment_finalise(assessment=a, by=chair)
    scoring_services.period_finalise(period=period, by=chair)
    period.refresh_from_db()
    return period


def test_approval_refused_until_the_decision_is_complete(world, member, secretariat, chair):
    period = _finalised_period(world, member, secretariat, chair)
    with pytest.raises(ServiceError) as refused:
        scoring_services.period_approve(
            period=period, number="519/QĐ-UBND", date=dt.date(2024, 2, 5), by=secretariat
        )
    message = refused.value.message
    assert "số, ngày Tờ trình của Sở Nội vụ" in message
    assert "họ tên người ký" in message
    assert "căn cứ pháp lý dòng 3 còn chỗ trống «…»" in message
    period.refresh_from_db()
    assert (period.phase, period.decision_number) == (Phase.FINALISED, "")
    complete_decision(period, secretariat)
    approved = scoring_services.period_approve(
        period=period, number="519/QĐ-UBND", date=dt.date(2024, 2, 5), by=secretariat
    )
    assert approved.phase == Phase.APPROVED


def test_phase_change_page_cannot_reach_finalised_or_approved(period, secretariat, client_for):
    set_phase(period, Phase.REAPPRAISAL)
    client = client_for(secretariat)
    url = reverse("council:period_advance", args=[period.year])
    response = client.post(url, {"to_phase": Phase.FINALISED, "reason": "x", "confirm": "on"})
    period.refresh_from_db()
    assert period.phase == Phase.REAPPRAISAL
    assert response.status_code == 200
    response = client.post(url, {"to_phase": Phase.EXPLANATION, "reason": ""})
    assert "Hãy ghi lý do chuyển giai đoạn." in response.content.decode()
    period.refresh_from_db()
    assert period.phase == Phase.REAPPRAISAL
    assert (
        client.post(f"/danh-muc/ky/{period.pk}/chuyen-giai-doan/", {"to_phase": "approved"}).status_code
        == 404
    )
    with pytest.raises(ServiceError, match="Chốt kết quả do Chủ tịch Hội đồng"):
        period_advance(period=period, to_phase=Phase.FINALISED, by=secretariat, reason="x", confirmed=True)


def test_phase_change_page_is_for_the_secretariat_only(period, editor, member, observer, client_for, client):
    url = reverse("council:period_advance", args=[period.year])
    for person in (editor, member, observer):
        assert client_for(person).get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_chair_of_another_year_cannot_finalise_or_reopen(period, secretariat):
    from appraisal.core import roles
    from tests.factories import PeriodFactory, UserFactory, grant

    other = PeriodFactory(year=2022)
    chair_2022 = UserFactory(username="chair2022")
    grant(chair_2022, roles.CHAIR, period=other)
    with pytest.raises(ServiceError, match="Chỉ Chủ tịch Hội đồng kỳ 2023"):
        scoring_services.period_finalise(period=period, by=chair_2022)
    set_phase(period, Phase.FINALISED)
    with pytest.raises(ServiceError, match="Chỉ Chủ tịch Hội đồng kỳ 2023"):
        scoring_services.period_reopen(period=period, by=chair_2022, reason="Sai sót")


# 10 --------------------------------------------------------------------------------------------------------


def test_withdrawal_refused_once_round1_value_exists(world, editor, member, secretariat):
    assessment = world["skhcn"]
    Assessment.objects.filter(pk=assessment.pk).update(extension_until=timezone.now() + timedelta(days=3))
    assessment.refresh_from_db()
    entry = entry_of(assessment, "1.1")
    council_services.round1_record(
        entry=entry, value="Có", reason="", by=member, expected_version=entry.version
    )
    with pytest.raises(ServiceError, match="không rút lại được nữa"):
        assessment_services.assessment_withdraw(assessment=assessment, by=editor)
    assessment.refresh_from_db()
    assert assessment.state == S.SUBMITTED


# 11 --------------------------------------------------------------------------------------------------------


def test_closed_period_refuses_every_change_but_the_chairs_reopening(
    world, member, secretariat, chair, index_set
):
    period = _finalised_period(world, member, secretariat, chair)
    with pytest.raises(PhaseError):
        council_services.assessment_reopen(assessment=world["skhcn"], reason="Sai", by=chair)
    node = index_set.nodes.get(code="1.1")
    with pytest.raises(PhaseError):
        registry_services.index_node_text_fix(node=node, by=secretariat, title="Ban hành kế hoạch CCHC")
    with pytest.raises(PhaseError, match="chỉ còn sửa được các nội dung của quyết định"):
        registry_services.period_update(period=period, by=secretariat, decimals=0)
    registry_services.period_update(period=period, by=secretariat, proposal_number="45/TTr-SNV")
    with pytest.raises(PhaseError):
        registry_services.phase_window_set(
            period=period,
            phase=Phase.APPRAISAL,
            opens_at=timezone.now(),
            due_at=timezone.now() + timedelta(days=1),
            grace_minutes=0,
            by=secretariat,
        )
    Period.objects.filter(pk=period.pk).update(phase=Phase.APPROVED)
    content = "code,name,group\nmoi,Đơn vị mới,so\nskhcn,Sở KH&CN (đổi tên),so\n".encode()
    result = registry_services.units_import(
        year=2023, file_name="don-vi.csv", content=content, by=secretariat
    )
    assert not result.ok
    assert "đã được phê duyệt" in result.messages[0]
    assert not period.memberships.filter(unit__code="moi").exists()


def test_chair_reopens_a_finalised_period_with_a_reason(world, member, secretariat, chair):
    period = _finalised_period(world, member, secretariat, chair)
    reopened = scoring_services.period_reopen(period=period, by=chair, reason="Sai số liệu XHH")
    assert reopened.phase == Phase.REAPPRAISAL
    event = PeriodEvent.objects.filter(period=period, kind=PeriodEventKind.PHASE).latest("pk")
    assert (event.from_phase, event.to_phase, event.reason, event.by) == (
        Phase.FINALISED,
        Phase.REAPPRAISAL,
        "Sai số liệu XHH",
        chair,
    )


# 12 --------------------------------------------------------------------------------------------------------


def test_events_are_announced_in_the_outbox_and_on_the_home_page(
    world, member, head, editor, secretariat, client_for
):
    editor.email, head.email = "daumoi@skhcn.gov.vn", "giamdoc@skhcn.gov.vn"
    editor.save()
    head.save()
    period, assessment = world["period"], world["skhcn"]
    appraise_all(assessment, member, overrides={"1.1": "Không"}, reasons={"1.1": "Chưa ban hành kế hoạch."})
    council_services.assessment_mark_appraised(assessment=assessment, by=secretariat)
    _window(
        period,
        Phase.EXPLANATION,
        opens=timezone.now() - timedelta(hours=1),
        due=timezone.now() + timedelta(days=2),
    )
    period_advance(
        period=period, to_phase=Phase.EXPLANATION, by=secretariat, reason="Hết vòng 1", confirmed=True
    )
    notice = OutboxMessage.objects.get(kind=OutboxKind.NOTICE, unit=assessment.unit)
    assert notice.to_list == ["daumoi@skhcn.gov.vn", "giamdoc@skhcn.gov.vn"]
    assert "1 tiêu chí bị hạ điểm" in notice.body
    html = client_for(editor).get("/").content.decode()
    assert "Việc cần làm" in html
    assert "có thông báo kết quả thẩm định: 1 tiêu chí bị hạ điểm" in html
    assert "còn 2 ngày" in html or "còn 1 ngày" in html
    entry = entry_of(assessment, "1.1")
    council_services.explanation_record(
        entry=entry, text="Đã ban hành ngày 05/01.", by=editor, expected_version=entry.version
    )
    council_services.explanation_submit(assessment=assessment, by=head)
    assert (
        OutboxMessage.objects.filter(kind=OutboxKind.EXPLANATION_SUBMITTED, unit=assessment.unit).count() == 1
    )


def test_scores_import_refused_in_a_closed_period(world, member, secretariat, chair):
    from appraisal.council.importing import scores_import

    period = _finalised_period(world, member, secretariat, chair)
    content = b"unit,item,value\nskhcn,3.1,95%\n"
    report = scores_import(
        period=period, layer="survey", file_name="xhh.csv", content=content, by=secretariat
    )
    assert [str(p) for p in report.problems] == [
        "Chỉ số CCHC năm 2023 đã chốt kết quả: không thay đổi được nữa. "
        "Nếu cần sửa, Chủ tịch Hội đồng mở lại kỳ đánh giá (nêu lý do)."
    ]
    assert entry_of(world["skhcn"], "3.1").survey_value == "80%"


def test_blocked_finalisation_and_approval_say_why_and_link_to_the_blocker(
    world, member, secretariat, chair, client_for
):
    set_phase(world["period"], Phase.REAPPRAISAL)
    body = client_for(chair).get(reverse("scoring:period", args=[2023])).content.decode()
    assert "còn 2 đơn vị chưa hoàn tất thẩm định (Sở Khoa học và Công nghệ, Sở Tư pháp)" in body
    assert reverse("council:dashboard", args=[2023]) in body
    set_phase(world["period"], Phase.APPRAISAL)
    period = _finalised_period(world, member, secretariat, chair)
    body = client_for(secretariat).get(reverse("scoring:period", args=[2023])).content.decode()
    assert "Quyết định còn thiếu: số quyết định; ngày quyết định; họ tên người ký" in body
    assert reverse("registry:period_edit", args=[period.pk]) in body
    assert reverse("registry:organisation_edit") in body
