"""The demo province, seeded once for a module (seeding takes seconds) inside a transaction rolled back at the
end; each test runs in its own savepoint. Helpers read a chart three ways: the numbers drawn in its SVG, its
table on the page, its CSV."""

from __future__ import annotations

import base64
import csv
import io
import re

import pytest
from django.core.cache import cache
from django.test import Client

from tests.council.test_demo import demo  # noqa: F401  (the demo province, seeded once per module)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def as_user(db):
    from django.contrib.auth import get_user_model

    def _client(username: str) -> Client:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        return client

    return _client


def chart_svg(html: str, slug: str, client: Client | None = None) -> str:
    """The SVG drawn for chart ``slug`` on the page: decoded from its data: URI, or fetched by ``client`` from
    the address the page links (the results page: a request per picture)."""
    m = re.search(r'id="chart-' + re.escape(slug) + r'".*?<img class="chart-img" src="([^"]+)"', html, re.S)
    assert m, f"no picture for {slug}"
    src = m.group(1)
    if src.startswith("data:"):
        assert src.startswith("data:image/svg+xml;base64,")
        return base64.b64decode(src.split(",", 1)[1]).decode("utf-8")
    assert client is not None, f"{slug}: the picture is at {src}"
    response = client.get(src)
    assert response.status_code == 200, src
    assert response["Content-Type"] == "image/svg+xml"
    return response.content.decode("utf-8")


def svg_values(svg: str) -> list[str]:
    """The value printed on each bar, in drawing order (pygal's <desc class="value">)."""
    return re.findall(r'<desc class="value">([^<]*)</desc>', svg)


def svg_labels(svg: str) -> list[str]:
    """The axis labels of the bars (pygal's x labels), in order."""
    block = re.search(r'<g class="axis x(?: always_show)?">(.*?)</g>\s*</g>\s*<g class="axis y', svg, re.S)
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", block.group(1) if block else svg)
    return texts


def page_table(html: str, slug: str) -> list[list[str]]:
    """The rows of the chart's table on the page, as text (header row first)."""
    m = re.search(r'<table[^>]*data-chart="' + re.escape(slug) + r'"[^>]*>(.*?)</table>', html, re.S)
    assert m, f"no table for {slug}"
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", m.group(1), re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        rows.append([re.sub(r"<[^>]+>", "", c).strip() for c in cells])
    return rows


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark for Excel
    text = content.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text), delimiter=";"))
