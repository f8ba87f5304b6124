"""QA 12b: the period switcher links each year to a page of that year the person may open: the same page when
SPEC §6a lets them see it there, else that year's landing of the same section (which never refuses)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from appraisal.registry.models import Phase
from appraisal.scoring.models import ScoreRun
from tests.council.test_demo import demo  # noqa: F401  (the demo province, seeded once per module)
from tests.factories import PeriodFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def _client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def switcher(page: str) -> dict[str, str]:
    """Year → the address the switcher links it to."""
    menu = re.search(r'aria-labelledby="period-switcher">(.*?)</ul>', page, re.S)
    assert menu, "no period switcher"
    return {
        year: href.replace("&amp;", "&")
        for href, year in re.findall(
            r'<a class="dropdown-item[^"]*" href="([^"]+)"[^>]*>[^<]*?(\d{4})', menu.group(1)
        )
    }


CASES = {  # an observer's list has no year in preparation (2024)
    ("observer", "/ket-qua/2022/"): {
        "2023": "/ket-qua/?ky=2023",
        "2022": "/ket-qua/2022/",
    },
    ("observer", "/bang-dieu-khien/2022/tong-quan/"): {
        "2023": "/bang-dieu-khien/?ky=2023",
        "2022": "/bang-dieu-khien/2022/tong-quan/",
    },
    ("observer", "/bang-dieu-khien/2022/don-vi/stp/"): {
        "2023": "/bang-dieu-khien/2023/don-vi/stp/",  # finalised: the observer sees it (SPEC §6a, from F)
        "2022": "/bang-dieu-khien/2022/don-vi/stp/",
    },
    ("skhcn.head", "/ket-qua/2022/"): {
        "2024": "/ket-qua/?ky=2024",
        "2023": "/ket-qua/?ky=2023",
        "2022": "/ket-qua/2022/",
    },
    ("skhcn.head", "/bang-dieu-khien/2022/don-vi/skhcn/"): {
        "2024": "/bang-dieu-khien/?ky=2024",
        "2023": "/bang-dieu-khien/?ky=2023",
        "2022": "/bang-dieu-khien/2022/don-vi/skhcn/",
    },
    ("skhcn.head", "/ket-qua/2022/don-vi/skhcn/"): {
        "2024": "/ket-qua/2024/don-vi/skhcn/",  # its own inputs: always
        "2023": "/ket-qua/2023/don-vi/skhcn/",
        "2022": "/ket-qua/2022/don-vi/skhcn/",
    },
}


@pytest.mark.parametrize(("who", "url"), list(CASES), ids=[f"{w}:{u}" for w, u in CASES])
def test_the_period_switcher_links_each_year_to_a_page_the_person_may_open(who, url):
    client = _client(who)
    page = client.get(url)
    assert page.status_code == 200
    links = switcher(page.content.decode())
    assert links == CASES[(who, url)]
    for year, href in links.items():
        response = client.get(href, follow=True)
        assert response.status_code == 200, (year, href)
        # there, or back to a year already out with a word saying so: never silently elsewhere
        landed = response.redirect_chain[-1][0] if response.redirect_chain else href
        assert (
            f"/{year}/" in landed
            or (
                f"Kết quả Chỉ số CCHC năm {year} chưa được chốt; đây là kết quả Chỉ số CCHC năm 2022."
                in response.content.decode()
            )
            or "được xem khi Hội đồng chốt kết quả" in response.content.decode()
        ), (year, href, landed)


def _opens_each(client: Client, links: dict[str, str]) -> None:
    for year, href in links.items():
        assert client.get(href, follow=True).status_code == 200, (year, href)


def test_a_new_empty_period_is_linked_to_its_landing_from_a_units_results_page():
    """A period just created (the unit not a member, nothing entered) has no page of the unit's result: the
    switcher links that year's results landing, which opens, never the unit's page there (404)."""
    PeriodFactory(year=2026, phase=Phase.PREPARING)
    client = _client("secretariat")
    page = client.get("/ket-qua/2023/don-vi/skhcn/")
    assert page.status_code == 200
    links = switcher(page.content.decode())
    assert links["2026"] == "/ket-qua/?ky=2026"
    assert links["2024"] == "/ket-qua/2024/don-vi/skhcn/"  # rolled over: the unit is a member
    _opens_each(client, links)


@pytest.mark.parametrize("kind", ["notice", "result", "shortcomings"])
def test_a_year_without_a_run_is_linked_to_its_landing_from_a_print_page(demo, kind):  # noqa: F811
    """A unit's letter is built from a run: the print page of a year that has none answers 409, so the
    switcher links that year's landing instead."""
    ScoreRun.objects.filter(period=demo[2023]).delete()
    client = _client("secretariat")
    page = client.get(f"/ket-qua/2022/don-vi/stp/{kind}/in/")
    assert page.status_code == 200
    links = switcher(page.content.decode())
    assert links["2023"] == "/ket-qua/?ky=2023"
    assert links["2022"] == f"/ket-qua/2022/don-vi/stp/{kind}/in/"
    _opens_each(client, links)
