"""The life of one period (SPEC §3a): each unit's own clock after round 1, the gates that finalise a unit, and
the secretariat's phase change that first shows what is still running.

Rules kept here, read by services, pages and reminders alike:

- **Notice** (moment N of SPEC §6a): issued to every appraised unit when the period enters the explanation phase;
  a unit appraised later (it submitted on an extension) gets its notice at once and its own explanation window
  of ``period.explanation_days`` days, ending 23:59 of the last day.
- **Explanation window of a unit**: its own ``explanation_until`` when set (an extension, or a late notice), else
  the common explanation window while the period is in that phase.
- **Gate to finalise a unit**: round 1 closed, and the explanation stage over — nothing lowered, explanation
  submitted (then round 2 resolves it), waived by the unit head, or its window closed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from appraisal.assessments.models import ROUND1_STATES, Assessment, AssessmentState
from appraisal.core.dates import end_of_day, fmt_local
from appraisal.core.exceptions import PhaseError, ServiceError
from appraisal.registry.models import PHASE_ORDER, Period, PeriodEventKind, Phase, PhaseWindow, UnitMembership
from appraisal.registry.phases import (
    WORKING_PHASES,
    period_closed_refusal,
    period_event_log,
    period_move,
    phase_check,
    phase_deadline,
)
from appraisal.registry.selectors import secretariat_require

from .selectors import APPRAISED_METHODS, ROUND2_STATES, is_lowered

S = AssessmentState


# -- each unit's clock ---------------------------------------------------------------------------------------


def assessment_lowered_count(assessment: Assessment) -> int:
    """How many appraised items round 1 scored below the unit's claim."""
    count = 0
    for method, self_points, round1_points in (
        assessment.entries.filter(node__method__in=APPRAISED_METHODS)
        .exclude(round1_value="")
        .values_list("node__method", "self_points", "round1_points")
    ):
        if is_lowered(method=method, self_points=self_points, new_points=round1_points):
            count += 1
    return count


def explanation_deadline(assessment: Assessment) -> datetime | None:
    """The time the unit's explanation closes: its own window, else the common window's due time + grace."""
    if assessment.explanation_until is not None:
        return assessment.explanation_until
    return phase_deadline(period=assessment.period, phase=Phase.EXPLANATION).closes_at


def explanation_due_shown(assessment: Assessment) -> datetime | None:
    """The explanation due time people are told: the unit's own, else the common window's (the hidden grace is
    not shown)."""
    if assessment.explanation_until is not None:
        return assessment.explanation_until
    return phase_deadline(period=assessment.period, phase=Phase.EXPLANATION).due_at


def explanation_refusal(assessment: Assessment, *, now: datetime | None = None) -> str:
    """Why the unit cannot write or send its explanation now ('' when it can)."""
    period = assessment.period
    closed = period_closed_refusal(period)
    if closed:
        return closed
    if assessment.state != S.APPRAISED:
        return "Đơn vị đang ở trạng thái «{s}»: không giải trình được.".format(
            s=AssessmentState(assessment.state).label
        )
    if assessment.notice_issued_at is None:
        return "Chưa phát hành thông báo kết quả thẩm định: chưa đến lúc giải trình."
    if assessment.explanation_waived_at is not None:
        return "Đơn vị đã chọn không giải trình."
    now = now or timezone.now()
    if assessment.explanation_until is not None:
        if now > assessment.explanation_until:
            return "Đã hết hạn giải trình của đơn vị ({due}).".format(
                due=fmt_local(assessment.explanation_until)
            )
        return ""
    try:
        phase_check(period=period, phase=Phase.EXPLANATION, now=now)
    except PhaseError as error:
        return error.message
    return ""


def explanation_is_over(assessment: Assessment, *, now: datetime | None = None) -> bool:
    """The explanation stage of a unit has ended: sent, waived, nothing to explain, or its window closed."""
    if assessment.state in (S.EXPLAINED, S.REAPPRAISED, S.FINALISED):
        return True
    if assessment.state != S.APPRAISED:
        return False
    if assessment.explanation_waived_at is not None or assessment_lowered_count(assessment) == 0:
        return True
    if assessment.notice_issued_at is None:
        return False
    now = now or timezone.now()
    if assessment.explanation_until is not None:
        return now > assessment.explanation_until
    period = assessment.period
    if period.phase_index() > PHASE_ORDER.index(Phase.EXPLANATION):
        return True
    deadline = phase_deadline(period=period, phase=Phase.EXPLANATION)
    return period.phase == Phase.EXPLANATION and deadline.closes_at is not None and now > deadline.closes_at


