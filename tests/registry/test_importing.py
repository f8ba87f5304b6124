"""Reading files into rows: formats, headers, encodings (no database)."""

from __future__ import annotations

import pytest

from appraisal.registry.importing import (
    INDEX_SET_COLUMNS,
    UNIT_COLUMNS,
    FileRejected,
    parse_index_set,
    parse_method,
    read_table,
)
from tests.registry.helpers import SET_HEADER_EN, csv_bytes, small_set_rows, xlsx_bytes


def test_read_table_xlsx_with_vietnamese_header_gives_spreadsheet_row_numbers():
    rows = read_table("bo.xlsx", xlsx_bytes(small_set_rows()), INDEX_SET_COLUMNS)
    assert rows[0] == (
        2,
        {
            "code": "1",
            "title": "Công tác chỉ đạo, điều hành CCHC",
            "max_points": "4",
            "method": "",
            "rule": "",
            "excluded_tags": "",
        },
    )
    assert rows[1][1]["rule"] == "boolean"
    assert [n for n, _ in rows][-1] == 13


def test_read_table_numbers_in_cells_lose_float_noise():
    content = xlsx_bytes([SET_HEADER_EN, [1, "A", 2.0, "", "", ""], ["1.1", "B", 0.25, "TĐ", "manual", ""]])
    rows = read_table("bo.xlsx", content, INDEX_SET_COLUMNS)
    assert rows[0][1]["code"] == "1"
    assert rows[0][1]["max_points"] == "2"
    assert rows[1][1]["max_points"] == "0.25"


def test_read_table_english_header_is_case_insensitive_and_extra_columns_are_ignored():
    content = csv_bytes([["CODE", "Name", "GROUP", "Ghi chú riêng"], ["skhcn", "Sở KH&CN", "so", "bỏ qua"]])
    rows = read_table("dv.csv", content, UNIT_COLUMNS)
    assert rows == [(2, {"code": "skhcn", "name": "Sở KH&CN", "group": "so"})]


def test_read_table_csv_with_bom_and_semicolons():
    content = csv_bytes(
        [["Mã đơn vị", "Tên đơn vị", "Khối"], ["stp", "Sở Tư pháp, tỉnh", "so"]], ";", bom=True
    )
    rows = read_table("dv.csv", content, UNIT_COLUMNS)
    assert rows == [(2, {"code": "stp", "name": "Sở Tư pháp, tỉnh", "group": "so"})]


def test_read_table_skips_blank_rows_but_keeps_their_numbers():
    content = csv_bytes([["code", "name", "group"], ["a", "A", "so"], [",,"], ["b", "B", "so"]])
    rows = read_table("dv.csv", content, UNIT_COLUMNS)
    assert [n for n, _ in rows] == [2, 4]


def test_read_table_vietnamese_label_without_diacritics_is_not_a_header():
    content = csv_bytes([["Ma don vi", "Ten don vi", "Khoi"], ["stp", "Sở Tư pháp", "so"]])
    with pytest.raises(FileRejected) as error:
        read_table("dv.csv", content, UNIT_COLUMNS)
    assert str(error.value) == (
        "Dòng 1: dòng tiêu đề thiếu cột Mã đơn vị (code), Tên đơn vị (name), Khối (group). Dòng tiêu đề phải ghi "
        "tên các cột (bắt buộc: Mã đơn vị, Tên đơn vị, Khối); hãy dùng tệp mẫu."
    )


def test_read_table_refuses_legacy_xls_and_non_utf8_csv():
    with pytest.raises(FileRejected) as error:
        read_table("cu.xls", b"\xd0\xcf\x11\xe0rest", UNIT_COLUMNS)
    assert "không phải là bảng tính Excel (.xlsx) hợp lệ" in str(error.value)
    with pytest.raises(FileRejected) as error:
        read_table("dv.csv", "code,name,group\nx,Sở Tài chính,so\n".encode("utf-16"), UNIT_COLUMNS)
    assert "mã hóa UTF-8" in str(error.value)


def test_read_table_refuses_duplicate_header_column():
    with pytest.raises(FileRejected) as error:
        read_table(
            "dv.csv", csv_bytes([["code", "Mã đơn vị", "name", "group"], ["a", "a", "A", "so"]]), UNIT_COLUMNS
        )
    assert str(error.value) == "Dòng 1: cột Mã đơn vị (code) xuất hiện hai lần trong dòng tiêu đề."


@pytest.mark.parametrize(
    ("text", "method"),
    [
        ("TĐ", "appraisal"),
        ("appraisal", "appraisal"),
        ("xhh", "survey"),
        ("Thưởng", "bonus"),
        ("TRỪ", "penalty"),
        ("Penalty", "penalty"),
        ("khác", None),
    ],
)
def test_parse_method_accepts_english_and_vietnamese_names(text, method):
    assert parse_method(text) == method


def test_parse_index_set_small_set_has_scale_ten_and_tree_flags():
    parsed = parse_index_set(read_table("bo.xlsx", xlsx_bytes(small_set_rows()), INDEX_SET_COLUMNS))
    assert parsed.problems == []
    assert str(parsed.scale) == "10"
    by_code = {n.code: n for n in parsed.nodes}
    assert by_code["1"].is_leaf is False and by_code["1"].method == ""
    assert by_code["1.1"].is_leaf is True and by_code["1.1"].depth == 1
    assert by_code["T1"].method == "bonus"
    assert parsed.leaf_count == 9


def test_parse_index_set_pushes_field_exclusions_down_to_leaves():
    rows = [
        (
            2,
            {
                "code": "1",
                "title": "TTHC",
                "max_points": "2",
                "method": "",
                "rule": "",
                "excluded_tags": "no_tthc",
            },
        ),
        (
            3,
            {
                "code": "1.1",
                "title": "a",
                "max_points": "1",
                "method": "TĐ",
                "rule": "boolean",
                "excluded_tags": "",
            },
        ),
        (
            4,
            {
                "code": "1.2",
                "title": "b",
                "max_points": "1",
                "method": "TĐ",
                "rule": "boolean",
                "excluded_tags": "xa, no_tthc",
            },
        ),
    ]
    parsed = parse_index_set(rows)
    assert parsed.problems == []
    assert [n.excluded_tags for n in parsed.nodes] == ["no_tthc", "no_tthc", "no_tthc,xa"]
