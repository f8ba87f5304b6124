"""The secretariat's and the chair's progress dashboard on the demo's 2023 (explanation phase)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from appraisal.assessments.models import Assessment
from appraisal.dashboards.progress import countdown, progress_build

from .conftest import page_table

pytestmark = pytest.mark.django_db


def test_countdown_says_time_left_or_overdue():
    now = timezone.now()
    assert countdown(now + dt.timedelta(days=3, hours=4, minutes=5), now) == "còn 3 ngày 4 giờ"
    assert countdown(now + dt.timedelta(minutes=45, seconds=10), now) == "còn 45 phút"
    assert countdown(now - dt.timedelta(days=2), now) == "đã quá hạn 2 ngày"
    assert countdown(None, now) == "chưa đặt thời hạn"


def test_progress_states_follow_each_units_own_clock(demo):
    p = progress_build(period=demo[2023])
    state = {u.code: u.state for u in p.units}
    assert state["skhcn"] == "draft"
    assert state["sgtvt"] == "returned"
    assert state["huongson"] == "submitted"
    assert state["vuquang"] == "not_submitted"
    assert state["syt"] == "notice"
    assert state["sgddt"] == "explaining"  # explanation drafted, not sent
    assert state["stnmt"] == "waived"
    assert state["svhttdl"] == "explained" and state["cucthue"] == "explained"
    assert state["stp"] == "finalised"
    assert sorted(u.code for u in p.waiting_round2) == ["cucthue", "svhttdl"]
    assert len(p.events) == 20


def test_every_figure_links_to_the_list_behind_it(demo, as_user):
    client = as_user("secretariat")
    page = client.get("/bang-dieu-khien/2023/tien-do/").content.decode()
    links = re.findall(
        r'href="(/bang-dieu-khien/2023/tien-do/don-vi/\?trang-thai=explained&amp;khoi=[^"]+)">(\d+)<', page
    )
    assert links
    total = 0
    for href, shown in links:
        listed = client.get(href.replace("&amp;", "&")).content.decode()
        rows = page_table(listed.replace('id="unit-list"', 'data-chart="list"'), "list")[1:]
        assert len(rows) == int(shown)
        assert all(r[2] == "Đã giải trình, chờ vòng 2" for r in rows)
        total += int(shown)
    assert total == 2  # svhttdl and cucthue
    round2 = client.get("/bang-dieu-khien/2023/tien-do/don-vi/?trang-thai=explained").content.decode()
    assert "Sở Văn hóa, Thể thao và Du lịch" in round2 and "Cục Thuế tỉnh" in round2


def test_overdue_units_are_counted_and_listed(demo, as_user):
    Assessment.objects.filter(period=demo[2023], unit__code="skhcn").update(
        extension_until=timezone.now() - dt.timedelta(hours=2)
    )
    p = progress_build(period=demo[2023])
    assert [(u.code, u.overdue) for u in p.overdue] == [("skhcn", "Chưa nộp tự đánh giá")]
    client = as_user("chair")
    page = client.get("/bang-dieu-khien/2023/tien-do/").content.decode()
    assert 'id="overdue-count">1<' in page
    listed = client.get("/bang-dieu-khien/2023/tien-do/don-vi/?qua-han=1").content.decode()
    assert "Sở Khoa học và Công nghệ" in listed and "Chưa nộp tự đánh giá" in listed


def test_the_dashboard_refreshes_its_body_with_htmx(demo, as_user):
    client = as_user("secretariat")
    page = client.get("/bang-dieu-khien/2023/tien-do/").content.decode()
    assert 'hx-get="/bang-dieu-khien/2023/tien-do/noi-dung/"' in page
    assert 'hx-trigger="every 60s"' in page
    body = client.get("/bang-dieu-khien/2023/tien-do/noi-dung/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in body and "Cập nhật lúc" in body and 'data-chart="trang-thai"' in body
    assert as_user("observer").get("/bang-dieu-khien/2023/tien-do/noi-dung/").status_code == 403
