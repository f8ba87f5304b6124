"""Demo data for the council (called by the demo years in ``appraisal.scoring.demo``): the council of a period,
its assignments, the survey import, and the steps of each unit after its self-assessment.

- the council of the period: chair, the four members with the unit each belongs to, the secretariat;
- assignments by field and group: member.snv the steering, apparatus, civil-service fields and the bonus and
  penalty items; member.stp the legal and procedure fields; member.stc public finance; member.stttt
  e-government in every group (7, 7 and 4); their own units' items fall to the secretariat;
- survey (XHH) results imported for every unit still open through the import service (the file is kept);
- :class:`CouncilDemo`: round 1 (all items, or about half; some items lowered with a reason), closing round 1,
  the unit's explanation (drafted, sent or waived), round 2, finalising and the chair's reopening of one unit;
- :func:`demo_advance`: the secretariat's phase change, the phase's window written first (dated from now).

Everything goes through the council, assessment and lifecycle services (phase checks, conflicts of interest,
history, events, announcements), by the member assigned to each item. The callers run each year once.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from appraisal.assessments.models import ROUND1_STATES, Assessment, AssessmentState, ItemEntry
from appraisal.core import roles
from appraisal.core.exceptions import ServiceError
from appraisal.engine import parse_rule
from appraisal.engine.rounding import plain
from appraisal.registry.models import Group, Method, Period, PhaseWindow, RoleAssignment, Unit
from appraisal.registry.phases import WINDOW_PHASES, forget_windows

from . import services
from .access import CouncilAccess
from .importing import scores_import
from .lifecycle import period_advance
from .models import Assignment, SurveyImport
from .queues import member_accesses
from .selectors import APPRAISED_METHODS, field_code_of, is_lowered

S = AssessmentState

COUNCIL = [
    ("chair", roles.CHAIR, None),
    ("member.stp", roles.MEMBER, "stp"),
    ("member.stc", roles.MEMBER, "stc"),
    ("member.stttt", roles.MEMBER, "stttt"),
    ("member.snv", roles.MEMBER, "snv"),
    ("secretariat", roles.SECRETARIAT, None),
]

# group code → {member username: field codes}
ASSIGNMENTS: dict[str, dict[str, list[str]]] = {
    "so": {
        "member.snv": ["1", "4", "5", "T1", "P1"],
        "member.stp": ["2", "3"],
        "member.stc": ["6"],
        "member.stttt": ["7"],
    },
    "huyen": {
        "member.snv": ["1", "4", "5", "T1", "P1"],
        "member.stp": ["2", "3", "8"],
        "member.stc": ["6"],
        "member.stttt": ["7"],
    },
    "tw": {"member.snv": ["1", "3", "T1", "P1"], "member.stp": ["2"], "member.stttt": ["4"]},
}

REASONS = [
    "Tài liệu kiểm chứng chưa thể hiện đầy đủ kết quả thực hiện.",
    "Số liệu tự đánh giá chưa khớp với báo cáo định kỳ gửi Sở Nội vụ.",
    "Văn bản ban hành sau thời hạn quy định.",
]
EXPLANATIONS = [
    "Đơn vị bổ sung báo cáo có số liệu đầy đủ kèm theo.",
    "Số liệu chênh lệch do báo cáo định kỳ chốt trước ngày 15/12; đơn vị gửi số liệu chốt năm.",
    "Văn bản được trình đúng hạn, chậm ký ban hành do lãnh đạo đi công tác.",
]
ROUND2_REASONS = {
    "accept": "Chấp nhận giải trình, tài liệu bổ sung hợp lệ.",
    "keep": "Giải trình chưa có căn cứ, giữ kết quả vòng 1.",
}


def demo_roll(*parts: Any) -> int:
    return int.from_bytes(hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()[:4], "big") % 100


def _lower(entry: ItemEntry) -> str | None:
    """A worse fact than the unit's claim, for a lowered item, or None when there is none."""
    node = entry.node
    rule = parse_rule(node.rule, node.max_points, node.method)
    value = entry.self_value
    if not value or entry.self_points is None:
        return None
    if rule.kind == "penalty":
        return str(int(value) + 1)
    if entry.self_points <= 0:
        return None
    if rule.kind == "boolean":
        return "Không"
    if rule.kind == "levels":
        labels = list(rule.choices)
        return (
            labels[labels.index(value) + 1]
            if value in labels and labels.index(value) + 1 < len(labels)
            else None
        )
    if rule.kind in ("tiers", "proportional"):
        return "55%"
    if rule.kind == "manual":
        step = rule.step or entry.self_points / 2
        return plain(max(entry.self_points - step, Decimal(0)))
    return None


# -- the council of a period and its survey -----------------------------------------------------------------


