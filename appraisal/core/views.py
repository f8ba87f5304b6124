from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from appraisal.registry.selectors import period_current


def home(request: HttpRequest) -> HttpResponse:
    """Landing page: what the person can do now, by role."""
    return render(request, "core/home.html", {"period": period_current()})
