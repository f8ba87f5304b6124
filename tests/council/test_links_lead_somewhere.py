"""QA report item 12: a page offers only links the person can follow, and every 403 states its reason.

Each page below is rendered as the person who sees it: the link is there only when its page opens for them, and
every link it shows answers 200 (tests/links.py). The chair sees every item of the period but scores only the fields assigned to them (SPEC §6); the period's audit
trail is the secretariat's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appraisal.assessments.models import Assessment, AssessmentState
from appraisal.core import roles
from appraisal.council.access import REFUSALS
from appraisal.council.models import Assignment
from tests.council.conftest import explained_rate_item
from tests.factories import PeriodFactory, UserFactory, build_index_set, grant, member_of
from tests.links import links_on, refused_links


def _refusal(response) -> str:
    body = response.content.decode()
    start = body.index('id="refusal-reason">') + len('id="refusal-reason">')
    return body[start : body.index("</p>", start)]


def test_chair_without_assignments_is_not_offered_round1_on_the_council_dashboard(world, chair, client_for):
    body = client_for(chair).get(reverse("council:dashboard", args=[2023])).content.decode()
    assert "Sở Khoa học và Công nghệ" in body  # the chair follows every unit
    assert reverse("council:appraise", args=[world["skhcn"].pk]) not in body
    assert "Thẩm định vòng 1</a></td>" not in body


def test_chair_assigned_a_field_is_offered_round1_of_the_units_they_score(
    world, chair, secretariat, client_for
):
    Assignment.objects.create(period=world["period"], member=chair, field_code="2", created_by=secretariat)
    body = client_for(chair).get(reverse("council:dashboard", args=[2023])).content.decode()
    assert reverse("council:appraise", args=[world["skhcn"].pk]) in body
    assert client_for(chair).get(reverse("council:appraise", args=[world["skhcn"].pk])).status_code == 200


def test_member_is_still_offered_round1_of_their_units(world, member, client_for):
    body = client_for(member).get(reverse("council:dashboard", args=[2023])).content.decode()
    assert reverse("council:appraise", args=[world["skhcn"].pk]) in body


def test_chair_refused_the_round1_sheet_reads_why(world, chair, client_for):
    response = client_for(chair).get(reverse("council:appraise", args=[world["skhcn"].pk]))
    assert response.status_code == 403
    assert _refusal(response) == "Bạn không có mục nào để thẩm định vòng 1 ở Sở Khoa học và Công nghệ."


def test_progress_dashboard_links_the_audit_trail_for_the_secretariat_only(
    world, chair, secretariat, client_for
):
    audit = reverse("council:period_audit", args=[2023])
    chair_page = client_for(chair).get(reverse("dashboards:progress", args=[2023])).content.decode()
    assert "20 thay đổi gần nhất" in chair_page and f'href="{audit}"' not in chair_page
    response = client_for(chair).get(audit)
    assert response.status_code == 403 and _refusal(response) == "Trang này dành cho Tổ thư ký."
    page = client_for(secretariat).get(reverse("dashboards:progress", args=[2023])).content.decode()
    assert f'<a href="{audit}">20 thay đổi gần nhất</a>' in page


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        ("council:period_audit", "Trang này dành cho Tổ thư ký."),
        ("council:outbox", "Trang này dành cho Tổ thư ký."),
        ("scoring:period", "Bảng xếp hạng chỉ được công bố theo quy định"),
    ],
)
def test_a_403_page_states_its_reason(route, reason, world, client_for):
    observer_2023 = UserFactory(username="observer.2023")
    grant(observer_2023, "observer", None, world["period"])
    response = client_for(observer_2023).get(reverse(route, args=[2023]))
    assert response.status_code == 403
    assert _refusal(response).startswith(reason)


def _menu(body: str) -> str:
    return body[body.index('<ul class="navbar-nav me-auto">') : body.index('<ul class="navbar-nav">')]


def test_units_menu_notice_link_opens_an_empty_state_in_a_year_without_a_notice(
    world, editor, group, client_for
):
    """QA: «Thông báo, giải trình» of a year in which the unit has nothing yet answered 403. The menu keeps the
    item in every year (it does not come and go); the page says there is no notice yet for that year."""
    later = PeriodFactory(year=2024)
    member_of(later, world["skhcn"].unit, group)
    build_index_set(later, group)
    client = client_for(editor)
    menu = _menu(client.get(reverse("assessments:index_year", args=[2024]), follow=True).content.decode())
    assert '<a class="nav-link" href="/hoi-dong/?ky=2024">Thông báo, giải trình</a>' in menu

    response = client.get("/hoi-dong/?ky=2024", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("council:dashboard", args=[2024]), 302)]
    page = response.content.decode()
    assert "Chưa có thông báo kết quả thẩm định cho năm 2024." in page
    assert refused_links(client, page) == []


def test_units_notice_page_without_a_notice_still_refuses_people_of_no_unit(world, client_for):
    outsider = UserFactory(username="observer.none")
    grant(outsider, roles.OBSERVER)
    response = client_for(outsider).get(reverse("council:dashboard", args=[2023]))
    assert response.status_code == 403
    assert _refusal(response) == "Bạn không có việc nào trong thẩm định kỳ này."


def test_chair_sees_round2_links_only_to_the_sheets_they_score(
    world, member, chair, editor, head, secretariat, client_for
):
    """QA: the progress dashboard linked every explanation waiting for round 2 to its round-2 sheet; the chair
    scores only the fields assigned to them, so the sheet answered 403. Without a field there the unit's name is
    plain text; assigned its field, the link is there and opens."""
    explained_rate_item(world, member, chair, editor, head)
    sheet = reverse("council:appraise_round2", args=[world["skhcn"].pk])
    client = client_for(chair)
    page = client.get(reverse("dashboards:progress", args=[2023])).content.decode()

    assert "<li>Sở Khoa học và Công nghệ</li>" in page
    assert sheet not in links_on(page)
    assert refused_links(client, page) == []

    Assignment.objects.create(period=world["period"], member=chair, field_code="1", created_by=secretariat)
    page = client.get(reverse("dashboards:progress", args=[2023])).content.decode()
    assert f'<a href="{sheet}">Sở Khoa học và Công nghệ</a>' in page
    assert client.get(sheet).status_code == 200


def test_secretariat_keeps_the_round2_link_of_every_explained_unit(
    world, member, chair, editor, head, secretariat, client_for
):
    explained_rate_item(world, member, chair, editor, head)
    sheet = reverse("council:appraise_round2", args=[world["skhcn"].pk])
    page = client_for(secretariat).get(reverse("dashboards:progress", args=[2023])).content.decode()
    assert f'<a href="{sheet}">Sở Khoa học và Công nghệ</a>' in page
    assert client_for(secretariat).get(sheet).status_code == 200


def test_observer_is_not_offered_a_draft_self_assessment_and_reads_why(world, observer, client_for):
    """QA: «Mở» on a unit whose self-assessment is a draft answered 403 for an observer. The row says why instead
    (the refusal of the page itself), and the submitted unit's link stays."""
    Assessment.objects.filter(pk=world["skhcn"].pk).update(state=AssessmentState.DRAFT)
    client = client_for(observer)
    page = client.get(reverse("assessments:index_year", args=[2023])).content.decode()

    assert reverse("assessments:detail", args=[world["skhcn"].pk]) not in links_on(page)
    assert f'<td class="small text-muted">{REFUSALS["inputs"]}</td>' in page
    assert f'<a href="{reverse("assessments:detail", args=[world["stp"].pk])}">Mở</a>' in page
    assert refused_links(client, page) == []


