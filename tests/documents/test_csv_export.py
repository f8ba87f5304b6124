"""The results CSV."""

from __future__ import annotations

import csv
import io

from appraisal.documents import build_results_csv
from appraisal.engine.rounding import plain

from .conftest import HYPERLINK, with_unit_names


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def test_results_csv_starts_with_a_bom_and_the_header(approved_data):
    file = build_results_csv(approved_data, "plain")
    assert file.content.startswith(b"\xef\xbb\xbf")
    assert file.filename == "ket-qua-chi-so-cchc-2023-dau-phay.csv"
    assert file.content_type == "text/csv; charset=utf-8"
    assert b"\r\n" in file.content
    header = _rows(file.content)[0]
    assert header[:4] == ["Mã khối", "Khối", "STT", "Tên cơ quan, đơn vị"]
    assert header[11:] == [
        "Chỉ số CCHC (%)", "Xếp hạng", "Tăng/giảm bậc", "Xếp loại", "Người đứng đầu",
        "Mức độ hoàn thành nhiệm vụ của người đứng đầu", "Mã đơn vị",
    ]  # fmt: skip


def test_results_csv_has_one_typed_row_per_unit(approved_data):
    rows = _rows(build_results_csv(approved_data, "plain").content)[1:]
    assert len(rows) == sum(len(g.rows) for g in approved_data.groups) == 38
    unit = approved_data.groups[0].rows[0]
    assert rows[0] == [
        "SBN", "các sở, ban, ngành", "1", "Sở Khoa học và Công nghệ", "100", plain(unit.result.self_points),
        plain(unit.result.appraisal_points), plain(unit.result.survey_points), "0.5", "0", plain(unit.result.total_points), "92.35", "1", "3",
        "Xuất sắc", "Nguyễn Thị Hoài", "Hoàn thành xuất sắc nhiệm vụ", "dv-Sở Khoa học và Công nghệ",
    ]  # fmt: skip
    last = rows[-1]
    assert last[0] == "TW" and last[3] == "Công an tỉnh" and last[13] == ""  # no previous year


def test_results_csv_index_keeps_the_periods_decimals(approved_data):
    rows = _rows(build_results_csv(approved_data, "plain").content)[1:]
    assert all(len(row[11].split(".")[1]) == 2 for row in rows)


def test_results_csv_formula_like_text_is_prefixed(approved_data):
    data = with_unit_names(approved_data, {0: HYPERLINK, 1: "@cmd", 2: "Sở Nội vụ"})
    rows = _rows(build_results_csv(data, "plain").content)[1:]
    assert rows[0][3] == "'" + HYPERLINK
    assert rows[0][15] == "Nguyễn Thị Hoài"  # the head is still found by the renamed unit
    assert rows[1][3] == "'@cmd"
    assert rows[2][3] == "Sở Nội vụ"


def test_results_csv_is_deterministic(approved_data):
    assert (
        build_results_csv(approved_data, "plain").content == build_results_csv(approved_data, "plain").content
    )