def finalise_refusal(assessment: Assessment, *, now: datetime | None = None) -> str:
    """Why a unit cannot be finalised yet, with what to do ('' when the gate is open)."""
    if assessment.state == S.APPRAISED and not explanation_is_over(assessment, now=now):
        if assessment.notice_issued_at is None:
            return (
                "{unit}: chưa phát hành thông báo kết quả thẩm định cho đơn vị; đơn vị phải được giải trình "
                "trước khi chốt (chuyển kỳ sang giai đoạn Giải trình)."
            ).format(unit=assessment.unit.name)
        due = explanation_deadline(assessment)
        return (
            "{unit} còn trong thời hạn giải trình{due}: chỉ chốt kết quả sau khi đơn vị gửi giải trình, "
            "chọn không giải trình, hoặc hết hạn.".format(
                unit=assessment.unit.name, due=f" (đến {fmt_local(due)})" if due else ""
            )
        )
    return ""


def round1_refusal(assessment: Assessment, *, now: datetime | None = None) -> str:
    """Why the council cannot record round 1 on this unit now ('' when it can). In the appraisal phase its
    window decides; later, a unit that submitted on its own clock is appraised once it is submitted."""
    period = assessment.period
    closed = period_closed_refusal(period)
    if closed:
        return closed
    if period.phase in (Phase.EXPLANATION, Phase.REAPPRAISAL) and assessment.state in ROUND1_STATES:
        return ""
    try:
        phase_check(period=period, phase=Phase.APPRAISAL, now=now)
    except PhaseError as error:
        return error.message
    return ""


def round2_refusal(assessment: Assessment, *, now: datetime | None = None) -> str:
    """Round 2 runs in the re-appraisal phase; a unit that already sent its explanation can be resolved
    during the explanation phase too (its own clock)."""
    period = assessment.period
    closed = period_closed_refusal(period)
    if closed:
        return closed
    if period.phase == Phase.EXPLANATION and assessment.state == S.EXPLAINED:
        return ""
    try:
        phase_check(period=period, phase=Phase.REAPPRAISAL, now=now)
    except PhaseError as error:
        return error.message
    return ""


ROUND2_WHO = (
    "vòng 2 chỉ thẩm định đơn vị đã gửi giải trình (hoặc đã được Chủ tịch Hội đồng mở lại sau khi chốt)"
)


def round2_item_refusal(*, state: str | None, unit: str, item_code: str, explanation: str) -> str:
    """Whether one item takes a round-2 decision, by its unit's state and its explanation: the one rule of the
    round-2 form's save, the item page and the round-2 scores import. A unit that sent its explanation
    (explained) has its explained items resolved; a unit the chair reopened (reappraised), any appraised item.
    ``unit``: its code (a file) or name (a page); ``state`` None: no assessment yet. The refusal ('' when the
    item takes one) starts lower-case: each caller adds what to do."""
    if state is None:
        return f"đơn vị «{unit}» chưa có bản tự đánh giá: {ROUND2_WHO}"
    if state not in ROUND2_STATES:
        return f"đơn vị «{unit}» đang ở trạng thái «{S(state).label}»: {ROUND2_WHO}"
    if state == S.EXPLAINED and not explanation:
        return (
            f"tiêu chí «{item_code}» không có giải trình của đơn vị: kết quả vòng 1 được giữ, không có kết luận "
            "vòng 2"
        )
    return ""


# -- notices -------------------------------------------------------------------------------------------------


