"""Dashboards and charts (issue 12). Each view asks the access policy (SPEC §6a) first, then reads once and
renders; the CSV of a chart is the table of the same chart, built by the same code."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from appraisal.core import roles
from appraisal.core.access import Moment, Persona, first_moment
from appraisal.council import access
from appraisal.council.access import Subject
from appraisal.council.sheet import sheets_open_to
from appraisal.registry.models import Period, Phase, Unit
from appraisal.registry.selectors import period_list_for_request
from appraisal.registry.switcher import landing_period, year_page
from appraisal.scoring.selectors import redact_row, unit_docs_seen, unit_letters_ready

from .cache import (
    TIMEOUT,
    analytics_cached,
    fingerprint,
    results_svg_cached,
    summary_cached,
    unit_page_cached,
)
from .charts import Chart
from .progress import STATE_LABELS, STATES, list_url, progress_build, units_filtered
from .unit import fields_chart, lost_chart, shortfalls, trend_chart, unit_trend

LEADER_ONLY = "Chỉ Tổ thư ký và Chủ tịch Hội đồng xem được bảng theo dõi tiến độ của kỳ đánh giá."


def no_results_message(period: Period) -> str:
    return (
        f"Kỳ đánh giá năm {period.year} đang ở giai đoạn Chuẩn bị: các đơn vị chưa tự đánh giá nên chưa có kết "
        "quả để vẽ biểu đồ. Biểu đồ có khi kỳ chuyển sang giai đoạn Tự đánh giá."
    )


RANK_NOTES = {
    Moment.F: "Công bố khi Hội đồng chốt kết quả.",
    Moment.P: "Công bố khi quyết định được phê duyệt.",
}


def rank_note(persona: str) -> str:
    """When the person will see the unit's rank (SPEC §6a, row «ranks», their column)."""
    moment = first_moment("ranks", persona)
    return RANK_NOTES.get(moment, "Chưa được công bố.") if moment is not None else "Chưa được công bố."


def _has_results(period: Period) -> bool:
    """While a period is being prepared nobody has entered anything: its «results» would be every unit at 0%,
    every head «không hoàn thành nhiệm vụ» and every point lost; the dashboards say so instead of drawing them."""
    return period.phase != Phase.PREPARING


def _no_results(request: HttpRequest, period: Period, *, heading: str, active: str) -> HttpResponse:
    leader = _leader(request, period)
    context = {
        "period": period,
        "heading": heading,
        "active": active,
        "leader": leader,
        "show_nav": access.can_see(request.user, "ranks", Subject(period)),
        "message": no_results_message(period),
    }
    return render(request, "dashboards/no_results.html", context)


def _period(year: int) -> Period:
    return get_object_or_404(Period, year=year)


def _csv(chart: Chart | None, year: int) -> HttpResponse:
    if chart is None:
        raise Http404("Không có biểu đồ này.")
    exported = chart.csv(year=year)
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = content_disposition_header(True, exported.filename)
    return response


# The period switcher's checks (QA item 12b): the same question each view asks before it reads.
def _leads(user: Any, period: Period, kwargs: dict[str, Any]) -> bool:
    return access.persona_of(user, Subject(period)) == Persona.LEADER


def _sees_ranks(user: Any, period: Period, kwargs: dict[str, Any]) -> bool:
    return access.can_see(user, "ranks", Subject(period))


