"""A refused extension or «không nộp» on a unit's self-assessment page answers 422 with the page again: the
message says what to do, beside the field it is about, and what the secretariat typed is still in the form.
Nothing is written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from appraisal.assessments.models import AssessmentEvent, AssessmentState
from appraisal.registry.models import PeriodEvent

REASON = "Đơn vị mất điện diện rộng <3 ngày> & mạng chập chờn."
REASON_HTML = "Đơn vị mất điện diện rộng &lt;3 ngày&gt; &amp; mạng chập chờn."
FORMAT = "Thời hạn phải viết dạng dd/mm/yyyy hoặc dd/mm/yyyy hh:mm, ví dụ 20/03/2024 17:00."


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def assert_nothing_written(assessment):
    state = (
        assessment.state,
        assessment.extension_until,
        assessment.extension_reason,
        assessment.extension_by,
    )
    assessment.refresh_from_db()
    assert (
        assessment.state,
        assessment.extension_until,
        assessment.extension_reason,
        assessment.extension_by,
    ) == state
    assert not AssessmentEvent.objects.filter(assessment=assessment).exists()
    assert not PeriodEvent.objects.filter(period=assessment.period).exists()


@pytest.mark.parametrize(
    ("until", "reason", "message", "field"),
    [
        # QA: a day that does not exist is not a format mistake; the message says which part to check.
        ("31/02/2026", REASON, "Ngày 31/02/2026 không có thật: hãy kiểm tra lại ngày, tháng.", "until"),
        ("31/04/2099 17:00", REASON, "Ngày 31/04/2099 không có thật: hãy kiểm tra lại ngày, tháng.", "until"),
        ("1/13/2099", REASON, "Ngày 1/13/2099 không có thật: hãy kiểm tra lại ngày, tháng.", "until"),
        ("01.03.2099", REASON, FORMAT, "until"),
        ("01/03/2099 25:00", REASON, FORMAT, "until"),
        ("01/01/2020 10:00", REASON, "Thời hạn gia hạn phải ở tương lai.", "until"),
        ("01/03/2099 17:00", "", "Hãy ghi lý do gia hạn.", "reason"),
        ("01/03/2099 17:00", "   ", "Hãy ghi lý do gia hạn.", "reason"),
    ],
    ids=[
        "no-such-day",
        "no-such-day-with-time",
        "no-such-month",
        "bad-format",
        "no-such-hour",
        "past",
        "empty-reason",
        "blank-reason",
    ],
)
def test_refused_extension_keeps_what_was_typed(
    client_for, secretariat, assessment, until, reason, message, field
):
    response = client_for(secretariat).post(
        reverse("assessments:extend", args=[assessment.pk]), {"until": until, "reason": reason}
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert messages_of(response) == [message]
    assert f'value="{until}"' in body
    if reason.strip():
        assert f'id="extension-reason" rows="2" required>{REASON_HTML}</textarea>' in body
    # The message beside its field, tied to it for screen readers.
    assert f'<div class="invalid-feedback d-block" id="extension-{field}-error">{message}</div>' in body
    assert f'aria-describedby="extension-{field}-error' in body
    assert_nothing_written(assessment)


def test_refused_close_not_submitted_keeps_the_reason(client_for, secretariat, assessment):
    """The unit's window is still open (as when someone extended it while the secretariat typed): closing
    «không nộp» is refused, and the form stays on the page with the reason and why."""
    response = client_for(secretariat).post(
        reverse("assessments:close_not_submitted", args=[assessment.pk]), {"reason": REASON}
    )
    body = response.content.decode()
    assessment.refresh_from_db()
    assert response.status_code == 422
    [message] = messages_of(response)
    assert message.startswith("Sở Khoa học và Công nghệ vẫn còn trong thời hạn tự đánh giá (hạn chót ")
    assert message.endswith("): chỉ đóng «không nộp» được sau hạn chót.")
    assert (
        f'id="close-reason" rows="2" aria-describedby="close-reason-error" required>{REASON_HTML}</textarea>'
        in body
    )
    assert f'<div class="invalid-feedback d-block" id="close-reason-error">{message}</div>' in body
    assert assessment.state == AssessmentState.DRAFT
    assert_nothing_written(assessment)


def test_close_not_submitted_without_a_reason_says_so_beside_the_field(
    client_for, secretariat, assessment, window
):
    window.opens_at = timezone.now() - timedelta(days=10)
    window.due_at = timezone.now() - timedelta(hours=2)
    window.save()
    response = client_for(secretariat).post(
        reverse("assessments:close_not_submitted", args=[assessment.pk]), {"reason": "   "}
    )
    message = "Hãy ghi lý do đóng «không nộp» (ví dụ: quá hạn chót, đã nhắc 3 lần)."
    assert response.status_code == 422
    assert messages_of(response) == [message]
    assert (
        f'<div class="invalid-feedback d-block" id="close-reason-error">{message}</div>'
        in response.content.decode()
    )
    assert_nothing_written(assessment)


def test_extension_form_starts_empty(client_for, secretariat, assessment):
    body = client_for(secretariat).get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert 'name="until" id="extension-until" value=""' in body
    assert 'id="extension-reason" rows="2" required></textarea>' in body
    assert "invalid-feedback" not in body
