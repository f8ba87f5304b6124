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
    _refused(client_for(sec_2022_only).post(reverse("registry:period_rollover"), data), years[2023])
    assert snapshot() == before
    assert not Period.objects.filter(year=2025).exists()


def test_own_year_still_open(client_for, years, sec_2022_only):
    c = client_for(sec_2022_only)
    p = years[2022]
    assert c.get(reverse("registry:period_edit", args=[p.pk])).status_code == 200
    assert c.get(reverse("registry:period_detail", args=[p.pk])).status_code == 200
    response = c.get(reverse("registry:period_rollover"), {"source": p.pk, "year": "2025"})
    assert response.status_code == 200
    assert response.context["preview"] is not None


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
