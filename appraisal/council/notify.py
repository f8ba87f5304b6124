"""Reminders (SPEC §3): e-mails before each deadline and after it while something is still pending.

``reminders_send`` is safe to run every hour from cron: every message is first stored in the outbox under a
``dedupe_key`` naming what it is about (period, phase, recipient, deadline, threshold or day), so a repeat run
finds the key taken and sends nothing new. A message whose delivery failed stays in the outbox unsent and is
retried on the next run.

- units that have not submitted their self-assessment: before the deadline (3 and 1 days by default; only the
  nearest threshold reached is sent) and once a day after it while the period is still in that phase; the
  unit's editors (and the unit's address) receive it, the head is copied;
- units with lowered items and an open explanation window: before its deadline;
- council members with items left: before the appraisal and re-appraisal deadlines and daily after them. The
  items counted come from the same conflict-of-interest rule as every council page
  (:meth:`CouncilAccess.can_see`), so a member is never told about their own unit's items.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from appraisal.assessments.models import ROUND1_STATES, Assessment, AssessmentState
from appraisal.core import roles
from appraisal.registry.models import Period, Phase, RoleAssignment, Unit, UnitMembership
from appraisal.registry.phases import CLOSED_PHASES, phase_deadline

from .access import council_entries_base
from .models import OutboxKind, OutboxMessage
from .queues import member_accesses
from .selectors import APPRAISED_METHODS, ROUND2_STATES, field_code_of, is_lowered

S = AssessmentState
DEFAULT_DAYS: tuple[int, ...] = (3, 1)
PENDING_SELF = frozenset({S.DRAFT, S.RETURNED})


@dataclass
class ReminderReport:
    created: int = 0  # new outbox messages
    sent: int = 0  # delivered in this run (new and retried)
    failed: int = 0
    already: int = 0  # reminders already in the outbox from an earlier run

    @property
    def summary(self) -> str:
        return (
            "Nhắc hạn: {c} thư mới, {s} thư đã gửi, {a} thư đã có từ lần chạy trước, {f} thư gửi lỗi.".format(
                c=self.created, s=self.sent, a=self.already, f=self.failed
            )
        )


def reminder_days() -> tuple[int, ...]:
    """Days before a deadline at which reminders go out: ``PARINDEX_REMINDER_DAYS`` ('3,1') or 3 and 1."""
    raw = getattr(settings, "REMINDER_DAYS", None) or DEFAULT_DAYS
    if isinstance(raw, str):
        raw = [int(x) for x in raw.split(",") if x.strip()]
    return tuple(sorted({int(d) for d in raw if int(d) > 0}, reverse=True))


def _fmt(dt: datetime) -> str:
    return timezone.localtime(dt).strftime("%H:%M ngày %d/%m/%Y")


@dataclass(frozen=True)
class _Slot:
    """Which reminder is due now for a deadline: ``before`` with its threshold in days, or ``after``."""

    key: str
    overdue: bool
    days: int | None


def _slot(
    *,
    now: datetime,
    opens_at: datetime | None,
    due_at: datetime | None,
    days: Sequence[int],
    overdue_allowed: bool,
) -> _Slot | None:
    if due_at is None or (opens_at is not None and now < opens_at):
        return None
    if now <= due_at:
        reached = [d for d in days if now >= due_at - timedelta(days=d)]
        if not reached:
            return None
        nearest = min(reached)
        return _Slot(f"{due_at.isoformat()}:{nearest}d", False, nearest)
    if not overdue_allowed:
        return None
    return _Slot(f"{due_at.isoformat()}:late:{timezone.localdate(now).isoformat()}", True, None)


def _unit_people(period: Period, unit_ids: Iterable[int]) -> dict[int, tuple[list[str], list[str]]]:
    """unit id → (editors' addresses, heads' addresses), roles valid in the period."""
    out: dict[int, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    rows = (
        RoleAssignment.objects.filter(
            unit_id__in=list(unit_ids), role__in=[roles.UNIT_EDITOR, roles.UNIT_HEAD]
        )
        .filter(Q(period=period) | Q(period__isnull=True))
        .exclude(user__email="")
        .values_list("unit_id", "role", "user__email")
        .order_by("user__email")
    )
    for unit_id, role, email in rows:
        bucket = out[unit_id][1 if role == roles.UNIT_HEAD else 0]
        if email not in bucket:
            bucket.append(email)
    return out


def _unit_addresses(unit: Unit, people: tuple[list[str], list[str]]) -> tuple[list[str], list[str]]:
    editors, heads = people
    to = list(editors)
    if unit.email and unit.email not in to:
        to.append(unit.email)
    cc = [h for h in heads if h not in to]
    if not to:
        to, cc = cc, []
    return to, cc


def _store(report: ReminderReport, **fields: Any) -> None:
    if OutboxMessage.objects.filter(dedupe_key=fields["dedupe_key"]).exists():
        report.already += 1
        return
    try:
        with transaction.atomic():
            OutboxMessage.objects.create(**fields)
    except IntegrityError:  # another run stored it a moment ago
        report.already += 1
        return
    report.created += 1


def _self_reminders(period: Period, now: datetime, days: Sequence[int], report: ReminderReport) -> None:
    memberships = UnitMembership.objects.filter(period=period, tracked=True).select_related("unit")
    assessments = {a.unit_id: a for a in Assessment.objects.filter(period=period)}
    pending = [
        m.unit for m in memberships if (a := assessments.get(m.unit_id)) is None or a.state in PENDING_SELF
    ]
    if not pending:
        return
    people = _unit_people(period, [u.pk for u in pending])
    for unit in pending:
        a = assessments.get(unit.pk)
        deadline = phase_deadline(
            period=period, phase=Phase.SELF_ASSESSMENT, extension_until=a.extension_until if a else None
        )
        slot = _slot(
            now=now,
            opens_at=deadline.opens_at,
            due_at=deadline.due_at,
            days=days,
            overdue_allowed=period.phase == Phase.SELF_ASSESSMENT,
        )
        if slot is None:
            continue
        to, cc = _unit_addresses(unit, people[unit.pk])
        if not to:
            continue
        assert deadline.due_at is not None
        due = _fmt(deadline.due_at)
        if slot.overdue:
            subject = (
                f"[Chỉ số CCHC {period.year}] Quá hạn tự đánh giá: {unit.name} chưa chốt bản tự đánh giá"
            )
            lead = (
                f"Hạn chót tự đánh giá là {due} và đã qua, nhưng {unit.name} chưa chốt (gửi) bản tự đánh giá."
            )
            kind = OutboxKind.SELF_OVERDUE
        else:
            subject = f"[Chỉ số CCHC {period.year}] Còn {slot.days} ngày đến hạn tự đánh giá ({due})"
            lead = f"{unit.name} chưa chốt (gửi) bản tự đánh giá; hạn chót là {due}."
            kind = OutboxKind.SELF_DUE
        body = "\n\n".join(
            [
                "Kính gửi " + unit.name + ",",
                lead,
                "Đề nghị cán bộ đầu mối hoàn thiện các mục còn thiếu và lãnh đạo đơn vị chốt bản tự đánh giá trên "
                "hệ thống ParIndex (mục «Tự đánh giá»).",
                "Thư này được gửi tự động; lãnh đạo đơn vị được đồng gửi.",
            ]
        )
        _store(
            report,
            kind=kind,
            period=period,
            unit=unit,
            to=", ".join(to),
            cc=", ".join(cc),
            subject=subject,
            body=body,
            dedupe_key=f"{kind}:{period.pk}:unit{unit.pk}:{slot.key}",
        )


def _explanation_reminders(
    period: Period, now: datetime, days: Sequence[int], report: ReminderReport
) -> None:
    """Units with lowered items whose notice is issued and whose explanation window (their own, or the common
    one) has not closed: a reminder before its due time."""
    from .lifecycle import explanation_refusal  # lifecycle announces through this module

    common = phase_deadline(period=period, phase=Phase.EXPLANATION)
    appraised = list(
        Assessment.objects.filter(
            period=period,
            state=S.APPRAISED,
            notice_issued_at__isnull=False,
            explanation_waived_at__isnull=True,
        ).select_related("unit", "period")
    )
    lowered: dict[int, int] = defaultdict(int)
    for e in (
        council_entries_base(period)
        .filter(assessment__in=appraised, node__method__in=APPRAISED_METHODS)
        .exclude(round1_value="")
        .select_related("node")
    ):
        if is_lowered(method=e.node.method, self_points=e.self_points, new_points=e.round1_points):
            lowered[e.assessment_id] += 1
    targets = [a for a in appraised if lowered[a.pk] and not explanation_refusal(a, now=now)]
    people = _unit_people(period, [a.unit_id for a in targets])
    for a in targets:
        due_at = a.explanation_until or common.due_at
        slot = _slot(now=now, opens_at=a.notice_issued_at, due_at=due_at, days=days, overdue_allowed=False)
        if slot is None or due_at is None:
            continue
        to, cc = _unit_addresses(a.unit, people[a.unit_id])
        if not to:
            continue
        due = _fmt(due_at)
        kind = OutboxKind.EXPLANATION_DUE
        body = "\n\n".join(
            [
                "Kính gửi " + a.unit.name + ",",
                f"Hội đồng thẩm định đã hạ điểm {lowered[a.pk]} tiêu chí của đơn vị (xem Thông báo kết quả thẩm "
                f"định trên hệ thống ParIndex). Đơn vị có thể giải trình và bổ sung tài liệu đến {due}.",
                "Sau hạn này, kết quả thẩm định vòng 1 của các tiêu chí không được giải trình được giữ nguyên.",
            ]
        )
        _store(
            report,
            kind=kind,
            period=period,
            unit=a.unit,
            to=", ".join(to),
            cc=", ".join(cc),
            subject=f"[Chỉ số CCHC {period.year}] Còn {slot.days} ngày đến hạn giải trình ({due})",
            body=body,
            dedupe_key=f"{kind}:{period.pk}:unit{a.unit_id}:{slot.key}",
        )


def _member_reminders(
    period: Period, now: datetime, days: Sequence[int], report: ReminderReport, *, round_no: int
) -> None:
    phase = Phase.APPRAISAL if round_no == 1 else Phase.REAPPRAISAL
    deadline = phase_deadline(period=period, phase=phase)
    slot = _slot(
        now=now,
        opens_at=deadline.opens_at,
        due_at=deadline.due_at,
        days=days,
        overdue_allowed=period.phase == phase,
    )
    if slot is None:
        return
    members = [(u, a) for u, a in member_accesses(period) if u.email]
    if not members:
        return
    items = council_entries_base(period).filter(node__method__in=APPRAISED_METHODS)
    if round_no == 1:
        items = items.filter(assessment__state__in=ROUND1_STATES, round1_value="")
    else:
        items = items.filter(assessment__state__in=ROUND2_STATES, round2_value="").exclude(explanation="")
    rows = list(
        items.values_list(
            "assessment__unit_id", "assessment__unit__name", "node__code", "node__index_set__group_id"
        )
    )
    assert deadline.due_at is not None
    due = _fmt(deadline.due_at)
    label = "thẩm định vòng 1" if round_no == 1 else "thẩm định vòng 2"
    for user, access in members:
        left: dict[str, int] = defaultdict(int)
        for unit_id, unit_name, code, group_id in rows:
            # The same rule as every council page: never an item of the member's own unit.
            if access.can_see(unit_id=unit_id, field_code=field_code_of(code), group_id=group_id, write=True):
                left[unit_name] += 1
        if not left:
            continue
        total = sum(left.values())
        if slot.overdue:
            kind = OutboxKind.APPRAISAL_OVERDUE if round_no == 1 else OutboxKind.REAPPRAISAL_OVERDUE
            subject = f"[Chỉ số CCHC {period.year}] Quá hạn {label}: còn {total} mục chưa chấm"
        else:
            kind = OutboxKind.APPRAISAL_DUE if round_no == 1 else OutboxKind.REAPPRAISAL_DUE
            subject = (
                f"[Chỉ số CCHC {period.year}] Còn {slot.days} ngày đến hạn {label}: {total} mục chưa chấm"
            )
        lines = [f"- {name}: {n} mục" for name, n in sorted(left.items())]
        body = "\n\n".join(
            [
                "Kính gửi " + (user.get_full_name() or user.username) + ",",
                f"Hạn {label} là {due}. Các mục được phân công cho đồng chí còn chưa chấm:",
                "\n".join(lines),
                "Đề nghị đồng chí hoàn thành trên hệ thống ParIndex (mục «Thẩm định»).",
            ]
        )
        _store(
            report,
            kind=kind,
            period=period,
            member=user,
            to=user.email,
            cc="",
            subject=subject,
            body=body,
            dedupe_key=f"{kind}:{period.pk}:user{user.pk}:{slot.key}",
        )


EVENT_KINDS = {
    "notice": OutboxKind.NOTICE,
    "explanation_submitted": OutboxKind.EXPLANATION_SUBMITTED,
    "finalised": OutboxKind.FINALISED,
    "approved": OutboxKind.APPROVED,
}


def event_notify(
    *, period: Period, unit: Unit, event: str, subject: str, lines: Sequence[str], stamp: datetime
) -> bool:
    """Announce one event of the period to a unit's head and editors (SPEC §3a): stored once in the outbox
    (``dedupe_key`` names the event, the unit and the moment) and delivered after the transaction commits.
    Returns False when the unit has no address or the same announcement is already stored."""
    kind = EVENT_KINDS[event]
    people = _unit_people(period, [unit.pk])
    editors, heads = people[unit.pk]
    to = sorted({*heads, *editors} | ({unit.email} if unit.email else set()))
    if not to:
        return False
    report = ReminderReport()
    _store(
        report,
        kind=kind,
        period=period,
        unit=unit,
        to=", ".join(to),
        cc="",
        subject=f"[Chỉ số CCHC {period.year}] {subject}",
        body="\n\n".join(["Kính gửi " + unit.name + ",", *lines]),
        dedupe_key=f"{kind}:{period.pk}:unit{unit.pk}:{stamp.isoformat()}",
    )
    if report.created:
        transaction.on_commit(lambda: _deliver(ReminderReport()))
    return bool(report.created)


def period_event_notify(
    *, period: Period, event: str, subject: str, lines: Sequence[str], stamp: datetime
) -> int:
    """Announce a period-wide event (results finalised, decision approved) to every tracked unit."""
    count = 0
    for membership in UnitMembership.objects.filter(period=period, tracked=True).select_related("unit"):
        count += event_notify(
            period=period, unit=membership.unit, event=event, subject=subject, lines=lines, stamp=stamp
        )
    return count


def _deliver(report: ReminderReport) -> None:
    for message in OutboxMessage.objects.filter(sent_at__isnull=True).order_by("pk"):
        email = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=message.to_list,
            cc=message.cc_list,
        )
        try:
            email.send(fail_silently=False)
        except Exception as exc:  # noqa: BLE001 - any delivery failure is kept and retried next run
            OutboxMessage.objects.filter(pk=message.pk).update(error=str(exc)[:1000])
            report.failed += 1
            continue
        OutboxMessage.objects.filter(pk=message.pk, sent_at__isnull=True).update(
            sent_at=timezone.now(), error=""
        )
        report.sent += 1


def reminders_send(
    *, now: datetime | None = None, days: Sequence[int] | None = None, period: Period | None = None
) -> ReminderReport:
    """Store the reminders due now in the outbox (each once) and deliver every message not yet sent."""
    now = now or timezone.now()
    days = tuple(sorted({int(d) for d in days}, reverse=True)) if days else reminder_days()
    periods = (
        [period]
        if period is not None
        else list(Period.objects.exclude(phase__in=CLOSED_PHASES).filter(archived_at__isnull=True))
    )
    report = ReminderReport()
    for p in periods:
        _self_reminders(p, now, days, report)
        _explanation_reminders(p, now, days, report)
        _member_reminders(p, now, days, report, round_no=1)
        _member_reminders(p, now, days, report, round_no=2)
    _deliver(report)
    return report
