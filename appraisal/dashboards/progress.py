"""Where a period stands (issue 12, the secretariat's and the chair's dashboard): units by state per group,
deadlines with their countdowns, overdue units, each council member's remaining items, explanations waiting
for round 2 and the last events. Reads only; a constant number of queries whatever the number of units."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from appraisal.assessments.models import Assessment, AssessmentState, ItemEntry
from appraisal.council.history import TimelineRow, period_audit
from appraisal.council.queues import workload
from appraisal.council.selectors import lowered_q
from appraisal.registry.models import Period, Phase, UnitMembership
from appraisal.registry.phases import WINDOW_PHASES, Deadline, phase_deadline

from .charts import Chart, bar_svg, value

S = AssessmentState

# The states the dashboard counts, in the order of a unit's life (issue 12), with their Vietnamese labels.
STATES: tuple[tuple[str, str, str], ...] = (
    ("not_started", "Chưa bắt đầu", "#dee2e6"),
    ("draft", "Đang tự đánh giá", "#adb5bd"),
    ("returned", "Bị trả lại", "#d2691e"),
    ("not_submitted", "Không nộp", "#b02a37"),
    ("submitted", "Đã nộp, chờ thẩm định", "#6f42c1"),
    ("appraising", "Đã thẩm định vòng 1, chưa thông báo", "#2f6fb5"),
    ("notice", "Đã thông báo, chưa giải trình", "#c98a00"),
    ("no_explanation", "Đã thông báo, không cần giải trình", "#7fb3d5"),
    ("explaining", "Đang giải trình", "#ffc107"),
    ("explained", "Đã giải trình, chờ vòng 2", "#20c997"),
    ("waived", "Không giải trình", "#6c757d"),
    ("reappraised", "Đã thẩm định vòng 2", "#0d6efd"),
    ("finalised", "Đã hoàn tất", "#1b7f3b"),
)
STATE_LABELS = {code: label for code, label, _ in STATES}


@dataclass
class UnitStatus:
    unit_id: int
    code: str
    name: str
    group_code: str
    group_name: str
    state: str  # one of STATES
    assessment_id: int | None
    overdue: str = ""  # what is overdue, '' when nothing
    due_at: datetime | None = None

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass
class MemberLoad:
    name: str
    round1_left: int
    round2_left: int
    units: int


@dataclass
class Progress:
    period: Period
    units: list[UnitStatus]
    groups: list[tuple[str, str]]  # (code, name) in order
    counts: dict[str, Counter[str]]  # group code → state → units
    deadlines: list[tuple[Deadline, str]]  # with the countdown text
    members: list[MemberLoad]
    events: list[TimelineRow]
    chart: Chart = field(init=False)

    @property
    def overdue(self) -> list[UnitStatus]:
        return [u for u in self.units if u.overdue]

    @property
    def waiting_round2(self) -> list[UnitStatus]:
        return [u for u in self.units if u.state == "explained"]


def unit_state(a: Assessment | None, *, now: datetime, drafted: bool, lowered: bool = True) -> str:
    """The dashboard's state of a unit from its assessment (None: not started; a page no longer creates one).
    ``lowered``: round 1 lowered at least one item — a unit notified of nothing lowered has nothing to explain."""
    if a is None:
        return "not_started"
    if a.state == S.DRAFT:
        return "draft"
    if a.state in (S.RETURNED, S.NOT_SUBMITTED, S.SUBMITTED, S.EXPLAINED, S.REAPPRAISED, S.FINALISED):
        return str(a.state)
    # APPRAISED: before or after the notice reached the unit, explanation drafted or not
    if a.notice_issued_at is None or a.notice_issued_at > now:
        return "appraising"
    if a.explanation_waived_at is not None:
        return "waived"
    if not lowered:
        return "no_explanation"
    return "explaining" if drafted else "notice"


def countdown(due: datetime | None, now: datetime) -> str:
    """'còn 3 ngày 4 giờ', 'còn 45 phút', 'đã quá hạn 2 ngày' — what the dashboard prints beside a deadline."""
    if due is None:
        return "chưa đặt thời hạn"
    delta = due - now
    past = delta.total_seconds() < 0
    seconds = int(abs(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        text = f"{days} ngày" + (f" {hours} giờ" if hours else "")
    elif hours:
        text = f"{hours} giờ" + (f" {minutes} phút" if minutes else "")
    else:
        text = f"{minutes} phút"
    return f"đã quá hạn {text}" if past else f"còn {text}"


def progress_build(*, period: Period, now: datetime | None = None) -> Progress:
    """The dashboard of ``period``: a fixed number of queries (memberships, assessments with a flag for a
    drafted explanation, windows, the council's workload, the last events)."""
    now = now or timezone.now()
    memberships = list(
        UnitMembership.objects.filter(period=period, tracked=True)
        .select_related("unit", "group")
        .order_by("group__order", "group__code", "unit__name")
    )
    drafted = ItemEntry.objects.filter(assessment=OuterRef("pk")).exclude(explanation="")
    lowered = ItemEntry.objects.filter(lowered_q(), assessment=OuterRef("pk"))
    assessments = {
        a.unit_id: a
        for a in Assessment.objects.filter(period=period)
        .annotate(drafted=Exists(drafted), lowered=Exists(lowered))
        .only(
            "pk",
            "unit_id",
            "state",
            "notice_issued_at",
            "explanation_submitted_at",
            "explanation_waived_at",
            "extension_until",
            "explanation_until",
        )
    }
    self_due = phase_deadline(period=period, phase=Phase.SELF_ASSESSMENT)
    explain_due = phase_deadline(period=period, phase=Phase.EXPLANATION)
    units: list[UnitStatus] = []
    groups: dict[str, str] = {}
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for m in memberships:
        a = assessments.get(m.unit_id)
        state = unit_state(
            a, now=now, drafted=bool(a is not None and a.drafted), lowered=bool(a is not None and a.lowered)
        )
        status = UnitStatus(
            m.unit_id, m.unit.code, m.unit.name, m.group.code, m.group.name, state, a.pk if a else None
        )
        if state in ("not_started", "draft", "returned"):
            ext = a.extension_until if a else None
            due = ext if ext and (self_due.due_at is None or ext > self_due.due_at) else self_due.due_at
            status.due_at = due
            if due is not None and due < now:
                status.overdue = "Chưa nộp tự đánh giá"
        elif state in ("notice", "explaining") and a is not None and a.explanation_waived_at is None:
            due = a.explanation_until or explain_due.due_at
            status.due_at = due
            if due is not None and due < now:
                status.overdue = "Chưa gửi giải trình"
        groups.setdefault(m.group.code, m.group.name)
        counts[m.group.code][state] += 1
        units.append(status)
    deadlines = []
    for phase in WINDOW_PHASES:
        d = phase_deadline(period=period, phase=phase)
        if d.due_at is not None:
            deadlines.append((d, countdown(d.due_at, now)))
    loads, fallback = workload(period)
    members = [
        MemberLoad(w.label, w.round1_left, w.round2_left, len(w.units))
        for w in [*loads, fallback]
        if w.round1_left or w.round2_left or w is not fallback
    ]
    progress = Progress(
        period, units, list(groups.items()), dict(counts), deadlines, members, period_audit(period, limit=20)
    )
    progress.chart = states_chart(progress)
    return progress


def list_url(period: Period, *, state: str = "", group: str = "", overdue: bool = False) -> str:
    url = reverse("dashboards:progress_units", kwargs={"year": period.year})
    params = [
        f"trang-thai={state}" if state else "",
        f"khoi={group}" if group else "",
        "qua-han=1" if overdue else "",
    ]
    query = "&".join(p for p in params if p)
    return f"{url}?{query}" if query else url


def states_chart(p: Progress) -> Chart:
    present = [
        (code, label, colour) for code, label, colour in STATES if any(p.counts[g][code] for g, _ in p.groups)
    ]
    series = [
        (
            label,
            [
                value(Decimal(p.counts[g][code]), str(p.counts[g][code])) if p.counts[g][code] else None
                for g, _ in p.groups
            ],
        )
        for code, label, colour in present
    ]
    svg = bar_svg(
        f"Trạng thái các đơn vị — {p.period.name}",
        [name for _, name in p.groups],
        series,
        stacked=True,
        colours=[colour for _, _, colour in present],
    )
    rows = []
    for g, name in p.groups:
        rows.append([name] + [p.counts[g][code] for code, _, _ in STATES] + [sum(p.counts[g].values())])
    return Chart(
        slug="trang-thai",
        title="Số đơn vị theo trạng thái, từng khối",
        alt="Biểu đồ thanh chồng: "
        + "; ".join(
            f"{name}: "
            + ", ".join(
                f"{p.counts[g][code]} {label.lower()}" for code, label, _ in STATES if p.counts[g][code]
            )
            for g, name in p.groups
        )
        + ".",
        columns=["Khối"] + [label for _, label, _ in STATES] + ["Tổng số"],
        rows=rows,
        drawing=svg,
    )


def units_filtered(
    p: Progress, *, state: str = "", group: str = "", overdue: bool = False
) -> list[UnitStatus]:
    return [
        u
        for u in p.units
        if (not state or u.state == state)
        and (not group or u.group_code == group)
        and (not overdue or u.overdue)
    ]
