"""A unit's code is unique ignoring case (imports join units by code case-insensitively), and so is a node's code
within its index set: the web form, the units import (page and command), the admin and the database refuse a
code that differs from an existing one only in case."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from appraisal.core.exceptions import ServiceError
from appraisal.registry.importing import parse_index_set
from appraisal.registry.models import IndexNode, Unit
from appraisal.registry.services import unit_create, units_import
from tests.factories import GroupFactory, build_index_set
from tests.registry.helpers import UNIT_HEADER_VI, small_set_rows, snapshot, xlsx_bytes

TAKEN = "Mã «SKHCN» đã dùng cho đơn vị «Sở Khoa học và Công nghệ» (mã không phân biệt chữ hoa, chữ thường)."


def _form(**changes: object) -> dict[str, object]:
    return {
        "code": "SKHCN",
        "name": "Trùng mã",
        "short_name": "",
        "period": "",
        "group": "",
        "head_name": "Nguyễn Văn An",
        "head_title": "",
        "email": "",
        "tags": "",
        **changes,
    }


def test_unit_create_page_refuses_a_code_that_differs_only_in_case_and_keeps_what_was_typed(
    client_for, secretariat, unit
):
    before = snapshot()
    response = client_for(secretariat).post(reverse("registry:unit_create"), _form())
    body = response.content.decode()
    assert response.status_code == 200
    assert TAKEN in body
    assert 'value="SKHCN"' in body and 'value="Trùng mã"' in body and 'value="Nguyễn Văn An"' in body
    assert "Đã tạo đơn vị" not in body
    assert snapshot() == before


def test_unit_create_page_refuses_the_same_code_with_the_same_message(client_for, secretariat, unit):
    body = client_for(secretariat).post(reverse("registry:unit_create"), _form(code="skhcn")).content.decode()
    assert TAKEN.replace("«SKHCN»", "«skhcn»") in body
    assert Unit.objects.count() == 1


def test_unit_edit_page_saves_a_unit_under_its_own_code(client_for, secretariat, unit):
    response = client_for(secretariat).post(
        reverse("registry:unit_edit", args=[unit.pk]), _form(code="skhcn", name="Sở KH&CN")
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.code, unit.name) == ("skhcn", "Sở KH&CN")


def test_unit_create_service_refuses_a_code_that_differs_only_in_case(unit):
    with pytest.raises(ServiceError) as error:
        unit_create(code="SKHCN", name="Trùng mã", by=None)
    assert error.value.message == TAKEN
    assert list(Unit.objects.values_list("code", flat=True)) == ["skhcn"]


def test_unit_admin_refuses_a_code_that_differs_only_in_case(client_for, admin_user, unit, other_unit):
    c = client_for(admin_user)
    data = {
        "code": "SKHCN",
        "name": "Trùng mã",
        "short_name": "",
        "tags": "",
        "head_name": "",
        "head_title": "",
    }
    data |= {"email": "", "active": "on"}
    body = c.post(reverse("admin:registry_unit_add"), data).content.decode()
    assert TAKEN in body
    renamed = c.post(
        reverse("admin:registry_unit_change", args=[other_unit.pk]), {**data, "name": "Sở Tư pháp"}
    )
    assert TAKEN in renamed.content.decode()
    other_unit.refresh_from_db()
    assert other_unit.code == "stp"
    assert Unit.objects.count() == 2


def test_database_refuses_a_unit_code_that_differs_only_in_case(unit):
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(code="SKHCN", name="Trùng mã")
    assert Unit.objects.count() == 1


UNIT_ROWS = [
    UNIT_HEADER_VI,
    ["SKHCN", "Sở Khoa học và Công nghệ", "so", "", "", "", ""],
    ["sxd", "Sở Xây dựng", "so", "", "", "", ""],
    ["stc", "Sở Tài chính", "so", "", "", "", ""],
    ["SXD", "Sở Xây dựng (bản sao)", "so", "", "", "", ""],
]
UNIT_PROBLEMS = [
    "Dòng 2: mã «SKHCN» đã dùng cho đơn vị «Sở Khoa học và Công nghệ» (mã không phân biệt chữ hoa, chữ thường).",
    "Dòng 5: mã đơn vị SXD bị trùng với mã sxd ở dòng 3 (mã không phân biệt chữ hoa, chữ thường).",
]


def test_units_import_lists_every_code_that_differs_only_in_case_and_writes_nothing(unit):
    before = snapshot()
    result = units_import(year=2023, file_name="dv.xlsx", content=xlsx_bytes(UNIT_ROWS), by=None)
    assert result.messages == UNIT_PROBLEMS
    assert snapshot() == before


def test_units_import_page_lists_every_code_that_differs_only_in_case(client_for, secretariat, unit):
    before = snapshot()
    response = client_for(secretariat).post(
        reverse("registry:units_import"),
        {"year": "2023", "file": SimpleUploadedFile("dv.xlsx", xlsx_bytes(UNIT_ROWS))},
    )
    body = response.content.decode()
    assert "Không nhập tệp «dv.xlsx»: có 2 lỗi, chưa ghi dữ liệu nào" in body
    for problem in UNIT_PROBLEMS:
        number, text = problem.removeprefix("Dòng ").split(": ", 1)
        assert f'<tr><td class="num">{number}</td><td>{text}</td></tr>' in body
    assert snapshot() == before


def test_import_units_command_lists_every_code_that_differs_only_in_case(unit, tmp_path):
    path = tmp_path / "dv.xlsx"
    path.write_bytes(xlsx_bytes(UNIT_ROWS))
    before = snapshot()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_units", str(path), "--year", "2023", stdout=StringIO(), stderr=err)
    for problem in UNIT_PROBLEMS:
        assert problem in err.getvalue()
    assert snapshot() == before


def test_index_set_import_refuses_node_codes_that_differ_only_in_case():
    rows = [(n, dict(zip(["code", "title", "max_points", "method", "rule"], r))) for n, r in enumerate(
        [r[:5] for r in small_set_rows()[1:]] + [["t1", "Sáng kiến khác", "1", "bonus", "boolean"]], start=2
    )]  # fmt: skip
    parsed = parse_index_set(rows)
    assert [str(p) for p in parsed.problems] == [
        "Dòng 14: mã t1 bị trùng với mã T1 ở dòng 12 (mã không phân biệt chữ hoa, chữ thường)."
    ]


def test_database_refuses_a_node_code_that_differs_only_in_case_within_a_set(period, index_set):
    node = {"title": "Sáng kiến khác", "max_points": 1, "method": "bonus", "rule": "boolean"}
    node |= {"position": 99, "depth": 0}
    with pytest.raises(IntegrityError), transaction.atomic():
        IndexNode.objects.create(index_set=index_set, code="t1", **node)
    other = build_index_set(period, GroupFactory(code="huyen"), rows=[])
    assert IndexNode.objects.create(index_set=other, code="t1", **node).pk
