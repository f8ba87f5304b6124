"""The one owner of an assessment's state (STYLE: one service per workflow).

Every state change of a self-assessment — the unit's submit and withdraw, the secretariat's return and closure,
the council's appraisal, explanation and finalisation — goes through :func:`assessment_transition`: the pure
table ``ASSESSMENT_TRANSITIONS``, a compare-and-set on the row (exactly one row or a concurrency error), the
``updated_at`` stamp and an append-only ``AssessmentEvent``. Permission and phase checks stay with the callers,
which know who may do what; this module knows only how a state changes.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from appraisal.core.workflow import cas_transition, check_transition

from .models import ASSESSMENT_TRANSITIONS, Assessment, AssessmentEvent, AssessmentState

__all__ = ["assessment_locked", "assessment_transition"]


def assessment_locked(*, pk: int) -> Assessment:
    """Re-read an assessment under a row lock so that a concurrent change cannot slip between a check and a
    write (PostgreSQL; SQLite serialises writers anyway). Call inside ``transaction.atomic``."""
    return Assessment.objects.select_for_update().select_related("period", "unit").get(pk=pk)


def assessment_transition(
    *, assessment: Assessment, to: str, by: Any, reason: str = "", **fields: Any
) -> Assessment:
    """Move ``assessment`` to state ``to`` along the transition table, with the other ``fields`` written in the
    same update, ``updated_at`` set to now and an event row (from, to, reason, by). The object passed in is
    updated in memory to what was written and returned."""
    check_transition(ASSESSMENT_TRANSITIONS, assessment.state, to, AssessmentState)
    now = timezone.now()
    with transaction.atomic():
        cas_transition(
            Assessment,
            pk=assessment.pk,
            field="state",
            current=assessment.state,
            new=to,
            updated_at=now,
            **fields,
        )
        AssessmentEvent.objects.create(
            assessment=assessment, from_state=assessment.state, to_state=to, reason=reason, by=by
        )
    assessment.state = to
    assessment.updated_at = now
    for name, value in fields.items():
        setattr(assessment, name, value)
    return assessment
