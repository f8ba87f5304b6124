"""'Việc cần làm' on each person's home page (SPEC §3a: events are announced on the home page too): what the
person should do next in one period, with its due time, and the announcements sent to their units."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from appraisal.assessments.models import Assessment, AssessmentState
from appraisal.assessments.selectors import self_phase_refusal
from appraisal.core import roles
from appraisal.core.dates import fmt_local
from appraisal.registry.models import Period, Phase, UnitMembership
from appraisal.registry.phases import phase_deadline

from .access import council_access
from .lifecycle import assessment_lowered_count, explanation_due_shown, explanation_refusal
from .models import OutboxMessage
from .queues import progress_for_council

S = AssessmentState


@dataclass(frozen=True)
class Todo:
    text: str
    url: str = ""
    due: datetime | None = None

    @property
    def days_left(self) -> int | None:
        if self.due is None:
            return None
        return (timezone.localdate(self.due) - timezone.localdate()).days

    @property
    def due_text(self) -> str:
        if self.due is None:
            return ""
        left = self.days_left
        tail = "hôm nay" if left == 0 else (f"còn {left} ngày" if left and left > 0 else "đã quá hạn")
        return f"hạn {fmt_local(self.due)} ({tail})"


@dataclass
class TodoList:
    items: list[Todo] = field(default_factory=list)
    announcements: list[OutboxMessage] = field(default_factory=list)


def _unit_items(user: Any, period: Period, unit_ids: set[int]) -> list[Todo]:
    items: list[Todo] = []
    taking_part = {
        m.unit_id: m.unit
        for m in UnitMembership.objects.filter(
            period=period, unit_id__in=unit_ids, tracked=True
        ).select_related("unit")
    }
    assessments = {
        a.unit_id: a
        for a in Assessment.objects.filter(period=period, unit_id__in=taking_part).select_related(
            "unit", "period"
        )
    }
    for unit_id, unit in sorted(taking_part.items(), key=lambda kv: kv[1].name):
        a = assessments.get(unit_id)
        open_url = reverse("assessments:open_year", kwargs={"year": period.year, "code": unit.code})
        state = a.state if a is not None else S.DRAFT
        if state in (S.DRAFT, S.RETURNED) and period.phase_index() >= 1:
            refused = self_phase_refusal(a) if a is not None else ""
            if a is None and period.phase != Phase.SELF_ASSESSMENT:
                refused = "closed"
            if not refused:
                due = phase_deadline(
                    period=period,
                    phase=Phase.SELF_ASSESSMENT,
                    extension_until=a.extension_until if a else None,
                ).due_at
                what = (
                    "bị trả lại để bổ sung: " + a.returned_reason
                    if state == S.RETURNED and a
                    else "chưa chốt"
                )
                items.append(Todo(f"Tự đánh giá của {unit.name} {what}.", open_url, due))
        elif state == S.NOT_SUBMITTED:
            items.append(Todo(f"{unit.name}: bản tự đánh giá đã bị đóng «không nộp».", open_url))
        elif state == S.APPRAISED and a is not None and a.notice_issued_at is not None:
            lowered = assessment_lowered_count(a)
            notice_url = reverse("council:notice", kwargs={"assessment_pk": a.pk})
            if lowered and not explanation_refusal(a):
                items.append(
                    Todo(
                        f"{unit.name} có thông báo kết quả thẩm định: {lowered} tiêu chí bị hạ điểm, đơn vị có thể "
                        "giải trình.",
                        reverse("council:explanation", kwargs={"assessment_pk": a.pk}),
                        explanation_due_shown(a),
                    )
                )
            else:
                items.append(Todo(f"{unit.name} có thông báo kết quả thẩm định.", notice_url))
        elif state == S.EXPLAINED:
            items.append(Todo(f"{unit.name} đã gửi giải trình; chờ Hội đồng kết luận vòng 2."))
    if period.phase == Phase.APPROVED and taking_part:
        items.append(
            Todo(
                f"{period.name} đã được phê duyệt (Quyết định số {period.decision_number}).",
                reverse("scoring:index"),
            )
        )
    elif period.phase == Phase.FINALISED and taking_part:
        items.append(Todo(f"Kết quả {period.name} đã được chốt.", reverse("scoring:index")))
    return items


def todo_for_user(user: Any, period: Period) -> TodoList:
    """What ``user`` should do next in ``period``, and the last announcements sent to their units."""
    result = TodoList()
    units = roles.unit_ids_held(user, period.pk)  # SPEC §6a: the units whose people they are in this period
    if units:
        result.items += _unit_items(user, period, set(units))
        result.announcements = list(
            OutboxMessage.objects.filter(period=period, unit_id__in=units, member__isnull=True)
            .select_related("unit")
            .order_by("-created_at", "-pk")[:8]
        )
    access = council_access(user, period)
    if access.any and not period.is_closed:
        left = sum(1 for p in progress_for_council(user, period) if p.round1_left > 0)
        if left:
            result.items.append(
                Todo(
                    f"Thẩm định: {left} đơn vị còn tiêu chí chưa chấm.",
                    reverse("council:queue", kwargs={"year": period.year}),
                    phase_deadline(period=period, phase=Phase.APPRAISAL).due_at
                    if period.phase == Phase.APPRAISAL
                    else None,
                )
            )
    if access.secretariat and not period.is_closed:  # the secretariat of this period (SPEC §6a)
        result.items.append(
            Todo(
                f"{period.name} đang ở giai đoạn «{period.get_phase_display()}»: xem thời hạn và việc còn lại.",
                reverse("registry:period_detail", kwargs={"pk": period.pk}),
            )
        )
    return result
