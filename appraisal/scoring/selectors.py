"""Read side of results: the official snapshot when there is one, otherwise a live (provisional) computation.

Both come out in one shape so the pages do not care where the numbers came from."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.http import Http404

from appraisal import engine
from appraisal.core.access import Persona
from appraisal.council import access
from appraisal.council.access import Subject
from appraisal.documents.data import UnitDocData
from appraisal.registry.models import IndexSet, Period, Unit, UnitMembership

from .adapters import (
    PeriodData,
    PreviousResult,
    _item_json,
    item_dicts,
    previous_results,
    rank_change_is_signed,
    unit_result_of_row,
    with_rank_change,
)
from .models import ScoreRun
from .services import final_run, results_compute, run_for_documents


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
    # A live view: the engine's input with the items' titles and the council's reasons (``live_dicts``).
    data: PeriodData | None = None

    @property
    def is_official(self) -> bool:
        return self.run is not None


def results_view(*, period: Period, with_details: bool = False, unit_code: str | None = None) -> ResultsView:
    """Every unit's result, grouped: the official snapshot, else a live computation. ``with_details``: each
    row's items as dicts (with titles and the council's reasons) and the derivation. Without, a live view
    still has its items where the engine keeps them (``row.result.items``, built on first use; titles and
    reasons in ``view.data``): a reader that needs the dicts of one unit asks :func:`live_dicts`, one that sums
    points :func:`points_lost` — 15,000 dicts cost more than the computation."""
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
            row = UnitView(result=u, head_name=unit.head_name, head_title=unit.head_title)
            if with_details:
                row.items = live_dicts(data, g.code, u)
            view.rows.append(row)
        if view.rows:
            groups_live.append(view)
    return _with_previous(ResultsView(period, None, groups_live, data))


def live_dicts(data: PeriodData, group_code: str, u: engine.UnitResult) -> list[dict[str, Any]]:
    """A live unit's items as the dicts pages read (the shape of a stored row's)."""
    return [
        _item_json(
            it, data.node_titles.get((group_code, it.code), ""), data.reasons.get((u.code, it.code), "")
        )
        for it in u.items
    ]


LOSING_METHODS = ("appraisal", "survey")  # the criteria the council scores: where a unit loses points


@dataclass(frozen=True, slots=True)
class PointsLost:
    """An applicable appraised or surveyed criterion on which a unit did not get the maximum."""

    group_code: str
    unit_code: str
    code: str
    title: str
    max_points: Decimal
    lost: Decimal
    reason: str  # the council's, as given (empty: none)


def points_lost(view: ResultsView) -> Iterator[PointsLost]:
    """Every criterion on which a unit of ``view`` lost points, in the view's order of groups and units and the
    index set's order of criteria. Read from the numbers, without a dict per item (a period is 15,000 items):
    live, the engine's items with the titles and reasons of ``view.data``; official, the stored values beside
    the run's catalogue (in one more query: the view itself may have left the items out)."""
    data = view.data
    if data is not None:
        for g in view.groups:
            for r in g.rows:
                u = r.result
                for it in u.items:
                    if it.applicable and it.method in LOSING_METHODS and it.points < it.max_points:
                        yield PointsLost(
                            g.code,
                            u.code,
                            it.code,
                            data.node_titles.get((g.code, it.code), ""),
                            it.max_points,
                            it.max_points - it.points,
                            data.reasons.get((u.code, it.code), ""),
                        )
        return
    run = view.run
    assert run is not None
    codes = {(g.code, r.result.code) for g in view.groups for r in g.rows}
    stored = run.unit_rows.order_by("group_order", "position").values_list("group_code", "unit_code", "items")
    for group_code, unit_code, items in stored:
        if (group_code, unit_code) not in codes:
            continue
        if isinstance(items, list):  # format 1 (before issue 14): a dict per item
            for it in items:
                if it["applicable"] and it["method"] in LOSING_METHODS:
                    max_points = Decimal(it["max_points"])
                    lost = max_points - Decimal(it["points"])
                    if lost > 0:
                        yield PointsLost(
                            group_code,
                            unit_code,
                            it["code"],
                            it["title"],
                            max_points,
                            lost,
                            it.get("reason") or "",
                        )
            continue
        reasons = items.get("reasons", {})
        for leaf, values in zip(run.item_catalog[group_code], items["items"], strict=True):
            code, title, _field, method, max_text, _rule = leaf
            if values[0] and method in LOSING_METHODS:  # applicable
                max_points = Decimal(max_text)
                lost = max_points - Decimal(values[4])  # the final points
                if lost > 0:
                    yield PointsLost(
                        group_code, unit_code, code, title, max_points, lost, reasons.get(code, "")
                    )


