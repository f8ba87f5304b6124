"""QA: a council member's period switcher and landings in a year where they have no assignment. In the demo, with
2024 moved into «Tự đánh giá», member.stp and member.stc (council members without a period) have 2024 in their
list but no assignment there. A link shown must open: the switcher links a year's council page only when it opens
for the person, else that year's council landing, which answers 200 saying why there is nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from appraisal.council.models import Assignment
from appraisal.registry.models import Period, Phase
from tests.council.test_demo import demo  # noqa: F401  (the demo province, seeded once per module)
from tests.links import refused_links
from tests.registry.test_period_switcher import switcher

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

NOT_ASSIGNED = "Bạn chưa được phân công thẩm định trong Chỉ số CCHC năm 2024."


@pytest.fixture(autouse=True)
def _2024_in_self_assessment():
    Period.objects.filter(year=2024).update(phase=Phase.SELF_ASSESSMENT)
    assert not Assignment.objects.filter(period__year=2024).exists()


def _client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.mark.parametrize("username", ["member.stp", "member.stc"])
@pytest.mark.parametrize("page", ["", "hang-doi/", "vong-2/", "khoi-luong/"])
def test_the_switcher_links_a_year_without_assignments_to_its_council_landing(username, page):
    client = _client(username)
    response = client.get(f"/hoi-dong/2023/{page}")
    assert response.status_code == 200
    links = switcher(response.content.decode())
    assert links == {
        "2024": "/hoi-dong/?ky=2024",
        "2023": f"/hoi-dong/2023/{page}",
        "2022": f"/hoi-dong/2022/{page}",
    }
    for href in links.values():
        assert client.get(href, follow=True).status_code == 200, href


@pytest.mark.parametrize("url", ["/hoi-dong/?ky=2024", "/bang-dieu-khien/?ky=2024"])
def test_the_landings_of_a_year_without_assignments_say_why_they_are_empty(url):
    response = _client("member.stp").get(url, follow=True)
    assert response.status_code == 200
    assert f'<p class="alert alert-info" id="no-results">{NOT_ASSIGNED}</p>' in response.content.decode()


def test_the_landing_opens_the_council_page_once_the_member_is_assigned():
    member = get_user_model().objects.get(username="member.stp")
    secretariat = get_user_model().objects.get(username="secretariat")
    Assignment.objects.create(
        period=Period.objects.get(year=2024), member=member, field_code="1", created_by=secretariat
    )
    response = _client("member.stp").get("/hoi-dong/?ky=2024", follow=True)
    assert response.redirect_chain == [("/hoi-dong/2024/", 302)]
    assert NOT_ASSIGNED not in response.content.decode()


def test_every_link_of_the_members_2024_home_opens():
    client = _client("member.stp")
    response = client.get("/ky/2024/")
    assert response.status_code == 200
    assert refused_links(client, response.content.decode()) == []
