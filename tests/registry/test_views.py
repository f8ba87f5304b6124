"""Registry pages: the secretariat (and the administrator) only; every view allowed and denied."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from appraisal.registry.models import (
    Group,
    IndexSet,
    Organisation,
    Period,
    PeriodEvent,
    Phase,
    PhaseWindow,
    TextFixLog,
    Unit,
    UnitMembership,
)
from tests.factories import GroupFactory, PeriodFactory, UnitFactory, build_index_set, member_of
from tests.registry.helpers import (
    SET_HEADER_VI,
    UNIT_HEADER_VI,
    small_set_rows,
    snapshot,
    with_row,
    xlsx_bytes,
)


@pytest.fixture
def world(period, group, unit, other_unit, index_set):
    return {"period": period, "group": group, "unit": unit, "index_set": index_set}


def _urls(world) -> dict[str, tuple[str, str]]:
    """name → (method, url) of every registry view."""
    p, g, u, s = world["period"], world["group"], world["unit"], world["index_set"]
    node = s.nodes.get(code="1.1")
    return {
        "index": ("get", reverse("registry:index")),
        "group_list": ("get", reverse("registry:group_list")),
        "group_create": ("get", reverse("registry:group_create")),
        "group_edit": ("get", reverse("registry:group_edit", args=[g.pk])),
        "unit_list": ("get", reverse("registry:unit_list")),
        "unit_create": ("get", reverse("registry:unit_create")),
        "unit_edit": ("get", reverse("registry:unit_edit", args=[u.pk])),
        "unit_deactivate": ("post", reverse("registry:unit_deactivate", args=[u.pk])),
        "unit_activate": ("post", reverse("registry:unit_activate", args=[u.pk])),
        "units_import": ("get", reverse("registry:units_import")),
        "index_set_import": ("get", reverse("registry:index_set_import")),
        "index_set_copy": ("get", reverse("registry:index_set_copy")),
        "index_set_detail": ("get", reverse("registry:index_set_detail", args=[s.pk])),
        "index_node_fix": ("get", reverse("registry:index_node_fix", args=[node.pk])),
        "template_units": ("get", reverse("registry:template_units")),
        "template_index_set": ("get", reverse("registry:template_index_set")),
        "period_list": ("get", reverse("registry:period_list")),
        "period_create": ("get", reverse("registry:period_create")),
        "period_detail": ("get", reverse("registry:period_detail", args=[p.pk])),
        "period_edit": ("get", reverse("registry:period_edit", args=[p.pk])),
        "period_window": ("post", reverse("registry:period_window", args=[p.pk, "appraisal"])),
        "period_set_current": ("post", reverse("registry:period_set_current", args=[p.pk])),
        "organisation_edit": ("get", reverse("registry:organisation_edit")),
    }


VIEW_NAMES = [
    "index",
    "group_list",
    "group_create",
    "group_edit",
    "unit_list",
    "unit_create",
    "unit_edit",
    "unit_deactivate",
    "unit_activate",
    "units_import",
    "index_set_import",
    "index_set_copy",
    "index_set_detail",
    "index_node_fix",
    "template_units",
    "template_index_set",
    "period_list",
    "period_create",
    "period_detail",
    "period_edit",
    "period_window",
    "period_set_current",
    "organisation_edit",
]
DENIED = ["editor", "head", "member", "observer", "outsider", "chair"]


def test_every_registry_url_is_covered(world):
    from appraisal.registry.urls import urlpatterns
    from tests.registry.test_period_pages import PERIOD_PAGE_VIEWS

    assert sorted(p.name for p in urlpatterns) == sorted(VIEW_NAMES + list(PERIOD_PAGE_VIEWS))


@pytest.mark.parametrize("view", VIEW_NAMES)
def test_registry_view_denied_to_everyone_but_secretariat(request, client, world, view):
    method, url = _urls(world)[view]
    people = {persona: request.getfixturevalue(persona) for persona in DENIED}
    before = snapshot()
    for persona, user in people.items():
        client.force_login(user)
        response = getattr(client, method)(url, {"to_phase": "appraisal"} if method == "post" else None)
        assert (response.status_code, persona) == (403, persona)
    assert snapshot() == before


@pytest.mark.parametrize("view", VIEW_NAMES)
def test_registry_view_sends_anonymous_to_login(client, world, view):
    method, url = _urls(world)[view]
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# -- allowed ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["secretariat", "admin_user"])
def test_registry_index_shows_everything_at_a_glance(request, client_for, world, persona):
    body = client_for(request.getfixturevalue(persona)).get(reverse("registry:index")).content.decode()
    assert "Kỳ hiện tại: <strong>Chỉ số CCHC năm 2023</strong> (Tự đánh giá)" in body
    assert reverse("registry:period_detail", args=[world["period"].pk]) in body
    assert reverse("registry:index_set_detail", args=[world["index_set"].pk]) in body
    assert "Tổng số đơn vị trong danh mục: <strong>2</strong>." in body
    assert '<td class="num">10</td>' in body  # the small set's scale


def test_group_list_and_create_and_edit(client_for, secretariat, world):
    c = client_for(secretariat)
    assert "Các sở, ban, ngành" in c.get(reverse("registry:group_list")).content.decode()
    response = c.post(
        reverse("registry:group_create"),
        {"code": "huyen", "name": "UBND cấp huyện", "title_noun": "", "order": "2"},
    )
    assert response.status_code == 302
    group = Group.objects.get(code="huyen")
    assert (group.name, group.order) == ("UBND cấp huyện", 2)
    response = c.post(reverse("registry:group_create"), {"code": "huyen", "name": "Trùng"})
    assert "Mã khối «huyen» đã có; hãy chọn mã khác." in response.content.decode()
    c.post(
        reverse("registry:group_edit", args=[group.pk]),
        {
            "code": "doi-ma",
            "name": "UBND các huyện, thị xã",
            "title_noun": "CỦA UBND CÁC HUYỆN",
            "order": "3",
        },
    )
    group.refresh_from_db()
    assert (group.code, group.name, group.title_noun) == (
        "huyen",
        "UBND các huyện, thị xã",
        "CỦA UBND CÁC HUYỆN",
    )


def test_unit_list_shows_membership_of_selected_period_and_filters_by_group(client_for, secretariat, world):
    huyen = GroupFactory(code="huyen", name="UBND các huyện")
    member_of(world["period"], UnitFactory(code="tphatinh", name="Thành phố Hà Tĩnh"), huyen)
    UnitFactory(code="moi", name="Đơn vị chưa xếp khối")
    c = client_for(secretariat)
    body = c.get(reverse("registry:unit_list")).content.decode()
    assert "4 đơn vị · khối theo Chỉ số CCHC năm 2023" in body
    assert "<td>UBND các huyện</td>" in body and "<td>chưa xếp khối</td>" in body
    body = c.get(
        reverse("registry:unit_list"), {"period": world["period"].pk, "group": huyen.pk}
    ).content.decode()
    assert "1 đơn vị" in body and "Thành phố Hà Tĩnh" in body and "Sở Tư pháp" not in body


def test_unit_create_edit_deactivate_activate(client_for, secretariat, world):
    c = client_for(secretariat)
    data = {
        "code": "sxd",
        "name": "Sở Xây dựng",
        "short_name": "SXD",
        "period": world["period"].pk,
        "group": world["group"].pk,
        "head_name": "Nguyễn Văn Dũng",
        "head_title": "Giám đốc",
        "email": "",
        "tags": "",
    }
    assert c.post(reverse("registry:unit_create"), data).status_code == 302
    unit = Unit.objects.get(code="sxd")
    assert UnitMembership.objects.get(unit=unit).group == world["group"]
    response = c.post(reverse("registry:unit_create"), {**data, "name": ""})
    body = response.content.decode()
    assert "Hãy nhập tên đơn vị." in body and 'value="Nguyễn Văn Dũng"' in body
    c.post(
        reverse("registry:unit_edit", args=[unit.pk]), {**data, "name": "Sở Xây dựng tỉnh", "tags": "no_tthc"}
    )
    unit.refresh_from_db()
    assert (unit.code, unit.name, unit.tags) == ("sxd", "Sở Xây dựng tỉnh", "no_tthc")
    deactivate = reverse("registry:unit_deactivate", args=[unit.pk])
    c.post(deactivate, {"period": world["period"].pk, "tracked": "0", "reason": ""})
    membership = UnitMembership.objects.get(unit=unit, period=world["period"])
    assert membership.tracked is True  # no reason: refused
    c.post(
        deactivate, {"period": world["period"].pk, "tracked": "0", "reason": "Sáp nhập vào Sở Xây dựng mới"}
    )
    membership.refresh_from_db()
    assert (membership.tracked, membership.untracked_reason) == (False, "Sáp nhập vào Sở Xây dựng mới")
    unit.refresh_from_db()
    assert unit.active is True  # the registry row and other years are untouched
    c.post(deactivate, {"period": world["period"].pk, "tracked": "1", "reason": "Nhầm"})
    membership.refresh_from_db()
    assert membership.tracked is True


def test_units_import_page_success_redirects_to_list(client_for, secretariat, world):
    content = xlsx_bytes(
        [UNIT_HEADER_VI, ["sxd", "Sở Xây dựng", "so", "", "Nguyễn Văn Dũng", "Giám đốc", ""]]
    )
    response = client_for(secretariat).post(
        reverse("registry:units_import"),
        {"year": "2023", "file": SimpleUploadedFile("dv.xlsx", content)},
        follow=True,
    )
    body = response.content.decode()
    assert "Đã nhập 1 đơn vị cho năm 2023 từ «dv.xlsx»: 1 đơn vị mới, 0 đơn vị cập nhật." in body
    assert Unit.objects.get(code="sxd").memberships.get().group == world["group"]


def test_units_import_page_lists_every_problem_and_keeps_year(client_for, secretariat, world):
    content = xlsx_bytes([UNIT_HEADER_VI, ["a", "", "so", "", "", "", ""], ["a", "A", "xa", "", "", "", ""]])
    before = snapshot()
    response = client_for(secretariat).post(
        reverse("registry:units_import"), {"year": "2031", "file": SimpleUploadedFile("sai.xlsx", content)}
    )
    body = response.content.decode()
    assert "Không nhập tệp «sai.xlsx»: có 3 lỗi, chưa ghi dữ liệu nào" in body
    assert '<tr><td class="num">2</td><td>thiếu Tên đơn vị.</td></tr>' in body
    assert '<tr><td class="num">3</td><td>mã đơn vị a bị trùng với dòng 2.</td></tr>' in body
    assert 'value="2031"' in body
    assert snapshot() == before


def test_index_set_import_page_success_shows_tree(client_for, secretariat, world):
    c = client_for(secretariat)
    response = c.post(
        reverse("registry:index_set_import"),
        {
            "year": "2024",
            "group": "so",
            "group_name": "",
            "scale": "10",
            "file": SimpleUploadedFile("bo.xlsx", xlsx_bytes(small_set_rows())),
        },
        follow=True,
    )
    body = response.content.decode()
    index_set = IndexSet.objects.get(period__year=2024)
    assert response.redirect_chain == [(reverse("registry:index_set_detail", args=[index_set.pk]), 302)]
    assert "Đã nhập Bộ chỉ số Các sở, ban, ngành năm 2024 (phiên bản 1) từ «bo.xlsx»" in body
    assert "Thang điểm: 10" in body


def test_index_set_import_page_refusal_lists_rows_and_keeps_choices(client_for, secretariat, world):
    before = snapshot()
    content = xlsx_bytes(with_row(with_row(small_set_rows(), 4, code="1.2"), 2, max_points="một"))
    response = client_for(secretariat).post(
        reverse("registry:index_set_import"),
        {
            "year": "2024",
            "group": "xa",
            "group_name": "UBND cấp xã",
            "scale": "",
            "file": SimpleUploadedFile("bo-loi.xlsx", content),
        },
    )
    body = response.content.decode()
    assert "Không nhập tệp «bo-loi.xlsx»: có 2 lỗi, chưa ghi dữ liệu nào" in body
    assert '<td class="num">3</td><td>Điểm tối đa «một» của mục 1.1 không phải là số.</td>' in body
    assert '<td class="num">5</td><td>mã 1.2 bị trùng với dòng 4.</td>' in body
    assert 'value="UBND cấp xã"' in body and 'value="xa"' in body and 'value="2024"' in body
    assert snapshot() == before


def test_index_set_import_page_refuses_locked_period_with_message(client_for, secretariat, world):
    response = client_for(secretariat).post(
        reverse("registry:index_set_import"),
        {"year": "2023", "group": "so", "file": SimpleUploadedFile("bo.xlsx", xlsx_bytes(small_set_rows()))},
    )
    assert "bộ chỉ số đã khóa, không thể nhập hoặc thay thế" in response.content.decode()
    assert world["index_set"].nodes.count() == 12


def test_index_set_import_form_needs_name_for_new_group(client_for, secretariat, world):
    response = client_for(secretariat).post(
        reverse("registry:index_set_import"),
        {"year": "2024", "group": "xa", "file": SimpleUploadedFile("bo.xlsx", xlsx_bytes([SET_HEADER_VI]))},
    )
    assert "Khối «xa» chưa có: hãy nhập tên khối để tạo khối mới." in response.content.decode()


def test_index_set_detail_shows_tree_scale_methods_rules(client_for, secretariat, world):
    body = (
        client_for(secretariat)
        .get(reverse("registry:index_set_detail", args=[world["index_set"].pk]))
        .content.decode()
    )
    assert '<p class="fs-3 fw-bold mb-0" id="scale">Thang điểm: 10</p>' in body
    assert (
        "Thẩm định: <strong>7</strong> điểm · Điều tra XHH: <strong>3</strong> điểm · 3 lĩnh vực · 9 tiêu chí chấm điểm (kể cả T1, P1)"
        in body
    )
    assert "<td>Từ 100% trở lên: 1 điểm; từ 80%: 0,5 điểm; còn lại: 0 điểm</td>" in body
    assert "<td>Điều tra XHH</td>" in body and "<td>Điểm trừ</td>" in body
    assert "Đã khóa cấu trúc" in body
    assert body.index("Công tác chỉ đạo, điều hành CCHC") < body.index("Ban hành kế hoạch CCHC năm")


def test_index_set_copy_page(client_for, secretariat, world):
    PeriodFactory(year=2024, phase=Phase.PREPARING)
    response = client_for(secretariat).post(
        reverse("registry:index_set_copy"), {"source": world["index_set"].pk, "year": "2024"}, follow=True
    )
    copy = IndexSet.objects.get(period__year=2024)
    assert copy.copied_from == world["index_set"]
    assert (
        "Đã sao chép thành Bộ chỉ số Các sở, ban, ngành năm 2024 (phiên bản 1)." in response.content.decode()
    )


def test_index_node_fix_page_logs_change(client_for, secretariat, world):
    node = world["index_set"].nodes.get(code="1.1")
    client_for(secretariat).post(
        reverse("registry:index_node_fix", args=[node.pk]),
        {"title": "Ban hành kế hoạch CCHC năm đúng hạn", "guidance": "", "evidence": "Kế hoạch CCHC."},
    )
    assert list(TextFixLog.objects.order_by("field").values_list("field", "new")) == [
        ("evidence", "Kế hoạch CCHC."),
        ("title", "Ban hành kế hoạch CCHC năm đúng hạn"),
    ]


@pytest.mark.parametrize(
    ("view", "filename", "header"),
    [
        ("template_units", "mau-don-vi.xlsx", UNIT_HEADER_VI[:3] + ["Tên khối", "Tên viết tắt"]),
        (
            "template_index_set",
            "mau-bo-chi-so.xlsx",
            SET_HEADER_VI[:5] + ["Hướng dẫn", "Tài liệu kiểm chứng"],
        ),
    ],
)
def test_template_download_is_a_workbook_with_vietnamese_header(
    client_for, secretariat, db, view, filename, header
):
    response = client_for(secretariat).get(reverse(f"registry:{view}"))
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    cells = [c.value for c in sheet[1]]
    assert cells[: len(header)] == header
    assert sheet["A1"].font.name == "Times New Roman" and sheet["A1"].font.b is True
    assert sheet["A2"].value in ("skhcn", "1") and sheet["A2"].font.name == "Times New Roman"


def test_index_set_template_imports_cleanly(client_for, secretariat, db):
    from appraisal.registry.services import index_set_import

    content = client_for(secretariat).get(reverse("registry:template_index_set")).content
    result = index_set_import(
        year=2024,
        group_code="so",
        group_name="Sở",
        file_name="mau-bo-chi-so.xlsx",
        content=content,
        by=secretariat,
    )
    assert result.ok, result.messages
    assert result.scale == Decimal("2")


def test_period_pages_create_edit_window_advance(client_for, secretariat, db):
    c = client_for(secretariat)
    response = c.post(reverse("registry:period_create"), {"year": "2024", "name": ""})
    period = Period.objects.get(year=2024)
    assert response["Location"] == reverse("registry:period_detail", args=[period.pk])
    assert period.name == "Chỉ số CCHC năm 2024"
    body = c.get(reverse("registry:period_detail", args=[period.pk])).content.decode()
    assert 'Giai đoạn hiện tại: <strong id="period-phase">Chuẩn bị</strong>' in body
    assert '<option value="self_assessment">Tự đánh giá</option>' in body

    data = {
        "name": "Chỉ số CCHC năm 2024",
        "decimals": "2",
        "explanation_days": "7",
        "head_min_field_index": "",
        "decision_number": "519/QĐ-UBND",
        "decision_date": "05/02/2025",
        "legal_bases": "Căn cứ A;",
        "proposal": "Theo đề nghị của Giám đốc Sở Nội vụ",
        "recipients": "Như Điều 4;",
        "band_xuat_sac": "90",
        "band_tot": "80",
        "band_kha": "70",
        "band_trung_binh": "50",
        "head_htxs": "90",
        "head_htt": "80",
        "head_ht": "70",
        "survey_A": "100",
        "survey_B": "60",
        "survey_C": "25",
        "survey_D": "0",
    }
    c.post(reverse("registry:period_edit", args=[period.pk]), data)
    period.refresh_from_db()
    assert (period.explanation_days, period.decision_number, str(period.decision_date)) == (
        7,
        "519/QĐ-UBND",
        "2025-02-05",
    )
    assert period.survey_weights == {"A": "100", "B": "60", "C": "25", "D": "0"}
    assert period.bands == [["xuat_sac", "90"], ["tot", "80"], ["kha", "70"], ["trung_binh", "50"]]
    body = c.post(
        reverse("registry:period_edit", args=[period.pk]), {**data, "band_tot": "95"}
    ).content.decode()
    assert "Các ngưỡng xếp loại phải giảm dần từ trên xuống." in body

    response = c.post(
        reverse("registry:period_window", args=[period.pk, "self_assessment"]),
        {
            "self_assessment-opens_at": "2025-01-05T08:00",
            "self_assessment-due_at": "2025-01-20T17:00",
            "self_assessment-grace_minutes": "30",
        },
        headers={"HX-Request": "true"},
    )
    assert "Đã lưu" in response.content.decode()
    window = PhaseWindow.objects.get(period=period, phase="self_assessment")
    assert (window.due_at.isoformat(), window.grace_minutes) == ("2025-01-20T10:00:00+00:00", 30)
    response = c.post(
        reverse("registry:period_window", args=[period.pk, "appraisal"]),
        {
            "appraisal-opens_at": "2025-02-05T08:00",
            "appraisal-due_at": "2025-02-01T17:00",
            "appraisal-grace_minutes": "0",
        },
        headers={"HX-Request": "true"},
    )
    assert "Hạn chót phải sau thời điểm mở." in response.content.decode()
    assert not PhaseWindow.objects.filter(period=period, phase="appraisal").exists()

    c.post(
        reverse("council:period_advance", args=[period.year]),
        {"to_phase": "self_assessment", "reason": "Mở", "confirm": "on"},
    )
    period.refresh_from_db()
    assert period.phase == Phase.SELF_ASSESSMENT
    event = PeriodEvent.objects.get(period=period, kind="phase")
    assert (event.from_phase, event.to_phase, event.by, event.reason) == (
        "preparing",
        "self_assessment",
        secretariat,
        "Mở",
    )
    response = c.post(reverse("council:period_advance", args=[period.year]), {"to_phase": "approved"})
    assert "Không chuyển sang giai đoạn này được" in response.content.decode()
    period.refresh_from_db()
    assert period.phase == Phase.SELF_ASSESSMENT


def test_period_list_shows_periods(client_for, secretariat, world):
    PeriodFactory(year=2024, phase=Phase.PREPARING)
    body = client_for(secretariat).get(reverse("registry:period_list")).content.decode()
    body = body[body.index('id="main"') :]
    assert body.index("Chỉ số CCHC năm 2024") < body.index("Chỉ số CCHC năm 2023")
    assert "<td>Chuẩn bị</td>" in body and "<td>Tự đánh giá</td>" in body


def test_organisation_page_saves(client_for, secretariat, db):
    c = client_for(secretariat)
    data = {
        "name": "Ủy ban nhân dân tỉnh Hà Tĩnh",
        "issuer_name": "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH",
        "parent_name": "",
        "place": "Hà Tĩnh",
        "chairman_title": "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH",
        "signer_name": "Nguyễn Hồng Lĩnh",
        "signer_title": "PHÓ CHỦ TỊCH",
        "signer_for": "KT. CHỦ TỊCH",
        "notice_issuer_name": "HỘI ĐỒNG THẨM ĐỊNH CHỈ SỐ CCHC",
        "notice_parent_name": "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH",
        "notice_symbol": "HĐTĐ",
        "notice_signer_for": "TM. HỘI ĐỒNG THẨM ĐỊNH",
        "notice_signer_title": "CHỦ TỊCH",
        "notice_signer_name": "Trần Thị Mai",
    }
    assert c.post(reverse("registry:organisation_edit"), data).status_code == 302
    org = Organisation.current()
    assert (org.signer_name, org.signer_for, Organisation.objects.count()) == (
        "Nguyễn Hồng Lĩnh",
        "KT. CHỦ TỊCH",
        1,
    )
    # The notices' own signer is a setting beside the decision's (issue 15, point 7).
    assert (org.notice_signer_for, org.notice_signer_name) == ("TM. HỘI ĐỒNG THẨM ĐỊNH", "Trần Thị Mai")


# -- query-count guards ----------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 30])
def test_unit_list_query_count_is_constant(client_for, secretariat, world, django_assert_num_queries, extra):
    for i in range(extra):
        member_of(world["period"], UnitFactory(code=f"u{i}"), world["group"])
    c = client_for(secretariat)
    with django_assert_num_queries(UNIT_LIST_QUERIES):
        c.get(reverse("registry:unit_list"))


@pytest.mark.parametrize("big", [False, True])
def test_index_set_detail_query_count_is_constant(
    client_for, secretariat, world, django_assert_num_queries, big
):
    from appraisal.registry.demo_sets import DEMO_SETS, method_of

    index_set = world["index_set"]
    if big:
        rows = [(c, t, m, method_of(c, r), r, x) for c, t, m, r, _, _, x in DEMO_SETS["so"]]
        index_set = build_index_set(PeriodFactory(year=2024), world["group"], rows)
        TextFixLog.objects.create(
            node=index_set.nodes.first(), field="title", old="a", new="b", by=secretariat
        )
    c = client_for(secretariat)
    with django_assert_num_queries(DETAIL_QUERIES):
        c.get(reverse("registry:index_set_detail", args=[index_set.pk]))


@pytest.mark.parametrize("extra", [0, 10])
def test_group_period_and_index_pages_query_counts(
    client_for, secretariat, world, django_assert_num_queries, extra
):
    for i in range(extra):
        g = GroupFactory(code=f"g{i}")
        p = PeriodFactory(year=2000 + i)
        build_index_set(p, g)
    c = client_for(secretariat)
    for name, expected in (
        ("registry:group_list", GROUP_LIST_QUERIES),
        ("registry:period_list", PERIOD_LIST_QUERIES),
        ("registry:index", INDEX_QUERIES),
    ):
        with django_assert_num_queries(expected):
            c.get(reverse(name))


UNIT_LIST_QUERIES = 11
DETAIL_QUERIES = 8
GROUP_LIST_QUERIES = 8
PERIOD_LIST_QUERIES = 6
INDEX_QUERIES = 13


def test_period_advance_offers_the_next_phase_first(client_for, secretariat, world):
    body = (
        client_for(secretariat)
        .get(reverse("registry:period_detail", args=[world["period"].pk]))
        .content.decode()
    )
    first = body.index('<option value="appraisal">Thẩm định vòng 1</option>')
    assert first < body.index('<option value="preparing">Chuẩn bị</option>')


def test_units_import_page_refuses_an_empty_file_with_the_message_of_every_import(
    client_for, secretariat, world
):
    response = client_for(secretariat).post(
        reverse("registry:units_import"), {"year": "2023", "file": SimpleUploadedFile("dv.csv", b"")}
    )

    body = response.content.decode()
    assert "Tệp «dv.csv» trống (0 byte). Hãy chọn đúng tệp cần nhập." in body
    assert "Tệp đã chọn trống" not in body
