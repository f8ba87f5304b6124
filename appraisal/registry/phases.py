"""Phase windows: which action is open when (SPEC §3).

An action of phase P is open when the period has a window for P and ``opens_at ≤ now ≤ due_at + grace``
(plus a unit's own extension, which replaces the due time when later). Without a window the period's phase
field decides. A finalised or approved period closes every unit-facing and council action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from appraisal.core.exceptions import PhaseError, ServiceError
from appraisal.core.workflow import cas_transition, check_transition

from .models import PERIOD_TRANSITIONS, Period, PeriodEvent, Phase, PhaseWindow

CLOSED_PHASES = frozenset({Phase.FINALISED, Phase.APPROVED})


def _fmt(dt: datetime) -> str:
    return timezone.localtime(dt).strftime("%H:%M ngày %d/%m/%Y")


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


def phase_deadline(*, period: Period, phase: str, extension_until: datetime | None = None) -> Deadline:
    window = _window(period, phase)
    if window is None:
        return Deadline(phase, None, extension_until, extension_until)
    due = window.due_at
    if extension_until is not None and extension_until > due:
        due = extension_until
    return Deadline(phase, window.opens_at, due, due + timedelta(minutes=window.grace_minutes))


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
    """Raise PhaseError, naming the phase and its dates, unless ``phase`` is open now."""
    label = Phase(phase).label
    if period.phase in CLOSED_PHASES:
        raise PhaseError(
            "Kỳ đánh giá đã ở giai đoạn «{p}»: không thể thực hiện thao tác của giai đoạn {label}.".format(
                p=Phase(period.phase).label, label=label
            )
        )
    now = now or timezone.now()
    deadline = phase_deadline(period=period, phase=phase, extension_until=extension_until)
    if deadline.opens_at is None:
        if period.phase != phase:
            raise PhaseError(
                "Giai đoạn {label} chưa mở (kỳ đánh giá đang ở giai đoạn «{cur}»).".format(
                    label=label, cur=Phase(period.phase).label
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


def period_set_phase(*, period: Period, to_phase: str, by, reason: str = "") -> Period:
    """Move a period along PERIOD_TRANSITIONS (compare-and-set) and record a PeriodEvent."""
    check_transition(PERIOD_TRANSITIONS, period.phase, to_phase, Phase)
    if to_phase == Phase.REAPPRAISAL and period.phase == Phase.FINALISED and not reason.strip():
        raise ServiceError("Phải nêu lý do khi mở lại kỳ đánh giá đã chốt.")
    with transaction.atomic():
        cas_transition(Period, pk=period.pk, field="phase", current=period.phase, new=to_phase)
        PeriodEvent.objects.create(
            period=period, from_phase=period.phase, to_phase=to_phase, reason=reason, by=by
        )
    period.refresh_from_db()
    return period
