"""QA (high): the side-by-side layers page («điểm qua các vòng») shows each layer only from the moment SPEC §6a
shows it to the person reading: the unit's people read survey (XHH) results and round 2 only from finalisation
(moment F), while the notice (N) already opens the page to them. What happened: rows 8.1–8.3 showed
«Điều tra XHH: 95,5% 7,64» to the unit's editor before finalisation, and the final-points column with them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from appraisal.assessments.models import AssessmentState
from appraisal.council import services
from appraisal.registry.models import Phase
from tests.council.conftest import appraise_all, set_phase

NOT_YET = "Công bố khi Hội đồng chốt kết quả"


@pytest.fixture
def notified(world, member, chair):
    """skhcn: round 1 done (2.1 lowered), the notice issued, the survey imported (3.1: 80% → 2,4 points), and
    round 2 already entered on 2.1 (as the council does during re-appraisal, before finalising)."""
    a = world["skhcn"]
    appraise_all(a, member, overrides={"2.1": "1,5"}, reasons={"2.1": "Thiếu số liệu."})
    services.assessment_mark_appraised(assessment=a, by=chair)
    set_phase(world["period"], Phase.EXPLANATION)
    a.entries.filter(node__code="3.1").update(survey_value="80%", survey_points=Decimal("2.4"))
    a.entries.filter(node__code="2.1").update(
        round2_value="1,8", round2_points=Decimal("1.8"), round2_decision="partial", round2_reason="Một phần."
    )
    return a


def _row(body: str, code: str) -> str:
    start = body.index(f'id="row-{code}"')
    return body[start : body.index("</tr>", start)]


def test_unit_reads_no_survey_result_nor_round2_before_finalisation(notified, editor, client_for):
    body = client_for(editor).get(reverse("council:layers", args=[notified.pk])).content.decode()
    survey = _row(body, "3.1")
    assert "80%" not in survey and "2,4" not in survey and NOT_YET in survey
    lowered = _row(body, "2.1")
    assert "1,8" not in lowered and "Một phần." not in lowered
    assert "1,5" in lowered  # round 1, which the notice already told them
    assert 'data-final="2.1">—</td>' in lowered and 'data-final="3.1">—</td>' in survey


def test_unit_reads_survey_result_and_round2_once_finalised(notified, editor, client_for):
    type(notified).objects.filter(pk=notified.pk).update(state=AssessmentState.FINALISED)
    body = client_for(editor).get(reverse("council:layers", args=[notified.pk])).content.decode()
    assert "Điều tra XHH: 80%" in _row(body, "3.1") and NOT_YET not in body
    assert "1,8" in _row(body, "2.1") and "Một phần." in _row(body, "2.1")
    assert 'data-final="2.1"><strong>1,8</strong>' in _row(body, "2.1")


def test_chair_reads_every_layer_before_finalisation(notified, chair, client_for):
    body = client_for(chair).get(reverse("council:layers", args=[notified.pk])).content.decode()
    assert "Điều tra XHH: 80%" in _row(body, "3.1")
    assert 'data-final="2.1"><strong>1,8</strong>' in _row(body, "2.1")
