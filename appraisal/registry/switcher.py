"""The period switcher's question for a page under a year (QA item 12b): may the person open the same page in
another period? A view answers it by declaring a check (``@year_page(check)``); the check asks the same access
policy as the view, usually by calling the view's own ``*_get_for_user`` (:func:`opens`). A page without a check
links its own address in every year, as before; a page whose check says no links that year's landing instead."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from .models import Period
from .selectors import period_default_for_user, period_list_for_request

# (user, the other period, the page's URL arguments) → whether the same page opens for them there
YearCheck = Callable[[Any, Period, dict[str, Any]], bool]
V = TypeVar("V", bound=Callable[..., Any])


def year_page(check: YearCheck) -> Callable[[V], V]:
    """Declare the check of a view whose address holds a year (below ``@require_safe``: its wrapper copies it)."""

    def decorate(view: V) -> V:
        view.parindex_year_check = check  # type: ignore[attr-defined]
        return view

    return decorate


def year_check(view: Callable[..., Any]) -> YearCheck | None:
    return getattr(view, "parindex_year_check", None)


def opens(fetch: Callable[[], object]) -> bool:
    """Whether the view's own fetch-and-authorise step lets the person through (404 and 403 are a no)."""
    try:
        fetch()
    except (Http404, PermissionDenied):
        return False
    return True


def landing_period(request: HttpRequest) -> Period | None:
    """The period a section's landing shows (``?ky=YEAR``): that year when it is one of the person's periods,
    else their default period, and then the page says why it shows another year than the one asked (QA)."""
    periods = period_list_for_request(request)
    year = request.GET.get("ky", "")
    period = next((p for p in periods if year.isdigit() and p.year == int(year)), None)
    if period is not None:
        return period
    period = period_default_for_user(request.user, periods)
    if period is not None and year.isdigit():
        messages.warning(request, f"Bạn không xem được năm {year}; đang hiển thị năm {period.year}.")
    return period
