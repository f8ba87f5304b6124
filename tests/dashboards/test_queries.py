"""Each dashboard renders in the same number of SQL queries for 5 and for 50 units (issue 12, Done when): the
synthetic period of bench/ (10 items per unit, three groups), read as the secretariat, with an empty cache
(the results computed and the charts drawn) and again from the cache."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from appraisal.registry.models import Period, UnitMembership
from appraisal.scoring.services import score_run_create
from bench.bench_db import _load

pytestmark = pytest.mark.django_db

PAGES = {
    "progress": "/bang-dieu-khien/{year}/tien-do/",
    "progress_body": "/bang-dieu-khien/{year}/tien-do/noi-dung/",
    "progress_units": "/bang-dieu-khien/{year}/tien-do/don-vi/?qua-han=1",
    "results": "/bang-dieu-khien/{year}/ket-qua/",
    "results_csv": "/bang-dieu-khien/{year}/ket-qua/xep-loai-nguoi-dung-dau.csv",
    "results_svg": "/bang-dieu-khien/{year}/ket-qua/xep-loai-nguoi-dung-dau.svg",
    "summary": "/bang-dieu-khien/{year}/tong-quan/",
    "unit": "/bang-dieu-khien/{year}/don-vi/{code}/",
}


def _counts(units: int, *, final: bool) -> dict[str, tuple[int, int]]:
    year = _load(units, 10)
    period = Period.objects.get(year=year)
    admin = get_user_model().objects.create_superuser("dash.admin", "dash@example.org", "x")
    if final:
        score_run_create(period=period, by=admin, final=True)
    code = (
        UnitMembership.objects.filter(period=period)
        .order_by("unit__code")
        .values_list("unit__code", flat=True)[0]
    )
    client = Client()
    client.force_login(admin)
    out = {}
    for name, url in PAGES.items():
        url = url.format(year=year, code=code)
        cache.clear()
        headers = {"HX-Request": "true"} if name == "progress_body" else {}  # the fragment, as htmx asks it
        with CaptureQueriesContext(connection) as cold:
            assert client.get(url, headers=headers).status_code == 200
        with CaptureQueriesContext(connection) as warm:
            assert client.get(url, headers=headers).status_code == 200
        out[name] = (len(cold), len(warm))
    return out


# (queries with an empty cache, queries from the cache) per page; the same for 5 and for 50 units.
# A unit's page asks whether its letters can be linked (a run holding the unit): 3 queries live, 2 official.
# The progress page reads the round-2 sheets the person opens (their council roles, then the sheets: two).
PROGRESS = {"progress": (14, 14), "progress_body": (13, 13), "progress_units": (12, 12)}
EXPECTED: dict[str, dict[str, tuple[int, int]]] = {
    "live": {
        **PROGRESS,
        "results": (26, 13),
        "results_csv": (25, 12),
        "results_svg": (25, 12),
        "summary": (25, 13),
        "unit": (33, 20),
    },
    # official, with an empty cache: the rows without their items, then the items' points alone (points_lost)
    "official": {
        **PROGRESS,
        "results": (14, 8),
        "results_csv": (13, 7),
        "results_svg": (13, 7),
        "summary": (14, 8),
        "unit": (25, 14),
    },
}


@pytest.mark.parametrize("units", [5, 50])
@pytest.mark.parametrize("final", [False, True], ids=["live", "official"])
def test_dashboards_query_count_does_not_grow_with_units(units, final):
    got = _counts(units, final=final)
    assert got == EXPECTED["official" if final else "live"]
