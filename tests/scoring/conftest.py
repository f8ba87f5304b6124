"""A scored world: the personas' period with two units of group "so" fully appraised."""

from __future__ import annotations

import pytest

from appraisal.assessments.layers import assessment_get_or_create, entry_record_layer
from appraisal.assessments.models import AssessmentState


def fill(assessment, values: dict[str, tuple[str, str | None]], by, survey: dict[str, str] | None = None):
    """values: item code → (self value, round-1 value or None)."""
    entries = {e.node.code: e for e in assessment.entries.select_related("node", "assessment__period")}
    for code, (self_value, round1) in values.items():
        entry = entry_record_layer(entry=entries[code], layer="self", value=self_value, by=by, source="test")
        if round1 is not None:
            entry_record_layer(
                entry=entry, layer="round1", value=round1, note="Thiếu tài liệu kiểm chứng", by=by
            )
    for code, value in (survey or {}).items():
        entry_record_layer(entry=entries[code], layer="survey", value=value, by=by, source="test")


@pytest.fixture
def scored(period, index_set, unit, other_unit, secretariat):
    """skhcn: 1.1 Có, 1.2 100%, 1.3 Tốt, 1.4 90%, 2.1 2, 2.2 80% (round 1 lowers 2.1 to 1.5), survey 90%.
    stp: tagged no_tthc (field 2 excluded), lower scores."""
    other_unit.tags = "no_tthc"
    other_unit.save()
    a = assessment_get_or_create(period=period, unit=unit)
    fill(
        a,
        {
            "1.1": ("Có", "Có"),
            "1.2": ("100%", "100%"),
            "1.3": ("Tốt", "Tốt"),
            "1.4": ("90%", "90%"),
            "2.1": ("2", "1.5"),
            "2.2": ("80%", "80%"),
            "T1": ("Có", "Có"),
            "P1": ("1", "1"),
        },
        secretariat,
        survey={"3.1": "90%"},
    )
    b = assessment_get_or_create(period=period, unit=other_unit)
    fill(
        b,
        {"1.1": ("Có", "Có"), "1.2": ("85%", "85%"), "1.3": ("Đạt", "Đạt"), "1.4": ("40%", "40%")},
        secretariat,
        survey={"3.1": "A=10;B=5;C=5;D=0"},
    )
    return a, b


def finalise_all(period):
    from appraisal.assessments.models import Assessment

    Assessment.objects.filter(period=period).update(state=AssessmentState.FINALISED)


def complete_decision(period):
    """Fill what approval requires besides the number and date (SPEC §3a): signer, legal bases without blanks,
    the proposal reference."""
    import datetime as dt

    from appraisal.registry.models import Organisation

    org = Organisation.current()
    org.signer_name = "Nguyễn Hồng Lĩnh"
    org.save()
    period.legal_bases = period.legal_bases.replace(
        "số …/QĐ-UBND ngày …", "số 12/2023/QĐ-UBND ngày 10/3/2023"
    )
    period.proposal_number, period.proposal_date = "45/TTr-SNV", dt.date(2024, 1, 25)
    period.save(update_fields=["legal_bases", "proposal_number", "proposal_date"])


@pytest.fixture
def queued_tasks(settings):
    """The production shape: tasks are stored, not run, until a worker takes them (here: the test)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
