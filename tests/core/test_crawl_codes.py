"""Labels, never codes (issue 15, point 5): a crawl of the demo as a demo account of every role finds no internal
code and no English word in the visible text of any page; the demo's missing pages are the Vietnamese 404 page,
not Django's debug page; every model has a Vietnamese name in the admin."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlparse

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

CODES = re.compile(r"xuat_sac|trung_binh|\bhtxs\b|\bhtt\b|tiers:|proportional:|manual:|penalty:|sha256:")
# One demo account of every role: administrator, secretariat, chair, observer, council members, unit editors and
# heads of a department, a district and a central agency.
ACCOUNTS = [
    "admin", "secretariat", "chair", "observer", "member.stttt", "syt.editor", "sct.head", "tphatinh.head",
]  # fmt: skip
# English words a page could leak (Django's defaults, our own code names, interface words); Vietnamese written
# without its marks never forms them. Proper names and file formats are not words of a sentence: allowed below.
ENGLISH = re.compile(
    r"\b(?:the|and|of|for|with|from|this|that|is|are|not|or|by|at|on|"
    r"skip|toggle|theme|main|content|save|saved|cancel|delete|edit|submit|search|page|next|previous|back|home|"
    r"login|logout|log|password|username|user|users|settings|close|loading|error|errors|warning|success|"
    r"item|items|entry|entries|entrys|value|values|note|notes|unit|units|group|groups|period|periods|event|events|"
    r"field|fields|phase|round|draft|submitted|returned|appraised|explained|reappraised|finalised|finalized|"
    r"import|export|upload|download|file|files|demo|bulk|command|none|true|false|null|yes|"
    r"run|snapshot|score|scores|points|total|index|rank|band|rating|head|member|chair|secretariat|observer|editor|"
    r"admin|council|notice|report|print|history|view|add|change|remove|select|choose|filter|show|hide|more|"
    r"open|closed|pending|done|status|state|action|actions|help|breadcrumb|navigation|required|optional)\b",
    re.IGNORECASE,
)
# Proper names and notations that are not English sentences: login names and e-mail addresses (they hold a dot or
# an @), file types, the date pattern of Vietnamese forms, the product's own name.
NOT_WORDS = re.compile(
    r"\S+@\S+|\b[\w-]+(?:\.[\w-]+)+\b|\.(?:xlsx|docx|csv|pdf)\b|\b(?:xlsx|docx|csv|pdf|PDF|CSV|Excel|LibreOffice|"
    r"ParIndex|PAR INDEX|Axes)\b|dd/mm/yyyy|hh:mm|\(\.docx\)|\(\.xlsx\)"
)
SKIP = (
    "/dang-xuat",
    "/admin",
    "/quan-tri",
    "/tai-ve",
    "/tep",
    ".xlsx",
    ".docx",
    ".csv",
    ".pdf",
    "/static/",
    "/media/",
)
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
        if tag == "code":  # a file format's column names, typed as shown: notation, not prose
            self.text.append("\x00")
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("/"):
                self.links.append(urldefrag(href)[0])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1
        if tag == "code":
            self.text.append("\x01")

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
    seen, shapes, queue, found, english = set(), set(), deque([start]), [], []
    names = sorted(get_user_model().objects.values_list("username", flat=True), key=len, reverse=True)
    logins = re.compile(r"\((?:" + "|".join(map(re.escape, names)) + r")\)")
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
        text = " ".join(page.text)
        for match in CODES.finditer(text):
            found.append((url, match.group(0)))
        prose = NOT_WORDS.sub(" ", re.sub(r"\x00[^\x01]*\x01", " ", text))
        prose = logins.sub(
            " ", prose
        )  # login names («Nguyễn Văn Khoa (chair)») are the accounts' proper names
        for match in ENGLISH.finditer(prose):
            english.append((url, match.group(0), prose[max(match.start() - 30, 0) : match.end() + 30]))
        queue.extend(link for link in page.links if urlparse(link).path not in seen)
    return seen, found, english


@pytest.mark.parametrize("username", ACCOUNTS)
def test_demo_pages_show_no_internal_codes_nor_english_words(client, demo, username):
    client.force_login(get_user_model().objects.get(username=username))
    seen, found, english = _crawl(client)

    assert len(seen) > 5
    assert found == []
    assert english == []


def test_every_model_has_a_vietnamese_name_in_the_admin():
    """Issue 15, point 5: the admin listed «Item entrys», «Period events»: Django's English default names."""
    from django.apps import apps

    defaults = []
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label not in ("registry", "assessments", "council", "scoring", "core"):
            continue
        default = re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()
        if str(meta.verbose_name) == default or str(meta.verbose_name_plural) == f"{default}s":
            defaults.append(model.__name__)
    assert defaults == []


def test_demo_missing_page_is_the_vietnamese_404_page_not_the_debug_page(client, demo, settings):
    settings.DEBUG = True
    client.force_login(get_user_model().objects.get(username="secretariat"))
    response = client.get("/khong-co-trang-nay/")
    body = response.content.decode()

    assert response.status_code == 404
    assert '<h1 class="h3">Không tìm thấy trang</h1>' in body
    assert "Using the URLconf" not in body and "Page not found" not in body
