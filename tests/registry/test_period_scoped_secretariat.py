"""A secretariat role given for one period holds in that period only (SPEC §6a): the registry's pages about one
period (settings, current period, windows, archive, delete, unit list, roll-over from it, index sets) and the
audit log ask the role in the period concerned. A role without a period holds in every period."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from appraisal.core import roles
from appraisal.registry import lifecycle
from appraisal.registry.audit import audit_record
from appraisal.registry.models import AuditAction, Organisation, Period, Phase
from tests.factories import PeriodFactory, UserFactory, build_index_set, grant
from tests.registry.helpers import snapshot


@pytest.fixture
def years(period, group):
    """2022 (the limited secretariat's year), 2023 (current) and 2024 (in preparation)."""
    p2022 = PeriodFactory(year=2022, phase=Phase.FINALISED)
    p2024 = PeriodFactory(year=2024, phase=Phase.PREPARING)
    for p in (p2022, period, p2024):
        build_index_set(p, group)
    org = Organisation.current()
    org.current_period = period
    org.save()
    return {2022: p2022, 2023: period, 2024: p2024}


@pytest.fixture
def sec_2022_only(years):
    user = UserFactory(username="sec.2022")
    grant(user, roles.SECRETARIAT, None, years[2022])
    return user


def _refused(response, period: Period) -> None:
    assert response.status_code == 403
    assert f"Vai trò Tổ thư ký của bạn không áp dụng cho {period.name}" in response.content.decode()


@pytest.mark.parametrize("year", [2023, 2024])
@pytest.mark.parametrize(
    "name",
    [
        "period_detail",
        "period_edit",
        "period_delete",
        "period_archive",
        "period_unarchive",
        "period_units_export",
    ],
)
def test_pages_of_another_year_refused(client_for, years, sec_2022_only, name, year):
    _refused(client_for(sec_2022_only).get(reverse(f"registry:{name}", args=[years[year].pk])), years[year])


@pytest.mark.parametrize("year", [2023, 2024])
def test_actions_of_another_year_refused_and_nothing_changes(client_for, years, sec_2022_only, year):
    p = years[year]
    c = client_for(sec_2022_only)
    before = snapshot()
    _refused(c.post(reverse("registry:period_set_current", args=[p.pk])), p)
    _refused(c.post(reverse("registry:period_edit", args=[p.pk]), {"name": "Đổi tên"}), p)
    _refused(c.post(reverse("registry:period_window", args=[p.pk, Phase.SELF_ASSESSMENT]), {}), p)
    _refused(c.post(reverse("registry:period_archive", args=[p.pk]), {"reason": "Thử"}), p)
    _refused(c.post(reverse("registry:period_delete", args=[p.pk])), p)
    index_set = p.index_sets.get()
    _refused(c.get(reverse("registry:index_set_detail", args=[index_set.pk])), p)
    assert snapshot() == before
    assert Organisation.current().current_period_id == years[2023].pk


def test_rollover_from_another_year_refused(client_for, years, sec_2022_only):
    before = snapshot()
    data = {"source": str(years[2023].pk), "year": "2025", "include_council": "on"}
    response = client_for(sec_2022_only).post(reverse("registry:period_rollover"), data)
    # A new period belongs to every year: refused for a role of one period before its source is even read.
    assert response.status_code == 403
    assert PROVINCE_WIDE in response.content.decode()
    assert snapshot() == before
    assert not Period.objects.filter(year=2025).exists()


def test_own_year_still_open(client_for, years, sec_2022_only):
    c = client_for(sec_2022_only)
    p = years[2022]
    assert c.get(reverse("registry:period_edit", args=[p.pk])).status_code == 200
    assert c.get(reverse("registry:period_detail", args=[p.pk])).status_code == 200


PROVINCE_WIDE = "Vai trò Tổ thư ký của bạn chỉ áp dụng cho một số kỳ đánh giá: chỉ Tổ thư ký của mọi kỳ"


def test_a_secretariat_of_one_period_neither_creates_periods_nor_changes_what_every_year_shares(
    client_for, years, sec_2022_only, unit, group
):
    """QA3 (major): a role for 2022 only created the periods 2025 and 2026 (roll-over from 2022, «Thêm kỳ») and
    renamed a unit for every year. A new period, a unit, a group and the organisation belong to every year: only
    a secretariat of every period (a role without a period, or the administrator) changes them."""
    c = client_for(sec_2022_only)
    before = snapshot()
    attempts = [
        c.get(reverse("registry:period_create")),
        c.post(reverse("registry:period_create"), {"year": "2026", "name": ""}),
        c.get(reverse("registry:period_rollover"), {"source": years[2022].pk, "year": "2025"}),
        c.post(
            reverse("registry:period_rollover"),
            {"source": str(years[2022].pk), "year": "2025", "include_council": "on"},
        ),
        c.post(reverse("registry:unit_create"), {"code": "moi", "name": "Đơn vị mới"}),
        c.post(reverse("registry:unit_edit", args=[unit.pk]), {"name": "Sở Y tế HACK"}),
        c.post(reverse("registry:unit_activate", args=[unit.pk])),
        c.post(reverse("registry:group_create"), {"code": "moi", "name": "Khối mới"}),
        c.post(reverse("registry:group_edit", args=[group.pk]), {"name": "Khối đổi tên"}),
        c.post(reverse("registry:organisation_edit"), {"name": "UBND HACK"}),
        c.get(reverse("registry:units_import")),
    ]
    assert [r.status_code for r in attempts] == [403] * len(attempts)
    assert all(PROVINCE_WIDE in r.content.decode() for r in attempts)
    assert snapshot() == before
    assert Organisation.current().name != "UBND HACK"


def test_a_secretariat_of_every_period_creates_a_period(client_for, years, secretariat):
    response = client_for(secretariat).post(reverse("registry:period_create"), {"year": "2026", "name": ""})
    assert response.status_code == 302
    assert Period.objects.filter(year=2026).exists()


def test_secretariat_without_period_holds_everywhere(client_for, years, secretariat):
    c = client_for(secretariat)
    for p in years.values():
        assert c.get(reverse("registry:period_edit", args=[p.pk])).status_code == 200
    response = c.post(reverse("registry:period_set_current", args=[years[2024].pk]))
    assert response.status_code == 302
    assert Organisation.current().current_period_id == years[2024].pk


def test_audit_log_shows_only_the_years_held(client_for, years, sec_2022_only, secretariat, unit):
    """Choice: filter, not refuse. Rows of other periods and rows without a period are left out."""
    for year in (2022, 2023, 2024):
        audit_record(action=AuditAction.UNIT_UPDATE, by=secretariat, obj=unit, period=years[year])
    audit_record(action=AuditAction.EXPORT, by=secretariat, object_repr="khong-ky.csv")
    c = client_for(sec_2022_only)
    page = c.get(reverse("scoring:audit"))
    assert page.status_code == 200
    assert [(e.action, e.period_id) for e in page.context["entries"]] == [("unit_update", years[2022].pk)]
    assert list(page.context["form"].fields["period"].queryset) == [years[2022]]
    asked_2023 = c.get(
        reverse("scoring:audit"), {"period": years[2023].pk}
    )  # not a choice: the filter is dropped
    assert [e.period_id for e in asked_2023.context["entries"]] == [years[2022].pk]
    csv_text = c.get(reverse("scoring:audit_csv")).content.decode("utf-8-sig")
    assert csv_text.count("\r\n") == 2  # the header and the 2022 row
    assert years[2022].name in csv_text
    assert years[2023].name not in csv_text
    full = client_for(secretariat).get(reverse("scoring:audit"))
    assert {e.period_id for e in full.context["entries"]} == {None, *(p.pk for p in years.values())}


def test_lifecycle_services_ask_the_period_too(years, sec_2022_only):
    before = snapshot()
    with pytest.raises(PermissionDenied, match="không áp dụng cho"):
        lifecycle.period_archive(period=years[2024], by=sec_2022_only, reason="Thử")
    with pytest.raises(PermissionDenied, match="không áp dụng cho"):
        lifecycle.period_rollover(source=years[2023], year=2025, by=sec_2022_only, include_council=False)
    with pytest.raises(PermissionDenied, match="không áp dụng cho"):
        lifecycle.period_delete(period=years[2024], by=sec_2022_only)
    assert snapshot() == before


def test_a_secretariat_of_one_period_is_offered_no_link_to_what_every_year_shares(
    client_for, years, sec_2022_only, secretariat
):
    """A link shown opens: the create, roll-over, unit and group edit and organisation links are offered only
    to the secretariat of every period."""
    shared = [
        reverse("registry:period_create"),
        reverse("registry:period_rollover"),
        reverse("registry:unit_create"),
        reverse("registry:group_create"),
        reverse("registry:organisation_edit"),
        reverse("registry:units_import"),
    ]
    pages = [
        reverse("registry:index"),
        reverse("registry:period_list"),
        reverse("registry:unit_list"),
        reverse("registry:group_list"),
        reverse("registry:period_detail", args=[years[2022].pk]),
    ]
    limited = "".join(client_for(sec_2022_only).get(p).content.decode() for p in pages)
    assert [u for u in shared if f'href="{u}' in limited] == []
    full = "".join(client_for(secretariat).get(p).content.decode() for p in pages)
    assert [u for u in shared if f'href="{u}' in full] == shared


def test_a_secretariat_of_one_period_cannot_import_units_which_every_year_shares(years, sec_2022_only):
    """Units and groups are every year's: the import page (above) and its background job refuse a role of one
    period."""
    from appraisal.scoring.jobs import job_start
    from appraisal.scoring.models import JobKind
    from tests.registry.helpers import xlsx_bytes

    before = snapshot()
    content = xlsx_bytes([["Mã đơn vị", "Tên đơn vị", "Khối"], ["skhcn", "Sở HACK", "so"]])
    with pytest.raises(PermissionDenied, match=PROVINCE_WIDE):
        job_start(
            kind=JobKind.IMPORT,
            period=years[2022],
            by=sec_2022_only,
            params={"what": "units", "year": 2022},
            source=("dv.xlsx", content),
        )
    assert snapshot() == before


def test_catalogue_overview_links_only_the_periods_and_index_sets_the_secretariat_holds(
    client_for, years, sec_2022_only
):
    """A link shown opens (QA): a secretariat of 2022 only finds 2022's period and index set linked on
    /danh-muc/, the other years named without a link."""
    c = client_for(sec_2022_only)
    body = c.get(reverse("registry:index")).content.decode()
    assert f'<a href="{reverse("registry:period_detail", args=[years[2022].pk])}">' in body
    for year in (2023, 2024):
        p = years[year]
        assert reverse("registry:period_detail", args=[p.pk]) not in body
        assert reverse("registry:index_set_detail", args=[p.index_sets.get().pk]) not in body
        assert f"<td>{p.name}</td>" in body
    assert reverse("registry:index_set_detail", args=[years[2022].index_sets.get().pk]) in body
    main = body.split("<main", 1)[1] if "<main" in body else body
    for href in re.findall(r'href="(/danh-muc/[^"#]*)"', main):
        assert c.get(href.replace("&amp;", "&")).status_code == 200, href


def test_catalogue_overview_links_every_period_for_a_secretariat_of_every_period(client_for, years):
    user = UserFactory(username="sec.all")
    grant(user, roles.SECRETARIAT)
    body = client_for(user).get(reverse("registry:index")).content.decode()
    for p in years.values():
        assert f'<a href="{reverse("registry:period_detail", args=[p.pk])}">' in body
        assert reverse("registry:index_set_detail", args=[p.index_sets.get().pk]) in body
