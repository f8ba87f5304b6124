"""Issue 12: each dashboard opened in Chromium as the secretariat, the chair, the observer and a unit head, on the
demo province. Every page is watched for ``securitypolicyviolation`` events (the charts are SVG images under the
strict Content-Security-Policy), every chart picture must have loaded, and a screenshot of each is taken: into
docs/screenshots/ for the README with ``PARINDEX_SCREENSHOTS=1`` (so that an ordinary test run leaves the work
tree clean: the pages show the time of day), else into a temporary folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.e2e

DOCS_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture
def shots(tmp_path):
    return DOCS_SHOTS if os.environ.get("PARINDEX_SCREENSHOTS") == "1" else tmp_path


@pytest.fixture
def demo_site(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", stdout=None)


def _open(page, live_server, path: str, shot: str, shots: Path, *, full: bool = True) -> None:
    page.goto(f"{live_server.url}{path}")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__csp") == []
    broken = page.evaluate(
        "[...document.querySelectorAll('img.chart-img')].filter(i => !(i.complete && i.naturalWidth > 0)).length"
    )
    assert broken == 0
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"{shot}.png"), full_page=full)
    assert (shots / f"{shot}.png").stat().st_size > 10_000


def _as(page, live_server, login, username: str):
    page.context.clear_cookies()
    login(page, live_server, username, password="parindex-demo")


def test_dashboards_journey_secretariat_chair_observer_and_unit_head(
    demo_site, shots, page, live_server, login
):
    page.context.add_init_script(WATCH)
    page.set_viewport_size({"width": 1280, "height": 900})

    _as(page, live_server, login, "secretariat")
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Bảng điều khiển").first.click()
    page.wait_for_url("**/bang-dieu-khien/2023/tien-do/")
    _open(page, live_server, "/bang-dieu-khien/2023/tien-do/", "tien-do-thu-ky", shots)
    assert page.locator("#round2-count").inner_text() == "2"
    # a figure leads to its list
    page.locator("#round2-list").get_by_role("link").first.wait_for()
    page.get_by_role("link", name="Giải trình chờ thẩm định vòng 2 (2)").click()
    assert page.locator("#unit-list tbody tr").count() == 2
    # htmx swaps the body in place (what the minute's poll does)
    page.goto(f"{live_server.url}/bang-dieu-khien/2023/tien-do/")
    page.evaluate("htmx.ajax('GET', '/bang-dieu-khien/2023/tien-do/noi-dung/', '#progress-body')")
    page.wait_for_load_state("networkidle")
    assert page.locator("#progress-body #progress-updated").count() == 1
    assert page.evaluate("window.__csp") == []
    _open(page, live_server, "/bang-dieu-khien/2023/ket-qua/", "ket-qua-thu-ky", shots, full=False)
    with page.expect_download() as download:
        page.locator("#chart-chi-so-so summary a").click()
    assert download.value.suggested_filename == "chi-so-so-2023.csv"

    _as(page, live_server, login, "chair")
    _open(page, live_server, "/bang-dieu-khien/2023/tien-do/", "tien-do-chu-tich", shots, full=False)
    _open(page, live_server, "/bang-dieu-khien/2022/ket-qua/", "ket-qua-2022-chu-tich", shots, full=False)

    _as(page, live_server, login, "observer")
    page.goto(f"{live_server.url}/bang-dieu-khien/")
    page.wait_for_url("**/bang-dieu-khien/2022/tong-quan/")
    _open(page, live_server, "/bang-dieu-khien/2022/tong-quan/", "tong-quan-lanh-dao-tinh", shots)
    assert page.locator("#leaders tbody tr").count() == 3
    assert page.locator("#weakest tbody tr").count() == 5
    # one A4 page when printed
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1
    page.emulate_media(media="screen")

    _as(page, live_server, login, "stp.head")
    page.goto(f"{live_server.url}/bang-dieu-khien/")
    page.wait_for_url("**/bang-dieu-khien/2023/don-vi/stp/")
    _open(page, live_server, "/bang-dieu-khien/2023/don-vi/stp/", "don-vi-truong-don-vi", shots)
    assert page.locator("#shortfalls tbody tr").count() > 0
    assert page.locator("#unit-rank").inner_text() == "–"  # finalised, not yet published: no rank
    # 2021 (its published table), 2022, 2023
    assert page.locator('table[data-chart="qua-cac-nam"] tbody tr').count() == 3
    # another unit before publication: not found
    response = page.goto(f"{live_server.url}/bang-dieu-khien/2023/don-vi/skhcn/")
    assert response is not None and response.status == 404
