"""Read-side queries for reference data."""

from __future__ import annotations

from .models import Period


def period_current() -> Period | None:
    """The latest period (the one people work on)."""
    return Period.objects.order_by("-year").first()


def period_by_year(year: int) -> Period | None:
    return Period.objects.filter(year=year).first()