def notice_issue(*, assessment: Assessment, by: Any, now: datetime | None = None, own_window: bool) -> None:
    """Issue one unit's preliminary notice (moment N). ``own_window``: the unit gets its own explanation window
    of ``explanation_days`` days (a late unit); otherwise the common explanation window applies."""
    from .notify import event_notify  # notify reads selectors that read this module's rules

    now = now or timezone.now()
    fields: dict[str, Any] = {"notice_issued_at": now}
    if own_window:
        days = assessment.period.explanation_days
        fields["explanation_until"] = end_of_day(timezone.localdate(now) + dt.timedelta(days=days))
    Assessment.objects.filter(pk=assessment.pk, notice_issued_at__isnull=True).update(**fields)
    for key, value in fields.items():
        setattr(assessment, key, value)
    lowered = assessment_lowered_count(assessment)
    due = explanation_deadline(assessment)
    period_event_log(
        period=assessment.period,
        kind=PeriodEventKind.NOTICE,
        unit=assessment.unit,
        by=by,
        detail="Phát hành thông báo kết quả thẩm định cho {u}: {n} tiêu chí bị hạ điểm{due}".format(
            u=assessment.unit.name,
            n=lowered,
            due=f", giải trình đến {fmt_local(due)}" if due and lowered else "",
        ),
    )
    event_notify(
        period=assessment.period,
        unit=assessment.unit,
        event="notice",
        subject="Thông báo kết quả thẩm định vòng 1",
        lines=[
            "Hội đồng thẩm định đã phát hành Thông báo kết quả thẩm định của đơn vị trên hệ thống ParIndex.",
            (
                f"Có {lowered} tiêu chí bị hạ điểm. Đơn vị có thể giải trình, bổ sung tài liệu đến {fmt_local(due)}."
                if lowered and due
                else (
                    "Có {n} tiêu chí bị hạ điểm.".format(n=lowered)
                    if lowered
                    else "Không có tiêu chí nào bị hạ điểm."
                )
            ),
        ],
        stamp=now,
    )


def notices_issue(*, period: Period, by: Any, now: datetime | None = None) -> int:
    """Issue the notice of every unit whose round 1 is closed and that has none yet (on entering explanation)."""
    pending = list(
        Assessment.objects.filter(
            period=period, state=S.APPRAISED, notice_issued_at__isnull=True
        ).select_related("unit", "period")
    )
    for assessment in pending:
        notice_issue(assessment=assessment, by=by, now=now, own_window=False)
    return len(pending)


# -- the secretariat's phase change --------------------------------------------------------------------------


@dataclass(frozen=True)
class Running:
    """One thing still running that a phase change would leave behind."""

    text: str
    url: str = ""
    names: tuple[str, ...] = ()


def _names(qs: Any) -> tuple[str, ...]:
    return tuple(qs.order_by("unit__name").values_list("unit__name", flat=True))


def period_running(*, period: Period, now: datetime | None = None) -> list[Running]:
    """What is still running in the period's current phase: its open window, units that have not submitted,
    round 1 not closed, explanations pending, explained items without round 2."""
    now = now or timezone.now()
    items: list[Running] = []
    window = PhaseWindow.objects.filter(period=period, phase=period.phase).first()
    if window is not None and window.opens_at <= now <= window.due_at:
        items.append(
            Running(
                "Thời hạn giai đoạn {label} còn đến {due}: chuyển giai đoạn sẽ đóng thời hạn này ngay "
                "(đơn vị được gia hạn riêng vẫn giữ thời hạn của mình).".format(
                    label=Phase(period.phase).label, due=fmt_local(window.due_at)
                ),
                reverse("registry:period_detail", args=[period.pk]),
            )
        )
    tracked = UnitMembership.objects.filter(period=period, tracked=True).values("unit_id")
    assessments = Assessment.objects.filter(period=period, unit_id__in=tracked)
    url_units = reverse("council:dashboard", args=[period.year])
    if period.phase == Phase.SELF_ASSESSMENT:
        started = assessments.values("unit_id")
        never = UnitMembership.objects.filter(period=period, tracked=True).exclude(unit_id__in=started)
        drafting = assessments.filter(state__in=[S.DRAFT, S.RETURNED])
        names = _names(drafting) + _names(never)
        if names:
            items.append(
                Running(
                    f"{len(names)} đơn vị chưa chốt tự đánh giá (sau khi chuyển, Tổ thư ký gia hạn riêng hoặc "
                    "đóng «không nộp» từng đơn vị).",
                    url_units,
                    tuple(sorted(names)),
                )
            )
    if period.phase == Phase.APPRAISAL:
        names = _names(assessments.filter(state__in=ROUND1_STATES))
        if names:
            items.append(Running(f"{len(names)} đơn vị chưa chốt thẩm định vòng 1.", url_units, names))
    if period.phase == Phase.EXPLANATION:
        pending = [
            a
            for a in assessments.filter(state=S.APPRAISED).select_related("unit", "period")
            if not explanation_is_over(a, now=now)
        ]
        if pending:
            items.append(
                Running(
                    f"{len(pending)} đơn vị còn trong thời hạn giải trình.",
                    url_units,
                    tuple(sorted(a.unit.name for a in pending)),
                )
            )
    if period.phase in (Phase.EXPLANATION, Phase.REAPPRAISAL):
        names = _names(assessments.filter(state=S.EXPLAINED))
        if names:
            items.append(
                Running(f"{len(names)} đơn vị đã giải trình, chờ thẩm định vòng 2.", url_units, names)
            )
    return items