def _sees_unit(user: Any, period: Period, kwargs: dict[str, Any]) -> bool:
    unit = Unit.objects.filter(code=kwargs["code"]).first()
    return unit is not None and access.can_see(user, "total", access.subject_for(period, unit))


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The person's dashboard in their default period: progress for the secretariat and the chair, the
    Chairman's summary for an observer, the unit's page for its people, the results charts otherwise
    (``?ky=YEAR``: that period, when the person has something in it)."""
    periods = period_list_for_request(request)
    period = landing_period(request)
    if period is None:
        raise Http404("Chưa có kỳ đánh giá.")
    subject = Subject(period)
    persona = access.persona_of(request.user, subject)
    if persona == Persona.LEADER:
        return redirect("dashboards:progress", year=period.year)
    if persona == Persona.OBSERVER:
        for p in [period, *periods]:
            if access.can_see(request.user, "ranks", Subject(p)):
                if p != period:
                    messages.info(request, f"Kết quả {period.name} chưa được chốt; đây là kết quả {p.name}.")
                return redirect("dashboards:summary", year=p.year)
        # Nothing out yet in any year: said on a page, not refused (the landing never refuses, QA item 9).
        return render(
            request,
            "dashboards/no_results.html",
            {
                "period": period,
                "heading": "Bảng điều khiển",
                "message": f"Kết quả năm {period.year} được xem khi Hội đồng chốt kết quả.",
            },
        )
    units = roles.unit_ids_held(request.user, period.pk)  # SPEC §6a: their units in the period shown
    if units:
        return _unit_landing(
            request, period, periods, list(Unit.objects.filter(pk__in=units).order_by("name"))
        )
    if access.can_see(request.user, "ranks", subject):
        return redirect("dashboards:results", year=period.year)
    if not access.council_dashboard_opens(request.user, period):
        # A council member not assigned in this year: the council's landing says so (never a link to a 403).
        return redirect(f"{reverse('council:index')}?ky={period.year}")
    # A council member before finalisation: their work is on the council's pages.
    messages.info(
        request, "Biểu đồ kết quả được mở khi Hội đồng chốt kết quả; đây là các việc thẩm định của bạn."
    )
    return redirect("council:dashboard", year=period.year)


def _unit_landing(
    request: HttpRequest, period: Period, periods: list[Period], units: list[Unit]
) -> HttpResponse:
    """A unit's people: their unit's page when they may see its result now (SPEC §6a, row «total»), else a page
    saying when they will, with the years they may already open — never a redirect to a refusal (QA item 9)."""
    for unit in units:
        if access.can_see(request.user, "total", access.subject_for(period, unit)):
            return redirect("dashboards:unit", year=period.year, code=unit.code)
    unit = units[0]
    earlier = next(
        (
            p
            for p in periods
            if p.year != period.year and access.can_see(request.user, "total", access.subject_for(p, unit))
        ),
        None,
    )
    links = (
        [(reverse("dashboards:unit", kwargs={"year": earlier.year, "code": unit.code}), _of(earlier, unit))]
        if earlier is not None
        else []
    )
    return render(
        request,
        "dashboards/no_results.html",
        {
            "period": period,
            "heading": unit.name,
            "message": f"{_of(period, unit)} được xem khi Hội đồng chốt kết quả của đơn vị.",
            "links": links,
        },
    )


def _of(period: Period, unit: Unit) -> str:
    return f"Kết quả năm {period.year} của {unit.name}"


# -- progress (secretariat, chair) ---------------------------------------------------------------------------


def _leader(request: HttpRequest, period: Period) -> bool:
    """The secretariat and the chair: the progress dashboard is theirs (its tab is shown to them only)."""
    return access.persona_of(request.user, Subject(period)) == Persona.LEADER


def _require_leader(request: HttpRequest, period: Period) -> None:
    if not _leader(request, period):
        raise PermissionDenied(LEADER_ONLY)


def _progress_context(request: HttpRequest, period: Period) -> dict[str, Any]:
    p = progress_build(period=period)
    links = {(g, code): list_url(period, state=code, group=g) for g, _ in p.groups for code, _, _ in STATES}
    table = []
    for g, name in p.groups:
        table.append(
            {
                "name": name,
                "url": list_url(period, group=g),
                "cells": [(p.counts[g][code], links[(g, code)]) for code, _, _ in STATES],
                "total": sum(p.counts[g].values()),
            }
        )
    return {
        "period": period,
        "p": p,
        "states": STATES,
        "table": table,
        "overdue_url": list_url(period, overdue=True),
        "round2_url": list_url(period, state="explained"),
        # The round-2 sheets the person opens: the chair scores only the fields assigned to them.
        "round2_sheets": sheets_open_to(request.user, period, round_no=2),
        # The audit trail is the secretariat's: the chair reads the 20 latest changes without a link to it.
        "can_audit": roles.holds_in_period(request.user, roles.SECRETARIAT, period.pk),
    }


@require_safe
@year_page(_leads)
def progress(request: HttpRequest, year: int) -> HttpResponse:
    period = _period(year)
    _require_leader(request, period)
    return render(request, "dashboards/progress.html", _progress_context(request, period))


@require_safe
@year_page(_leads)
def progress_body(request: HttpRequest, year: int) -> HttpResponse:
    """The dashboard's content alone: htmx replaces it every minute. Opened directly (a bookmark, a link
    copied from the browser's tools) it is the whole page instead of a bare fragment without menu or styles."""
    period = _period(year)
    _require_leader(request, period)
    template = (
        "dashboards/includes/progress_body.html"
        if getattr(request, "htmx", False)
        else "dashboards/progress.html"
    )
    return render(request, template, _progress_context(request, period))


