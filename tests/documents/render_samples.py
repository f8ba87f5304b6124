"""Render the sample decision and annex workbook to PNG for the documentation.

    python -m tests.documents.render_samples [--draft] [--outdir docs/img] [--keep DIR]

Builds both files from samples.py, converts them to PDF with LibreOffice headless (a private profile, so
that it runs beside an open LibreOffice or a parallel test), and renders page 1 of each with pdftoppm into
``annex-page1.png`` and ``decision-page1.png``. ``--keep`` also leaves the .xlsx, .docx and .pdf files in
DIR for a closer look.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from appraisal.documents.annex import build_annex
from appraisal.documents.decision import build_decision

from .samples import sample_data

ROOT = Path(__file__).resolve().parents[3]


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(source: Path, outdir: Path, profile: Path) -> Path:
    """Convert ``source`` with LibreOffice headless; return the PDF's path."""
    binary = soffice()
    if binary is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    subprocess.run(
        [
            binary,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = outdir / (source.stem + ".pdf")
    if not pdf.exists():
        raise RuntimeError(f"LibreOffice produced no PDF for {source.name}")
    return pdf


def first_page_png(pdf: Path, target: Path, dpi: int) -> None:
    stem = target.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
        check=True,
        capture_output=True,
        timeout=60,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draft", action="store_true", help="render the draft (no number, DỰ THẢO marks)")
    parser.add_argument("--outdir", type=Path, default=ROOT / "docs" / "img")
    parser.add_argument("--keep", type=Path, help="also keep the .xlsx/.docx/.pdf files here")
    parser.add_argument("--dpi", type=int, default=100)
    args = parser.parse_args(argv)

    data = sample_data(draft=args.draft)
    args.outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="parindex-render-") as tmp:
        work = Path(tmp)
        profile = work / "lo-profile"
        outputs = []
        for file, png in (
            (build_annex(data), "annex-page1.png"),
            (build_decision(data), "decision-page1.png"),
        ):
            source = work / file.filename
            source.write_bytes(file.content)
            pdf = to_pdf(source, work, profile)
            first_page_png(pdf, args.outdir / png, args.dpi)
            outputs.append(args.outdir / png)
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                shutil.copy(source, args.keep)
                shutil.copy(pdf, args.keep)
    for path in outputs:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
