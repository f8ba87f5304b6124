"""Headers and the rules that keep them holding: Content-Security-Policy on real pages, templates and static
JavaScript without anything inline that the policy would block."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

STRICT_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


def csp(response):
    """The header as {directive: sources} (django-csp does not keep the directives' order)."""
    parts = (part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    return dict(parts)


def test_no_content_security_policy_header_login_page_now_carries_a_strict_one(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert csp(response) == STRICT_CSP
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_no_content_security_policy_header_signed_in_pages_carry_it(client_for, editor, period):
    client = client_for(editor)
    for url in (reverse("core:home"), reverse("password_change")):
        response = client.get(url)
        assert (url, response.status_code, csp(response)) == (url, 200, STRICT_CSP)


def test_no_content_security_policy_header_errors_carry_it_too(client_for, outsider):
    response = client_for(outsider).get("/khong-co-trang-nay/")
    assert (response.status_code, csp(response)) == (404, STRICT_CSP)


TEMPLATES = sorted((Path(settings.BASE_DIR) / "templates").rglob("*.html"))
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on…= event handler"),
    (re.compile(r"\shx-on[:\w-]*\s*=", re.I), "hx-on (evaluated by htmx)"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_templates_have_nothing_inline_the_policy_would_block(path):
    text = path.read_text(encoding="utf-8")
    found = [label for pattern, label in INLINE if pattern.search(text)]
    assert found == []


@pytest.mark.parametrize(
    "path",
    sorted((Path(settings.BASE_DIR) / "static" / "js").glob("*.js")),
    ids=lambda p: p.name,
)
def test_static_javascript_neither_evaluates_code_nor_writes_inline_handlers(path):
    text = path.read_text(encoding="utf-8")
    found = re.findall(
        r"\beval\(|new Function\(|setAttribute\(\s*[\"'](?:on\w+|style)[\"']|\.innerHTML\s*=\s*[^\"'\s]", text
    )
    assert found == []


def test_health_check_answers_without_login(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    response = client.get("/healthz/", headers={"accept": "application/json"})
    assert response.status_code == 200
    assert response.json() == {"Database(alias='default')": "OK", "Storage(alias='default')": "OK"}
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
