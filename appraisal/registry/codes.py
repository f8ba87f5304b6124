"""Codes that imports join ignoring case are unique ignoring case (SPEC §10).

The score and survey imports and the published results find a unit by its code with ``casefold`` (``skhcn``,
``SKHCN``), and an item by its code within the unit's index set (``T1``, ``t1``): a second unit ``SKHCN`` beside
``skhcn`` would take over the first one's rows. So every place that creates such a code — the unit form, the
admin, the units import, the index set import — refuses one that differs from an existing code only in case, with
the words below, and the database holds the same rule (a unique constraint on ``Lower("code")``).

One key (:func:`code_key`), one question to the database (:func:`code_holder`), one wording.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet, Value
from django.db.models.functions import Lower

M = TypeVar("M", bound=Model)

CASE_NOTE = "(mã không phân biệt chữ hoa, chữ thường)"


def code_key(code: str) -> str:
    """What two codes must differ in: 'SKHCN' and 'skhcn' are one code."""
    return code.casefold()


def by_code_key(rows: QuerySet[M]) -> dict[str, M]:
    """``rows`` by :func:`code_key` of their code: how the imports look a code up."""
    return {code_key(row.code): row for row in rows}  # type: ignore[attr-defined]


def code_holder(rows: QuerySet[M], code: str) -> M | None:
    """The row of ``rows`` whose code is ``code`` ignoring case (the database's ``Lower``, as its constraint)."""
    return rows.alias(code_lower=Lower("code")).filter(code_lower=Lower(Value(code))).first()


def code_taken(code: str, what: str, holder: Any) -> str:
    """'mã «SKHCN» đã dùng cho đơn vị «Sở Khoa học và Công nghệ» (mã không phân biệt chữ hoa, chữ thường).'"""
    return f"mã «{code}» đã dùng cho {what} «{holder}» {CASE_NOTE}."


def code_refusal(rows: QuerySet[M], code: str, what: str) -> str | None:
    """The sentence refusing ``code`` when a row of ``rows`` holds it ignoring case, else None."""
    holder = code_holder(rows, code)
    if holder is None:
        return None
    text = code_taken(code, what, holder)
    return text[:1].upper() + text[1:]


def code_repeated(label: str, code: str, first: tuple[int, str]) -> str:
    """A code met again further down the same file; ``first`` is (row, code as written there)."""
    row, written = first
    if written == code:
        return f"{label} {code} bị trùng với dòng {row}."
    return f"{label} {code} bị trùng với mã {written} ở dòng {row} {CASE_NOTE}."
