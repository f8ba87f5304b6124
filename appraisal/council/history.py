"""Timelines: one item's history (self → round 1 → explanation → round 2 with the state changes), a unit's and
the period's audit, the outbox and the survey imports. Who may read which rows is :func:`.access.timeline_for_viewer`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from appraisal.assessments.models import (
    Assessment,
    AssessmentEvent,
    AssessmentState,
    ItemEntry,
    ItemHistory,
    Layer,
)
from appraisal.registry.models import Period

from .models import OutboxMessage, SurveyImport


@dataclass(frozen=True)
class TimelineRow:
    at: datetime
    kind: str  # "item" or "state"
    layer: str
    layer_label: str
    by: str
    old: str
    new: str
    old_points: Decimal | None
    new_points: Decimal | None
    reason: str
    source: str
    item_code: str = ""
    unit_name: str = ""


_LAYER_LABELS = dict(Layer.choices)


_STATE_LABELS = dict(AssessmentState.choices)


def _who(user: Any) -> str:
    if user is None:
        return "Hệ thống"
    return user.get_full_name() or user.username


def _item_rows(history: Iterable[ItemHistory]) -> list[TimelineRow]:
    return [
        TimelineRow(
            at=h.at,
            kind="item",
            layer=h.layer,
            layer_label=_LAYER_LABELS.get(h.layer, h.layer),
            by=_who(h.by),
            old=h.old_value,
            new=h.new_value,
            old_points=h.old_points,
            new_points=h.new_points,
            reason=h.reason,
            source=h.source,
            item_code=h.entry.node.code,
            unit_name=h.entry.assessment.unit.name,
        )
        for h in history
    ]


def _event_rows(events: Iterable[AssessmentEvent]) -> list[TimelineRow]:
    return [
        TimelineRow(
            at=ev.at,
            kind="state",
            layer="state",
            layer_label="Trạng thái",
            by=_who(ev.by),
            old=_STATE_LABELS.get(ev.from_state, ev.from_state),
            new=_STATE_LABELS.get(ev.to_state, ev.to_state),
            old_points=None,
            new_points=None,
            reason=ev.reason,
            source="web",
            unit_name=ev.assessment.unit.name,
        )
        for ev in events
    ]


_LAYER_ORDER = {Layer.SELF: 0, Layer.ROUND1: 1, Layer.EXPLANATION: 2, Layer.ROUND2: 3, Layer.SURVEY: 4}


def item_timeline(entry: ItemEntry) -> list[TimelineRow]:
    """One item's history, self → round 1 → explanation → round 2 (by time), with the assessment's state
    changes interleaved: who, when, old → new, reason."""
    history = entry.history.select_related("by", "entry__node", "entry__assessment__unit")
    events = AssessmentEvent.objects.filter(assessment_id=entry.assessment_id).select_related(
        "by", "assessment__unit"
    )
    rows = _item_rows(history) + _event_rows(events)
    return sorted(rows, key=lambda r: (r.at, _LAYER_ORDER.get(r.layer, 9)))


def assessment_audit(assessment: Assessment) -> list[TimelineRow]:
    """Every score change and state change of one unit's assessment, newest first."""
    history = ItemHistory.objects.filter(entry__assessment=assessment).select_related(
        "by", "entry__node", "entry__assessment__unit"
    )
    events = assessment.events.select_related("by", "assessment__unit")
    return sorted(_item_rows(history) + _event_rows(events), key=lambda r: r.at, reverse=True)


def period_audit(period: Period, *, limit: int = 500, unit_id: int | None = None) -> list[TimelineRow]:
    """The period's latest score and state changes (every unit), newest first."""
    history = ItemHistory.objects.filter(entry__assessment__period=period)
    events = AssessmentEvent.objects.filter(assessment__period=period)
    if unit_id is not None:
        history = history.filter(entry__assessment__unit_id=unit_id)
        events = events.filter(assessment__unit_id=unit_id)
    history = history.select_related("by", "entry__node", "entry__assessment__unit").order_by("-at", "-pk")
    events = events.select_related("by", "assessment__unit").order_by("-at", "-pk")
    rows = _item_rows(history[:limit]) + _event_rows(events[:limit])
    return sorted(rows, key=lambda r: r.at, reverse=True)[:limit]


def outbox(period: Period) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(period=period).select_related("unit", "member")


def survey_imports(period: Period) -> QuerySet[SurveyImport]:
    return SurveyImport.objects.filter(period=period).select_related("by")
