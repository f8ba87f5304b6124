"""Pages for the life of a period (SPEC §3a, issue 9 behaviours 2 and 3): roll-over with its preview, delete,
archive and unarchive, unit list download, the period list's archived toggle, and the index-set copy page.
Secretariat only: every view allowed and denied."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from appraisal.assessments.layers import assessment_get_or_create, entry_record_layer
from appraisal.assessments.models import ItemEntry
from appraisal.core import roles
from appraisal.council.models import Assignment
from appraisal.registry.importing import UNIT_COLUMNS
from appraisal.registry.models import IndexSet, Period, PeriodEvent, Phase, RoleAssignment, UnitMembership
from tests.factories import (
    GroupFactory,
    PeriodFactory,
    UnitFactory,
    UserFactory,
    build_index_set,
    grant,
    member_of,
)
from tests.registry.helpers import snapshot

PERIOD_PAGE_VIEWS = {
    # name: the methods it answers (every one is checked allowed and denied)
    "period_rollover": ("get", "post"),
    "period_delete": ("get", "post"),
    "period_archive": ("get", "post"),
    "period_unarchive": ("get", "post"),
    "period_units_export": ("get",),
}
DENIED = ["editor", "head", "member", "chair", "observer", "outsider"]


@pytest.fixture
def world(period, group, unit, other_unit, index_set):
    return {"period": period, "group": group, "index_set": index_set}


@pytest.fixture
def draft(world):
    """An empty 2025 draft: the one thing a delete may take away."""
    p = PeriodFactory(year=2025, phase=Phase.PREPARING)
    build_index_set(p, world["group"])
    return p


def _url(name: str, period: Period) -> str:
    if name == "period_rollover":
        return reverse("registry:period_rollover")
    return reverse(f"registry:{name}", args=[period.pk])


def _post_data(name: str, world) -> dict[str, str]:
    if name == "period_rollover":
        return {"source": str(world["period"].pk), "year": "2024", "include_council": "on"}
    return {"reason": "Thử"}


@pytest.mark.parametrize(
    ("view", "method"), [(v, m) for v, methods in PERIOD_PAGE_VIEWS.items() for m in methods]
)
def test_period_page_denied_to_everyone_but_secretariat(request, client, world, draft, view, method):
    people = {persona: request.getfixturevalue(persona) for persona in DENIED}
    before = snapshot()
    for persona, user in people.items():
        client.force_login(user)
        response = getattr(client, method)(
            _url(view, draft), _post_data(view, world) if method == "post" else None
        )
        assert (response.status_code, persona) == (403, persona)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("view", "method"), [(v, m) for v, methods in PERIOD_PAGE_VIEWS.items() for m in methods]
)
def test_period_page_sends_anonymous_to_login(client, world, draft, view, method):
    before = snapshot()
    response = getattr(client, method)(_url(view, draft))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert snapshot() == before


# -- roll-over -------------------------------------------------------------------------------------------


def test_rollover_page_proposes_the_year_after_the_current_period_and_creates_nothing(
    client_for, secretariat, world
):
    before = snapshot()
    body = client_for(secretariat).get(reverse("registry:period_rollover")).content.decode()
    assert (
        f'<option value="{world["period"].pk}" selected data-year="2023">Chỉ số CCHC năm 2023</option>'
        in body
    )
    assert 'name="year" value="2024"' in body
    assert (
        'name="include_council" class="checkboxinput form-check-input" id="id_include_council" checked'
        in body
    )
    assert "Xem trước: kỳ năm" not in body
    assert snapshot() == before


def test_rollover_page_preview_lists_the_copy_and_offers_one_confirmation(
    client_for, secretariat, world, member
):
    grant(
        member, roles.MEMBER, world["period"].memberships.get(unit__code="stp").unit, period=world["period"]
    )
    before = snapshot()
    body = (
        client_for(secretariat)
        .get(reverse("registry:period_rollover"), {"source": world["period"].pk, "include_council": "on"})
        .content.decode()
    )
    assert "Xem trước: kỳ năm 2024 từ Chỉ số CCHC năm 2023" in body
    assert (
        '<tr><td>Các sở, ban, ngành</td><td class="num">12</td><td class="num">9</td><td>1</td></tr>' in body
    )
    assert "<summary>Các sở, ban, ngành: 2 đơn vị</summary>" in body
    assert "<td>Người dùng (member.stp)</td><td>Thành viên Hội đồng</td><td>Sở Tư pháp</td>" in body
    assert '<span class="badge text-bg-success">sẽ sao chép</span>' in body
    assert "Thời hạn các giai đoạn: đặt lại cho năm mới trên trang của kỳ." in body
    assert '<input type="hidden" name="year" value="2024">' in body
    assert '<input type="hidden" name="include_council" value="on">' in body
    assert ">Tạo kỳ năm 2024</button>" in body
    assert snapshot() == before


def test_rollover_page_post_creates_the_period_and_redirects_to_it(client_for, secretariat, world, member):
    grant(member, roles.MEMBER, None, period=world["period"])
    response = client_for(secretariat).post(
        reverse("registry:period_rollover"),
        {"source": world["period"].pk, "year": "2024", "reason": "Theo kế hoạch năm 2024"},
        follow=True,
    )
    new = Period.objects.get(year=2024)
    assert response.redirect_chain == [(reverse("registry:period_detail", args=[new.pk]), 302)]
    assert (
        "Đã tạo Chỉ số CCHC năm 2024 từ Chỉ số CCHC năm 2023. Bộ chỉ số còn sửa được đến khi mở tự đánh giá. "
        "Hãy đặt thời hạn các giai đoạn cho năm mới." in response.content.decode()
    )
    assert list(IndexSet.objects.filter(period=new).values_list("group__code", "copied_from")) == [
        ("so", world["index_set"].pk)
    ]
    assert sorted(UnitMembership.objects.filter(period=new).values_list("unit__code", flat=True)) == [
        "skhcn",
        "stp",
    ]
    assert not RoleAssignment.objects.filter(period=new).exists()  # the council box was left unticked
    assert list(PeriodEvent.objects.filter(period=new).values_list("kind", "reason", "by")) == [
        ("rollover", "Theo kế hoạch năm 2024", secretariat.pk)
    ]


def test_rollover_page_shows_the_problems_and_no_button(client_for, secretariat, world):
    PeriodFactory(year=2024, phase=Phase.SELF_ASSESSMENT)
    before = snapshot()
    c = client_for(secretariat)
    body = c.get(
        reverse("registry:period_rollover"), {"source": world["period"].pk, "year": "2024"}
    ).content.decode()
    assert (
        "Năm 2024 đã có Chỉ số CCHC năm 2024 ở giai đoạn «Tự đánh giá»: chỉ điền được vào một kỳ còn trống ở "
        "giai đoạn Chuẩn bị." in body
    )
    assert ">Tạo kỳ năm 2024</button>" not in body
    body = c.post(
        reverse("registry:period_rollover"), {"source": world["period"].pk, "year": "2024"}
    ).content.decode()
    assert "Không thể tạo kỳ năm 2024 từ Chỉ số CCHC năm 2023: Năm 2024 đã có" in body
    assert snapshot() == before


def _bigger_source(world, secretariat) -> None:
    """Ten more groups with their sets and five units each, and a council with assignments."""
    period = world["period"]
    for g in range(10):
        group = GroupFactory(code=f"k{g}", name=f"Khối {g}", order=10 + g)
        build_index_set(period, group)
        for u in range(5):
            member_of(period, UnitFactory(code=f"k{g}u{u}", tags="no_tthc"), group)
        user = UserFactory(username=f"tv{g}")
        grant(user, roles.MEMBER, None, period=period)
        Assignment.objects.create(
            period=period, member=user, field_code="1", group=group, created_by=secretariat
        )


@pytest.mark.parametrize("bigger", [False, True])
def test_rollover_preview_page_query_count_is_constant(
    client_for, secretariat, world, django_assert_num_queries, bigger
):
    if bigger:
        _bigger_source(world, secretariat)
    c = client_for(secretariat)
    with django_assert_num_queries(ROLLOVER_PREVIEW_QUERIES):
        response = c.get(
            reverse("registry:period_rollover"), {"source": world["period"].pk, "include_council": "on"}
        )
    assert "Xem trước: kỳ năm 2024" in response.content.decode()


ROLLOVER_PREVIEW_QUERIES = 16


# -- delete ----------------------------------------------------------------------------------------------


def test_delete_page_lists_what_goes_and_deletes_the_empty_period(client_for, secretariat, world, draft):
    c = client_for(secretariat)
    body = c.get(reverse("registry:period_delete", args=[draft.pk])).content.decode()
    assert "<li>1 bộ chỉ số</li>" in body
    assert 'data-confirm="Xóa hẳn Chỉ số CCHC năm 2025?"' in body
    response = c.post(reverse("registry:period_delete", args=[draft.pk]), follow=True)
    assert response.redirect_chain == [(reverse("registry:period_list"), 302)]
    assert "Đã xóa Chỉ số CCHC năm 2025." in response.content.decode()
    assert list(Period.objects.values_list("year", flat=True)) == [2023]


def test_delete_page_with_data_says_why_and_links_to_archive(client_for, secretariat, world, editor):
    assessment = assessment_get_or_create(
        period=world["period"], unit=world["period"].memberships.first().unit
    )
    entry = ItemEntry.objects.select_related("node", "assessment__period").get(
        assessment=assessment, node__code="1.1"
    )
    entry_record_layer(entry=entry, layer="self", value="Có", by=editor)
    period = world["period"]
    c = client_for(secretariat)
    body = c.get(reverse("registry:period_delete", args=[period.pk])).content.decode()
    assert (
        "Chỉ số CCHC năm 2023 đã có dữ liệu (1 mục đã nhập của 1 đơn vị): kỳ có dữ liệu chỉ có thể lưu trữ, "
        "không xóa được." in body
    )
    assert f'href="{reverse("registry:period_archive", args=[period.pk])}">lưu trữ</a>' in body
    assert '<form method="post">' not in body
    assert "Thành phần Hội đồng năm" not in body  # no council record: no council link
    before = snapshot()
    response = c.post(reverse("registry:period_delete", args=[period.pk]), follow=True)
    assert response.redirect_chain == [(reverse("registry:period_delete", args=[period.pk]), 302)]
    assert snapshot() == before


def test_delete_page_blocked_by_council_links_to_the_council_pages(
    client_for, secretariat, world, draft, member
):
    Assignment.objects.create(period=draft, member=member, field_code="1", created_by=secretariat)
    body = client_for(secretariat).get(reverse("registry:period_delete", args=[draft.pk])).content.decode()
    assert "Chỉ số CCHC năm 2025 đã có dữ liệu (1 phân công Hội đồng)" in body
    assert f'<a href="{reverse("council:setup", args=[2025])}">Thành phần Hội đồng năm 2025</a>' in body
    assert f'<a href="{reverse("council:assignments", args=[2025])}">Phân công thẩm định năm 2025</a>' in body


# -- archive ---------------------------------------------------------------------------------------------


def test_archive_page_needs_a_reason_then_archives_and_unarchives(client_for, secretariat, world):
    period = world["period"]
    c = client_for(secretariat)
    body = c.post(reverse("registry:period_archive", args=[period.pk]), {"reason": ""}).content.decode()
    assert "Hãy nêu lý do." in body
    period.refresh_from_db()
    assert period.archived_at is None

    response = c.post(
        reverse("registry:period_archive", args=[period.pk]), {"reason": "Dừng kỳ"}, follow=True
    )
    assert response.redirect_chain == [(reverse("registry:period_detail", args=[period.pk]), 302)]
    body = response.content.decode()
    assert "Đã lưu trữ Chỉ số CCHC năm 2023." in body
    assert "Kỳ này đã được lưu trữ lúc" in body
    assert f'href="{reverse("registry:period_unarchive", args=[period.pk])}">Bỏ lưu trữ…</a>' in body
    period.refresh_from_db()
    assert (period.is_archived, period.archived_by) == (True, secretariat)

    response = c.post(
        reverse("registry:period_unarchive", args=[period.pk]), {"reason": "Làm tiếp"}, follow=True
    )
    assert "Đã bỏ lưu trữ Chỉ số CCHC năm 2023." in response.content.decode()
    period.refresh_from_db()
    assert period.archived_at is None
    assert list(PeriodEvent.objects.filter(period=period).values_list("kind", "reason")) == [
        ("archive", "Dừng kỳ"),
        ("archive", "Làm tiếp"),
    ]


def test_period_list_hides_archived_periods_unless_asked(client_for, secretariat, world, draft):
    Period.objects.filter(pk=draft.pk).update(archived_at=draft.created_at)
    c = client_for(secretariat)
    body = c.get(reverse("registry:period_list")).content.decode()
    assert "Chỉ số CCHC năm 2025" not in body
    assert f'<a href="{reverse("registry:period_list")}?luu-tru=1">Hiện cả kỳ đã lưu trữ (1)</a>' in body
    assert f'href="{reverse("registry:period_rollover")}">Tạo kỳ mới từ năm trước</a>' in body
    assert f'href="{reverse("registry:period_units_export", args=[world["period"].pk])}">' in body
    body = c.get(reverse("registry:period_list"), {"luu-tru": "1"}).content.decode()
    assert 'Chỉ số CCHC năm 2025</a> <span class="badge text-bg-secondary">Đã lưu trữ</span>' in body
    assert f'<a href="{reverse("registry:period_list")}">Ẩn kỳ đã lưu trữ</a>' in body


def test_period_detail_offers_the_lifecycle_actions(client_for, secretariat, world):
    period = world["period"]
    body = client_for(secretariat).get(reverse("registry:period_detail", args=[period.pk])).content.decode()
    for name, label in (
        ("period_units_export", "Tải danh sách đơn vị (.xlsx)"),
        ("period_archive", "Lưu trữ…"),
        ("period_delete", "Xóa kỳ…"),
    ):
        assert f'href="{reverse(f"registry:{name}", args=[period.pk])}">{label}</a>' in body
    assert (
        f'href="{reverse("registry:period_rollover")}?source={period.pk}&amp;include_council=on">Tạo kỳ năm sau từ kỳ này</a>'
        in body
    )


# -- unit list -------------------------------------------------------------------------------------------


def test_units_export_page_downloads_the_import_workbook(client_for, secretariat, world):
    response = client_for(secretariat).get(reverse("registry:period_units_export", args=[world["period"].pk]))
    assert response["Content-Disposition"] == 'attachment; filename="don-vi-2023.xlsx"'
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header, *rows = sheet.iter_rows(values_only=True)
    assert list(header) == [c.label for c in UNIT_COLUMNS]
    assert [(r[0], r[2], r[5]) for r in rows] == [
        ("skhcn", "so", "Trần Văn Hùng"),
        ("stp", "so", "Lê Thị Hoa"),
    ]


# -- index set copy (issue 9 behaviour 3) ----------------------------------------------------------------


def test_copy_index_set_proposes_source_year_plus_one_and_creates_no_period(
    client_for, secretariat, world, draft
):
    older = build_index_set(PeriodFactory(year=2022, phase=Phase.APPROVED), world["group"])
    c = client_for(secretariat)
    body = c.get(reverse("registry:index_set_copy"), {"source": older.pk}).content.decode()
    assert 'name="year" value="2023"' in body  # 2022 + 1, not the year after the latest period (2026)
    assert f'<option value="{older.pk}" selected data-year="2022">' in body
    body = c.get(reverse("registry:index_set_copy")).content.decode()
    latest = IndexSet.objects.get(period=draft)
    assert f'<option value="{latest.pk}" selected data-year="2025">' in body
    assert 'name="year" value="2026"' in body

    before = snapshot()
    body = c.post(
        reverse("registry:index_set_copy"), {"source": world["index_set"].pk, "year": "2024"}
    ).content.decode()
    assert "Chưa có kỳ đánh giá năm 2024: sao chép không tạo kỳ mới." in body
    rollover = f"{reverse('registry:period_rollover')}?source={world['period'].pk}&amp;year=2024&amp;include_council=on"
    assert f'<a href="{rollover}">tạo kỳ năm 2024 từ năm trước</a>' in body
    assert f'<a href="{reverse("registry:period_create")}">tạo kỳ đánh giá</a>' in body
    assert snapshot() == before


def test_copy_index_set_into_an_existing_preparing_period(client_for, secretariat, world):
    target = PeriodFactory(year=2024, phase=Phase.PREPARING)
    response = client_for(secretariat).post(
        reverse("registry:index_set_copy"), {"source": world["index_set"].pk, "year": "2024"}, follow=True
    )
    copy = IndexSet.objects.get(period=target)
    assert response.redirect_chain == [(reverse("registry:index_set_detail", args=[copy.pk]), 302)]
    assert (copy.group, copy.version, copy.copied_from) == (world["group"], 1, world["index_set"])
    assert Period.objects.count() == 2
