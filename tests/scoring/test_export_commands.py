"""export_annex / export_decision: files written from the snapshot, DỰ THẢO before approval."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from openpyxl import load_workbook

from appraisal.registry.models import Period, Phase
from appraisal.scoring.models import ScoreRun
from appraisal.scoring.services import period_approve, period_finalise
from tests.scoring.conftest import complete_decision, finalise_all


def _docx_text(path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    for section in doc.sections:
        parts += [p.text for p in section.header.paragraphs]
    return "\n".join(parts)


def test_export_annex_before_finalisation_is_draft(scored, tmp_path):
    out = StringIO()
    target = tmp_path / "phu-luc.xlsx"
    call_command("export_annex", "--year", "2023", "--output", str(target), stdout=out)
    assert "DỰ THẢO" in out.getvalue()
    wb = load_workbook(target)
    assert wb.sheetnames == ["Phụ lục I", "Phụ lục II"]
    cells = [c.value for row in wb["Phụ lục I"].iter_rows() for c in row if c.value is not None]
    assert "Sở Khoa học và Công nghệ" in cells
    assert any(isinstance(v, str) and "DỰ THẢO" in v for v in cells)
    assert ScoreRun.objects.filter(is_final=False).count() == 1


def test_export_decision_after_approval_has_number_and_no_draft(scored, chair, secretariat, tmp_path):
    period = scored[0].period
    Period.objects.filter(pk=period.pk).update(phase=Phase.REAPPRAISAL)
    period.refresh_from_db()
    finalise_all(period)
    run = period_finalise(period=period, by=chair)
    complete_decision(period)
    period.refresh_from_db()
    period_approve(period=period, number="519/QĐ-UBND", date=dt.date(2024, 2, 5), by=secretariat)
    target = tmp_path / "quyet-dinh.docx"
    out = StringIO()
    call_command("export_decision", "--year", "2023", "--output", str(target), stdout=out)
    assert f"lần tính #{run.pk}" in out.getvalue()
    text = _docx_text(target)
    assert "Số: 519/QĐ-UBND" in text
    assert "Hà Tĩnh, ngày 05 tháng 02 năm 2024" in text
    assert "DỰ THẢO" not in text
    assert "Điều 1." in text and "Điều 4." in text


def test_export_fails_clearly_for_unknown_year_or_folder(scored, tmp_path):
    with pytest.raises(CommandError, match="Không có kỳ đánh giá năm 2031"):
        call_command("export_annex", "--year", "2031", "--output", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="không tồn tại"):
        call_command("export_decision", "--year", "2023", "--output", str(tmp_path / "nope" / "x.docx"))
    assert ScoreRun.objects.count() == 0  # refused before anything was computed or stored
