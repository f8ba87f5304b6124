"""Phone and print (issue 15, Build 6): the results and the council's dashboard read at 390 px with the key column
first and the rest scrolling sideways; printed pages carry no menus, buttons or footers."""

from __future__ import annotations

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_phone(page, live_server, login, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", stdout=None)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "chair", password="parindex-demo")
    return page


def _box(locator):
    box = locator.bounding_box()
    assert box is not None
    return box


@pytest.mark.django_db(transaction=True)
def test_results_table_hides_the_index_off_screen_on_a_390px_phone(demo_phone, live_server):
    page = demo_phone
    page.goto(f"{live_server.url}/ket-qua/2023/")
    table = page.locator("table.table-key").first
    index_header = table.get_by_role("columnheader", name="Chỉ số CCHC (%)")
    assert _box(index_header)["x"] + _box(index_header)["width"] <= 390
    # Unit names wrap by phrase, not a word per line: the first column keeps a readable width.
    first = table.locator("tbody tr th").first
    assert _box(first)["width"] >= 150
    # The rest of the table scrolls sideways inside its wrapper, not the whole page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    wrapper = page.locator(".table-responsive").first
    assert wrapper.evaluate("el => el.scrollWidth > el.clientWidth")
    # Scrolled sideways, the unit's name stays in view.
    wrapper.evaluate("el => el.scrollLeft = el.scrollWidth")
    assert _box(first)["x"] >= 0 and _box(first)["x"] < 50


@pytest.mark.django_db(transaction=True)
def test_council_dashboard_keeps_the_unit_column_first_at_390px(demo_phone, live_server):
    page = demo_phone
    page.goto(f"{live_server.url}/hoi-dong/2023/")
    table = page.locator("table.table-key").first
    first = table.locator("tbody tr th").first
    assert _box(first)["width"] >= 150
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1


@pytest.mark.django_db(transaction=True)
def test_printed_pages_carry_no_menu_buttons_or_footer(demo_phone, live_server):
    page = demo_phone
    page.set_viewport_size({"width": 1000, "height": 1200})
    page.emulate_media(media="print")
    for path in ("/ket-qua/2023/", "/hoi-dong/2023/", "/ket-qua/2023/don-vi/syt/"):
        page.goto(f"{live_server.url}{path}")
        assert not page.locator("nav.navbar").is_visible()
        assert not page.locator("footer").is_visible()
        assert page.locator("h1").first.is_visible()
        # Wide tables print whole: nothing is cut off behind a scroll bar.
        for wrapper in page.locator(".table-responsive").all():
            assert wrapper.evaluate("el => getComputedStyle(el).overflowX") == "visible"
