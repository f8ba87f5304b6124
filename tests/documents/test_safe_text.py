"""Making user text safe for spreadsheets and Office XML."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

from appraisal.documents.safe import csv_text, is_formula_like, safe_text


def test_safe_text_strips_control_characters_and_keeps_layout_ones():
    assert safe_text("Sở\x00 Nội\x07 vụ\x1b") == "Sở Nội vụ"
    assert safe_text("a\tb\nc") == "a\tb\nc"
    assert safe_text(None) == ""


def test_safe_text_composes_decomposed_vietnamese():
    decomposed = unicodedata.normalize("NFD", "Hà Tĩnh")
    assert decomposed != "Hà Tĩnh"
    assert safe_text(decomposed) == "Hà Tĩnh"


def test_formula_like_text_is_detected_by_its_first_character():
    assert [is_formula_like(t) for t in ("=1", "+1", "-1", "@a", "\tx", "\rx", "Sở", " =1", "1-2")] == [
        True, True, True, True, True, True, False, False, False,
    ]  # fmt: skip


def test_csv_text_prefixes_formula_like_text_with_an_apostrophe():
    assert csv_text('=HYPERLINK("http://x","y")') == '\'=HYPERLINK("http://x","y")'
    assert csv_text("- Như Điều 4;") == "'- Như Điều 4;"
    assert csv_text("Sở Y tế") == "Sở Y tế"


def test_documents_package_imports_without_django():
    code = "import sys, appraisal.documents; assert 'django' not in sys.modules, 'django imported'"
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root)
    assert result.returncode == 0, result.stderr
