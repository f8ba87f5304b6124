"""Accessibility checked (issue 15, Build 7): axe-core, through Playwright, on the main pages of every role of the
demo finds no serious or critical violation; every form field has a label; state is not shown by colour alone."""

from __future__ import annotations

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.e2e

# The main pages of each role: where the role lands, and the page it works on most.
ROLE_PAGES = {
    "secretariat": ["/", "/danh-muc/", "/hoi-dong/2023/", "/ket-qua/2023/"],
    "chair": ["/", "/ket-qua/2023/"],
    "observer": ["/"],
    "member.stttt": ["/", "/hoi-dong/2023/hang-doi/"],
    "syt.editor": ["/", "/tu-danh-gia/"],
    "sct.head": ["/"],
    "tphatinh.head": ["/"],
}
SERIOUS = {"serious", "critical"}


def _violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


def _unlabelled_fields(page) -> list[str]:
    """Visible inputs, selects and text areas without a label, aria-label or aria-labelledby."""
    return page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea')]
            .filter(el => el.type !== 'hidden' && el.type !== 'submit' && el.type !== 'button')
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                          && !el.getAttribute('aria-labelledby') && !el.getAttribute('title'))
            .map(el => el.outerHTML.slice(0, 120))"""
    )


def _badges_without_text(page) -> list[str]:
    """A coloured badge or alert must say its state in words: none is empty of text."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.badge, .alert, .text-bg-success, .text-bg-danger, .text-bg-warning')]
            .filter(el => !el.textContent.trim() && !el.getAttribute('aria-label'))
            .map(el => el.outerHTML.slice(0, 120))"""
    )


@pytest.mark.django_db(transaction=True)
def test_main_pages_of_every_role_have_no_serious_accessibility_violation(page, live_server, login, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", stdout=None)
    problems: dict[str, list[str]] = {}
    for username, paths in ROLE_PAGES.items():
        page.context.clear_cookies()
        login(page, live_server, username, password="parindex-demo")
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            found = _violations(page) + _unlabelled_fields(page) + _badges_without_text(page)
            if found:
                problems[f"{username} {path}"] = found
    assert problems == {}
