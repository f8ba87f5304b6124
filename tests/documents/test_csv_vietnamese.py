"""Issue 11, behaviours 4 and 5: the default results CSV is for Excel set to Vietnamese (';', decimal comma,
BOM); heads are joined to units by code, never by name."""

from __future__ import annotations

import csv
import dataclasses
import io
import subprocess
from decimal import Decimal

import openpyxl
import pytest

from appraisal.documents import build_results_csv

from .render_samples import soffice


def _rows(content: bytes, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def test_results_csv_default_uses_semicolons_and_decimal_commas_for_vietnamese_excel(approved_data):
    file = build_results_csv(approved_data)
    assert file.filename == "ket-qua-chi-so-cchc-2023.csv"
    assert file.content.startswith(b"\xef\xbb\xbf")
    rows = _rows(file.content, ";")
    assert all(len(row) == 18 for row in rows)
    first = rows[1]
    assert (first[3], first[8], first[9], first[11], first[12]) == (
        "Sở Khoa học và Công nghệ",
        "0,5",
        "0",
        "92,35",
        "1",
    )
    assert "," not in rows[0][0] and "." not in first[11]


def test_results_csv_joins_heads_by_unit_code_not_by_name(approved_data):
    group = approved_data.groups[0]
    first, second = group.rows[0], group.rows[1]
    twin = dataclasses.replace(
        second, result=dataclasses.replace(second.result, name=first.result.name)
    )  # same name
    data = dataclasses.replace(
        approved_data,
        groups=(dataclasses.replace(group, rows=(first, twin, *group.rows[2:])), *approved_data.groups[1:]),
        heads=tuple(
            dataclasses.replace(h, unit_name=first.result.name) if h.unit_code == second.result.code else h
            for h in approved_data.heads
        ),
    )
    rows = _rows(build_results_csv(data).content, ";")[1:3]
    heads = {h.unit_code: h for h in approved_data.heads}
    assert [row[15] for row in rows] == [heads[first.result.code].name, heads[second.result.code].name]
    assert rows[0][15] != rows[1][15]
    assert [row[17] for row in rows] == [first.result.code, second.result.code]


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_results_csv_opened_in_libreoffice_with_vietnamese_settings_has_every_number_a_number(
    tmp_path, approved_data
):
    source = tmp_path / "ket-qua.csv"
    source.write_bytes(build_results_csv(approved_data).content)
    profile = tmp_path / "profile"
    # Separator ';' (59), quote '"' (34), UTF-8 (76), from line 1, locale vi-VN (1066): a Vietnamese desktop.
    subprocess.run(
        [soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--infilter=CSV:59,34,76,1,,1066", "--convert-to", "xlsx", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    ws = openpyxl.load_workbook(tmp_path / "ket-qua.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][3] == "Tên cơ quan, đơn vị"
    body = rows[1:]
    assert len(body) == 38
    for row in body:
        for column in (2, 4, 5, 6, 7, 8, 9, 10, 11, 12):
            assert isinstance(row[column], int | float), (column, row)
    first = body[0]
    assert Decimal(str(first[11])) == Decimal("92.35")
    assert Decimal(str(first[8])) == Decimal("0.5")
