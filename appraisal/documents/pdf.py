"""PDF copies of the decision, the annex and the notices, for digital signing and publishing (SPEC §9).

LibreOffice headless does the conversion where it is installed (``soffice --convert-to pdf``): the PDF is
then the very layout of the .docx/.xlsx. Where it is absent the pages say how to add it rather than fail.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .data import ExportFile

__all__ = ["INSTALL_HINT", "PdfUnavailable", "pdf_available", "to_pdf"]

INSTALL_HINT = (
    "Máy chủ chưa cài LibreOffice nên chưa xuất được PDF. Quản trị viên cài bằng lệnh "
    "«apt-get install libreoffice-writer libreoffice-calc» rồi tải lại trang."
)
TIMEOUT_SECONDS = 180


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed or the conversion failed."""


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    return _soffice() is not None


def to_pdf(exported: ExportFile) -> ExportFile:
    """Convert an Office file to PDF with LibreOffice headless, in a private profile (so parallel
    conversions do not share one lock) and a temporary folder."""
    soffice = _soffice()
    if soffice is None:
        raise PdfUnavailable(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="parindex-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / exported.filename
        source.write_bytes(exported.content)
        profile = (folder / "profile").as_uri()
        try:
            subprocess.run(  # noqa: S603 - fixed program, our own temporary file names
                [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                 "--convert-to", "pdf", "--outdir", str(folder), str(source)],
                check=True, capture_output=True, timeout=TIMEOUT_SECONDS,
            )  # fmt: skip
        except (OSError, subprocess.SubprocessError) as exc:
            raise PdfUnavailable("Không chuyển được tệp sang PDF: LibreOffice báo lỗi.") from exc
        target = source.with_suffix(".pdf")
        if not target.exists():
            raise PdfUnavailable("Không chuyển được tệp sang PDF: LibreOffice không tạo ra tệp.")
        return ExportFile(
            filename=Path(exported.filename).with_suffix(".pdf").name,
            content_type="application/pdf",
            content=target.read_bytes(),
        )
