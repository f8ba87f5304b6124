"""Friendly error pages in the demo too: with PARINDEX_DEBUG=1 Django answers 404 and 500 with its English
technical pages; people trying the demo should meet the same Vietnamese pages as in production. A developer who
wants the technical pages sets PARINDEX_FRIENDLY_ERROR_PAGES=0."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


class FriendlyErrorPagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.DEBUG
            and getattr(settings, "FRIENDLY_ERROR_PAGES", True)
            and response.status_code in (404, 500)
            and response.get("Content-Type", "").startswith("text/html")
            and not getattr(request, "htmx", False)
        ):
            template = f"{response.status_code}.html"
            return HttpResponse(
                render_to_string(template, request=request if response.status_code == 404 else None),
                status=response.status_code,
            )
        return response
