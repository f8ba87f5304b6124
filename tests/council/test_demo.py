"""seed_demo's council part: council, assignments, survey and units at every stage; idempotent."""

from __future__ import annotations

from collections import Counter

from django.contrib.auth import get_user_model
from django.core.management import call_command

from appraisal.assessments.models import Assessment, ItemHistory
from appraisal.council.models import Assignment, SurveyImport
from appraisal.council.selectors import entries_for_appraiser, notice_is_open
from appraisal.registry.models import Period


def test_seed_demo_council_every_stage_and_idempotent(db):
    call_command("seed_demo", stdout=None)
    period = Period.objects.get(year=2023)
    states = dict(Assessment.objects.filter(period=period).values_list("unit__code", "state"))
    assert {
        code: states[code] for code in ["stttt", "skhcn", "sngv", "syt", "sgddt", "svhttdl", "sldtbxh", "sct"]
    } == {
        "stttt": "submitted",
        "skhcn": "submitted",
        "sngv": "submitted",
        "syt": "appraised",
        "sgddt": "appraised",
        "svhttdl": "explained",
        "sldtbxh": "reappraised",
        "sct": "finalised",
    }
    sngv = Assessment.objects.get(period=period, unit__code="sngv")
    assert (
        0
        < sngv.entries.exclude(round1_value="").count()
        < sngv.entries.exclude(node__method="survey").count()
    )
    assert notice_is_open(Assessment.objects.get(period=period, unit__code="syt"))
    assert Assessment.objects.get(period=period, unit__code="sgddt").entries.exclude(explanation="").exists()
    assert set(
        Assignment.objects.filter(member__username="member.stttt").values_list("group__code", "field_code")
    ) == {("so", "7"), ("huyen", "7"), ("tw", "4")}
    member_stp = get_user_model().objects.get(username="member.stp")
    seen = entries_for_appraiser(member_stp, period)
    assert seen.exists() and not seen.filter(assessment__unit__code="stp").exists()
    assert SurveyImport.objects.filter(period=period).count() == 1
    assert ItemHistory.objects.filter(layer="round1", source="demo").exists()

    before = (
        Counter(Assessment.objects.values_list("state", flat=True)),
        ItemHistory.objects.count(),
        Assignment.objects.count(),
        SurveyImport.objects.count(),
    )
    call_command("seed_demo", stdout=None)
    after = (
        Counter(Assessment.objects.values_list("state", flat=True)),
        ItemHistory.objects.count(),
        Assignment.objects.count(),
        SurveyImport.objects.count(),
    )
    assert after == before
