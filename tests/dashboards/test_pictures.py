"""The results page links each chart's picture instead of carrying it (issue 12: drawing a period's 11 charts
of 150 units was a third of the page's 300 ms): one request per picture, drawn once per state of the results,
named with the fingerprint of the numbers so that the browser keeps it while they hold and fetches the new one
when they change; an SVG with its own policy, under which no script runs."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from django.contrib.auth import get_user_model

from appraisal.dashboards.cache import fingerprint
from appraisal.registry.models import Period, UnitMembership
from appraisal.registry.services import unit_update

pytestmark = pytest.mark.django_db

RESULTS = "/bang-dieu-khien/2023/ket-qua/"


def _pictures(client) -> dict[str, str]:
    """Chart slug → the address of its picture on the results page."""
    page = htmllib.unescape(client.get(RESULTS).content.decode())
    return dict(re.findall(r'id="chart-([^"]+)".*?<img class="chart-img" src="([^"]+)"', page, re.S))


def test_the_results_page_links_each_picture_with_the_fingerprint(demo, as_user):
    client = as_user("secretariat")
    pictures = _pictures(client)
    version = fingerprint(Period.objects.get(year=2023))
    assert (
        pictures["xep-loai-nguoi-dung-dau"]
        == f"/bang-dieu-khien/2023/ket-qua/xep-loai-nguoi-dung-dau.svg?v={version}"
    )
    assert pictures["tieu-chi-yeu"] == f"/bang-dieu-khien/2023/ket-qua/tieu-chi-yeu.svg?v={version}"
    assert all(src.startswith("/bang-dieu-khien/2023/ket-qua/") for src in pictures.values())
    response = client.get(pictures["xep-loai-nguoi-dung-dau"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert (
        response["Content-Security-Policy"]
        == "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
    )
    assert response["Cache-Control"] == "private, max-age=900"
    svg = response.content.decode()
    # pygal writes its settings into a <script> whatever it is told: the policy above (no script-src, default
    # 'none') runs none, opened directly or shown as an image
    assert svg.startswith("<?xml")
    assert "Mức độ hoàn thành nhiệm vụ của người đứng đầu năm 2023" in svg


def test_a_picture_asked_without_the_current_fingerprint_is_not_kept_by_the_browser(demo, as_user):
    client = as_user("secretariat")
    for src in (
        "/bang-dieu-khien/2023/ket-qua/tieu-chi-yeu.svg",
        "/bang-dieu-khien/2023/ket-qua/tieu-chi-yeu.svg?v=cu",
    ):
        response = client.get(src)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-cache"


def test_a_change_of_the_results_links_new_pictures_drawn_from_the_new_numbers(demo, as_user):
    client = as_user("secretariat")
    before = _pictures(client)
    membership = UnitMembership.objects.select_related("unit", "group").get(
        period=demo[2023], unit__code="stp"
    )
    old, slug = membership.unit.name, f"chi-so-{membership.group.code}"
    assert old in client.get(before[slug]).content.decode()
    unit_update(
        unit=membership.unit,
        name="Sở Thử Nghiệm Đổi Tên",
        by=get_user_model().objects.get(username="secretariat"),
    )
    after = _pictures(client)
    assert before.keys() == after.keys()
    assert all(
        before[s] != after[s] for s in before
    )  # new names: the browser does not reuse the old pictures
    svg = client.get(after[slug]).content.decode()
    assert "Sở Thử Nghiệm Đổi Tên" in svg and old not in svg


def test_an_unknown_chart_has_no_picture(demo, as_user):
    assert as_user("secretariat").get("/bang-dieu-khien/2023/ket-qua/khong-co.svg").status_code == 404
