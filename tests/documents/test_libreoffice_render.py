"""The files open in a real office suite: LibreOffice headless converts both to PDF."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from appraisal.documents import build_annex, build_decision

from .conftest import HYPERLINK, with_unit_names
from .render_samples import soffice


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_annex_and_decision_to_pdf(tmp_path, draft_data):
    data = with_unit_names(draft_data, {0: HYPERLINK})
    sources = []
    for file in (build_annex(data), build_decision(data)):
        path = tmp_path / file.filename
        path.write_bytes(file.content)
        sources.append(path)
    profile = tmp_path / "lo-profile"  # a private profile: parallel runs and an open LibreOffice do not clash
    subprocess.run(
        [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), *map(str, sources)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip

    for source in sources:
        pdf = source.with_suffix(".pdf")
        assert pdf.exists(), f"no PDF for {source.name}"
        content = pdf.read_bytes()
        assert content.startswith(b"%PDF") and len(content) > 10_000
        if shutil.which("pdfinfo"):
            info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
            pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
            assert pages >= 2
            assert "A4" in info

    if shutil.which("pdftotext"):
        annex_pdf = sources[0].with_suffix(".pdf")
        text = subprocess.run(
            ["pdftotext", "-layout", str(annex_pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        # Shown as written: LibreOffice did not evaluate it as a formula (which would show 'y').
        assert "=HYPERLINK(" in text
        assert "DỰ THẢO" in text
        assert "PHỤ LỤC I" in text
