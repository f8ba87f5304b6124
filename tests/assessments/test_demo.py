"""seed_demo_assessments: the self-assessment stage of a demo year — every state, submitted and returned through
the services, evidence files, complete where it says so, a year's own inputs, idempotent."""

from __future__ import annotations

from collections import Counter

import filetype

from appraisal.assessments.demo import ALL_SUBMITTED, ALMOST_LEFT, demo_pdf, demo_png, seed_demo_assessments
from appraisal.assessments.models import (
    Assessment,
    AssessmentEvent,
    Evidence,
    ItemEntry,
    ItemHistory,
    StoredFile,
)
from appraisal.assessments.selectors import assessment_form
from appraisal.core import roles
from tests.factories import PeriodFactory, UnitFactory, UserFactory, build_index_set, grant, member_of

CODES = ["stttt", "skhcn", "tphatinh", "sgtvt", "snv", "vuquang", "stc", "huongson"]


def world(period, group, index_set):
    grant(UserFactory(username="secretariat"), roles.SECRETARIAT)
    for code in CODES:
        unit = UnitFactory(code=code, name=f"Đơn vị {code}", short_name=code.upper())
        member_of(period, unit, group)
        grant(UserFactory(username=f"{code}.editor"), roles.UNIT_EDITOR, unit)
        grant(UserFactory(username=f"{code}.head"), roles.UNIT_HEAD, unit)


def _form(code):
    return assessment_form(Assessment.objects.select_related("period", "unit").get(unit__code=code))


def test_demo_gives_units_every_self_assessment_state(period, group, index_set):
    world(period, group, index_set)
    seed_demo_assessments(period)
    states = dict(Assessment.objects.values_list("unit__code", "state"))
    assert states == {
        "stttt": "submitted",
        "stc": "submitted",
        "snv": "submitted",
        "skhcn": "draft",
        "huongson": "draft",
        "tphatinh": "draft",
        "sgtvt": "returned",
    }
    for code in ["stttt", "snv", "sgtvt", "huongson"]:
        form = _form(code)
        assert form.missing == [], code  # complete: inputs, and evidence or a note on every claimed point
        assert form.entered == form.required == 6
    almost = _form("skhcn")
    assert (almost.entered, almost.required) == (6 - ALMOST_LEFT, 6)
    partial = _form("tphatinh")
    assert 0 < partial.entered < partial.required
    returned = Assessment.objects.get(unit__code="sgtvt")
    assert returned.returned_reason.startswith("Đề nghị bổ sung tài liệu kiểm chứng")
    assert list(returned.events.values_list("from_state", "to_state", "by__username")) == [
        ("draft", "submitted", "sgtvt.head"),
        ("submitted", "returned", "secretariat"),
    ]
    submitted = Assessment.objects.get(unit__code="stttt")
    assert submitted.submitted_by.username == "stttt.head" and submitted.submitted_at is not None
    assert list(submitted.events.values_list("to_state", flat=True)) == ["submitted"]
    assert Evidence.objects.filter(unit__code="skhcn", kind="file").count() == 3
    assert Evidence.objects.filter(unit__code="skhcn", kind="document").count() == 1
    assert set(ItemHistory.objects.values_list("source", flat=True)) == {"demo"}


def test_demo_last_year_plan_submits_every_unit(period, group, index_set):
    world(period, group, index_set)
    seed_demo_assessments(period, ALL_SUBMITTED)
    assert Counter(Assessment.objects.values_list("state", flat=True)) == {"submitted": len(CODES)}
    assert all(_form(code).missing == [] for code in CODES)


def test_demo_inputs_differ_from_year_to_year(group):
    unit = UnitFactory(code="skhcn")
    grant(UserFactory(username="skhcn.editor"), roles.UNIT_EDITOR, unit)
    grant(UserFactory(username="skhcn.head"), roles.UNIT_HEAD, unit)
    values = {}
    for year in (2022, 2023):
        period = PeriodFactory(year=year)
        build_index_set(period, group)
        member_of(period, unit, group)
        seed_demo_assessments(period, ALL_SUBMITTED)
        values[year] = list(
            ItemEntry.objects.filter(assessment__period=period)
            .order_by("node__position")
            .values_list("node__code", "self_value")
        )
    assert [code for code, _ in values[2022]] == [code for code, _ in values[2023]]
    assert values[2022] != values[2023]


def test_demo_is_idempotent(period, group, index_set):
    world(period, group, index_set)
    seed_demo_assessments(period)
    counts = (
        Assessment.objects.count(),
        ItemHistory.objects.count(),
        Evidence.objects.count(),
        AssessmentEvent.objects.count(),
    )
    seed_demo_assessments(period)
    assert (
        Assessment.objects.count(),
        ItemHistory.objects.count(),
        Evidence.objects.count(),
        AssessmentEvent.objects.count(),
    ) == counts


def test_demo_files_are_valid_pdf_and_png():
    pdf, png = demo_pdf("Báo cáo CCHC"), demo_png("skhcn")
    assert filetype.guess(pdf).mime == "application/pdf"
    assert filetype.guess(png).mime == "image/png"
    assert pdf.endswith(b"%%EOF\n")


def test_demo_without_units_does_nothing(period):
    seed_demo_assessments(period)
    assert not Assessment.objects.exists() and not StoredFile.objects.exists()