def seed_demo_council(period: Period, users: dict[str, Any]) -> None:
    """The period's council roles and the assignments of ASSIGNMENTS (existing rows are kept)."""
    units = {u.code: u for u in Unit.objects.filter(code__in=[c for _, _, c in COUNCIL if c])}
    for username, role, unit_code in COUNCIL:
        user = users.get(username)
        if user is None:
            continue
        RoleAssignment.objects.get_or_create(
            user=user, role=role, unit=units.get(unit_code) if unit_code else None, period=period
        )
    groups = {g.code: g for g in Group.objects.all()}
    secretariat = users.get("secretariat")
    for group_code, by_member in ASSIGNMENTS.items():
        group = groups.get(group_code)
        if group is None:
            continue
        for username, codes in by_member.items():
            member = users.get(username)
            if member is None:
                continue
            for code in codes:
                Assignment.objects.get_or_create(
                    period=period,
                    member=member,
                    field_code=code,
                    group=group,
                    defaults={"created_by": secretariat},
                )


def demo_survey_import(period: Period, secretariat: Any) -> None:
    """Import the survey results of every unit not yet finalised, once per period (the file is kept)."""
    if SurveyImport.objects.filter(period=period).exists():
        return
    rows = (
        ItemEntry.objects.filter(assessment__period=period, node__method=Method.SURVEY, survey_value="")
        .exclude(assessment__state=S.FINALISED)
        .values_list("assessment__unit__code", "node__code")
        .order_by("assessment__unit__code", "node__position")
    )
    lines = ["Mã đơn vị,Mã tiêu chí,Giá trị,Ghi chú"]
    for unit_code, item_code in rows:
        roll = demo_roll(period.year, unit_code, item_code)
        value = (
            f"{72 + roll % 26},{roll % 10}%"
            if roll % 2
            else f"A={40 + roll % 30};B={20 + roll % 11};C={roll % 9};D={roll % 4}"
        )
        lines.append(f'{unit_code},{item_code},"{value}",Điều tra XHH năm {period.year}')
    if len(lines) == 1:
        return
    content = ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")
    scores_import(
        period=period,
        layer="survey",
        file_name=f"ket-qua-dieu-tra-xhh-{period.year}.csv",
        content=content,
        by=secretariat,
    )


# -- the period's phases -------------------------------------------------------------------------------------


def demo_advance(period: Period, to_phase: str, *, by: Any, reason: str, days: int = 7) -> Period:
    """The secretariat moves ``period`` on (confirming what still runs), after giving the new phase a window
    that opens now and runs ``days`` days. The demo's final window plan is written afterwards."""
    now = timezone.now().replace(second=0, microsecond=0)
    if to_phase in WINDOW_PHASES:
        PhaseWindow.objects.update_or_create(
            period=period,
            phase=to_phase,
            defaults={"opens_at": now, "due_at": now + timedelta(days=days), "grace_minutes": 0},
        )
        forget_windows(period)
    return period_advance(period=period, to_phase=to_phase, by=by, reason=reason, confirmed=True)


def demo_window_plan(period: Period, plan: dict[str, tuple[datetime, datetime]]) -> None:
    """Write the period's windows as the demo shows them (phase order, no overlap), whatever they were."""
    for phase, (opens_at, due_at) in plan.items():
        PhaseWindow.objects.update_or_create(
            period=period, phase=phase, defaults={"opens_at": opens_at, "due_at": due_at, "grace_minutes": 0}
        )
    forget_windows(period)


# -- the units after their self-assessment -------------------------------------------------------------------


