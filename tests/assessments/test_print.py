"""The printable self-assessment report and the CSP rules for the assessment templates."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from appraisal.assessments import services
from tests.assessments.conftest import entry_of, pdf_file


def test_print_view_shows_title_items_points_notes_evidence_and_totals(client_for, editor, assessment):
    services.entry_save_self(
        entry=entry_of(assessment, "1.1"),
        value="Có",
        note="Kế hoạch ban hành 10/01",
        expected_version=0,
        by=editor,
    )
    services.entry_save_self(
        entry=entry_of(assessment, "P1"), value="1", note="", expected_version=0, by=editor
    )
    services.evidence_upload_for_entry(
        entry=entry_of(assessment, "1.1"),
        uploaded=pdf_file("Kế hoạch.pdf"),
        title="Kế hoạch CCHC 2023",
        by=editor,
    )
    body = client_for(editor).get(reverse("assessments:print", args=[assessment.pk])).content.decode()
    assert '<h1 class="print-title">BÁO CÁO KẾT QUẢ TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CCHC NĂM 2023</h1>' in body
    assert '<p class="print-unit">SỞ KHOA HỌC VÀ CÔNG NGHỆ</p>' in body
    assert '<td>1.1</td><td class="tree-title">Ban hành kế hoạch CCHC năm</td><td class="num">1</td>' in body
    assert '<td>Có</td><td class="num">1</td>' in body
    assert "<div>Kế hoạch ban hành 10/01</div>" in body
    assert "– Kế hoạch CCHC 2023</div>" in body
    assert '<td class="num">−0,5</td>' in body  # the penalty as a deduction
    assert 'Tổng điểm tự đánh giá</th><td></td><td></td><td class="num"><strong>0,5</strong></td>' in body
    assert "<li>Kế hoạch CCHC 2023 (Kế hoạch.pdf) — mục 1.1</li>" in body
    assert '<td colspan="2">Chấm qua điều tra xã hội học</td>' in body


def test_print_view_of_another_unit_is_404(client_for, other_editor, assessment):
    assert client_for(other_editor).get(reverse("assessments:print", args=[assessment.pk])).status_code == 404


def test_assessment_templates_have_no_inline_styles_or_scripts():
    folder = Path(settings.BASE_DIR) / "templates" / "assessments"
    for path in folder.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\sstyle=", text), path.name
        assert not re.search(r"<script(?![^>]*\ssrc=)", text), path.name
        assert not re.search(r"\son[a-z]+=", text), path.name
        assert "hx-on" not in text, path.name