@require_safe
@year_page(_leads)
def progress_units(request: HttpRequest, year: int) -> HttpResponse:
    """The list behind a figure of the dashboard: units of a state, a group, or overdue."""
    period = _period(year)
    _require_leader(request, period)
    state = request.GET.get("trang-thai", "")
    group = request.GET.get("khoi", "")
    overdue = request.GET.get("qua-han") == "1"
    if state and state not in STATE_LABELS:
        raise Http404("Không có trạng thái này.")
    p = progress_build(period=period)
    names = dict(p.groups)
    if group and group not in names:
        raise Http404(f"Kỳ đánh giá năm {period.year} không có khối «{group}».")
    units = units_filtered(p, state=state, group=group, overdue=overdue)
    parts = [STATE_LABELS[state]] if state else []
    if group:
        parts.append(names.get(group, group))
    if overdue:
        parts.append("quá hạn")
    return render(
        request,
        "dashboards/progress_units.html",
        {
            "period": period,
            "units": units,
            "heading": ", ".join(parts) or "Tất cả đơn vị",
            "labels": STATE_LABELS,
        },
    )


@require_safe
def progress_csv(request: HttpRequest, year: int, chart: str) -> HttpResponse:
    period = _period(year)
    _require_leader(request, period)
    built = progress_build(period=period).chart
    return _csv(built if built.slug == chart else None, year)


# -- results analytics ---------------------------------------------------------------------------------------


def _detail(request: HttpRequest, period: Period) -> bool:
    """Claims, lost points and the council's reasons: for those who see every unit's layers now (SPEC §6a: the
    chair and the secretariat always, the observer from F); the published table carries none of them."""
    subject = Subject(period)
    return access.persona_of(request.user, subject) in (Persona.LEADER, Persona.OBSERVER) and access.can_see(
        request.user, "round2", subject
    )


def _analytics(request: HttpRequest, period: Period) -> Any:
    return analytics_cached(period=period, detail=_detail(request, period))


def _results_period(request: HttpRequest, year: int) -> Period:
    period = _period(year)
    access.require(request.user, "ranks", Subject(period))  # SPEC §6a: ranks and other units' results
    return period


@require_safe
@year_page(_sees_ranks)
def results(request: HttpRequest, year: int) -> HttpResponse:
    period = _results_period(request, year)
    if not _has_results(period):
        return _no_results(request, period, heading="Phân tích kết quả", active="results")
    data = _analytics(request, period)
    return render(
        request,
        "dashboards/results.html",
        # each picture is a request of its own (results_svg), named with the fingerprint of the numbers
        {"period": period, "a": data, "leader": _leader(request, period), "version": fingerprint(period)},
    )


@require_safe
def results_csv(request: HttpRequest, year: int, chart: str) -> HttpResponse:
    period = _results_period(request, year)
    if not _has_results(period):
        raise Http404(no_results_message(period))
    return _csv(_analytics(request, period).chart(chart), year)


# The picture alone: pygal's colours are in its <style>; no script may run in it, opened directly or not.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"


