"""Self-assessment fixtures: the unit's assessment on the small set, an open self-assessment window, files."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from appraisal.assessments.layers import assessment_get_or_create
from appraisal.registry.models import Phase, PhaseWindow

# Smallest valid files of each kind, built in code (no fixtures on disk).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def open_self_assessment(period):
    """The self-assessment phase open from yesterday to three days from now."""
    now = timezone.now()
    return PhaseWindow.objects.create(
        period=period,
        phase=Phase.SELF_ASSESSMENT,
        opens_at=now - timedelta(days=1),
        due_at=now + timedelta(days=3),
    )


@pytest.fixture
def window(period):
    return open_self_assessment(period)


@pytest.fixture
def assessment(period, unit, index_set, window):
    return assessment_get_or_create(period=period, unit=unit)


@pytest.fixture
def other_assessment(period, other_unit, index_set, window):
    return assessment_get_or_create(period=period, unit=other_unit)


def entry_of(assessment, code):
    return assessment.entries.select_related("node", "assessment__period", "assessment__unit").get(
        node__code=code
    )


def pdf_file(name="bao-cao.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_file(name="anh.png", content=PNG):
    return SimpleUploadedFile(name, content, content_type="image/png")
