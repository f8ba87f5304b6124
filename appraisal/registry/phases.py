"""Phases and windows in step (SPEC §3, §3a): the one model that says what is open, and the one gate that moves
a period's phase.

- The **phase** says where the period as a whole stands; it moves only through :func:`period_advance` (the
  secretariat, working phases), ``scoring.services.period_finalise`` (the chair), ``period_reopen`` (the chair)
  and ``period_approve`` (the secretariat, with a complete decision). Each writes a :class:`PeriodEvent` with who,
  when and why; a reason is always required.
- A **window** (opens, due, hidden grace) says when the actions of *its* phase open and close. An action of phase
  P is open only while the period is in P and P's window (if any) is open: a window never opens an action of a
  phase the period has not reached, so the page can never show a phase contradicted by its windows. Windows are
  kept in phase order without overlap; advancing the phase closes the current window at once (after the
  secretariat confirmed what was still running).
- **Each unit on its own clock**: a unit's extension (``extension_until``) keeps that unit's action of P open
  after the period moved past P, until the extension ends.
- A finalised, approved or archived period is **closed**: every action refuses, except the chair reopening a
  finalised period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from appraisal.core.dates import end_of_day, fmt_local
from appraisal.core.exceptions import PhaseError, ServiceError
from appraisal.core.workflow import cas_transition, check_transition

from .audit import audit_period_event
from .models import PERIOD_TRANSITIONS, PHASE_ORDER, Period, PeriodEvent, PeriodEventKind, Phase, PhaseWindow

CLOSED_PHASES = frozenset({Phase.FINALISED, Phase.APPROVED})
# Phases the secretariat moves between on the period page; finalisation and approval have their own gates.
WORKING_PHASES = (
    Phase.PREPARING,
    Phase.SELF_ASSESSMENT,
    Phase.APPRAISAL,
    Phase.EXPLANATION,
    Phase.REAPPRAISAL,
)
WINDOW_PHASES = (Phase.SELF_ASSESSMENT, Phase.APPRAISAL, Phase.EXPLANATION, Phase.REAPPRAISAL)
_fmt = fmt_local
__all__ = ["end_of_day", "fmt_local"]


@dataclass(frozen=True)
class Deadline:
    phase: str
    opens_at: datetime | None
    due_at: datetime | None  # the due time shown to users (an extension replaces it when later)
    closes_at: datetime | None  # due + hidden grace: what the server enforces

    @property
    def label(self) -> str:
        return Phase(self.phase).label


def _window(period: Period, phase: str) -> PhaseWindow | None:
    cache = getattr(period, "_window_cache", None)
    if cache is None:
        cache = {w.phase: w for w in period.windows.all()}
        period._window_cache = cache
    return cache.get(phase)


def forget_windows(period: Period) -> None:
    if hasattr(period, "_window_cache"):
        del period._window_cache


def phase_deadline(*, period: Period, phase: str, extension_until: datetime | None = None) -> Deadline:
    window = _window(period, phase)
    if window is None:
        return Deadline(phase, None, extension_until, extension_until)
    due = window.due_at
    if extension_until is not None and extension_until > due:
        due = extension_until
    return Deadline(phase, window.opens_at, due, due + timedelta(minutes=window.grace_minutes))


def period_closed_refusal(period: Period) -> str:
    """Why nothing can change in ``period`` ('' when it is open for changes)."""
    if period.archived_at is not None:
        return f"{period.name} đã được lưu trữ: mọi thông tin chỉ còn để xem."
    if period.phase == Phase.APPROVED:
        return f"{period.name} đã được phê duyệt: mọi thông tin chỉ còn để xem."
    if period.phase == Phase.FINALISED:
        return (
            f"{period.name} đã chốt kết quả: không thay đổi được nữa. "
            "Nếu cần sửa, Chủ tịch Hội đồng mở lại kỳ đánh giá (nêu lý do)."
        )
    return ""


def period_require_open(period: Period) -> None:
    """Raise PhaseError unless the period accepts changes (not finalised, approved or archived)."""
    refusal = period_closed_refusal(period)
    if refusal:
        raise PhaseError(refusal)


def phase_is_open(
    *, period: Period, phase: str, extension_until: datetime | None = None, now: datetime | None = None
) -> bool:
    try:
        phase_check(period=period, phase=phase, extension_until=extension_until, now=now)
    except PhaseError:
        return False
    return True


def phase_check(
    *, period: Period, phase: str, extension_until: datetime | None = None, now: datetime | None = None
) -> None:
    """Raise PhaseError, naming the phase and its dates, unless the actions of ``phase`` are open now.

    Open when the period is in ``phase`` and the phase's window (if any) is open; or, with a unit's own
    extension, when the period has reached ``phase`` and the extension has not ended (the unit's own clock)."""
    label = Phase(phase).label
    refusal = period_closed_refusal(period)
    if refusal:
        raise PhaseError(refusal)
    now = now or timezone.now()
    reached = period.phase_index() >= PHASE_ORDER.index(phase)
    if extension_until is not None and reached and period.phase != phase:
        if now <= extension_until:
            return
        raise PhaseError(
            "Đã hết hạn gia hạn riêng {due} của giai đoạn {label}.".format(
                due=_fmt(extension_until), label=label
            )
        )
    if period.phase != phase:
        if not reached:
            raise PhaseError(
                "Giai đoạn {label} chưa mở (kỳ đánh giá đang ở giai đoạn «{cur}»).".format(
                    label=label, cur=Phase(period.phase).label
                )
            )
        raise PhaseError(
            "Giai đoạn {label} đã kết thúc (kỳ đánh giá đang ở giai đoạn «{cur}»).".format(
                label=label, cur=Phase(period.phase).label
            )
        )
    deadline = phase_deadline(period=period, phase=phase, extension_until=extension_until)
    if deadline.opens_at is None:
        if deadline.closes_at is not None and now > deadline.closes_at:
            raise PhaseError(
                "Đã quá hạn chót {due} của giai đoạn {label}.".format(
                    due=_fmt(deadline.closes_at), label=label
                )
            )
        return
    assert deadline.due_at is not None and deadline.closes_at is not None
    if now < deadline.opens_at:
        raise PhaseError(
            "Giai đoạn {label} chưa mở: mở từ {start} đến hạn chót {due}.".format(
                label=label, start=_fmt(deadline.opens_at), due=_fmt(deadline.due_at)
            )
        )
    if now > deadline.closes_at:
        raise PhaseError(
            "Đã quá hạn chót {due} của giai đoạn {label}.".format(due=_fmt(deadline.due_at), label=label)
        )


# -- window status, as the period page shows it -------------------------------------------------------------


@dataclass(frozen=True)
class WindowStatus:
    phase: str
    window: PhaseWindow | None
    state: str  # "open", "not_yet", "overdue", "closed", "planned", "none"
    text: str

    @property
    def label(self) -> str:
        return Phase(self.phase).label


def window_status(*, period: Period, phase: str, now: datetime | None = None) -> WindowStatus:
    """What the period page says about one phase's window, read together with the period's phase so the two
    can never disagree: only the current phase's window can be open."""
    now = now or timezone.now()
    window = _window(period, phase)
    here = period.phase_index()
    there = PHASE_ORDER.index(phase)
    if window is None:
        if there == here:
            return WindowStatus(phase, None, "open", "Đang diễn ra (chưa đặt thời hạn).")
        return WindowStatus(phase, None, "none", "Chưa đặt thời hạn.")
    closes = window.due_at + timedelta(minutes=window.grace_minutes)
    if there < here or period.phase in CLOSED_PHASES:
        return WindowStatus(phase, window, "closed", f"Đã đóng (hạn chót {_fmt(window.due_at)}).")
    if there > here:
        return WindowStatus(
            phase,
            window,
            "planned",
            f"Dự kiến từ {_fmt(window.opens_at)} đến {_fmt(window.due_at)}; mở khi kỳ chuyển sang giai đoạn này.",
        )
    if now < window.opens_at:
        return WindowStatus(phase, window, "not_yet", f"Chưa mở: mở từ {_fmt(window.opens_at)}.")
    if now > closes:
        return WindowStatus(
            phase,
            window,
            "overdue",
            f"Đã quá hạn chót {_fmt(window.due_at)}: hãy xử lý đơn vị còn lại và chuyển giai đoạn.",
        )
    return WindowStatus(phase, window, "open", f"Đang mở đến {_fmt(window.due_at)}.")


def window_check_order(*, period: Period, phase: str, opens_at: datetime, due_at: datetime) -> None:
    """Windows follow the phases' order without overlapping (a window of a later phase cannot open before the
    previous phase's window is due), so at most one window is open at a time."""
    if due_at < opens_at:
        raise ServiceError("Hạn chót phải sau thời điểm mở.")
    index = WINDOW_PHASES.index(Phase(phase))
    windows = {w.phase: w for w in period.windows.all()}
    for earlier in WINDOW_PHASES[:index]:
        w = windows.get(earlier)
        if w is not None and opens_at < w.due_at:
            raise ServiceError(
                "Thời hạn giai đoạn {label} phải mở sau hạn chót {due} của giai đoạn {other}.".format(
                    label=Phase(phase).label, due=_fmt(w.due_at), other=Phase(earlier).label
                )
            )
    for later in WINDOW_PHASES[index + 1 :]:
        w = windows.get(later)
        if w is not None and due_at > w.opens_at:
            raise ServiceError(
                "Hạn chót giai đoạn {label} phải trước lúc mở {start} của giai đoạn {other}.".format(
                    label=Phase(phase).label, start=_fmt(w.opens_at), other=Phase(later).label
                )
            )


# -- the one gate that moves a period ------------------------------------------------------------------------


def period_event_log(
    *, period: Period, kind: str, by: Any, reason: str = "", detail: str = "", unit: Any = None
) -> PeriodEvent:
    """Append one row to the period's history (phase kept as it is)."""
    event = PeriodEvent.objects.create(
        period=period,
        kind=kind,
        unit=unit,
        detail=detail,
        from_phase=period.phase,
        to_phase=period.phase,
        reason=reason,
        by=by,
    )
    audit_period_event(event)
    return event


def period_move(*, period: Period, to_phase: str, by: Any, reason: str, detail: str = "") -> Period:
    """Move a period along PERIOD_TRANSITIONS (compare-and-set) and record a PeriodEvent with its reason.

    Internal: callers are the gated services (``period_advance`` here; finalise, reopen and approve in
    ``scoring.services``), which check who acts and what must hold first."""
    check_transition(PERIOD_TRANSITIONS, period.phase, to_phase, Phase)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Hãy ghi lý do chuyển giai đoạn.")
    with transaction.atomic():
        cas_transition(Period, pk=period.pk, field="phase", current=period.phase, new=to_phase)
        event = PeriodEvent.objects.create(
            period=period,
            kind=PeriodEventKind.PHASE,
            from_phase=period.phase,
            to_phase=to_phase,
            reason=reason,
            detail=detail,
            by=by,
        )
        audit_period_event(event)
    period.refresh_from_db()
    forget_windows(period)
    return period
