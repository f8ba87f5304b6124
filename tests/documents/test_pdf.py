"""PDF copies for digital signing: LibreOffice headless converts, pdftotext reads the words back."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from appraisal.documents import build_annex, build_unit_notice
from appraisal.documents.pdf import INSTALL_HINT, PdfUnavailable, pdf_available, to_pdf

from .samples import ORG, sample_data, sample_unit_doc

needs_libreoffice = pytest.mark.skipif(
    not pdf_available() or shutil.which("pdftotext") is None, reason="LibreOffice or poppler-utils missing"
)


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


@needs_libreoffice
def test_pdf_of_the_unit_notice_keeps_its_vietnamese_text(tmp_path):
    pdf = to_pdf(build_unit_notice(sample_unit_doc(), ORG, "notice"))
    assert pdf.filename == "thong-bao-tham-dinh-2023-so-ngoai-vu.pdf"
    assert pdf.content_type == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    text = _pdf_text(pdf.content, tmp_path)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Kính gửi: Sở Ngoại vụ" in text
    assert "Trần Văn Minh" in text


@needs_libreoffice
def test_pdf_of_the_annex_workbook_keeps_its_title_and_units(tmp_path):
    pdf = to_pdf(build_annex(sample_data()))
    text = _pdf_text(pdf.content, tmp_path)
    assert "PHỤ LỤC I" in text
    assert "Tổng điểm" in text


def test_pdf_without_libreoffice_says_how_to_add_it(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    assert not pdf_available()
    with pytest.raises(PdfUnavailable, match="apt-get install libreoffice-writer libreoffice-calc"):
        to_pdf(build_unit_notice(sample_unit_doc(), ORG, "notice"))
    assert "LibreOffice" in INSTALL_HINT
