"""QA item 11: the main menu keeps the period the person is looking at (SPEC §3a: every page lives under its
period); on a page with no period the menu links stay plain."""

from __future__ import annotations

from django.urls import reverse

from appraisal.registry import services as registry_services
from tests.assessments.conftest import open_self_assessment


def _menu(body: str) -> str:
    return body[body.index('<ul class="navbar-nav me-auto">') : body.index('<ul class="navbar-nav">')]


def test_menu_links_carry_the_period_of_the_page(client_for, secretariat, period):
    registry_services.period_create(year=2024, by=secretariat)

    menu = _menu(client_for(secretariat).get(reverse("dashboards:progress", args=[2024])).content.decode())

    assert '<a class="nav-link" href="/hoi-dong/?ky=2024">Thẩm định</a>' in menu
    assert '<a class="nav-link" href="/ket-qua/?ky=2024">Kết quả</a>' in menu
    assert '<a class="nav-link" href="/bang-dieu-khien/?ky=2024">Bảng điều khiển</a>' in menu


def test_menu_link_of_the_council_opens_the_chosen_period(client_for, secretariat, period):
    registry_services.period_create(year=2024, by=secretariat)
    response = client_for(secretariat).get("/hoi-dong/?ky=2024")
    assert response["Location"] == reverse("council:dashboard", args=[2024])


def test_menu_links_of_a_unit_carry_the_period_of_its_assessment(
    client_for, editor, period, unit, group, index_set
):
    """A page under a period without the year in its address (the assessment's own page) keeps it too."""
    open_self_assessment(period)
    client = client_for(editor)
    client.post(reverse("assessments:open_year", args=[2023, "skhcn"]))
    assessment = unit.assessments.get(period=period)

    menu = _menu(client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode())

    assert (
        f'<a class="nav-link" href="{reverse("assessments:index_year", args=[2023])}">Tự đánh giá</a>' in menu
    )
    assert '<a class="nav-link" href="/hoi-dong/?ky=2023">Thông báo, giải trình</a>' in menu
    assert '<a class="nav-link" href="/ket-qua/?ky=2023">Kết quả</a>' in menu


def test_menu_links_stay_plain_on_a_page_with_no_period(client_for, secretariat, period):
    menu = _menu(client_for(secretariat).get(reverse("password_change")).content.decode())

    assert '<a class="nav-link" href="/hoi-dong/">Thẩm định</a>' in menu
    assert '<a class="nav-link" href="/ket-qua/">Kết quả</a>' in menu
    assert '<a class="nav-link" href="/bang-dieu-khien/">Bảng điều khiển</a>' in menu
