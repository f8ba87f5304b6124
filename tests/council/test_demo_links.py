"""QA: links that lead to a refusal. A crawl of the demo as the people of the QA report (a unit's editor whose
unit has nothing in 2024, the chair, an observer, a council member of a unit): every link on every page reached
answers 200 for that person. Files and print views are left out: producing them (PDF through LibreOffice) costs
seconds each, their access is tested route by route (test_access_routes, test_access_matrix), and while a period
has no computed run they answer 409 with the page saying «Tính tạm» first, a state rather than a refusal."""

from __future__ import annotations

from collections import deque
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.core.test_crawl_codes import _shape
from tests.council.test_demo import demo  # noqa: F401  (the demo province, seeded once per module)
from tests.links import links_on

PAGES = 40
FILES = ("/tai-ve", ".xlsx", ".docx", ".csv", ".pdf", "/in/")


def _answer(client: Client, url: str, answers: dict[str, Any]) -> Any:
    if url not in answers:
        answers[url] = client.get(url, follow=True)
    return answers[url]


def _crawl(client: Client) -> list[tuple[str, int, str]]:
    """Pages of new shapes, breadth first from the home page, up to ``PAGES``; every link each of them shows is
    asked (once)."""
    answers: dict[str, Any] = {}
    shapes: set[str] = set()
    refused: list[tuple[str, int, str]] = []
    queue: deque[str] = deque(["/"])
    while queue and len(shapes) < PAGES:
        url = queue.popleft()
        response = _answer(client, url, answers)
        if _shape(url) in shapes or response.status_code != 200:
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        shapes.add(_shape(url))
        for link in links_on(response.content.decode()):
            if link.endswith(FILES) or "/tai-ve/" in link:
                continue
            status = _answer(client, link, answers).status_code
            if status != 200:
                refused.append((link, status, url))
            elif _shape(link) not in shapes:
                queue.append(link)
    return refused


@pytest.mark.parametrize("username", ["skhcn.editor", "chair", "observer", "member.stp"])
def test_demo_links_answer_for_the_person_who_sees_them(demo, db, username):  # noqa: F811
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    assert _crawl(client) == []
