"""Workbook builders and a database snapshot for the registry tests."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook

from appraisal.registry.models import (
    Group,
    IndexNode,
    IndexSet,
    Period,
    PeriodEvent,
    PhaseWindow,
    RoleAssignment,
    TextFixLog,
    Unit,
    UnitMembership,
)
from tests.factories import SMALL_SET_ROWS

SET_HEADER_VI = ["Mã", "Nội dung", "Điểm tối đa", "Phương pháp", "Cách chấm", "Không áp dụng cho"]
SET_HEADER_EN = ["code", "title", "max_points", "method", "rule", "excluded_tags"]
UNIT_HEADER_VI = ["Mã đơn vị", "Tên đơn vị", "Khối", "Tên khối", "Người đứng đầu", "Chức vụ", "Nhãn"]
UNIT_HEADER_EN = ["code", "name", "group", "group_name", "head_name", "head_title", "tags"]


def xlsx_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Sequence[Sequence[object]], delimiter: str = ",", bom: bool = False) -> bytes:
    text = "\n".join(delimiter.join(str(c) for c in row) for row in rows) + "\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def small_set_rows() -> list[list[str]]:
    """The 10-point set of tests.factories as workbook rows (header in Vietnamese)."""
    return [SET_HEADER_VI, *[list(r) for r in SMALL_SET_ROWS]]


def small_set_xlsx() -> bytes:
    return xlsx_bytes(small_set_rows())


def with_row(rows: list[list[str]], index: int, **changes: str) -> list[list[str]]:
    """A copy of ``rows`` with cells of data row ``index`` (0 = header) changed by English column name."""
    out = [list(r) for r in rows]
    for key, value in changes.items():
        out[index][SET_HEADER_EN.index(key)] = value
    return out


def snapshot() -> dict[str, list[tuple]]:
    """Every registry row as plain values: 'the database is exactly as before' compares two of these."""
    models = [
        Period,
        Group,
        Unit,
        UnitMembership,
        IndexSet,
        IndexNode,
        PhaseWindow,
        PeriodEvent,
        RoleAssignment,
        TextFixLog,
    ]
    return {m.__name__: sorted(m.objects.values_list(), key=repr) for m in models}
