from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from appraisal.core import roles

from .models import Period
from .selectors import period_default_for_user, period_list_for_request
from .switcher import year_check

# The landing of each section (the main menu's link, QA item 11), which never refuses: the switcher's link to a
# year in which the person may not open the page being viewed (QA item 12b).
SECTIONS = {
    "assessments": "assessments",
    "council": "council",
    "scoring": "results",
    "dashboards": "dashboards",
}


def _switch_url(request: HttpRequest, period: Period) -> str:
    """The same page in another period when the page lives under a year and the person may open it there (the
    view's :func:`~.switcher.year_page` check), else that period's landing of the same section, else its home."""
    match = getattr(request, "resolver_match", None)
    year = period.year
    if match is not None and "year" in match.kwargs:
        check = year_check(match.func)
        if year == match.kwargs["year"] or check is None or check(request.user, period, match.kwargs):
            try:
                return reverse(match.view_name, kwargs={**match.kwargs, "year": year})
            except NoReverseMatch:
                pass
        elif match.namespace in SECTIONS:
            return _menu_urls(year)[SECTIONS[match.namespace]]
    return reverse("core:home_year", kwargs={"year": year})


def _page_year(request: HttpRequest) -> int | None:
    """The year of the period the page lives under: in its address, or set by the view (an assessment's page)."""
    match = getattr(request, "resolver_match", None)
    return (match.kwargs.get("year") if match is not None else None) or getattr(
        request, "parindex_year", None
    )


def _menu_urls(year: int | None) -> dict[str, str]:
    """The main menu's links, in the period being viewed (QA item 11: never silently back to the default
    period); plain on a page with no period. The landings take ``?ky=YEAR`` and keep their fallbacks for a
    person who has nothing to see in that period."""
    if year is None:
        return {
            "assessments": reverse("assessments:index"),
            "council": reverse("council:index"),
            "results": reverse("scoring:index"),
            "dashboards": reverse("dashboards:index"),
        }
    return {
        "assessments": reverse("assessments:index_year", kwargs={"year": year}),
        "council": f"{reverse('council:index')}?ky={year}",
        "results": f"{reverse('scoring:index')}?ky={year}",
        "dashboards": f"{reverse('dashboards:index')}?ky={year}",
    }


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    r = roles.roles_of(user)
    unit_side = bool(roles.unit_ids_held(user, None))  # the menu does not come and go with the years
    context: dict[str, Any] = {
        "nav": {
            "secretariat": roles.is_secretariat(user),
            # Creates periods and edits what every year shares (registry.selectors.province_require).
            "province": roles.is_province_secretariat(user),
            "council": roles.is_council(user),
            "chair": roles.is_chair(user),
            "observer": roles.is_observer(user),
            "unit": unit_side,
            # A unit's self-assessment: its people, and a council member of the unit, who reads it as they do.
            "self_assessment": bool(r.own_units),
            "results": roles.can_view_all_results(user) or unit_side,
            "admin": r.superuser,
        }
    }
    if user is None or not user.is_authenticated:
        return context
    context["nav_urls"] = lambda: _menu_urls(_page_year(request))
    # The period switcher (SPEC §3a): lazily, so pages that never show the navigation pay nothing.

    def periods() -> list[dict[str, Any]]:
        cached = getattr(request, "_parindex_nav_periods", None)
        if cached is None:
            listed = period_list_for_request(request)
            year = _page_year(request)
            if year is None:
                default = period_default_for_user(user, listed)
                year = default.year if default else None
            cached = [{"period": p, "url": _switch_url(request, p), "active": p.year == year} for p in listed]
            request._parindex_nav_periods = cached
        return cached

    context["nav_periods"] = periods
    return context
