"""Reminders: before and after deadlines, once each, never about a member's own unit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from appraisal.assessments.models import Assessment
from appraisal.council.models import OutboxMessage
from appraisal.council.notify import reminders_send
from appraisal.registry.models import Phase, PhaseWindow
from tests.council.conftest import set_phase
from tests.factories import UserFactory, grant


def window(period, phase, *, due_in, opened_ago=timedelta(days=20)):
    now = timezone.now()
    PhaseWindow.objects.update_or_create(
        period=period, phase=phase, defaults={"opens_at": now - opened_ago, "due_at": now + due_in}
    )
    if hasattr(period, "_window_cache"):
        del period._window_cache


@pytest.fixture
def emails(world, editor, head, other_editor, member, conflicted_member):
    for user, address in [
        (editor, "editor@skhcn.vn"),
        (head, "head@skhcn.vn"),
        (other_editor, "editor@stp.vn"),
        (member, "member@stp.vn"),
        (conflicted_member, "member@skhcn.vn"),
    ]:
        user.email = address
        user.save(update_fields=["email"])
    return world


def test_self_reminder_goes_to_editor_with_head_copied_once(emails, period):
    set_phase(period, Phase.SELF_ASSESSMENT)
    Assessment.objects.filter(pk=emails["skhcn"].pk).update(state="draft")
    window(period, Phase.SELF_ASSESSMENT, due_in=timedelta(days=2, hours=5))
    first = reminders_send(period=period)
    assert (first.created, first.sent) == (1, 1)
    message = mail.outbox[0]
    assert message.to == ["editor@skhcn.vn"] and message.cc == ["head@skhcn.vn"]
    assert message.subject.startswith("[Chỉ số CCHC 2023] Còn 3 ngày đến hạn tự đánh giá")
    second = reminders_send(period=period)
    assert (second.created, second.sent, second.already) == (0, 0, 1)
    assert len(mail.outbox) == 1
    stored = OutboxMessage.objects.get()
    assert stored.sent_at is not None and stored.kind == "self_due" and stored.unit == emails["skhcn"].unit


def test_one_day_reminder_is_a_new_message_and_overdue_daily(emails, period):
    set_phase(period, Phase.SELF_ASSESSMENT)
    Assessment.objects.filter(pk=emails["skhcn"].pk).update(state="draft")
    window(period, Phase.SELF_ASSESSMENT, due_in=timedelta(hours=20))
    reminders_send(period=period)
    assert mail.outbox[-1].subject.startswith("[Chỉ số CCHC 2023] Còn 1 ngày")
    window(period, Phase.SELF_ASSESSMENT, due_in=-timedelta(hours=2))
    reminders_send(period=period)
    reminders_send(period=period)
    assert mail.outbox[-1].subject.startswith("[Chỉ số CCHC 2023] Quá hạn tự đánh giá")
    assert len(mail.outbox) == 2


def test_submitted_units_and_far_deadlines_get_nothing(emails, period):
    set_phase(period, Phase.SELF_ASSESSMENT)
    window(period, Phase.SELF_ASSESSMENT, due_in=timedelta(days=2))  # both units submitted
    assert reminders_send(period=period).created == 0
    Assessment.objects.filter(pk=emails["skhcn"].pk).update(state="draft")
    window(period, Phase.SELF_ASSESSMENT, due_in=timedelta(days=10))
    assert reminders_send(period=period).created == 0
    assert mail.outbox == []


def test_members_are_reminded_of_their_items_never_of_their_own_unit(
    emails, period, member, conflicted_member
):
    window(period, Phase.APPRAISAL, due_in=timedelta(hours=12))
    report = reminders_send(period=period)
    assert report.created == 2
    by_to = {m.to[0]: m for m in mail.outbox}
    stp_mail = by_to["member@stp.vn"]
    assert "Sở Khoa học và Công nghệ: 8 mục" in stp_mail.body and "Sở Tư pháp" not in stp_mail.body
    skhcn_mail = by_to["member@skhcn.vn"]
    assert "Sở Tư pháp: 4 mục" in skhcn_mail.body and "Sở Khoa học và Công nghệ" not in skhcn_mail.body
    assert reminders_send(period=period).created == 0
    assert len(mail.outbox) == 2


def test_member_without_items_left_gets_nothing(emails, period, member, conflicted_member):
    emails["skhcn"].entries.exclude(node__method="survey").update(round1_value="x")
    emails["stp"].entries.exclude(node__method="survey").update(round1_value="x")
    window(period, Phase.APPRAISAL, due_in=timedelta(hours=12))
    assert reminders_send(period=period).created == 0


def test_send_reminders_command_twice_sends_nothing_new(emails, period, capsys):
    window(period, Phase.APPRAISAL, due_in=timedelta(days=2))
    call_command("send_reminders")
    first = capsys.readouterr().out.strip()
    call_command("send_reminders", "--days", "3,1")
    second = capsys.readouterr().out.strip()
    assert first == "Nhắc hạn: 2 thư mới, 2 thư đã gửi, 0 thư đã có từ lần chạy trước, 0 thư gửi lỗi."
    assert second == "Nhắc hạn: 0 thư mới, 0 thư đã gửi, 2 thư đã có từ lần chạy trước, 0 thư gửi lỗi."
    assert len(mail.outbox) == 2


def test_failed_delivery_is_kept_and_retried(emails, period, settings):
    window(period, Phase.APPRAISAL, due_in=timedelta(days=2))
    settings.EMAIL_BACKEND = "tests.council.test_notify.FailingBackend"
    report = reminders_send(period=period)
    assert (report.created, report.sent, report.failed) == (2, 0, 2)
    assert OutboxMessage.objects.filter(sent_at__isnull=True).exclude(error="").count() == 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    report = reminders_send(period=period)
    assert (report.created, report.sent) == (0, 2)


def test_member_without_council_role_gets_no_reminder(emails, period, member):
    from appraisal.registry.models import RoleAssignment

    RoleAssignment.objects.filter(user=member).delete()
    window(period, Phase.APPRAISAL, due_in=timedelta(days=2))
    reminders_send(period=period)
    assert [m.to for m in mail.outbox] == [["member@skhcn.vn"]]


def test_unit_reminder_falls_back_to_head_when_no_editor_address(emails, period, editor):
    editor.email = ""
    editor.save(update_fields=["email"])
    extra = UserFactory(username="skhcn.head2", email="")
    grant(extra, "unit_head", emails["skhcn"].unit)
    set_phase(period, Phase.SELF_ASSESSMENT)
    Assessment.objects.filter(pk=emails["skhcn"].pk).update(state="returned")
    window(period, Phase.SELF_ASSESSMENT, due_in=timedelta(hours=5))
    reminders_send(period=period)
    assert (mail.outbox[0].to, mail.outbox[0].cc) == (["head@skhcn.vn"], [])


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("Máy chủ thư không phản hồi")