def test_conflicted_member_reaches_their_own_units_self_assessment_read_only(
    world, conflicted_member, client_for
):
    """QA: a council member of skhcn reads skhcn's self-assessment as its people do (SPEC §6a), but had no way
    to it: no menu item, and the unit's address answered 404. They reach it as the unit's people do: «Tự đánh
    giá» in the menu, then the unit's page, read-only."""
    client = client_for(conflicted_member)
    menu = _menu(client.get(reverse("council:dashboard", args=[2023])).content.decode())
    index = reverse("assessments:index_year", args=[2023])
    assert f'<a class="nav-link" href="{index}">Tự đánh giá</a>' in menu

    response = client.get(index, follow=True)

    detail = reverse("assessments:detail", args=[world["skhcn"].pk])
    assert response.redirect_chain == [
        (reverse("assessments:open_year", args=[2023, "skhcn"]), 302),
        (detail, 302),
    ]
    page = response.content.decode()
    assert "Sở Khoa học và Công nghệ" in page
    assert reverse("assessments:submit", args=[world["skhcn"].pk]) not in page  # read-only
    assert refused_links(client, page) == []


def test_conflicted_member_reaches_their_own_units_page_before_it_started(
    world, conflicted_member, client_for
):
    Assessment.objects.filter(pk=world["skhcn"].pk).delete()
    response = client_for(conflicted_member).get(reverse("assessments:open_year", args=[2023, "skhcn"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<p>Đơn vị chưa bắt đầu tự đánh giá.</p>" in page
    assert "Bắt đầu tự đánh giá</button>" not in page


def test_observer_menu_results_link_says_when_results_open_before_any_year_is_out(
    world, observer, client_for
):
    """The menu's «Kết quả» of an observer while no year is finalised answered 403; the landing says when."""
    response = client_for(observer).get("/ket-qua/?ky=2023")
    assert response.status_code == 200
    assert (
        '<p class="alert alert-info" id="no-results">Kết quả năm 2023 được xem khi Hội đồng chốt kết quả.</p>'
        in (response.content.decode())
    )


def test_council_landing_says_why_it_shows_another_year(world, member, client_for):
    """A landing asked for a year the person cannot open says which year it shows instead."""
    response = client_for(member).get("/hoi-dong/?ky=2019", follow=True)
    assert response.redirect_chain == [(reverse("council:dashboard", args=[2023]), 302)]
    assert "<strong>Lưu ý:</strong> Bạn không xem được năm 2019; đang hiển thị năm 2023." in (
        response.content.decode()
    )
