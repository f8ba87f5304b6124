"""Labels, never codes (issue 15, point 5): a crawl of the demo as several demo accounts finds no internal code in
the visible text of any page; the demo's missing pages are the Vietnamese 404 page, not Django's debug page."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlparse

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

CODES = re.compile(r"xuat_sac|trung_binh|\bhtxs\b|\bhtt\b|tiers:|proportional:|manual:|penalty:|sha256:")
ACCOUNTS = ["secretariat", "chair", "observer", "member.stttt", "syt.editor", "sct.head"]
SKIP = ("/dang-xuat", "/admin", "/tai-ve", "/tep", ".xlsx", ".docx", ".csv", ".pdf", "/static/", "/media/")
PAGES_PER_ACCOUNT = 80


class _Page(HTMLParser):
    """Visible text (not scripts, styles or attributes) and the links of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("/"):
                self.links.append(urldefrag(href)[0])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.text.append(data)


@pytest.fixture
def demo(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", stdout=None)


def _shape(url: str) -> str:
    """One page of each kind is enough: '/hoi-dong/don-vi/12/' and '/hoi-dong/don-vi/13/' are one shape."""
    return re.sub(r"\d+", "N", urlparse(url).path)


def _crawl(client, start="/"):
    seen, shapes, queue, found = set(), set(), deque([start]), []
    while queue and len(seen) < PAGES_PER_ACCOUNT:
        url = queue.popleft()
        if url in seen or _shape(url) in shapes or any(s in url for s in SKIP):
            continue
        seen.add(url)
        shapes.add(_shape(url))
        response = client.get(url, follow=True)
        for hop, _ in response.redirect_chain:
            seen.add(hop)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        page = _Page()
        page.feed(response.content.decode())
        for match in CODES.finditer(" ".join(page.text)):
            found.append((url, match.group(0)))
        queue.extend(link for link in page.links if urlparse(link).path not in seen)
    return seen, found


@pytest.mark.parametrize("username", ACCOUNTS)
def test_demo_pages_show_no_internal_codes(client, demo, username):
    client.force_login(get_user_model().objects.get(username=username))
    seen, found = _crawl(client)

    assert len(seen) > 5
    assert found == []


def test_demo_missing_page_is_the_vietnamese_404_page_not_the_debug_page(client, demo, settings):
    settings.DEBUG = True
    client.force_login(get_user_model().objects.get(username="secretariat"))
    response = client.get("/khong-co-trang-nay/")
    body = response.content.decode()

    assert response.status_code == 404
    assert '<h1 class="h3">Không tìm thấy trang</h1>' in body
    assert "Using the URLconf" not in body and "Page not found" not in body
