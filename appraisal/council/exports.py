"""Council files: exporters take plain data from the selectors and return an ``ExportFile``; views wrap it."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from appraisal.assessments.models import Assessment
from appraisal.registry.models import Method, Organisation
from appraisal.scoring.documents.data import ExportFile, Shortfall, UnitDocData, notice_org
from appraisal.scoring.documents.unit_docs import build_unit_notice

from .selectors import ZERO, explanation_due_local, field_code_of, field_titles, lowered_entries


def notice_export(assessment: Assessment, *, total_lost: Decimal | None = None) -> ExportFile:
    """The preliminary notice as a .docx: lowered items with the council's reasons. A penalty is shown as a
    negative contribution so that "lower" reads the same way for every item. ``total_lost``: the loss after
    the adjustment groups' caps, when it differs from the items' sum."""
    entries = lowered_entries(assessment)
    titles = field_titles(entries)
    items = []
    for e in entries:
        node = e.node
        sign = Decimal(-1) if node.method == Method.PENALTY else Decimal(1)
        self_points = (e.self_points or ZERO) * sign
        appraised = (e.round1_points or ZERO) * sign
        fc = field_code_of(node.code)
        items.append(
            Shortfall(
                item_code=node.code,
                item_title=node.title,
                field_code=fc,
                field_title=titles.get(fc, ""),
                max_points=node.max_points,
                self_points=self_points,
                final_points=appraised,
                lost=self_points - appraised,
                reason=e.round1_reason,
            )
        )
    org = Organisation.current()
    data = UnitDocData(
        unit_name=assessment.unit.name,
        unit_head_name=assessment.unit.head_name,
        year=assessment.period.year,
        items=tuple(items),
        date=timezone.localdate(),
        explanation_due=explanation_due_local(assessment),
        total_lost=total_lost,
    )
    return build_unit_notice(data, notice_org(org), kind="notice")
