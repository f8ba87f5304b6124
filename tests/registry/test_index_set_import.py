"""Index-set import (SPEC §4, §10): every bad workbook is refused whole, with row numbers, writing nothing."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal

import pytest

from appraisal.core.exceptions import PhaseError, ServiceError
from appraisal.registry.models import Group, IndexNode, IndexSet, Period, Phase, TextFixLog
from appraisal.registry.services import index_node_text_fix, index_set_copy, index_set_import
from tests.factories import PeriodFactory, build_index_set
from tests.registry.helpers import SET_HEADER_VI, small_set_rows, snapshot, with_row, xlsx_bytes


def _import(content: bytes, *, year: int = 2024, group_code: str = "so", name: str = "bo-chi-so.xlsx", **kw):
    return index_set_import(year=year, group_code=group_code, file_name=name, content=content, by=None, **kw)


def _zip_that_is_not_a_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ghi-chu.txt", "không phải bảng tính")
    return buffer.getvalue()


BASE = small_set_rows()
NOT_A_WORKBOOK = (
    "Tệp «bo-chi-so.xlsx» không phải là bảng tính Excel (.xlsx) hợp lệ. Hãy lưu tệp dưới dạng Excel Workbook "
    "(.xlsx) hoặc CSV UTF-8 rồi tải lên lại."
)

REFUSALS = {
    "duplicate_code": (xlsx_bytes(with_row(BASE, 4, code="1.2")), ["Dòng 5: mã 1.2 bị trùng với dòng 4."]),
    "parent_missing": (
        xlsx_bytes(with_row(BASE, 8, code="4.1")),
        [
            "Dòng 7: điểm tối đa của mục 2 là 3 nhưng tổng điểm tối đa các mục con (2.1) là 2.",
            "Dòng 9: mã 4.1 không có mục cha 4 trong tệp.",
        ],
    ),
    "children_not_summing": (
        xlsx_bytes(with_row(BASE, 2, max_points="2")),
        ["Dòng 2: điểm tối đa của mục 1 là 4 nhưng tổng điểm tối đa các mục con (1.1, 1.2, 1.3, 1.4) là 5."],
    ),
    "unparseable_rule": (
        xlsx_bytes(with_row(BASE, 4, rule="levels Tốt 1")),
        [
            "Dòng 5: tiêu chí 1.3, cột Cách chấm: Cách chấm «levels Tốt 1» không hợp lệ; dùng một trong: boolean, "
            "levels, tiers, proportional, manual, penalty, survey."
        ],
    ),
    "level_above_max": (
        xlsx_bytes(with_row(BASE, 4, rule="levels: Tốt=2; Đạt=0.5")),
        ["Dòng 5: tiêu chí 1.3, cột Cách chấm: Mức «Tốt»: 2 điểm vượt quá điểm tối đa 1."],
    ),
    "tier_above_max": (
        xlsx_bytes(with_row(BASE, 3, rule="tiers: >=100%=1.5; else=0")),
        ["Dòng 4: tiêu chí 1.2, cột Cách chấm: Bậc «>=100%=1.5»: 1,5 điểm vượt quá điểm tối đa 1."],
    ),
    "max_not_a_number": (
        xlsx_bytes(with_row(BASE, 2, max_points="một")),
        ["Dòng 3: Điểm tối đa «một» của mục 1.1 không phải là số."],
    ),
    "negative_max": (
        xlsx_bytes(with_row(BASE, 2, max_points="-1")),
        ["Dòng 3: Điểm tối đa của mục 1.1 không được âm (-1)."],
    ),
    "unknown_method": (
        xlsx_bytes(with_row(BASE, 2, method="chấm tay")),
        [
            "Dòng 3: phương pháp «chấm tay» không hợp lệ; dùng appraisal (TĐ), survey (XHH), bonus (Thưởng) hoặc "
            "penalty (Trừ)."
        ],
    ),
    "no_rows": (
        xlsx_bytes([SET_HEADER_VI]),
        ["Tệp «bo-chi-so.xlsx» chỉ có dòng tiêu đề (dòng 1), không có dòng dữ liệu nào."],
    ),
    "wrong_header": (
        xlsx_bytes([["Mã", "Tên", "Điểm"], ["1", "Lĩnh vực", "1"]]),
        [
            "Dòng 1: dòng tiêu đề thiếu cột Nội dung (title), Điểm tối đa (max_points), Phương pháp (method), Cách "
            "chấm (rule). Dòng tiêu đề phải ghi tên các cột (bắt buộc: Mã, Nội dung, Điểm tối đa, Phương pháp, "
            "Cách chấm); hãy dùng tệp mẫu."
        ],
    ),
    "not_a_workbook": (b"%PDF-1.7\n1 0 obj << >> endobj\n", [NOT_A_WORKBOOK]),
    "zip_but_not_a_workbook": (_zip_that_is_not_a_workbook(), [NOT_A_WORKBOOK]),
    "empty_file": (b"", ["Tệp «bo-chi-so.xlsx» trống (0 byte). Hãy chọn đúng tệp cần nhập."]),
}


@pytest.fixture
def world(period, group, unit, other_unit, index_set):
    """Some registry data that a refused import must leave exactly as it is."""
    return index_set


@pytest.mark.parametrize("case", list(REFUSALS), ids=list(REFUSALS))
def test_index_set_import_refuses_bad_workbook_whole(world, case):
    content, expected = REFUSALS[case]
    before = snapshot()
    result = _import(content)
    assert result.ok is False
    assert result.messages == expected
    assert result.summary == f"Không nhập tệp «bo-chi-so.xlsx»: có {len(expected)} lỗi, chưa ghi dữ liệu nào."
    assert result.index_set is None and result.counts == {}
    assert snapshot() == before
    assert not Period.objects.filter(year=2024).exists()


def test_index_set_import_refusal_keeps_existing_unlocked_set_untouched(world):
    PeriodFactory(year=2024, phase=Phase.PREPARING)
    _import(xlsx_bytes(BASE))
    before = snapshot()
    result = _import(xlsx_bytes(with_row(BASE, 2, max_points="x")))
    assert result.messages == ["Dòng 3: Điểm tối đa «x» của mục 1.1 không phải là số."]
    assert snapshot() == before
    assert IndexSet.objects.get(period__year=2024).version == 1


def test_index_set_import_reports_every_problem_not_just_the_first(world):
    rows = with_row(BASE, 2, max_points="-1")
    rows = with_row(rows, 9, method="TĐ")
    rows = with_row(rows, 10, rule="survey: x")
    rows = with_row(rows, 11, code="3.2")
    before = snapshot()
    result = _import(xlsx_bytes(rows))
    assert result.messages == [
        "Dòng 3: Điểm tối đa của mục 1.1 không được âm (-1).",
        "Dòng 10: mục 3 có mục con nên để trống Phương pháp và Cách chấm (chỉ tiêu chí cuối cùng mới được chấm).",
        "Dòng 10: mục 3 có cả tiêu chí chấm điểm (TĐ, XHH) và điểm thưởng/trừ; hãy đưa điểm thưởng, điểm trừ "
        "ra một nội dung riêng (ví dụ «9. Điểm thưởng, điểm trừ» với 9.1, 9.2) hoặc mục riêng T1, P1.",
        "Dòng 11: tiêu chí 3.1, cột Cách chấm: Cách chấm survey không có tham số.",
    ]
    assert snapshot() == before


def test_index_set_import_creates_period_group_and_tree(db):
    result = _import(xlsx_bytes(BASE), group_code="so", group_name="Các sở, ban, ngành", scale=Decimal("10"))
    assert result.ok, result.messages
    period = Period.objects.get(year=2024)
    assert period.name == "Chỉ số CCHC năm 2024" and period.phase == Phase.PREPARING
    assert Group.objects.get(code="so").name == "Các sở, ban, ngành"
    index_set = result.index_set
    assert (index_set.version, index_set.source_name) == (1, "bo-chi-so.xlsx")
    nodes = {n.code: n for n in IndexNode.objects.filter(index_set=index_set)}
    assert len(nodes) == 12
    assert nodes["1.3"].parent_id == nodes["1"].pk and nodes["1.3"].depth == 1 and nodes["1.3"].is_leaf
    assert nodes["1"].is_leaf is False and nodes["1"].method == "" and nodes["1"].max_points == Decimal("4")
    assert (nodes["2.1"].method, nodes["2.1"].rule, nodes["2.1"].excluded_tags) == (
        "appraisal",
        "manual: step=0.25",
        "no_tthc",
    )
    assert (nodes["P1"].method, nodes["P1"].parent_id) == ("penalty", None)
    assert [n.code for n in index_set.nodes.order_by("position")][:3] == ["1", "1.1", "1.2"]
    assert result.summary == (
        "Đã nhập Bộ chỉ số Các sở, ban, ngành năm 2024 (phiên bản 1) từ «bo-chi-so.xlsx»: 12 mục, "
        "9 tiêu chí chấm điểm, thang điểm 10."
    )


def test_index_set_import_accepts_csv_with_english_header(db):
    rows = [
        ["code", "title", "max_points", "method", "rule"],
        ["1", "Lĩnh vực", "2", "", ""],
        ["1.1", "Tiêu chí", "2", "appraisal", "proportional: min=50%"],
    ]
    content = "\n".join(";".join(r) for r in rows).encode("utf-8-sig")
    result = _import(content, name="bo.csv", group_name="Khối thử")
    assert result.ok, result.messages
    assert result.scale == Decimal("2")


def test_index_set_import_new_group_needs_a_name(db):
    result = _import(xlsx_bytes(BASE), group_code="xa")
    assert result.messages == [
        "Khối «xa» chưa có trong danh mục: hãy nhập tên khối để tạo khối mới, hoặc chọn một khối đã có."
    ]
    assert not Group.objects.exists() and not Period.objects.exists()


def test_index_set_import_scale_must_match_when_asked(group):
    result = _import(xlsx_bytes(BASE), scale=Decimal("100"))
    assert result.messages == [
        "Thang điểm của bộ chỉ số là 10 (tổng điểm các lĩnh vực 1, 2, 3) nhưng yêu cầu là 100."
    ]
    assert not IndexSet.objects.exists()


def test_index_set_import_replaces_unlocked_set_and_bumps_version(group):
    PeriodFactory(year=2024, phase=Phase.PREPARING)
    first = _import(xlsx_bytes(BASE)).index_set
    rows = [r for r in BASE if r[0] not in ("T1",)]
    second = _import(xlsx_bytes(rows), name="bo-chi-so-sua.xlsx").index_set
    assert second.pk == first.pk
    assert (second.version, second.source_name) == (2, "bo-chi-so-sua.xlsx")
    assert sorted(second.nodes.values_list("code", flat=True)) == sorted(r[0] for r in rows[1:])


def test_index_set_import_refuses_locked_period(world):
    before = snapshot()
    with pytest.raises(PhaseError) as error:
        _import(xlsx_bytes(BASE), year=2023)
    assert error.value.message == (
        "Chỉ số CCHC năm 2023 đang ở giai đoạn «Tự đánh giá»: bộ chỉ số đã khóa, không thể nhập hoặc thay thế. "
        "Chỉ được sửa lỗi chính tả trong nội dung, hướng dẫn và tài liệu kiểm chứng."
    )
    assert snapshot() == before


def test_index_set_import_refuses_bad_group_code(db):
    with pytest.raises(ServiceError) as error:
        _import(xlsx_bytes(BASE), group_code="khối sở", group_name="Sở")
    assert "chỉ được gồm chữ cái không dấu" in error.value.message
    assert not Period.objects.exists()


def test_index_set_copy_makes_version_one_of_the_new_year(world, secretariat):
    PeriodFactory(year=2024, phase=Phase.PREPARING)
    copy = index_set_copy(source=world, year=2024, by=secretariat)
    assert (copy.period.year, copy.period.name, copy.group_id, copy.version, copy.copied_from_id) == (
        2024,
        "Chỉ số CCHC năm 2024",
        world.group_id,
        1,
        world.pk,
    )
    old = list(world.nodes.order_by("position").values_list("code", "max_points", "rule", "is_leaf", "depth"))
    new = list(copy.nodes.order_by("position").values_list("code", "max_points", "rule", "is_leaf", "depth"))
    assert new == old
    parent_codes = {n.code: n.parent.code if n.parent else None for n in copy.nodes.select_related("parent")}
    assert parent_codes["1.2"] == "1" and parent_codes["T1"] is None
    assert not copy.nodes.filter(parent__index_set=world).exists()


def test_index_set_copy_refuses_existing_set_same_year_and_locked_period(world, secretariat):
    PeriodFactory(year=2024, phase=Phase.PREPARING)
    index_set_copy(source=world, year=2024, by=secretariat)
    with pytest.raises(ServiceError) as error:
        index_set_copy(source=world, year=2024, by=secretariat)
    assert error.value.message == (
        "Năm 2024 đã có bộ chỉ số của khối «Các sở, ban, ngành». Hãy nhập tệp để thay thế bộ đó."
    )
    with pytest.raises(ServiceError):
        index_set_copy(source=world, year=2023, by=secretariat)
    PeriodFactory(year=2025, phase=Phase.SELF_ASSESSMENT)
    with pytest.raises(PhaseError):
        index_set_copy(source=world, year=2025, by=secretariat)
    assert IndexSet.objects.count() == 2


def test_index_node_text_fix_logs_each_changed_text(world, secretariat):
    node = world.nodes.get(code="1.1")
    changed = index_node_text_fix(
        node=node,
        title="Ban hành kế hoạch CCHC năm đúng hạn",
        guidance="Trước 31/12.",
        evidence="",
        by=secretariat,
    )
    assert changed == 2
    node.refresh_from_db()
    assert node.title == "Ban hành kế hoạch CCHC năm đúng hạn" and node.rule == "boolean"
    logs = list(TextFixLog.objects.order_by("field").values_list("field", "old", "new", "by"))
    assert logs == [
        ("guidance", "", "Trước 31/12.", secretariat.pk),
        ("title", "Ban hành kế hoạch CCHC năm", "Ban hành kế hoạch CCHC năm đúng hạn", secretariat.pk),
    ]


def test_build_index_set_fixture_matches_import(world):
    """The import and the tests' builder agree on the small set."""
    imported = _import(xlsx_bytes(BASE), year=2024).index_set
    built = build_index_set(PeriodFactory(year=2022), world.group)
    fields = ("code", "max_points", "method", "rule", "excluded_tags", "depth", "is_leaf")
    assert list(imported.nodes.order_by("position").values_list(*fields)) == list(
        built.nodes.order_by("position").values_list(*fields)
    )
