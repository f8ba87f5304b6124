"""Council files: exporters take plain data from the selectors and return an ``ExportFile``; views wrap it."""

from __future__ import annotations

from appraisal.assessments.models import Assessment
from appraisal.documents.data import ExportFile, notice_org
from appraisal.documents.unit_docs import build_unit_notice
from appraisal.registry.models import Organisation


def notice_export(assessment: Assessment) -> ExportFile:
    """The preliminary notice as a .docx (Decree 30 layout), from the one notice builder."""
    from .notice import notice_data  # the builder reads the council's selectors

    return build_unit_notice(
        notice_data(assessment=assessment), notice_org(Organisation.current()), kind="notice"
    )
