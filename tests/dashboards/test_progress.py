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


def _listed_names(client, href: str) -> list[list[str]]:
    listed = client.get(href.replace("&amp;", "&")).content.decode()
    return page_table(listed.replace('id="unit-list"', 'data-chart="list"'), "list")[1:]


def test_a_period_in_preparation_counts_every_unit_not_started(demo, as_user):
    """QA 22: no assessment exists yet in 2024 (a page no longer creates one): not started, not «drafting»."""
    p = progress_build(period=demo[2024])
    assert not Assessment.objects.filter(period=demo[2024]).exists()
    assert {u.state for u in p.units} == {"not_started"}
    assert sum(c["not_started"] for c in p.counts.values()) == len(p.units) == 38
    client = as_user("secretariat")
    page = client.get("/bang-dieu-khien/2024/tien-do/").content.decode()
    links = re.findall(
        r'href="(/bang-dieu-khien/2024/tien-do/don-vi/\?trang-thai=([a-z_]+)&amp;khoi=[^"]+)">(\d+)<', page
    )
    assert {state for _, state, _ in links} == {"not_started"}
    assert sum(int(shown) for _, _, shown in links) == 38
    for href, _, shown in links:
        rows = _listed_names(client, href)
        assert len(rows) == int(shown)
        assert all(r[2] == "Chưa bắt đầu" for r in rows)


def test_a_unit_with_nothing_lowered_has_nothing_to_explain(demo, as_user):
    """QA 22: nhnn, bhxh and kbnn were notified with no item lowered: counted as needing no explanation, never
    as an explanation pending (nor overdue on it)."""
    p = progress_build(period=demo[2023])
    state = {u.code: u for u in p.units}
    assert [state[c].state for c in ("nhnn", "bhxh", "kbnn")] == ["no_explanation"] * 3
    assert [state[c].overdue for c in ("nhnn", "bhxh", "kbnn")] == [""] * 3
    assert state["syt"].state == "notice" and state["canloc"].state == "notice"
    client = as_user("secretariat")
    page = client.get("/bang-dieu-khien/2023/tien-do/").content.decode()
    links = re.findall(
        r'href="(/bang-dieu-khien/2023/tien-do/don-vi/\?trang-thai=no_explanation&amp;khoi=[^"]+)">(\d+)<',
        page,
    )
    names = []
    for href, shown in links:
        rows = _listed_names(client, href)
        assert len(rows) == int(shown)
        assert all(r[2] == "Đã thông báo, không cần giải trình" for r in rows)
        names += [r[0] for r in rows]
    assert sorted(names) == [
        "Bảo hiểm xã hội tỉnh",
        "Kho bạc Nhà nước tỉnh",
        "Ngân hàng Nhà nước – Chi nhánh tỉnh",
    ]
    notified = _listed_names(client, "/bang-dieu-khien/2023/tien-do/don-vi/?trang-thai=notice")
    assert sorted(r[0] for r in notified) == ["Huyện Can Lộc", "Sở Y tế"]


def test_lowered_items_in_sql_are_exactly_those_the_notice_lists(demo):
    """The progress count reads ``lowered_q`` in SQL; the notice reads ``entry_is_lowered`` in Python: one rule."""
    from decimal import Decimal

    from appraisal.assessments.models import ItemEntry
    from appraisal.council.selectors import entry_is_lowered, lowered_q

    entries = ItemEntry.objects.filter(assessment__period=demo[2023]).select_related("node")
    penalty = entries.filter(node__method="penalty").first()
    ItemEntry.objects.filter(pk=penalty.pk).update(
        self_points=Decimal("0.5"), round1_value="1", round1_points=Decimal("1")
    )  # a larger deduction than claimed
    in_python = {e.pk for e in entries if entry_is_lowered(e)}
    assert penalty.pk in in_python
    assert set(entries.filter(lowered_q()).values_list("pk", flat=True)) == in_python
    assert len(in_python) > 1