def _with_previous(view: ResultsView) -> ResultsView:
    """Each row gets last year's index and rank, from its final run or else its published table."""
    previous = previous_results(view.period)
    signed = rank_change_is_signed(view.period)
    for group in view.groups:
        for row in group.rows:
            row.previous = previous.get((group.code, row.result.code))
            if not signed:
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


def unit_has_result(*, period: Period, code: str) -> bool:
    """Whether :func:`unit_result_rows` finds the unit in the period, without computing the results: a row of
    the official run, else a tracked membership in a group with an index set (what the engine is given). A
    period just created has none (the period switcher links its landing instead, QA)."""
    run = final_run(period)
    if run is not None:
        return run.unit_rows.filter(unit_code=code).exists()
    return UnitMembership.objects.filter(
        period=period,
        tracked=True,
        unit__code=code,
        group__in=IndexSet.objects.filter(period=period).values("group"),
    ).exists()


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


@dataclass(frozen=True)
class _CutDerivation:
    """The details of ``original`` (an engine result, built lazily as the engine does) with its derivation cut
    to what the person may see: none at all (``with_trace`` False), or without the rank line."""

    original: engine.UnitResult
    with_trace: bool
    with_rank: bool

    def fields(self) -> tuple[engine.FieldResult, ...]:
        return self.original.fields

    def adjustments(self) -> tuple[engine.AdjustmentResult, ...]:
        return self.original.adjustments

    def items(self) -> tuple[engine.ItemResult, ...]:
        return self.original.items

    def trace(self, result: engine.UnitResult) -> tuple[str, ...]:
        if not self.with_trace:
            return ()
        lines = self.original.trace
        if self.with_rank:
            return lines
        return tuple(line for line in lines if not line.startswith(engine.RANK_LINE))


def redact_row(row: UnitView, seen: frozenset[str]) -> UnitView:
    """Remove from ``row`` every number and text the person may not see now (SPEC §6a), so that the page (and
    anything built from the row) cannot show it. Totals, index, band, head rating, fields and the derivation
    need ``total``; the rank (and the derivation's rank line) ``ranks``; the items and the derivation, which is
    read from the items and their layers, the unit's inputs (other units' people get the published table only);
    each item's layer its own row of the table; the council's reason needs the layer it was given in."""
    if "total" not in seen:
        # The engine's result without its rank, field breakdown and derivation (the numbers the page keeps
        # are only shown with ``total``).
        row.result = replace(
            row.result,
            rank=None,
            rank_change=None,
            details=engine.StoredDetails(adjustment_results=row.result.adjustments),
        )
    elif not {"ranks", "inputs"} <= seen:
        ranked = "ranks" in seen
        row.result = replace(
            row.result,
            rank=row.result.rank if ranked else None,
            rank_change=row.result.rank_change if ranked else None,
            details=_CutDerivation(row.result, with_trace="inputs" in seen, with_rank=ranked),
        )
    if "inputs" not in seen:
        row.items = []
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


