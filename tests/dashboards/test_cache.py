"""The dashboards keep what they built under a fingerprint of the results (``dashboards.cache``): any change
that alters a chart must give a new fingerprint, so that the next view shows it. What happened before: a
wording fix of an index node's title, a unit renamed or a group renamed while the period ran left the built
charts in the cache, and the dashboards kept showing the old text for up to 15 minutes."""

from __future__ import annotations

import html as htmllib

import pytest
from django.contrib.auth import get_user_model

from appraisal.registry.models import Group, IndexNode, Unit, UnitMembership
from appraisal.registry.services import group_update, index_node_text_fix, unit_update

from .conftest import page_table

pytestmark = pytest.mark.django_db

RESULTS = "/bang-dieu-khien/2023/ket-qua/"


def _page(client, url: str = RESULTS) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return htmllib.unescape(response.content.decode())


def _secretary():
    return get_user_model().objects.get(username="secretariat")


def test_a_title_fix_of_a_field_shows_on_the_cached_heat_map(demo, as_user):
    client = as_user("secretariat")
    membership = (
        UnitMembership.objects.filter(period=demo[2023], tracked=True).select_related("group").first()
    )
    assert membership is not None
    group = membership.group
    field = IndexNode.objects.filter(index_set__period=demo[2023], index_set__group=group, depth=0).order_by(
        "position"
    )[0]
    old = f"{field.code}. {field.title}"
    assert old in page_table(_page(client), f"ban-do-nhiet-{group.code}")[0]
    index_node_text_fix(node=field, by=_secretary(), title="Công tác chỉ đạo, điều hành (đã sửa chữ)")
    after = page_table(_page(client), f"ban-do-nhiet-{group.code}")[0]
    assert f"{field.code}. Công tác chỉ đạo, điều hành (đã sửa chữ)" in after
    assert old not in after


def test_a_unit_renamed_while_the_period_runs_shows_on_the_cached_index_chart(demo, as_user):
    client = as_user("secretariat")
    membership = (
        UnitMembership.objects.filter(period=demo[2023], tracked=True).select_related("unit", "group").first()
    )
    assert membership is not None
    unit, slug = membership.unit, f"chi-so-{membership.group.code}"
    names = [row[1] for row in page_table(_page(client), slug)[1:]]
    assert unit.name in names
    unit_update(unit=Unit.objects.get(pk=unit.pk), name="Sở Thử Nghiệm Đổi Tên", by=_secretary())
    names = [row[1] for row in page_table(_page(client), slug)[1:]]
    assert "Sở Thử Nghiệm Đổi Tên" in names and unit.name not in names


def test_a_group_renamed_shows_on_the_cached_summary_and_results(demo, as_user):
    client = as_user("secretariat")
    group = Group.objects.filter(memberships__period=demo[2023]).distinct().order_by("order")[0]
    assert group.name in _page(client)
    assert group.name in _page(client, "/bang-dieu-khien/2023/tong-quan/")
    group_update(group=Group.objects.get(pk=group.pk), name="Khối thử nghiệm đổi tên", by=_secretary())
    assert "Khối thử nghiệm đổi tên" in _page(client)
    summary = _page(client, "/bang-dieu-khien/2023/tong-quan/")
    assert "Khối thử nghiệm đổi tên" in summary and f">{group.name}<" not in summary
