"""The dashboards' results, computed once per state of the period and kept in Django's cache.

Charts need every unit's result (a live computation while the period runs) and several people open the same
pages in turn; so what each page builds from the results (its charts and tables, the Chairman's figures, a
unit's row with its group's averages: never the period's raw results, whose pickling alone cost more than the
page) is kept under a fingerprint of what the results depend on, read in a few cheap queries: the official run
when there is one; otherwise the period's settings, index nodes (wording fixes included), memberships with the
units' and groups' names, exclusions, item entries (count, latest change — every writer stamps
``updated_at``), assessments' states and head-rating inputs; and in both cases last year's final run and
published table. Any change gives a new key, so a page never shows numbers older than the data; the timeout
only bounds memory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db.models import Count, Max

from appraisal.assessments.models import Assessment, ItemEntry
from appraisal.registry.models import IndexNode, Period, UnitExclusion, UnitMembership
from appraisal.scoring.models import PublishedResult, ScoreRun
from appraisal.scoring.services import final_run

from .analytics import Analytics, Summary, analytics_build, summary_build
from .unit import UnitPage, unit_page_build

T = TypeVar("T")
_NONE = "none"  # kept for a unit without a result, or a chart with nothing to draw

TIMEOUT = 15 * 60


def results_fingerprint(period: Period) -> str:
    """A short key that changes whenever the period's results could (or last year's, which the charts compare
    with): the official run when there is one; otherwise the period's settings, index nodes (a wording fix of a
    title included), memberships, units' names, exclusions, assessments and item entries."""
    parts: list[object] = [period.pk, period.decimals]
    parts.append(
        ScoreRun.objects.filter(period__year=period.year - 1, is_final=True)
        .order_by()
        .aggregate(last=Max("pk"))
    )
    parts.append(
        PublishedResult.objects.filter(published__year=period.year - 1)
        .order_by()
        .aggregate(n=Count("pk"), last=Max("pk"), at=Max("published__imported_at"))
    )
    run = final_run(period)
    if run is not None:
        return f"run-{run.pk}-" + _digest(parts)
    parts += [period.phase, period.updated_at]
    parts.append(
        list(
            IndexNode.objects.filter(index_set__period=period)
            .order_by("pk")
            .values_list("pk", "code", "title", "max_points", "method", "rule", "excluded_tags", "position")
        )
    )
    parts.append(
        list(
            UnitMembership.objects.filter(period=period)
            .order_by("pk")
            .values_list("unit_id", "group_id", "tracked", "group__name", "unit__name", "unit__updated_at")
        )
    )
    parts.append(
        list(
            UnitExclusion.objects.filter(period=period)
            .order_by("pk")
            .values_list("unit_id", "node_id", "reason")
        )
    )
    parts.append(
        ItemEntry.objects.filter(assessment__period=period)
        .order_by()
        .aggregate(n=Count("pk"), at=Max("updated_at"))
    )
    parts.append(
        list(
            Assessment.objects.filter(period=period)
            .order_by("pk")
            .values_list("pk", "state", "head_override", "head_veto_reason", "updated_at")
        )
    )
    return "live-" + _digest(parts)


def _digest(parts: list[object]) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def fingerprint(period: Period) -> str:
    """The period's results fingerprint, read once per request (kept on the period object)."""
    found = period.__dict__.get("_dashboards_fingerprint")
    if found is None:
        found = period.__dict__["_dashboards_fingerprint"] = results_fingerprint(period)
    return found


def _key(period: Period, part: str) -> str:
    return f"parindex:dash:{period.pk}:{part}:{fingerprint(period)}"


def cached(*, period: Period, part: str, build: Callable[[], T]) -> T:
    """``build()`` for the period's present state, from the cache when already built (``part`` names what is
    built: a page's products, never the period's raw results). The fingerprint is read once per request."""
    found = cache.get(_key(period, part))
    if found is None:
        found = build()
        cache.set(_key(period, part), found, TIMEOUT)
    if hasattr(found, "period"):
        found.period = period
    return found


def analytics_cached(*, period: Period, detail: bool) -> Analytics:
    """The results page's charts: their tables and what to draw, not drawn (the page links each picture,
    :func:`results_svg_cached` draws it)."""
    return cached(
        period=period,
        part=f"tables-{int(detail)}",
        build=lambda: analytics_build(period=period, detail=detail),
    )


def results_svg_cached(*, period: Period, detail: bool, slug: str) -> bytes | None:
    """The picture of the results page's chart ``slug``, drawn once per state of the period; None when the
    page has no such chart or it has nothing to draw."""

    def build() -> bytes | str:
        chart = analytics_cached(period=period, detail=detail).chart(slug)
        svg = chart.svg if chart is not None else None
        return svg if svg is not None else _NONE

    found: bytes | str = cached(period=period, part=f"svg-{int(detail)}-{slug}", build=build)
    return found if isinstance(found, bytes) else None


def summary_cached(*, period: Period, detail: bool) -> Summary:
    return cached(
        period=period,
        part=f"summary-{int(detail)}",
        build=lambda: summary_build(period=period, detail=detail),
    )


def unit_page_cached(*, period: Period, code: str) -> UnitPage | None:
    """A unit's row and its group's averages (None: no result in the period; kept too, as an empty marker)."""
    found: UnitPage | str = cached(
        period=period, part=f"unit-{code}", build=lambda: unit_page_build(period=period, code=code) or _NONE
    )
    return found if isinstance(found, UnitPage) else None
