"""Writing user text into files safely.

Unit names, reasons and notes come from users. In a spreadsheet a value that begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return can be taken for a formula ('=HYPERLINK("http://x","y")' would
become a live link, a DDE payload could run a program): OWASP "CSV injection". In an Office file, control
characters make the XML invalid. The helpers here are the one place where such text is made safe.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

__all__ = ["FORMULA_PREFIXES", "csv_text", "is_formula_like", "put_xlsx_text", "safe_text", "xlsx_text_cell"]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: object) -> str:
    """The text of ``value`` in NFC with the control characters XML cannot hold removed.

    NFC because Vietnamese typed with some input methods arrives decomposed (a + combining marks), which
    sorts, searches and prints differently from the precomposed letters the rest of the data uses.
    """
    text = "" if value is None else str(value)
    return ILLEGAL_CHARACTERS_RE.sub("", unicodedata.normalize("NFC", text))


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet application could read ``text`` as a formula."""
    return text.startswith(FORMULA_PREFIXES)


def csv_text(value: object) -> str:
    """A CSV text field: safe text, with a leading apostrophe when it could be read as a formula.

    The apostrophe is what spreadsheet applications themselves use to mark "text, not a formula"; CSV has
    no types, so it is the only defence that survives opening the file in Excel or LibreOffice.
    """
    text = safe_text(value)
    return "'" + text if is_formula_like(text) else text


def put_xlsx_text(cell: Any, value: object) -> None:
    """Put ``value`` in an openpyxl cell (of a normal or a write-only sheet) as a string, never as a formula.

    openpyxl turns any string beginning with '=' into a formula; forcing the type to 's' writes it as a
    string, so the file holds exactly what the user typed and an import reads it back unchanged (which a
    leading apostrophe, the CSV defence, would not give). Formula-like text also gets the cell's "quote
    prefix" flag so that Excel and LibreOffice keep it as text when a user edits the cell.
    """
    text = safe_text(value)
    cell.value = text
    cell.data_type = "s"
    if is_formula_like(text):
        cell.quotePrefix = True


def xlsx_text_cell(ws: object, value: object, style: object | None = None) -> WriteOnlyCell:
    """A write-only cell holding ``value`` as text (see :func:`put_xlsx_text`). ``style`` is a registered
    NamedStyle name, or None."""
    cell = WriteOnlyCell(ws)
    if style is not None:
        cell.style = style
    put_xlsx_text(cell, value)
    return cell
