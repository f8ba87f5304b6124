"""The dashboards' results, computed once per state of the period and kept in Django's cache.

Charts need every unit's result with its items (a live computation while the period runs, ~1 s for 150 units ×
100 items with the SVG drawing) and several people open the same pages in turn; so the built analytics are
kept under a fingerprint of what the results depend on, read in a few cheap queries: the official run when
there is one; otherwise the period's item entries (count, latest change — every writer stamps
``updated_at``), its assessments' states and head-rating inputs, memberships and exclusions, last year's
final run and published table. Any change gives a new key, so a page never shows numbers older than the data; the timeout only
bounds memory.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db.models import Count, Max

from appraisal.assessments.models import Assessment, ItemEntry
from appraisal.registry.models import Period, UnitExclusion, UnitMembership
from appraisal.scoring.models import PublishedResult, ScoreRun
from appraisal.scoring.services import final_run

from .analytics import Analytics, analytics_build

TIMEOUT = 15 * 60


def results_fingerprint(period: Period) -> str:
    """A short key that changes whenever the period's results could."""
    run = final_run(period)
    if run is not None:
        return f"run-{run.pk}"
    parts: list[object] = [period.pk, period.phase, period.updated_at, period.decimals]
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
    parts.append(
        UnitMembership.objects.filter(period=period).order_by().aggregate(n=Count("pk"), last=Max("pk"))
    )
    parts.append(
        UnitExclusion.objects.filter(period=period).order_by().aggregate(n=Count("pk"), last=Max("pk"))
    )
    parts.append(
        ScoreRun.objects.filter(period__year=period.year - 1, is_final=True)
        .order_by()
        .aggregate(last=Max("pk"))
    )
    parts.append(
        PublishedResult.objects.filter(published__year=period.year - 1)
        .order_by()
        .aggregate(n=Count("pk"), last=Max("pk"))
    )
    return "live-" + hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def analytics_cached(*, period: Period, detail: bool) -> Analytics:
    """:func:`analytics_build` for the period's present state, from the cache when already built."""
    key = f"parindex:dash:{period.pk}:{int(detail)}:{results_fingerprint(period)}"
    found = cache.get(key)
    if found is not None:
        found.period = period
        found.view.period = period
        return found
    built = analytics_build(period=period, detail=detail)
    cache.set(key, built, TIMEOUT)
    return built