@require_safe
def results_svg(request: HttpRequest, year: int, chart: str) -> HttpResponse:
    """The picture of one chart of the results page, drawn on first request and kept (the page links each one:
    drawing 11 charts of 150 units is most of a page's cost, and the browser fetches them side by side).
    ``?v=`` the fingerprint the page was built with: while it is current, the browser may keep the picture."""
    period = _results_period(request, year)
    if not _has_results(period):
        raise Http404(no_results_message(period))
    svg = results_svg_cached(period=period, detail=_detail(request, period), slug=chart)
    if svg is None:
        raise Http404("Không có biểu đồ này.")
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Content-Security-Policy"] = SVG_POLICY
    if request.GET.get("v") == fingerprint(period):
        patch_cache_control(response, private=True, max_age=TIMEOUT)
    else:
        patch_cache_control(response, private=True, no_cache=True)
    return response


@require_safe
@year_page(_sees_ranks)
def summary(request: HttpRequest, year: int) -> HttpResponse:
    """The Chairman's page: one A4 page of the figures the province publishes."""
    period = _results_period(request, year)
    if not _has_results(period):
        return _no_results(request, period, heading="Tổng quan", active="summary")
    data = summary_cached(period=period, detail=_detail(request, period))
    return render(
        request,
        "dashboards/summary.html",
        {
            "period": period,
            "a": data,
            "leaders": data.leaders,
            "headline": data.headline,
            "weakest": data.weakest,
            "ratings_chart": data.ratings_chart,
            "leader": _leader(request, period),
        },
    )


# -- a unit's page -------------------------------------------------------------------------------------------


def _unit(request: HttpRequest, year: int, code: str) -> dict[str, Any]:
    period = _period(year)
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise Http404("Không tìm thấy đơn vị.")
    subject = access.subject_for(period, unit)
    access.require(request.user, "total", subject)  # SPEC §6a: the unit's total, index, band, head rating
    seen = access.visibility(request.user, subject)
    if not _has_results(period):
        return {"period": period, "unit": unit, "no_results": True}
    # SPEC §6a read for this unit, as the results page reads it (the observer and an assigned member from F)
    show_rank = "ranks" in seen
    page = unit_page_cached(period=period, code=unit.code)
    if page is None:
        raise Http404("Đơn vị chưa có kết quả trong kỳ này.")
    row = redact_row(page.row, seen)
    if not show_rank:
        row.result = replace(row.result, rank=0, rank_change=None)
    trend = unit_trend(user=request.user, unit=unit, period=period, row=row, show_rank=show_rank)
    charts = [
        fields_chart(period, row, page.averages if show_rank else {}),
        lost_chart(period, row),
        trend_chart(period, unit, trend),
    ]
    reasons_seen = "round1" in seen
    # The unit's letters, linked by the results page's rule (a link shown opens: built from a run, QA).
    letters = unit_docs_seen(seen)
    return {
        "period": period,
        "unit": unit,
        "row": row,
        "group": page,
        "show_rank": show_rank,
        "rank_note": "" if show_rank else rank_note(access.persona_of(request.user, subject)),
        "charts": charts,
        # Criterion by criterion is the unit's own detail: never in the published table other units read.
        "shortfalls": shortfalls(row) if "inputs" in seen else None,
        "reasons_seen": reasons_seen,
        "can_report": "total" in seen,
        "letters": letters if unit_letters_ready(period, unit.code, letters) else frozenset(),
        "trend": trend,
    }


@require_safe
@year_page(_sees_unit)
def unit(request: HttpRequest, year: int, code: str) -> HttpResponse:
    context = _unit(request, year, code)
    if context.get("no_results"):
        return _no_results(request, context["period"], heading=context["unit"].name, active="unit")
    return render(request, "dashboards/unit.html", context)


@require_safe
def unit_csv(request: HttpRequest, year: int, code: str, chart: str) -> HttpResponse:
    context = _unit(request, year, code)
    if context.get("no_results"):
        raise Http404(no_results_message(context["period"]))
    found = next((c for c in context["charts"] if c.slug == chart), None)
    return _csv(found, year)
