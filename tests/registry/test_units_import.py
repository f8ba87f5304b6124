"""Units import (SPEC §10): Vietnamese or English headers, a new group needs its name, all or nothing."""

from __future__ import annotations

import pytest

from appraisal.core.exceptions import PhaseError, ServiceError
from appraisal.registry.models import Group, Period, Phase, Unit, UnitMembership
from appraisal.registry.services import unit_create, unit_set_active, unit_update, units_import
from tests.factories import PeriodFactory
from tests.registry.helpers import UNIT_HEADER_EN, UNIT_HEADER_VI, csv_bytes, snapshot, xlsx_bytes


def _import(content: bytes, *, year: int = 2024, name: str = "don-vi.xlsx"):
    return units_import(year=year, file_name=name, content=content, by=None)


def test_units_import_accepts_vietnamese_headers_and_creates_period_groups_units(group):
    content = xlsx_bytes(
        [
            UNIT_HEADER_VI,
            ["skhcn", "Sở Khoa học và Công nghệ", "so", "", "Trần Văn Hùng", "Giám đốc", ""],
            ["vpubnd", "Văn phòng UBND tỉnh", "so", "", "Trần Văn Thành", "Chánh Văn phòng", "no_tthc, khac"],
            [
                "tphatinh",
                "Thành phố Hà Tĩnh",
                "huyen",
                "UBND các huyện, thị xã, thành phố",
                "Võ Hồng Hải",
                "Chủ tịch UBND",
                "",
            ],
            ["kyanh", "Huyện Kỳ Anh", "huyen", "", "", "", ""],
        ]
    )
    result = _import(content)
    assert result.ok, result.messages
    assert result.summary == (
        "Đã nhập 4 đơn vị cho năm 2024 từ «don-vi.xlsx»: 4 đơn vị mới, 0 đơn vị cập nhật, 1 khối mới."
    )
    period = Period.objects.get(year=2024)
    assert (period.name, period.phase) == ("Chỉ số CCHC năm 2024", Phase.PREPARING)
    assert Group.objects.get(code="huyen").name == "UBND các huyện, thị xã, thành phố"
    vp = Unit.objects.get(code="vpubnd")
    assert (vp.name, vp.head_name, vp.head_title, vp.tags) == (
        "Văn phòng UBND tỉnh",
        "Trần Văn Thành",
        "Chánh Văn phòng",
        "no_tthc,khac",
    )
    placed = dict(UnitMembership.objects.filter(period=period).values_list("unit__code", "group__code"))
    assert placed == {"skhcn": "so", "vpubnd": "so", "tphatinh": "huyen", "kyanh": "huyen"}


def test_units_import_updates_existing_units_and_keeps_columns_the_file_lacks(unit):
    unit.tags = "no_tthc"
    unit.save()
    result = _import(csv_bytes([["code", "name", "group"], ["skhcn", "Sở KH và CN", "so"]]), name="dv.csv")
    assert result.ok, result.messages
    assert result.counts == {"rows": 1, "created": 0, "updated": 1, "groups_created": 0}
    unit.refresh_from_db()
    assert (unit.name, unit.tags, unit.head_name) == ("Sở KH và CN", "no_tthc", "Trần Văn Hùng")


def test_units_import_refuses_new_group_without_name(group):
    before = snapshot()
    result = _import(
        csv_bytes(
            [UNIT_HEADER_EN, ["a", "Đơn vị A", "xa", "", "", "", ""], ["b", "Đơn vị B", "xa", "", "", "", ""]]
        ),
        name="dv.csv",
    )
    assert result.messages == [
        "Dòng 2: khối «xa» chưa có trong danh mục; hãy ghi Tên khối (group_name) để tạo khối mới, hoặc sửa lại "
        "mã khối."
    ]
    assert snapshot() == before


def test_units_import_refuses_duplicate_codes_and_empty_names(group):
    before = snapshot()
    content = xlsx_bytes(
        [
            UNIT_HEADER_VI,
            ["stp", "Sở Tư pháp", "so", "", "", "", ""],
            ["stc", "", "so", "", "", "", ""],
            ["stp", "Sở Tư pháp (lặp)", "so", "", "", "", ""],
            ["Sở XD", "Sở Xây dựng", "so", "", "", "", ""],
        ]
    )
    result = _import(content)
    assert result.messages == [
        "Dòng 3: thiếu Tên đơn vị.",
        "Dòng 4: mã đơn vị stp bị trùng với dòng 2.",
        "Dòng 5: mã đơn vị «Sở XD» chỉ được gồm chữ cái không dấu, chữ số, «_» hoặc «-» (tối đa 40 ký tự), "
        "ví dụ «skhcn».",
    ]
    assert result.summary == "Không nhập tệp «don-vi.xlsx»: có 3 lỗi, chưa ghi dữ liệu nào."
    assert snapshot() == before


def test_units_import_refuses_moving_a_unit_in_a_locked_period(unit, other_unit):
    Group.objects.create(code="huyen", name="Huyện")
    before = snapshot()
    result = _import(
        csv_bytes([["code", "name", "group"], ["skhcn", "Sở KH&CN", "huyen"]]), year=2023, name="dv.csv"
    )
    assert result.messages == [
        "Dòng 2: đơn vị skhcn đã thuộc khối «Các sở, ban, ngành» trong Chỉ số CCHC năm 2023 (giai đoạn «Tự đánh "
        "giá»): không thể chuyển khối."
    ]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (b"", "dv.csv", "Tệp «dv.csv» trống (0 byte). Hãy chọn đúng tệp cần nhập."),
        (
            b"code,name,group\n",
            "dv.csv",
            "Tệp «dv.csv» chỉ có dòng tiêu đề (dòng 1), không có dòng dữ liệu nào.",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00",
            "dv.csv",
            "Tệp «dv.csv» không phải là bảng tính Excel (.xlsx) hợp lệ. Hãy "
            "lưu tệp dưới dạng Excel Workbook (.xlsx) hoặc CSV UTF-8 rồi tải lên lại.",
        ),
    ],
)
def test_units_import_refuses_unreadable_files(db, content, name, expected):
    result = _import(content, name=name)
    assert result.messages == [expected]
    assert not Period.objects.exists() and not Unit.objects.exists()


def test_unit_services_create_update_deactivate(period, group, secretariat):
    unit = unit_create(
        code="sxd", name="Sở Xây dựng", tags="a, b,a", period=period, group=group, by=secretariat
    )
    assert (unit.tags, UnitMembership.objects.get(unit=unit).group_id) == ("a,b", group.pk)
    with pytest.raises(ServiceError) as error:
        unit_create(code="sxd", name="Khác", by=secretariat)
    assert error.value.message == (
        "Mã «sxd» đã dùng cho đơn vị «Sở Xây dựng» (mã không phân biệt chữ hoa, chữ thường)."
    )
    unit_update(unit=unit, name="Sở Xây dựng tỉnh", head_name="Nguyễn Văn Dũng", by=secretariat)
    unit.refresh_from_db()
    assert (unit.name, unit.head_name) == ("Sở Xây dựng tỉnh", "Nguyễn Văn Dũng")
    unit_set_active(unit=unit, active=False, by=secretariat)
    unit.refresh_from_db()
    assert unit.active is False


def test_unit_update_refuses_moving_group_in_locked_period(unit, secretariat):
    other = Group.objects.create(code="huyen", name="Huyện")
    with pytest.raises(PhaseError):
        unit_update(unit=unit, name=unit.name, period=PeriodFactory(year=2023), group=other, by=secretariat)
    assert UnitMembership.objects.get(unit=unit).group.code == "so"
