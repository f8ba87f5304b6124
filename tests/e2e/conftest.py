"""Browser journeys: Playwright driving Debian's Chromium (/usr/bin/chromium).

Playwright's own browser download does not work on our servers, so the journeys launch the system Chromium.
When it is absent they are skipped with the reason; CI installs it, so they run there.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's async-safety guard would refuse the
# ORM calls the tests make to arrange data. The live server runs in its own thread, unaffected.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("PARINDEX_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def _browser():
    if not (os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(
            f"Chromium không có tại {CHROMIUM}: cài bằng `apt-get install -y chromium` để chạy kiểm thử trình duyệt."
        )
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="parindex-chromium-")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(_browser, live_server):
    context = _browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", accept_downloads=True)
    context.set_default_timeout(10_000)
    pg = context.new_page()
    # Every journey doubles as a Content-Security-Policy check: Chromium reports each blocked inline script,
    # style or eval on the console ("Refused to … because it violates the following Content Security Policy").
    refused: list[str] = []
    pg.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    yield pg
    context.close()
    assert refused == []


@pytest.fixture
def login():
    """login(page, live_server, username, password='parindex-test'): logs in through the real form."""

    def _login(page, live_server, username: str, password: str = "parindex-test"):
        page.goto(f"{live_server.url}/dang-nhap/")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(password)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_load_state("networkidle")
        return page

    return _login