class ConfirmationNeeded(ServiceError):
    """The phase change leaves things running: the page lists them and asks again."""

    def __init__(self, message: str, running: list[Running]) -> None:
        super().__init__(message)
        self.running = running


def period_advance(
    *,
    period: Period,
    to_phase: str,
    by: Any,
    reason: str,
    confirmed: bool = False,
    now: datetime | None = None,
) -> Period:
    """The secretariat moves the period between working phases (preparing … re-appraisal), with a reason.

    What is still running is listed first (:func:`period_running`); unless ``confirmed`` the change is refused
    with that list. On change, the current phase's window closes at once (a unit's own extension keeps its
    own time) and, entering the explanation phase, the notices of every appraised unit are issued.
    Finalisation and approval are not reached here: they are the chair's and the approval's own gates."""
    secretariat_require(by, period, "được chuyển giai đoạn của kỳ đánh giá", error=ServiceError)
    closed = period_closed_refusal(period)
    if closed:
        raise PhaseError(closed)
    if to_phase in (Phase.FINALISED, Phase.APPROVED) or to_phase not in WORKING_PHASES:
        raise ServiceError(
            "Chốt kết quả do Chủ tịch Hội đồng phê duyệt trên trang Kết quả; phê duyệt kỳ cần quyết định đầy đủ "
            "(số, ngày, người ký, căn cứ, Tờ trình). Không chuyển trực tiếp sang giai đoạn này được."
        )
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Hãy ghi lý do chuyển giai đoạn.")
    now = now or timezone.now()
    forward = PHASE_ORDER.index(to_phase) > period.phase_index()
    if (
        to_phase == Phase.PREPARING
        and Assessment.objects.filter(period=period).exclude(state=S.DRAFT).exists()
    ):
        raise ServiceError("Đã có đơn vị chốt tự đánh giá: không quay lại giai đoạn Chuẩn bị được.")
    running = period_running(period=period, now=now) if forward else []
    if running and not confirmed:
        raise ConfirmationNeeded("Còn việc đang diễn ra: hãy xem lại và xác nhận chuyển giai đoạn.", running)
    with transaction.atomic():
        detail = ""
        window = PhaseWindow.objects.select_for_update().filter(period=period, phase=period.phase).first()
        if forward and window is not None and window.due_at > now:
            old_due = window.due_at
            PhaseWindow.objects.filter(pk=window.pk).update(due_at=max(now, window.opens_at), grace_minutes=0)
            detail = "Đóng thời hạn giai đoạn {label} lúc {now} (hạn chót cũ {due}).".format(
                label=Phase(period.phase).label, now=fmt_local(now), due=fmt_local(old_due)
            )
        if running:
            detail += " Còn lại khi chuyển: " + "; ".join(r.text for r in running)
        period = period_move(period=period, to_phase=to_phase, by=by, reason=reason, detail=detail.strip())
        if to_phase == Phase.EXPLANATION:
            notices_issue(period=period, by=by, now=now)
    return period