# Which rows of SPEC §6a each of a unit's letters reveals, the one whose refusal reason is given first: the person
# must see every one of them. The notice: round 1 as notified (self points, round-1 points, reasons). The
# shortcomings report: the final points of each item that lost some and the council's conclusions (round 1 or
# round 2). The final-result letter: the totals and every layer of each changed item with the conclusions.
UNIT_DOC_NEEDS: dict[str, tuple[str, ...]] = {
    "notice": ("notice",),
    "shortcomings": ("total", "round1", "round2", "survey"),
    "result": ("total", "inputs", "round1", "round2", "survey"),
}
OTHER_UNITS_LETTERS = (
    "Báo cáo tồn tại, hạn chế và thông báo kết quả cuối cùng chỉ gửi đơn vị được đánh giá; "
    "các đơn vị khác chỉ xem bảng kết quả đã công bố."
)


def unit_docs_seen(seen: frozenset[str]) -> frozenset[str]:
    """The kinds of the unit's letters a person who sees ``seen`` may open (the page offers only these)."""
    return frozenset(kind for kind, needs in UNIT_DOC_NEEDS.items() if set(needs) <= seen)


def unit_doc_get_for_user(user: Any, *, period: Period, code: str, kind: str) -> tuple[Unit, frozenset[str]]:
    """A unit's letter of ``kind`` (:data:`UNIT_DOC_NEEDS`), if the person sees every row of SPEC §6a it
    reveals: the unit and what they see (the letter is redacted to it); 404 for an unknown kind or a unit they
    may not know, else 403 with the reason of the first row missing (other units' people: the letters are the
    unit's own)."""
    if kind not in UNIT_DOC_NEEDS:
        raise Http404
    unit, subject = unit_subject_get_for_user(user, period=period, code=code)
    seen = access.visibility(user, subject)
    missing = [what for what in UNIT_DOC_NEEDS[kind] if what not in seen]
    if missing:
        if access.persona_of(user, subject) == Persona.OTHER:
            access.refuse(user, subject, OTHER_UNITS_LETTERS)
        access.require(user, missing[0], subject)
    return unit, seen


def unit_letters_run(period: Period, code: str) -> tuple[ScoreRun | None, bool]:
    """The run a unit's letters are built from (the official run, else the last «Tính tạm»), and whether the
    period has a run at all: (run, True); (None, True) when the last run does not hold the unit (it joined the
    period after it); (None, False) when there is none. Only the secretariat makes one."""
    run = run_for_documents(period)
    if run is None:
        return None, False
    return (run if run.unit_rows.filter(unit_code=code).exists() else None), True


def unit_letters_ready(period: Period, code: str, docs: frozenset[str]) -> bool:
    """Whether the unit's letters ``docs`` (:func:`unit_docs_seen`) may be linked: a run holds the unit
    (:func:`unit_letters_run`); without one each answers 409 (QA: a link shown opens)."""
    return bool(docs) and unit_letters_run(period, code)[0] is not None


def redact_unit_doc(data: UnitDocData, seen: frozenset[str]) -> UnitDocData:
    """A unit's letter as the person may read it: the final-result letter names the rank only to those who
    see ranks (the unit's people from publication, SPEC §6a)."""
    if "ranks" in seen:
        return data
    return replace(data, rank=None)


@dataclass
class UnitResult:
    unit: Unit
    subject: Subject
    seen: frozenset[str]  # the rows of SPEC §6a the person sees now
    row: UnitView  # redacted to ``seen``: what is hidden is not in it
    view: ResultsView
    docs: frozenset[str] = frozenset()  # the unit's letters the person may open (UNIT_DOC_NEEDS)


def unit_result_get_for_user(user: Any, *, period: Period, code: str) -> UnitResult:
    """A unit's result as the person may see it now: fetched and authorised together, every number and text of
    a layer they may not see removed before it reaches a page or a file."""
    unit, subject = unit_subject_get_for_user(user, period=period, code=code)
    seen = access.visibility(user, subject)
    row, view = unit_result_rows(period=period, code=code)
    return UnitResult(unit, subject, seen, redact_row(row, seen), view, unit_docs_seen(seen))
