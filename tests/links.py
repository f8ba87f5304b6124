"""Links a page shows and what they answer for the person who sees them (QA: no link may lead to a refusal).
Reuses the crawler's parser of tests/core/test_crawl_codes.py."""

from __future__ import annotations

from django.test import Client

from tests.core.test_crawl_codes import _Page

# Not pages: signing out, the admin (its own login), files served as they are.
NOT_PAGES = ("/dang-xuat", "/quan-tri/", "/static/", "/media/")


def links_on(html: str) -> list[str]:
    """The site's links of a page, each once, in page order."""
    page = _Page()
    page.feed(html)
    return [link for link in dict.fromkeys(page.links) if not link.startswith(NOT_PAGES)]


def refused_links(client: Client, html: str) -> list[tuple[str, int]]:
    """The links of ``html`` that do not answer 200 for the client's person (redirects followed)."""
    answers = ((link, client.get(link, follow=True).status_code) for link in links_on(html))
    return [(link, status) for link, status in answers if status != 200]
