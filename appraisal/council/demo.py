"""Demo data for the council (called by seed_demo, after the self-assessment demo).

- the council of the period: chair, the four members with the unit each belongs to, the secretariat;
- assignments by field and group: member.snv the steering, apparatus, civil-service fields and the bonus and
  penalty items; member.stp the legal and procedure fields; member.stc public finance; member.stttt
  e-government in every group (7, 7 and 4); their own units' items fall to the secretariat;
- phase windows: the appraisal, explanation and re-appraisal windows are moved so that they are all open now
  (they overlap the self-assessment window), so every council screen can be tried today;
- survey (XHH) results imported for every submitted unit through the import service (the file is kept);
- units at every stage: being appraised (round 1 on about half the items), appraised with a notice,
  explaining (answers drafted), explained (waiting for round 2), re-appraised, finalised. ``stttt``, ``skhcn``
  and ``stp`` stay submitted and untouched for trying round 1 by hand.

Everything goes through the council services (phase checks, conflicts of interest, history, events), by the
member assigned to each item. Idempotent: a unit is only worked on while it is submitted with no round 1 yet.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from appraisal.assessments.models import Assessment, AssessmentEvent, AssessmentState, ItemEntry
from appraisal.core import roles
from appraisal.core.exceptions import ServiceError
from appraisal.registry.models import Group, Method, Period, Phase, PhaseWindow, RoleAssignment, Unit
from appraisal.scoring.engine import parse_rule
from appraisal.scoring.engine.rounding import plain

from . import services
from .importing import scores_import
from .models import Assignment, SurveyImport
from .selectors import APPRAISED_METHODS, CouncilAccess, field_code_of, member_accesses

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

STAGES: dict[str, str] = {
    "sngv": "partial",
    "nghixuan": "partial",
    "syt": "appraised",
    "canloc": "appraised",
    "sgddt": "explaining",
    "svhttdl": "explained",
    "cucthue": "explained",
    "sldtbxh": "reappraised",
    "sct": "finalised",
    "sxd": "finalised",
    "txhonglinh": "finalised",
    "cuchaiquan": "finalised",
    "congan": "finalised",
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


def _roll(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256(":".join(parts).encode()).digest()[:4], "big") % 100


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


def _adjust_windows(period: Period) -> None:
    """Bring the period to the explanation phase with windows in step (SPEC §3a): self-assessment and round 1
    closed in the past, the explanation window open now, round 2 ahead. Units still drafting keep their own
    clock through an extension, so their people can go on working. Idempotent: done once."""
    if period.phase != Phase.SELF_ASSESSMENT:
        return
    from appraisal.registry.phases import period_move  # the demo moves the phase as the secretariat did

    now = timezone.now().replace(second=0, microsecond=0)
    plan = {
        Phase.SELF_ASSESSMENT: (now - timedelta(days=40), now - timedelta(days=12)),
        Phase.APPRAISAL: (now - timedelta(days=12), now - timedelta(days=3)),
        Phase.EXPLANATION: (now - timedelta(days=3), now + timedelta(days=4)),
        Phase.REAPPRAISAL: (now + timedelta(days=5), now + timedelta(days=20)),
    }
    for phase, (opens, due) in plan.items():
        PhaseWindow.objects.update_or_create(
            period=period, phase=phase, defaults={"opens_at": opens, "due_at": due, "grace_minutes": 0}
        )
    Assessment.objects.filter(period=period, state__in=[S.DRAFT, S.RETURNED]).update(
        extension_until=now + timedelta(days=10),
        extension_reason="Dữ liệu mẫu: đơn vị được gia hạn riêng",
        extension_at=now,
    )
    secretariat = get_user_model().objects.filter(username="secretariat").first()
    for phase, reason in (
        (Phase.APPRAISAL, "Dữ liệu mẫu: hết hạn tự đánh giá, bắt đầu thẩm định vòng 1."),
        (Phase.EXPLANATION, "Dữ liệu mẫu: phát hành thông báo, mở giải trình."),
    ):
        period_move(period=period, to_phase=phase, by=secretariat, reason=reason)
    if hasattr(period, "_window_cache"):
        del period._window_cache


def _seed_council(period: Period, users: dict[str, Any]) -> None:
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


def _import_survey(period: Period, secretariat: Any) -> None:
    if SurveyImport.objects.filter(period=period).exists():
        return
    rows = (
        ItemEntry.objects.filter(
            assessment__period=period,
            node__method=Method.SURVEY,
            assessment__state=S.SUBMITTED,
            survey_value="",
        )
        .values_list("assessment__unit__code", "node__code")
        .order_by("assessment__unit__code", "node__position")
    )
    lines = ["Mã đơn vị,Mã tiêu chí,Giá trị,Ghi chú"]
    for unit_code, item_code in rows:
        roll = _roll(unit_code, item_code)
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


def _appraiser(entry: ItemEntry, accesses: list[tuple[Any, CouncilAccess]], fallback: Any) -> Any:
    for user, access in accesses:
        if access.can_see(
            unit_id=entry.assessment.unit_id,
            field_code=field_code_of(entry.node.code),
            group_id=entry.node.index_set.group_id,
            write=True,
        ):
            return user
    return fallback


def _work_unit(
    assessment: Assessment,
    stage: str,
    *,
    period: Period,
    users: dict[str, Any],
    accesses: list[tuple[Any, CouncilAccess]],
) -> None:
    secretariat, chair = users["secretariat"], users["chair"]
    code = assessment.unit.code
    entries = list(
        assessment.entries.filter(node__method__in=APPRAISED_METHODS)
        .select_related("node", "node__index_set", "assessment")
        .order_by("node__position")
    )
    lowerable = sorted((e for e in entries if _lower(e)), key=lambda e: _roll(code, e.node.code))
    to_lower = {e.pk for e in lowerable[: 1 + _roll(code) % 3]}
    lowered: list[ItemEntry] = []
    for position, entry in enumerate(entries):
        if stage == "partial" and position % 2:
            continue
        entry.assessment.period = period  # one period object: its phase windows are read once
        worse = _lower(entry) if entry.pk in to_lower else None
        reason = REASONS[len(lowered) % len(REASONS)] if worse else ""
        value = worse or entry.self_value or ("0" if entry.node.method == Method.PENALTY else "Không")
        try:
            fresh = services.round1_record(
                entry=entry,
                value=value,
                reason=reason,
                by=_appraiser(entry, accesses, secretariat),
                expected_version=None,
                source="demo",
            )
        except ServiceError:
            fresh = services.round1_record(
                entry=entry,
                value=entry.self_value,
                reason="",
                by=secretariat,
                expected_version=None,
                source="demo",
            )
            worse = None
        if worse:
            lowered.append(fresh)
    if stage == "partial":
        return
    assessment.period = period
    services.assessment_mark_appraised(assessment=assessment, by=chair)
    head = users.get(f"{code}.head")
    editor = users.get(f"{code}.editor")
    if stage in ("explaining", "explained", "reappraised") and lowered and editor is not None:
        for i, entry in enumerate(lowered):
            entry.assessment = assessment
            services.explanation_record(
                entry=entry,
                text=EXPLANATIONS[i % len(EXPLANATIONS)],
                by=editor,
                expected_version=None,
                source="demo",
            )
        if stage != "explaining" and head is not None:
            assessment.refresh_from_db()
            assessment.period = period
            services.explanation_submit(assessment=assessment, by=head)
    if stage == "reappraised":
        assessment.refresh_from_db()
        assessment.period = period
        if assessment.state == S.EXPLAINED:
            for i, entry in enumerate(lowered):
                entry = ItemEntry.objects.select_related("node", "node__index_set", "assessment").get(
                    pk=entry.pk
                )
                entry.assessment.period = period
                services.round2_record(
                    entry=entry,
                    decision="accept" if i % 2 == 0 else "keep",
                    reason="Chấp nhận giải trình, tài liệu bổ sung hợp lệ."
                    if i % 2 == 0
                    else "Giải trình chưa có căn cứ, giữ kết quả vòng 1.",
                    by=_appraiser(entry, accesses, secretariat),
                    expected_version=None,
                    source="demo",
                )
            if stage == "reappraised":
                # Round 2 done, not yet finalised: the state the finalisation passes through.
                with transaction.atomic():
                    Assessment.objects.filter(pk=assessment.pk, state=S.EXPLAINED).update(state=S.REAPPRAISED)
                    AssessmentEvent.objects.create(
                        assessment=assessment,
                        from_state=S.EXPLAINED,
                        to_state=S.REAPPRAISED,
                        reason="Hoàn tất thẩm định vòng 2",
                        by=chair,
                    )
    if stage == "finalised":
        assessment.refresh_from_db()
        assessment.period = period
        if assessment.state == S.APPRAISED and lowered and head is not None:
            services.explanation_waive(assessment=assessment, by=head)
            assessment.refresh_from_db()
            assessment.period = period
        services.assessment_finalise(assessment=assessment, by=chair)


def seed_demo_council(period: Period) -> None:
    """Council, assignments, windows, survey and units at every appraisal stage (module docstring)."""
    user_model = get_user_model()
    names = [u for u, _, _ in COUNCIL] + [f"{c}.{r}" for c in STAGES for r in ("editor", "head")]
    users = {u.username: u for u in user_model.objects.filter(username__in=names)}
    if "secretariat" not in users or "chair" not in users:
        return
    with transaction.atomic():
        _seed_council(period, users)
        _adjust_windows(period)
        _import_survey(period, users["secretariat"])
        accesses = member_accesses(period)
        fresh = {
            a.unit.code: a
            for a in Assessment.objects.filter(period=period, unit__code__in=list(STAGES), state=S.SUBMITTED)
            .exclude(entries__round1_value__gt="")
            .select_related("unit")
        }
        for code, stage in STAGES.items():
            if code in fresh:
                _work_unit(fresh[code], stage, period=period, users=users, accesses=accesses)
