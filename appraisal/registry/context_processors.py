from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from appraisal.core import roles

from .selectors import period_default_for_user, period_list_for_request


def _switch_url(request: HttpRequest, year: int) -> str:
    """The same page in another period when the page lives under a year, else that period's home."""
    match = getattr(request, "resolver_match", None)
    if match is not None and "year" in match.kwargs:
        try:
            return reverse(match.view_name, kwargs={**match.kwargs, "year": year})
        except NoReverseMatch:
            pass
    return reverse("core:home_year", kwargs={"year": year})


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    r = roles.roles_of(user)
    context: dict[str, Any] = {
        "nav": {
            "secretariat": roles.is_secretariat(user),
            "council": roles.is_council(user),
            "chair": roles.is_chair(user),
            "observer": roles.is_observer(user),
            "unit": bool(r.editor_units),
            "results": roles.can_view_all_results(user) or bool(r.editor_units),
            "admin": r.superuser,
        }
    }
    if user is None or not user.is_authenticated:
        return context
    # The period switcher (SPEC §3a): lazily, so pages that never show the navigation pay nothing.

    def periods() -> list[dict[str, Any]]:
        cached = getattr(request, "_parindex_nav_periods", None)
        if cached is None:
            listed = period_list_for_request(request)
            match = getattr(request, "resolver_match", None)
            year = (match.kwargs.get("year") if match is not None else None) or getattr(
                request, "parindex_year", None
            )
            if year is None:
                default = period_default_for_user(user, listed)
                year = default.year if default else None
            cached = [
                {"period": p, "url": _switch_url(request, p.year), "active": p.year == year} for p in listed
            ]
            request._parindex_nav_periods = cached
        return cached

    context["nav_periods"] = periods
    return context
