"""Issue 10 build item 2: list selectors filter by the access policy in SQL, so a council list costs the same
number of queries for 2 units as for 12 (no per-unit permission check, no Python filtering of full lists)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal.council.access import assessments_for_council, entries_for_appraiser
from tests.council.conftest import submit_assessment
from tests.factories import UnitFactory, member_of


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), response.content.decode()


@pytest.mark.parametrize("route", ["council:queue", "council:dashboard", "council:workload"])
def test_council_lists_cost_the_same_queries_for_2_and_12_units(
    route, world, member, other_editor, group, client_for
):
    period = world["period"]
    c = client_for(member)
    url = reverse(route, args=[2023])
    c.get(url)  # session and roles warmed up
    two, _ = _count(c, url)
    for i in range(10):
        unit = UnitFactory(code=f"y{i}", name=f"Đơn vị y{i}")
        member_of(period, unit, group)
        submit_assessment(period, unit, other_editor)
    twelve, body = _count(c, url)
    if route == "council:workload":  # per member: 12 units now (11 not their own)
        assert ">11<" in body.replace(" ", "")
    else:
        assert "Đơn vị y9" in body
    assert "Sở Tư pháp" not in body  # member.stp's own unit never reaches their lists
    assert twelve == two


def test_council_lists_are_querysets_filtered_in_sql(world, member, conflicted_member):
    """The predicates are in the SQL: the member's own unit is excluded by the query itself."""
    period = world["period"]
    stp = world["stp"].unit
    for user, own in ((member, stp.pk), (conflicted_member, world["skhcn"].unit_id)):
        sql = str(entries_for_appraiser(user, period).query)
        assert "NOT" in sql and str(own) in sql
        assert own not in set(assessments_for_council(user, period).values_list("unit_id", flat=True))
