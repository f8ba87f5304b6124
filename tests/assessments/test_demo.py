"""seed_demo_assessments: every self-assessment state, evidence files, complete where it says so, idempotent."""

from __future__ import annotations

import filetype

from appraisal.assessments.demo import demo_pdf, demo_png, seed_demo_assessments
from appraisal.assessments.models import Assessment, AssessmentEvent, Evidence, ItemHistory, StoredFile
from appraisal.assessments.selectors import assessment_form
from appraisal.core import roles
from tests.factories import UnitFactory, UserFactory, grant, member_of

CODES = ["stttt", "skhcn", "tphatinh", "sgtvt", "snv", "vuquang", "stc"]


def world(period, group, index_set):
    UserFactory(username="secretariat")
    for code in CODES:
        unit = UnitFactory(code=code, name=f"Đơn vị {code}", short_name=code.upper())
        member_of(period, unit, group)
        grant(UserFactory(username=f"{code}.editor"), roles.UNIT_EDITOR, unit)
        grant(UserFactory(username=f"{code}.head"), roles.UNIT_HEAD, unit)


def test_demo_gives_units_every_self_assessment_state(period, group, index_set):
    world(period, group, index_set)
    seed_demo_assessments(period)
    states = dict(Assessment.objects.values_list("unit__code", "state"))
    assert states == {
        "stttt": "submitted",
        "skhcn": "submitted",
        "stc": "submitted",
        "tphatinh": "draft",
        "snv": "draft",
        "sgtvt": "returned",
    }
    for code in ["stttt", "skhcn", "snv", "sgtvt"]:
        form = assessment_form(Assessment.objects.select_related("period", "unit").get(unit__code=code))
        assert form.missing == [], code  # complete: inputs, and evidence or a note on every claimed point
        assert form.entered == form.required == 6
    partial = assessment_form(Assessment.objects.select_related("period", "unit").get(unit__code="tphatinh"))
    assert 0 < partial.entered < partial.required
    returned = Assessment.objects.get(unit__code="sgtvt")
    assert returned.returned_reason.startswith("Đề nghị bổ sung tài liệu kiểm chứng")
    assert list(returned.events.values_list("from_state", "to_state", "by__username")) == [
        ("draft", "submitted", "sgtvt.head"),
        ("submitted", "returned", "secretariat"),
    ]
    submitted = Assessment.objects.get(unit__code="skhcn")
    assert submitted.submitted_by.username == "skhcn.head"
    assert Evidence.objects.filter(unit__code="skhcn", kind="file").count() == 3
    assert Evidence.objects.filter(unit__code="skhcn", kind="document").count() == 1
    assert set(ItemHistory.objects.values_list("source", flat=True)) == {"demo"}


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
