"""Council world: skhcn (the unit under test) and stp (member.stp's own unit) both submitted their
self-assessment of the small 10-point set; member.stp is assigned fields 1 and 2 in every group, so skhcn's
items are theirs and stp's items never are."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
from django.utils import timezone

from appraisal.assessments.layers import assessment_get_or_create, entry_record_layer
from appraisal.assessments.models import Assessment, AssessmentState, ItemEntry
from appraisal.council.models import Assignment
from appraisal.registry.models import Phase, PhaseWindow

# Self-assessment of the small set (tests.factories.SMALL_SET_ROWS): code → input.
SELF_VALUES = {
    "1.1": "Có",  # boolean, 1
    "1.2": "100%",  # tiers, 1
    "1.3": "Tốt",  # levels, 1
    "1.4": "90%",  # proportional min 50%, 0.9
    "2.1": "2",  # manual step 0.25, 2
    "2.2": "80%",  # proportional, 0.8
    "T1": "Có",  # bonus, 1
    "P1": "1",  # penalty per 0.5, 0.5 deducted
}


def submit_assessment(period, unit, by, values=SELF_VALUES, state=AssessmentState.SUBMITTED) -> Assessment:
    assessment = assessment_get_or_create(period=period, unit=unit)
    for entry in assessment.entries.select_related("node", "assessment__period"):
        if entry.node.code in values:
            entry_record_layer(entry=entry, layer="self", value=values[entry.node.code], by=by, source="test")
    Assessment.objects.filter(pk=assessment.pk).update(state=state)
    assessment.refresh_from_db()
    return assessment


def entry_of(assessment: Assessment, code: str) -> ItemEntry:
    return ItemEntry.objects.select_related(
        "node", "node__index_set", "assessment__period", "assessment__unit"
    ).get(assessment=assessment, node__code=code)


def explained_rate_item(world, member, chair, editor, head) -> ItemEntry:
    """skhcn's item 1.4 (proportional, 1 point) in round 2: the unit claims 90 % (0,9), round 1 gives 60 % (0,6)
    with a reason, the unit explains it and the period is in the re-appraisal phase."""
    from appraisal.council import services

    a = world["skhcn"]
    appraise_all(a, member, overrides={"1.4": "60%"}, reasons={"1.4": "Thiếu sổ theo dõi văn bản."})
    services.assessment_mark_appraised(assessment=a, by=chair)
    set_phase(world["period"], Phase.EXPLANATION)
    entry = entry_of(a, "1.4")
    services.explanation_record(
        entry=entry, text="Có sổ theo dõi.", by=editor, expected_version=entry.version
    )
    services.explanation_submit(assessment=a, by=head)
    set_phase(world["period"], Phase.REAPPRAISAL)
    return entry_of(a, "1.4")


def complete_decision(period, secretariat) -> None:
    """Fill what the approval gate asks beyond number and date (SPEC §3a): the signer, the cited decision's
    number in the legal bases, the proposal (Tờ trình) number and date."""
    from appraisal.registry import services as registry_services
    from appraisal.registry.models import Organisation

    org = Organisation.current()
    org.signer_name = "Nguyễn Hồng Lĩnh"
    org.save()
    period.refresh_from_db()
    registry_services.period_update(
        period=period,
        by=secretariat,
        proposal_number="45/TTr-SNV",
        proposal_date=dt.date(2024, 1, 25),
        legal_bases=period.legal_bases.replace("số …/QĐ-UBND ngày …", "số 12/2023/QĐ-UBND ngày 10/3/2023"),
    )


def set_phase(period, phase: str) -> None:
    """Put the period in ``phase`` directly (tests only). Entering the explanation phase or later issues the
    notices of appraised units, as the secretariat's phase change does."""
    period.phase = phase
    period.save(update_fields=["phase"])
    if period.phase_index() >= list(Phase.values).index(Phase.EXPLANATION):
        Assessment.objects.filter(
            period=period,
            state__in=["appraised", "explained", "reappraised", "finalised"],
            notice_issued_at__isnull=True,
        ).update(notice_issued_at=timezone.now() - timedelta(minutes=1))
    if hasattr(period, "_window_cache"):
        del period._window_cache


def open_window(period, phase: str, *, opened_days_ago: int = 1, due_in_days: int = 5) -> PhaseWindow:
    now = timezone.now()
    window, _ = PhaseWindow.objects.update_or_create(
        period=period,
        phase=phase,
        defaults={
            "opens_at": now - timedelta(days=opened_days_ago),
            "due_at": now + timedelta(days=due_in_days),
        },
    )
    if hasattr(period, "_window_cache"):
        del period._window_cache
    return window


@pytest.fixture
def world(
    period, index_set, unit, other_unit, editor, other_editor, head, member, conflicted_member, secretariat
):
    """Both units submitted; period in the appraisal phase (no windows: the phase field decides)."""
    a = submit_assessment(period, unit, editor)
    b = submit_assessment(period, other_unit, other_editor)
    set_phase(period, Phase.APPRAISAL)
    Assignment.objects.create(period=period, member=member, field_code="1", created_by=secretariat)
    Assignment.objects.create(period=period, member=member, field_code="2", created_by=secretariat)
    Assignment.objects.create(period=period, member=member, field_code="T1", created_by=secretariat)
    Assignment.objects.create(period=period, member=member, field_code="P1", created_by=secretariat)
    Assignment.objects.create(period=period, member=conflicted_member, field_code="1", created_by=secretariat)
    return {"period": period, "skhcn": a, "stp": b}


def appraise_all(assessment, by, overrides=None, reasons=None) -> None:
    """Round 1 on every appraised item: the unit's own value unless overridden (with its reason)."""
    from appraisal.council.services import round1_record

    overrides = overrides or {}
    reasons = reasons or {}
    for entry in assessment.entries.select_related("node", "node__index_set", "assessment__period").order_by(
        "node__position"
    ):
        if entry.node.method == "survey":
            continue
        value = overrides.get(entry.node.code, entry.self_value or "0")
        round1_record(
            entry=entry,
            value=value,
            reason=reasons.get(entry.node.code, ""),
            by=by,
            expected_version=entry.version,
        )


@pytest.fixture
def explained(world, member, chair, editor, head):
    """skhcn in round 2: 1.4 claims 90 % (0,9), round 1 gave 60 % (0,6); 2.2 claims 80 % (0,8), round 1 gave
    50 % (0,5); both explained and sent, nothing else explained (the round-2 imports' tests)."""
    from appraisal.council import services

    a = world["skhcn"]
    appraise_all(
        a,
        member,
        overrides={"1.4": "60%", "2.2": "50%"},
        reasons={"1.4": "Thiếu sổ theo dõi.", "2.2": "Thiếu số liệu."},
    )
    services.assessment_mark_appraised(assessment=a, by=chair)
    set_phase(world["period"], Phase.EXPLANATION)
    for code in ("1.4", "2.2"):
        entry = entry_of(a, code)
        services.explanation_record(
            entry=entry, text="Có số liệu.", by=editor, expected_version=entry.version
        )
    services.explanation_submit(assessment=a, by=head)
    set_phase(world["period"], Phase.REAPPRAISAL)
    return a
