"""Read side of results: the official snapshot when there is one, otherwise a live (provisional) computation.

Both come out in one shape so the pages do not care where the numbers came from."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.http import Http404

from appraisal import engine
from appraisal.council import access
from appraisal.council.access import Subject
from appraisal.registry.models import Period, Unit

from .adapters import (
    PreviousResult,
    _item_json,
    item_dicts,
    previous_results,
    unit_result_of_row,
    with_rank_change,
)
from .models import ScoreRun
from .services import final_run, results_compute


@dataclass
class UnitView:
    """The engine's result of one unit (:class:`engine.UnitResult`, every number and rounded figure), wrapped
    with what a page shows beside it: the head, the labels, last year's result and the items with their titles
    and the council's reasons."""

    result: engine.UnitResult
    head_name: str
    head_title: str
    items: list[dict[str, Any]] = field(default_factory=list)
    # Last year's index and rank: its final run, else its published table (import_results).
    previous: PreviousResult | None = None

    @property
    def band_label(self) -> str:
        return engine.BAND_LABELS.get(self.result.band, self.result.band)

    @property
    def head_rating_label(self) -> str:
        return engine.HEAD_RATING_LABELS.get(self.result.head_rating, self.result.head_rating)


@dataclass
class GroupView:
    code: str
    name: str
    rows: list[UnitView]

    @property
    def field_codes(self) -> list[str]:
        return [f.code for f in self.rows[0].result.fields] if self.rows else []


@dataclass
class ResultsView:
    period: Period
    run: ScoreRun | None  # None: computed live, provisional
    groups: list[GroupView]

    @property
    def is_official(self) -> bool:
        return self.run is not None


def results_view(*, period: Period, with_details: bool = False, unit_code: str | None = None) -> ResultsView:
    run = final_run(period)
    if run is not None:
        rows = run.unit_rows.prefetch_related("field_rows").order_by("group_order", "position")
        if not with_details:
            rows = rows.defer("items", "trace")  # the table reads neither
        if unit_code is not None:
            rows = rows.filter(unit_code=unit_code)
        groups: dict[str, GroupView] = {}
        for r in rows:
            g = groups.setdefault(r.group_code, GroupView(r.group_code, r.group_name, []))
            g.rows.append(
                UnitView(
                    result=unit_result_of_row(r, period.decimals, with_trace=with_details),
                    head_name=r.head_name,
                    head_title=r.head_title,
                    items=item_dicts(r, run.item_catalog) if with_details else [],
                )
            )
        return _with_previous(ResultsView(period, run, list(groups.values())))
    data, result = results_compute(period=period)
    groups_live = []
    for g in result.groups:
        view = GroupView(g.code, g.name, [])
        for u in g.units:
            if unit_code is not None and u.code != unit_code:
                continue
            unit = data.units[u.code]
            view.rows.append(
                UnitView(
                    result=u,
                    head_name=unit.head_name,
                    head_title=unit.head_title,
                    items=[
                        _item_json(
                            it,
                            data.node_titles.get((g.code, it.code), ""),
                            data.reasons.get((u.code, it.code), ""),
                        )
                        for it in u.items
                    ]
                    if with_details
                    else [],
                )
            )
        if view.rows:
            groups_live.append(view)
    return _with_previous(ResultsView(period, None, groups_live))


def _with_previous(view: ResultsView) -> ResultsView:
    """Each row gets last year's index and rank, from its final run or else its published table."""
    previous = previous_results(view.period)
    for group in view.groups:
        for row in group.rows:
            row.previous = previous.get((group.code, row.result.code))
            row.result = with_rank_change(row.result, row.previous)
    return view


def unit_result_rows(*, period: Period, code: str) -> tuple[UnitView, ResultsView]:
    """A unit's detailed result (official, else live); 404 when the unit has none in the period. Unredacted:
    pages read it through :func:`unit_result_get_for_user`."""
    view = results_view(period=period, with_details=True, unit_code=code)
    for g in view.groups:
        for row in g.rows:
            return row, view
    raise Http404


# Which row of SPEC §6a each item key belongs to: a key whose row the person does not see is emptied.
_ITEM_LAYERS = {
    "self_value": "inputs",
    "self_points": "inputs",
    "round1_points": "round1",
    "round2_points": "round2",
    "value": "total",
    "points": "total",
    "layer": "total",
}


def redact_row(row: UnitView, seen: frozenset[str]) -> UnitView:
    """Remove from ``row`` every number and text the person may not see now (SPEC §6a), so that the page (and
    anything built from the row) cannot show it. Totals, index, rank, band, head rating, fields and the
    derivation need ``total``; each item's layer its own row of the table; the council's reason needs the
    layer it was given in."""
    if "total" not in seen:
        # The engine's result without its rank, field breakdown and derivation (the numbers the page keeps
        # are only shown with ``total``).
        row.result = replace(
            row.result,
            rank=None,
            rank_change=None,
            details=engine.StoredDetails(adjustment_results=row.result.adjustments),
        )
    for item in row.items:
        reason_layer = "round2" if item.get("round2_points") is not None else "round1"
        for key, what in _ITEM_LAYERS.items():
            if what not in seen and key in item:
                item[key] = None if key.endswith("points") else ""
        if reason_layer not in seen or "round1" not in seen:
            item["reason"] = ""
    return row


def unit_subject_get_for_user(user: Any, *, period: Period, code: str) -> tuple[Unit, Subject]:
    """The unit of a results URL, if the person may see anything of it now (SPEC §6a: its inputs, or its
    result once published); 404 otherwise, whether the unit exists or not."""
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise Http404
    subject = access.subject_for(period, unit)
    if not ({"inputs", "total"} & access.visibility(user, subject)):
        raise Http404
    return unit, subject


@dataclass
class UnitResult:
    unit: Unit
    subject: Subject
    seen: frozenset[str]  # the rows of SPEC §6a the person sees now
    row: UnitView  # redacted to ``seen``: what is hidden is not in it
    view: ResultsView


def unit_result_get_for_user(user: Any, *, period: Period, code: str) -> UnitResult:
    """A unit's result as the person may see it now: fetched and authorised together, every number and text of
    a layer they may not see removed before it reaches a page or a file."""
    unit, subject = unit_subject_get_for_user(user, period=period, code=code)
    seen = access.visibility(user, subject)
    row, view = unit_result_rows(period=period, code=code)
    return UnitResult(unit, subject, seen, redact_row(row, seen), view)
