"""One owner of an assessment's state: assessments and council both go through ``assessment_transition``."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from appraisal.assessments.models import Assessment, AssessmentEvent, AssessmentState
from appraisal.council import services
from tests.council.conftest import appraise_all

S = AssessmentState
ROOT = Path(__file__).resolve().parents[2] / "appraisal"


def test_council_transition_updates_updated_at(world, member, chair):
    """What happens today: the council's copy of ``_transition`` changed the state without ``updated_at``."""
    a = world["skhcn"]
    appraise_all(a, member)
    long_ago = timezone.now() - timedelta(days=30)
    Assessment.objects.filter(pk=a.pk).update(updated_at=long_ago)
    before = timezone.now()
    services.assessment_mark_appraised(assessment=a, by=chair)
    a.refresh_from_db()
    assert a.state == S.APPRAISED
    assert a.updated_at >= before
    event = AssessmentEvent.objects.get(assessment=a)
    assert (event.from_state, event.to_state, event.by, event.reason) == (
        S.SUBMITTED,
        S.APPRAISED,
        chair,
        "Hoàn tất thẩm định vòng 1",
    )


def test_assessment_state_changes_have_one_owner():
    """Only appraisal/assessments/workflow.py writes an AssessmentEvent for a state change or defines a
    transition helper; the duplicated ``_transition`` / ``_locked_assessment`` are gone."""
    defined: list[str] = []
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name in ("_transition", "_locked_assessment"):
                defined.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert defined == []
