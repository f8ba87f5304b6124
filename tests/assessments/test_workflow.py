"""Submit, withdraw, return, extension: the transition table, compare-and-set, history, deadlines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from appraisal.assessments import services
from appraisal.assessments.models import ASSESSMENT_TRANSITIONS, Assessment, AssessmentEvent, AssessmentState
from appraisal.core.exceptions import ConcurrencyError, PhaseError, ServiceError
from appraisal.registry.models import Phase
from tests.assessments.conftest import entry_of

S = AssessmentState

COMPLETE = {"1.1": "Có", "1.2": "100%", "1.3": "Tốt", "1.4": "95%", "2.1": "2", "2.2": "17/20"}


def fill(assessment, by, values=COMPLETE, note="Theo Báo cáo CCHC năm 2023"):
    for code, value in values.items():
        entry = entry_of(assessment, code)
        services.entry_save_self(entry=entry, value=value, note=note, expected_version=entry.version, by=by)


def past_deadline(window):
    window.opens_at = timezone.now() - timedelta(days=10)
    window.due_at = timezone.now() - timedelta(hours=2)
    window.save()
    return timezone.localtime(window.due_at).strftime("%H:%M ngày %d/%m/%Y")


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_transition_table_allows_submit_withdraw_and_return():
    assert S.SUBMITTED in ASSESSMENT_TRANSITIONS[S.DRAFT]
    assert S.DRAFT in ASSESSMENT_TRANSITIONS[S.SUBMITTED]
    assert S.RETURNED in ASSESSMENT_TRANSITIONS[S.SUBMITTED]
    assert S.SUBMITTED in ASSESSMENT_TRANSITIONS[S.RETURNED]


def test_head_submits_a_complete_assessment(client_for, editor, head, assessment):
    fill(assessment, editor)
    response = client_for(head).post(reverse("assessments:submit", args=[assessment.pk]), follow=True)
    assessment.refresh_from_db()
    assert assessment.state == S.SUBMITTED
    assert assessment.submitted_by == head
    assert assessment.submitted_at is not None
    assert messages_of(response) == ["Đã chốt bản tự đánh giá và gửi Hội đồng thẩm định."]
    event = AssessmentEvent.objects.get(assessment=assessment)
    assert (event.from_state, event.to_state, event.by) == (S.DRAFT, S.SUBMITTED, head)


def test_unit_editor_cannot_submit(client_for, editor, assessment):
    fill(assessment, editor)
    response = client_for(editor).post(reverse("assessments:submit", args=[assessment.pk]), follow=True)
    assessment.refresh_from_db()
    assert assessment.state == S.DRAFT
    assert messages_of(response) == [
        "Chỉ lãnh đạo đơn vị mới được chốt bản tự đánh giá; hãy đề nghị lãnh đạo đơn vị chốt."
    ]
    assert not AssessmentEvent.objects.exists()


def test_another_units_head_gets_404_on_submit(client_for, other_unit, assessment, editor):
    from appraisal.core import roles
    from tests.factories import UserFactory, grant

    other_head = UserFactory(username="stp.head")
    grant(other_head, roles.UNIT_HEAD, other_unit)
    fill(assessment, editor)
    response = client_for(other_head).post(reverse("assessments:submit", args=[assessment.pk]))
    assessment.refresh_from_db()
    assert response.status_code == 404
    assert assessment.state == S.DRAFT


def test_submit_lists_everything_missing(client_for, editor, head, assessment):
    fill(assessment, editor, {"1.1": "Có", "1.2": "0/10"}, note="")
    response = client_for(head).post(reverse("assessments:submit", args=[assessment.pk]))
    body = response.content.decode()
    assessment.refresh_from_db()
    assert response.status_code == 422
    assert assessment.state == S.DRAFT
    assert "Chưa chốt được: còn 5 mục cần hoàn thiện (xem danh sách bên dưới)." in body
    assert "(Ban hành kế hoạch CCHC năm): có điểm nhưng chưa có tài liệu kiểm chứng hoặc ghi chú" in body
    for code in ["1.3", "1.4", "2.1", "2.2"]:
        assert f"Mục {code}</a> (" in body
    assert "Mục 1.2</a> (" not in body  # no points claimed: no evidence needed


def test_claimed_points_with_evidence_need_no_note(editor, head, assessment):
    from appraisal.assessments.models import Evidence, EvidenceLink

    fill(assessment, editor, note="")
    for code in COMPLETE:
        entry = entry_of(assessment, code)
        evidence = Evidence.objects.create(
            unit=assessment.unit,
            kind="document",
            title="KH",
            doc_number="1/KH",
            doc_summary="x",
            created_by=editor,
        )
        EvidenceLink.objects.create(entry=entry, evidence=evidence, by=editor)
    services.assessment_submit(assessment=assessment, by=head)
    assert assessment.state == S.SUBMITTED


def test_editing_is_refused_once_submitted(client_for, editor, head, assessment):
    fill(assessment, editor)
    services.assessment_submit(assessment=assessment, by=head)
    entry = entry_of(assessment, "1.1")
    response = client_for(editor).post(
        reverse("assessments:entry_save", args=[assessment.pk, entry.pk]),
        {"value": "Không", "version": entry.version},
        headers={"HX-Request": "true"},
    )
    entry.refresh_from_db()
    assert response.status_code == 422
    assert (
        "Lỗi: Bản tự đánh giá đang ở trạng thái «Đã chốt tự đánh giá»: không sửa được. "
        "Muốn sửa, hãy rút lại bản đã chốt (trước hạn chót)." in response.content.decode()
    )
    assert entry.self_value == "Có"


def test_editor_withdraws_before_the_deadline(client_for, editor, head, assessment):
    fill(assessment, editor)
    services.assessment_submit(assessment=assessment, by=head)
    response = client_for(editor).post(reverse("assessments:withdraw", args=[assessment.pk]), follow=True)
    assessment.refresh_from_db()
    assert assessment.state == S.DRAFT
    assert assessment.submitted_at is None
    assert messages_of(response) == [
        "Đã rút lại bản tự đánh giá về trạng thái đang tự đánh giá; có thể sửa tiếp."
    ]
    assert list(AssessmentEvent.objects.values_list("from_state", "to_state", "by__username")) == [
        (S.DRAFT, S.SUBMITTED, "skhcn.head"),
        (S.SUBMITTED, S.DRAFT, "skhcn.editor"),
    ]


def test_withdraw_after_the_deadline_is_refused(client_for, editor, head, assessment, window):
    fill(assessment, editor)
    services.assessment_submit(assessment=assessment, by=head)
    due = past_deadline(window)
    response = client_for(editor).post(reverse("assessments:withdraw", args=[assessment.pk]), follow=True)
    assessment.refresh_from_db()
    assert assessment.state == S.SUBMITTED
    assert messages_of(response) == [f"Đã quá hạn chót {due} của giai đoạn Tự đánh giá."]


def test_withdraw_once_appraisal_started_is_refused(editor, head, assessment, period):
    fill(assessment, editor)
    services.assessment_submit(assessment=assessment, by=head)
    period.phase = Phase.APPRAISAL
    period.save()
    assessment.refresh_from_db()
    with pytest.raises(PhaseError) as error:
        services.assessment_withdraw(assessment=assessment, by=editor)
    assert error.value.message == (
        "Giai đoạn Tự đánh giá đã kết thúc (kỳ đánh giá đang ở giai đoạn «Thẩm định vòng 1»)."
    )


def test_observer_cannot_withdraw(client_for, observer, editor, head, assessment):
    fill(assessment, editor)
    services.assessment_submit(assessment=assessment, by=head)
    response = client_for(observer).post(reverse("assessments:withdraw", args=[assessment.pk]))
    assessment.refresh_from_db()
    assert response.status_code == 403
    assert assessment.state == S.SUBMITTED


def test_submit_after_the_deadline_is_refused_with_the_deadline(client_for, editor, head, assessment, window):
    fill(assessment, editor)
    due = past_deadline(window)
    response = client_for(head).post(reverse("assessments:submit", args=[assessment.pk]), follow=True)
    assessment.refresh_from_db()
    assert assessment.state == S.DRAFT
    assert messages_of(response) == [f"Đã quá hạn chót {due} của giai đoạn Tự đánh giá."]


def test_submit_uses_compare_and_set(editor, head, assessment):
    fill(assessment, editor)
    stale = Assessment.objects.select_related("period", "unit").get(pk=assessment.pk)
    services.assessment_submit(assessment=assessment, by=head)
    services.assessment_withdraw(assessment=assessment, by=head)
    services.assessment_submit(assessment=assessment, by=head)
    stale.state = S.DRAFT  # what a second tab still believes
    with pytest.raises(ConcurrencyError):
        services.assessment_submit(assessment=stale, by=head)
    assert AssessmentEvent.objects.count() == 3


def test_secretariat_returns_with_a_reason(client_for, secretariat, editor, head, assessment):
    fill(assessment, editor)
    services.assessment_submit(assessment=assessment, by=head)
    client = client_for(secretariat)
    response = client.post(
        reverse("assessments:return", args=[assessment.pk]),
        {"reason": "Bổ sung tài liệu kiểm chứng mục 2.1."},
        follow=True,
    )
    assessment.refresh_from_db()
    assert assessment.state == S.RETURNED
    assert assessment.returned_reason == "Bổ sung tài liệu kiểm chứng mục 2.1."
    event = AssessmentEvent.objects.get(to_state=S.RETURNED)
    assert (event.reason, event.by) == ("Bổ sung tài liệu kiểm chứng mục 2.1.", secretariat)
    assert messages_of(response)[0].startswith("Đã trả lại bản tự đánh giá cho đơn vị.")
    body = client_for(editor).get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert "<strong>Tổ thư ký trả lại để bổ sung:</strong> Bổ sung tài liệu kiểm chứng mục 2.1." in body
    # Returned: the unit edits again, then the head submits again.
    fill(assessment, editor, {"2.1": "1.5"})
    services.assessment_submit(assessment=assessment, by=head)
    assert assessment.state == S.SUBMITTED


def test_return_needs_a_reason(client_for, secretariat, editor, head, assessment):
    fill(assessment, editor)
    services.assessment_submit(assessment=assessment, by=head)
    response = client_for(secretariat).post(
        reverse("assessments:return", args=[assessment.pk]), {"reason": " "}, follow=True
    )
    assessment.refresh_from_db()
    assert assessment.state == S.SUBMITTED
    assert messages_of(response) == ["Hãy ghi lý do trả lại để đơn vị biết cần bổ sung gì."]


def test_unit_head_cannot_return(client_for, editor, head, assessment):
    fill(assessment, editor)
    services.assessment_submit(assessment=assessment, by=head)
    response = client_for(head).post(reverse("assessments:return", args=[assessment.pk]), {"reason": "x"})
    assessment.refresh_from_db()
    assert response.status_code == 403
    assert assessment.state == S.SUBMITTED


def test_extension_reopens_editing_for_one_unit(
    client_for, secretariat, editor, other_editor, assessment, other_assessment, window
):
    due = past_deadline(window)
    until = timezone.localtime(timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    response = client_for(secretariat).post(
        reverse("assessments:extend", args=[assessment.pk]),
        {"until": until.strftime("%d/%m/%Y %H:%M"), "reason": "Đơn vị mất điện diện rộng."},
        follow=True,
    )
    assessment.refresh_from_db()
    assert assessment.extension_until == until
    assert (assessment.extension_reason, assessment.extension_by) == (
        "Đơn vị mất điện diện rộng.",
        secretariat,
    )
    assert messages_of(response) == [
        f"Đã gia hạn tự đánh giá cho Sở Khoa học và Công nghệ đến {until.strftime('%H:%M ngày %d/%m/%Y')}."
    ]
    fill(assessment, editor, {"1.1": "Có"})
    assert entry_of(assessment, "1.1").self_value == "Có"
    with pytest.raises(PhaseError) as error:
        services.assessment_check_editable(assessment=other_assessment, by=other_editor)
    assert error.value.message == f"Đã quá hạn chót {due} của giai đoạn Tự đánh giá."


def test_extension_must_be_later_than_the_common_deadline(secretariat, assessment, window):
    with pytest.raises(ServiceError) as error:
        services.assessment_grant_extension(
            assessment=assessment, until=window.due_at - timedelta(hours=1), reason="x", by=secretariat
        )
    due = timezone.localtime(window.due_at).strftime("%H:%M ngày %d/%m/%Y")
    assert error.value.message == f"Thời hạn gia hạn phải sau hạn chót chung {due}."


def test_unit_editor_cannot_grant_an_extension(client_for, editor, assessment):
    response = client_for(editor).post(
        reverse("assessments:extend", args=[assessment.pk]), {"until": "01/01/2099 17:00", "reason": "x"}
    )
    assessment.refresh_from_db()
    assert response.status_code == 403
    assert assessment.extension_until is None


def test_home_shows_the_event_history(client_for, editor, head, assessment):
    fill(assessment, editor)
    services.assessment_submit(assessment=assessment, by=head)
    body = client_for(editor).get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert "<td>Đang tự đánh giá → Đã chốt tự đánh giá</td>" in body
    assert "Rút lại để sửa</button>" in body
