"""The home page: what a person can do now in a period, read from the council's to-do list (it lives here, above
registry and assessments, because it reads all of them; its URL names stay ``core:home``)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from appraisal.registry.selectors import period_default_for_user, period_list_for_user

from .todo import todo_for_user


def home(request: HttpRequest, year: int | None = None) -> HttpResponse:
    """Landing page of one period: what the person can do now, by role, and what needs doing ('Việc cần làm').
    Without a year: the province's current period when the person has something in it (SPEC §3a)."""
    periods = period_list_for_user(request.user)
    if year is None:
        period = period_default_for_user(request.user, periods)
    else:
        period = next((p for p in periods if p.year == year), None)
        if period is None:
            raise Http404("Không tìm thấy kỳ đánh giá.")
    request.parindex_year = period.year if period else None
    todo = todo_for_user(request.user, period) if period is not None else None
    return render(request, "core/home.html", {"period": period, "todo": todo})