class CouncilDemo:
    """The council and the units of one period at work, each step through the services and by the person whose
    step it is: the assigned member (or the secretariat), the chair, the unit's editor and head."""

    def __init__(self, period: Period, users: dict[str, Any]) -> None:
        self.period = period
        self.users = users
        self.secretariat = users["secretariat"]
        self.chair = users["chair"]
        self.accesses: list[tuple[Any, CouncilAccess]] = member_accesses(period)

    def assessment(self, code: str) -> Assessment:
        assessment = Assessment.objects.select_related("unit").get(period=self.period, unit__code=code)
        assessment.period = self.period  # one period object: its windows are read once
        return assessment

    def _entries(self, assessment: Assessment) -> list[ItemEntry]:
        entries = list(
            assessment.entries.filter(node__method__in=APPRAISED_METHODS)
            .select_related("node", "node__index_set")
            .order_by("node__position")
        )
        for entry in entries:
            entry.assessment = assessment
        return entries

    def _appraiser(self, entry: ItemEntry) -> Any:
        for user, access in self.accesses:
            if access.can_see(
                unit_id=entry.assessment.unit_id,
                field_code=field_code_of(entry.node.code),
                group_id=entry.node.index_set.group_id,
                write=True,
            ):
                return user
        return self.secretariat

    def round1(self, code: str, *, lower: int = 0, half: bool = False) -> None:
        """Record round 1 on the unit's items (about every other one with ``half``), ``lower`` of them worse
        than the claim with a reason. A unit closed as «không nộp» keeps its empty items empty (they score 0)."""
        assessment = self.assessment(code)
        entries = self._entries(assessment)
        lowerable = sorted(
            (e for e in entries if _lower(e)), key=lambda e: demo_roll(self.period.year, code, e.node.code)
        )
        to_lower = {e.pk for e in lowerable[:lower]}
        lowered = 0
        for position, entry in enumerate(entries):
            if (half and position % 2) or not entry.self_value:
                continue
            worse = _lower(entry) if entry.pk in to_lower else None
            services.round1_record(
                entry=entry,
                value=worse or entry.self_value,
                reason=REASONS[lowered % len(REASONS)] if worse else "",
                by=self._appraiser(entry),
                expected_version=None,
                source="demo",
            )
            lowered += bool(worse)

    def import_round1(self, lowered: dict[str, int]) -> None:
        """Round 1 of every unit still in round 1 as the council's scoring table, imported in one file by the
        secretariat (the bulk import service): each claim confirmed, ``lowered[code]`` items worse with a
        reason. Much faster than item by item, for the year whose details nobody works on any more."""
        lines = ["Mã đơn vị,Mã tiêu chí,Giá trị,Ghi chú / lý do"]
        assessments = Assessment.objects.filter(period=self.period, state__in=ROUND1_STATES).select_related(
            "unit"
        )
        for assessment in assessments.order_by("unit__code"):
            code = assessment.unit.code
            entries = [e for e in self._entries(assessment) if e.self_value]
            lowerable = sorted(
                (e for e in entries if _lower(e)),
                key=lambda e: demo_roll(self.period.year, code, e.node.code),
            )
            to_lower = {e.pk for e in lowerable[: lowered.get(code, 0)]}
            for n, entry in enumerate(entries):
                worse = _lower(entry) if entry.pk in to_lower else None
                reason = REASONS[n % len(REASONS)] if worse else ""
                lines.append(f'{code},{entry.node.code},"{worse or entry.self_value}","{reason}"')
        content = ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")
        report = scores_import(
            period=self.period,
            layer="round1",
            file_name=f"ket-qua-tham-dinh-vong-1-{self.period.year}.csv",
            content=content,
            by=self.secretariat,
        )
        if not report.ok:  # the demo's own table is wrong: say where
            raise ServiceError("; ".join(str(p) for p in report.problems))

    def mark_appraised(self, code: str) -> None:
        services.assessment_mark_appraised(assessment=self.assessment(code), by=self.chair)

    def appraise(self, code: str, *, lower: int = 0) -> None:
        self.round1(code, lower=lower)
        self.mark_appraised(code)

    def _lowered(self, assessment: Assessment) -> list[ItemEntry]:
        return [
            e
            for e in self._entries(assessment)
            if e.round1_value
            and is_lowered(method=e.node.method, self_points=e.self_points, new_points=e.round1_points)
        ]

    def explain(self, code: str, *, send: bool, items: int | None = None) -> None:
        """The unit's editor explains its lowered items (the first ``items`` only, when given); with ``send``
        the head sends the explanation."""
        assessment = self.assessment(code)
        editor = self.users[f"{code}.editor"]
        for i, entry in enumerate(self._lowered(assessment)[:items]):
            services.explanation_record(
                entry=entry,
                text=EXPLANATIONS[i % len(EXPLANATIONS)],
                by=editor,
                expected_version=None,
                source="demo",
            )
        if send:
            services.explanation_submit(assessment=assessment, by=self.users[f"{code}.head"])

    def waive(self, code: str) -> None:
        services.explanation_waive(assessment=self.assessment(code), by=self.users[f"{code}.head"])

    def round2(self, code: str) -> None:
        """Resolve every explained item: accept and keep in turn, each with its reason."""
        assessment = self.assessment(code)
        explained = [e for e in self._entries(assessment) if e.explanation]
        for i, entry in enumerate(explained):
            decision = "accept" if i % 2 == 0 else "keep"
            services.round2_record(
                entry=entry,
                decision=decision,
                reason=ROUND2_REASONS[decision],
                by=self._appraiser(entry),
                expected_version=None,
                source="demo",
            )

    def finalise(self, code: str) -> None:
        services.assessment_finalise(assessment=self.assessment(code), by=self.chair)

    def reopen(self, code: str, reason: str) -> None:
        services.assessment_reopen(assessment=self.assessment(code), reason=reason, by=self.chair)
