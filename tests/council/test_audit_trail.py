"""The audit trail (issue 13, build item 5): every change of the secretariat, chair and members writes one
append-only row (who, when, what, old → new); the secretariat's page filters it and exports it as CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from appraisal.council.importing import scores_import
from appraisal.council.models import Assignment
from appraisal.council.services import (
    assignment_delete,
    assignments_create_bulk,
    council_role_grant,
    council_role_revoke,
)
from appraisal.documents.auditcsv import AUDIT_CSV_COLUMNS
from appraisal.registry.audit import audit_record
from appraisal.registry.models import AuditAction, AuditEntry, IndexNode, PeriodEventKind, Phase, Role
from appraisal.registry.phases import period_move
from appraisal.registry.services import (
    index_node_text_fix,
    period_update,
    unit_create,
    unit_set_active,
    unit_update,
    units_import,
)
from tests.factories import UserFactory
from tests.registry.helpers import xlsx_bytes


def name(user) -> str:
    return user.get_full_name() or user.username


def only(action: str) -> AuditEntry:
    return AuditEntry.objects.get(action=action)


def test_audit_unit_create_and_edit_write_old_and_new(period, group, secretariat):
    unit = unit_create(
        code="sxd", name="Sở Xây dựng", head_name="Nguyễn Văn A", by=secretariat, period=period, group=group
    )
    created = only(AuditAction.UNIT_CREATE)
    assert (created.by, created.by_name, created.period, created.object_id) == (
        secretariat,
        name(secretariat),
        period,
        str(unit.pk),
    )
    assert created.changes["name"] == [None, "Sở Xây dựng"]
    assert created.changes["group"] == [None, "Các sở, ban, ngành"]
    unit_update(unit=unit, name="Sở Xây dựng tỉnh", head_name="Nguyễn Văn A", by=secretariat)
    edited = only(AuditAction.UNIT_UPDATE)
    assert edited.changes == {"name": ["Sở Xây dựng", "Sở Xây dựng tỉnh"]}
    assert edited.object_repr == str(unit)
    unit_set_active(unit=unit, active=False, by=secretariat)
    assert only(AuditAction.UNIT_ACTIVE).changes == {"active": [True, False]}


def test_audit_unit_update_without_change_writes_nothing(unit, secretariat):
    unit_update(
        unit=unit,
        name=unit.name,
        short_name=unit.short_name,
        tags=unit.tags,
        head_name=unit.head_name,
        head_title=unit.head_title,
        email=unit.email,
        by=secretariat,
    )
    assert not AuditEntry.objects.filter(action=AuditAction.UNIT_UPDATE).exists()


def test_audit_text_fix_records_old_and_new(index_set, secretariat):
    node = IndexNode.objects.get(index_set=index_set, code="1.1")
    old = node.title
    index_node_text_fix(node=node, by=secretariat, title="Ban hành kế hoạch CCHC năm đúng hạn")
    row = only(AuditAction.TEXT_FIX)
    assert row.changes == {"title": [old, "Ban hành kế hoạch CCHC năm đúng hạn"]}
    assert (row.by, row.period) == (secretariat, index_set.period)


def test_audit_units_import_keeps_the_file(period, group, secretariat):
    content = xlsx_bytes([["code", "name", "group"], ["syt", "Sở Y tế", "so"]])
    result = units_import(year=2023, file_name="don-vi.xlsx", content=content, by=secretariat)
    assert result.ok
    row = only(AuditAction.IMPORT_UNITS)
    assert (row.by, row.period, row.object_repr) == (secretariat, period, "don-vi.xlsx")
    assert row.detail == "1 dòng: thêm 1, cập nhật 0 đơn vị, thêm 0 khối."
    assert row.file.name.endswith(".xlsx")
    assert row.file.read() == content


def test_audit_scores_import_keeps_the_file(world, secretariat):
    content = "unit;item;value;note\nskhcn;3.1;85%;\n".encode("utf-8-sig")
    report = scores_import(
        period=world["period"], layer="survey", file_name="xhh.csv", content=content, by=secretariat
    )
    assert report.ok
    row = only(AuditAction.IMPORT_SURVEY)
    assert (row.by, row.object_repr, row.detail) == (
        secretariat,
        "xhh.csv",
        "Lớp điều tra XHH: 1 dòng, ghi 1, không đổi 0.",
    )
    assert row.file.read() == content


def test_audit_scores_import_names_the_layer_in_vietnamese(world, secretariat, client_for):
    """QA 17: the log read «Lớp round1: 1 dòng…», the internal code."""
    content = "unit;item;value;note\nskhcn;1.1;Có;\n".encode("utf-8-sig")
    assert scores_import(
        period=world["period"], layer="round1", file_name="v1.csv", content=content, by=secretariat
    ).ok

    page = client_for(secretariat).get(reverse("scoring:audit")).content.decode()

    assert only(AuditAction.IMPORT_SCORES).detail == "Lớp thẩm định vòng 1: 1 dòng, ghi 1, không đổi 0."
    assert "Lớp thẩm định vòng 1: 1 dòng, ghi 1, không đổi 0." in page and "round1" not in page


def test_audit_council_roles_and_assignments(world, secretariat):
    period = world["period"]
    person = UserFactory(username="member.new", first_name="Hà", last_name="Lê")
    grant_row = council_role_grant(period=period, user=person, role=Role.MEMBER, by=secretariat)
    granted = only(AuditAction.ROLE_GRANT)
    assert (granted.object_repr, granted.changes["role"]) == (
        "Hà Lê (member.new)",
        [None, "Thành viên Hội đồng"],
    )
    created = assignments_create_bulk(
        period=period, members=[person], field_codes=["1"], groups=[None], by=secretariat
    )
    assert created == 1
    assert only(AuditAction.ASSIGNMENT_CREATE).changes == {"assignment": [None, "lĩnh vực 1, mọi khối"]}
    assignment_delete(assignment=Assignment.objects.get(member=person), by=secretariat)
    assert only(AuditAction.ASSIGNMENT_DELETE).changes == {"assignment": ["lĩnh vực 1, mọi khối", None]}
    council_role_revoke(role_assignment=grant_row, by=secretariat)
    assert only(AuditAction.ROLE_REVOKE).changes == {"role": ["Thành viên Hội đồng", None]}


def test_audit_phase_change_and_settings_are_mirrored(period, secretariat):
    period_update(period=period, by=secretariat, decision_number="519/QĐ-UBND")
    settings_row = only(PeriodEventKind.SETTINGS)
    assert (settings_row.by, settings_row.period) == (secretariat, period)
    assert "519/QĐ-UBND" in settings_row.detail
    period_move(period=period, to_phase=Phase.APPRAISAL, by=secretariat, reason="Hết hạn tự đánh giá.")
    phase_row = only(PeriodEventKind.PHASE)
    assert phase_row.changes == {"phase": ["Tự đánh giá", "Thẩm định vòng 1"]}
    assert phase_row.reason == "Hết hạn tự đánh giá."


def test_audit_login_is_recorded(client, outsider):
    client.force_login(outsider)
    row = only(AuditAction.LOGIN)
    assert (row.by, row.object_repr) == (outsider, "Người dùng (outsider)")


def test_audit_export_is_recorded(client_for, secretariat, period, unit):
    response = client_for(secretariat).get(reverse("registry:period_units_export", args=[period.pk]))
    assert response.status_code == 200
    row = only(AuditAction.EXPORT)
    assert (row.by, row.period) == (secretariat, period)
    assert row.object_repr == response["Content-Disposition"].split('filename="')[1].rstrip('"')


def test_audit_entry_is_append_only(secretariat):
    row = audit_record(action=AuditAction.EXPORT, by=secretariat, object_repr="a.csv")
    row.detail = "sửa"
    with pytest.raises(RuntimeError):
        row.save()
    with pytest.raises(RuntimeError):
        row.delete()
    with pytest.raises(RuntimeError):
        AuditEntry.objects.update(detail="x")
    with pytest.raises(RuntimeError):
        AuditEntry.objects.all().delete()


# -- the page ---------------------------------------------------------------------------------------------


def _rows(response) -> list[tuple[str, str]]:
    return [(e.by, e.action) for e in response.context["entries"]]


def test_audit_page_filters_by_person_object_and_date(
    client_for, secretariat, chair, period, unit, other_unit
):
    audit_record(action=AuditAction.UNIT_UPDATE, by=secretariat, obj=unit, period=period)
    audit_record(action=AuditAction.UNIT_UPDATE, by=chair, obj=other_unit, period=period)
    old = audit_record(action=AuditAction.EXPORT, by=chair, object_repr="cu.csv")
    with connection.cursor() as cursor:  # rows are append-only: move one back in time with SQL
        cursor.execute(
            f"UPDATE {AuditEntry._meta.db_table} SET at = %s WHERE id = %s",
            [timezone.now() - timedelta(days=10), old.pk],
        )
    c = client_for(secretariat)
    url = reverse("scoring:audit")
    by_person = c.get(url, {"person": chair.pk})
    assert _rows(by_person) == [(chair, "unit_update"), (chair, "export")]
    by_object = c.get(url, {"object_text": "tư pháp"})
    assert [e.object_repr for e in by_object.context["entries"]] == [str(other_unit)]
    today = timezone.localdate().isoformat()
    by_date = c.get(url, {"person": chair.pk, "date_from": today, "date_to": today})
    assert _rows(by_date) == [(chair, "unit_update")]
    by_action = c.get(url, {"action": "export", "person": chair.pk})
    assert _rows(by_action) == [(chair, "export")]


def test_audit_page_refuses_dates_in_the_wrong_order(client_for, secretariat):
    response = client_for(secretariat).get(
        reverse("scoring:audit"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert response.context["form"].non_field_errors() == ["«Từ ngày» phải trước hoặc bằng «Đến ngày»."]


def test_audit_csv_is_vietnamese_excel(client_for, secretariat, period, unit):
    audit_record(
        action=AuditAction.UNIT_UPDATE,
        by=secretariat,
        obj=unit,
        period=period,
        changes={"name": ["Sở KH&CN", "=Sở Khoa học và Công nghệ"]},
        reason="Đổi tên theo quyết định",
    )
    response = client_for(secretariat).get(reverse("scoring:audit_csv"), {"action": "unit_update"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert tuple(lines[0]) == AUDIT_CSV_COLUMNS
    assert lines[1][1:] == [
        name(secretariat),
        "Sửa đơn vị",
        period.name,
        "đơn vị",
        str(unit),
        "tên: Sở KH&CN → =Sở Khoa học và Công nghệ",
        "Đổi tên theo quyết định",
        "",
        "",
    ]
    assert response.content.count(b"\r\n") == 2
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, by=secretariat).count() == 1


@pytest.mark.parametrize("persona", ["editor", "member", "observer"])
def test_audit_page_denied_to_others(client_for, request, persona):
    user = request.getfixturevalue(persona)
    c = client_for(user)
    assert c.get(reverse("scoring:audit")).status_code == 403
    assert c.get(reverse("scoring:audit_csv")).status_code == 403


def test_audit_page_anonymous_goes_to_login(client):
    response = client.get(reverse("scoring:audit"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("count", [1, 30])
def test_audit_page_query_count(client_for, secretariat, period, unit, django_assert_num_queries, count):
    c = client_for(secretariat)
    for _ in range(count):
        audit_record(action=AuditAction.UNIT_UPDATE, by=secretariat, obj=unit, period=period)
    with django_assert_num_queries(9):
        response = c.get(reverse("scoring:audit"))
    assert len(response.context["entries"]) == count + 1  # and the login of the client
