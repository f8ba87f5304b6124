"""The preliminary notice's data from the live round-1 layers: the unit's items handed to the one builder
(:func:`appraisal.documents.notice_data.unit_doc_data_build`), which the snapshot's unit documents use too."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from appraisal.assessments.models import Assessment
from appraisal.documents.data import UnitDocData
from appraisal.documents.notice_data import unit_doc_data_build
from appraisal.engine import NoticeItem
from appraisal.registry.selectors import ADJUSTMENTS

from .adjustments import group_inputs
from .selectors import APPRAISED_METHODS, explanation_due_local, field_code_of, field_titles, final_points

ZERO = Decimal(0)


def notice_data(*, assessment: Assessment) -> UnitDocData:
    """The preliminary notice of ``assessment``: items round 1 scored worse than the claim, with the council's
    reasons, and what the unit lost after the adjustment groups' caps (three queries)."""
    entries = list(
        assessment.entries.select_related("node")
        .filter(node__method__in=APPRAISED_METHODS)
        .order_by("node__position")
    )
    inputs = group_inputs(entries)
    code_of = inputs.code_of or {}
    items = [
        NoticeItem(
            code=e.node.code,
            field_code=field_code_of(e.node.code),
            method=e.node.method,
            max_points=e.node.max_points,
            self_points=e.self_points,
            round1_points=e.round1_points if e.round1_value else None,
            final_points=final_points(e) or ZERO,
            group=code_of.get(e.node.parent_id)
            if e.node.method in ADJUSTMENTS and e.node.parent_id
            else None,
        )
        for e in entries
    ]
    return unit_doc_data_build(
        kind="notice",
        items=items,
        groups=inputs.groups,
        titles={**field_titles(entries), **{e.node.code: e.node.title for e in entries}},
        reasons={e.node.code: e.round1_reason for e in entries},
        unit_name=assessment.unit.name,
        unit_head_name=assessment.unit.head_name,
        year=assessment.period.year,
        date=timezone.localdate(),
        explanation_due=explanation_due_local(assessment),
    )
