"""The only place that turns ORM rows into engine inputs and engine results back into rows.

``period_input`` reads a whole period in a constant number of queries, whatever the number of units and
items (asserted in tests/scoring/test_adapters.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.utils import timezone

from appraisal import engine
from appraisal.assessments.models import Assessment, ItemEntry
from appraisal.core.bulk import values_insert
from appraisal.registry.models import (
    IndexNode,
    IndexSet,
    Method,
    Period,
    Phase,
    UnitExclusion,
    UnitMembership,
)
from appraisal.registry.selectors import adjustment_groups, adjustment_groups_input

from .models import FieldResultRow, ScoreRun, UnitResultRow

ADJUSTMENTS = frozenset({Method.BONUS, Method.PENALTY})


def settings_of(period: Period) -> engine.Settings:
    return engine.Settings(
        decimals=period.decimals,
        bands=tuple((code, Decimal(str(t))) for code, t in period.bands),
        head_ratings=tuple((code, Decimal(str(t))) for code, t in period.head_ratings),
        survey_weights={k: Decimal(str(v)) for k, v in period.survey_weights.items()},
        head_min_field_index=period.head_min_field_index,
    )


def index_set_input(index_set: IndexSet, nodes: list[IndexNode]) -> engine.IndexSet:
    """Fields are the top-level nodes of the appraisal/survey tree; bonus/penalty leaves stand alone (T1,
    P1) or sit in an adjustment content ('9' → '9.1', '9.2') whose nodes cap their children."""
    fields: list[engine.Field] = []
    leaves: list[engine.Leaf] = []
    groups = adjustment_groups(nodes)
    code_of = {n.pk: n.code for n in nodes}
    for node in nodes:
        top = node.code.split(".")[0]
        if node.pk not in groups and node.parent_id is None and node.method not in ADJUSTMENTS:
            fields.append(engine.Field(code=node.code, title=node.title, max_points=node.max_points))
        if node.is_leaf:
            grouped = node.method in ADJUSTMENTS and node.parent_id is not None
            leaves.append(
                engine.Leaf(
                    code=node.code,
                    field_code=top if grouped or node.method not in ADJUSTMENTS else node.code,
                    title=node.title,
                    max_points=node.max_points,
                    method=node.method,
                    rule=engine.parse_rule(node.rule, node.max_points, node.method),
                    excluded_tags=node.excluded_tag_set,
                    group=code_of[node.parent_id] if grouped and node.parent_id is not None else None,
                )
            )
    return engine.IndexSet(
        group_code=index_set.group.code,
        version=str(index_set.version),
        fields=tuple(fields),
        leaves=tuple(leaves),
        adjustments=adjustment_groups_input(nodes),
    )


@dataclass
class PeriodData:
    """Engine input plus what the adapters need to write rows back (unit ids, heads, node titles)."""

    period: Period
    input: engine.PeriodInput
    units: dict[str, Any]  # unit code → Unit
    groups: dict[str, Any]  # group code → Group
    node_titles: dict[tuple[str, str], str]  # (group code, item code) → title
    index_set_versions: dict[str, int]
    reasons: dict[tuple[str, str], str]  # (unit code, item code) → the council's latest reason


@dataclass(frozen=True)
class PreviousResult:
    """A unit's published index and rank of the year before; ``published``: from a table recorded with
    ``import_results`` (the province did not use ParIndex that year), not from a final run."""

    index_display: Decimal
    rank: int
    published: bool


def previous_results(period: Period) -> dict[tuple[str, str], PreviousResult]:
    """(group code, unit code) → index and rank of the previous year: its final snapshot, else the previous
    year's published table recorded with ``import_results`` (a year before the province used ParIndex)."""
    previous = (
        ScoreRun.objects.filter(period__year=period.year - 1, is_final=True)
        .order_by("-created_at", "-pk")
        .first()
    )
    if previous is None:
        from .published import published_results_of

        return {
            key: PreviousResult(index, rank, published=True)
            for key, (index, rank) in published_results_of(period.year - 1).items()
        }
    rows = UnitResultRow.objects.filter(run=previous).values_list(
        "group_code", "unit_code", "index_display", "rank"
    )
    return {(g, u): PreviousResult(index, rank, published=False) for g, u, index, rank in rows}


def previous_ranks(period: Period) -> dict[tuple[str, str], int]:
    """(group code, unit code) → rank of the previous year (see :func:`previous_results`)."""
    return {key: p.rank for key, p in previous_results(period).items()}


def with_rank_change(result: engine.UnitResult, previous: PreviousResult | None) -> engine.UnitResult:
    """``result`` with its rank change against the previous year as :func:`previous_results` gives it now, the
    rule the engine applies (:func:`engine.rank_change`). A snapshot stores the change known when it was taken;
    last year's published table may be recorded later (the demo records 2021 after finalising 2022, as a
    province does when it starts using ParIndex), and the results page, its CSV, the annex and the dashboards
    must then all say the same as the previous year they show. Once the period is approved the change is the
    signed one (:func:`rank_change_is_signed`)."""
    change = engine.rank_change(previous.rank if previous is not None else None, result.rank)
    return result if change == result.rank_change else replace(result, rank_change=change)


def rank_change_is_signed(period: Period) -> bool:
    """Whether the period's rank changes are the ones its approved decision states: from approval on, pages and
    documents read the change stored in the snapshot (written by :func:`rank_changes_sign`), never the previous
    year as recorded now, so that a signed decision never changes afterwards."""
    return period.phase == Phase.APPROVED


def rank_changes_sign(period: Period, run: ScoreRun) -> int:
    """Store in the run's rows the rank change :func:`with_rank_change` gives now; called by the approval, in
    its transaction. Returns the number of rows whose stored change was different."""
    previous = previous_results(period)
    changed = []
    for row in run.unit_rows.only("pk", "group_code", "unit_code", "rank", "rank_change"):
        before = previous.get((row.group_code, row.unit_code))
        change = engine.rank_change(before.rank if before is not None else None, row.rank)
        if change != row.rank_change:
            row.rank_change = change
            changed.append(row)
    UnitResultRow.objects.bulk_update(changed, ["rank_change"], batch_size=500)
    return len(changed)


def period_input(period: Period) -> PeriodData:
    """Build the engine input for a whole period in a constant number of queries."""
    memberships = list(
        UnitMembership.objects.filter(period=period, tracked=True)
        .select_related("unit", "group")
        .order_by("group__order", "group__code", "unit__name")
    )
    index_sets = {s.group_id: s for s in IndexSet.objects.filter(period=period).select_related("group")}
    nodes_by_set: dict[int, list[IndexNode]] = defaultdict(list)
    for node in IndexNode.objects.filter(index_set__period=period).order_by("index_set_id", "position"):
        nodes_by_set[node.index_set_id].append(node)
    node_code: dict[int, str] = {}
    node_titles: dict[tuple[str, str], str] = {}
    group_code_of_set = {s.pk: s.group.code for s in index_sets.values()}
    for set_id, nodes in nodes_by_set.items():
        group_code = group_code_of_set.get(set_id, "")
        for n in nodes:
            node_code[n.pk] = n.code
            node_titles[(group_code, n.code)] = n.title
    exclusions: dict[int, dict[str, str]] = defaultdict(dict)
    for unit_id, code, reason in UnitExclusion.objects.filter(period=period).values_list(
        "unit_id", "node__code", "reason"
    ):
        exclusions[unit_id][code] = reason
    assessments = {
        a.unit_id: a
        for a in Assessment.objects.filter(period=period).only(
            "pk", "unit_id", "head_veto_reason", "head_override", "head_override_reason"
        )
    }
    unit_of_assessment = {a.pk: a.unit_id for a in assessments.values()}
    values: dict[int, dict[str, engine.ItemValues]] = defaultdict(dict)
    # Inputs repeat a lot (every "Có", every "100%"): share one ItemValues per distinct combination instead
    # of building hundreds of thousands of identical frozen objects.
    shared: dict[tuple[str, str, str, str], engine.ItemValues] = {}
    # No ORDER BY: the default ordering would join the index nodes and sort every row for nothing.
    entries = (
        ItemEntry.objects.filter(assessment__period=period)
        .order_by()
        .values_list("assessment_id", "node_id", "self_value", "round1_value", "round2_value", "survey_value")
    )
    for assessment_id, node_id, s, r1, r2, sv in entries:
        key = (s, r1, r2, sv)
        item = shared.get(key)
        if item is None:
            item = shared[key] = engine.ItemValues(
                self_value=s or None, round1=r1 or None, round2=r2 or None, survey=sv or None
            )
        code = node_code.get(node_id)
        if code is not None:
            values[unit_of_assessment[assessment_id]][code] = item
    reasons: dict[tuple[int, str], str] = {}
    explained = (
        ItemEntry.objects.filter(assessment__period=period)
        .order_by()
        .exclude(round1_reason="", round2_reason="")
        .values_list("assessment_id", "node_id", "round1_reason", "round2_reason")
    )
    for assessment_id, node_id, r1_reason, r2_reason in explained:
        code = node_code.get(node_id)
        if code is not None:
            reasons[(unit_of_assessment[assessment_id], code)] = r2_reason or r1_reason
    prev = previous_ranks(period)

    engine_sets = {
        group_id: index_set_input(s, nodes_by_set.get(s.pk, [])) for group_id, s in index_sets.items()
    }
    grouped: dict[int, list[UnitMembership]] = defaultdict(list)
    group_objs: dict[int, Any] = {}
    for m in memberships:
        if m.group_id in engine_sets:
            grouped[m.group_id].append(m)
            group_objs[m.group_id] = m.group
    groups = []
    units = {}
    for group_id, members in grouped.items():
        group = group_objs[group_id]
        unit_inputs = []
        for m in members:
            unit = m.unit
            units[unit.code] = unit
            a = assessments.get(unit.pk)
            override = (
                (a.head_override, a.head_override_reason) if a is not None and a.head_override else None
            )
            unit_inputs.append(
                engine.UnitInput(
                    code=unit.code,
                    name=unit.name,
                    tags=unit.tag_set,
                    values=values.get(unit.pk, {}),
                    excluded=exclusions.get(unit.pk, {}),
                    head_veto=(a.head_veto_reason or None) if a is not None else None,
                    head_override=override,
                    previous_rank=prev.get((group.code, unit.code)),
                )
            )
        groups.append(
            engine.GroupInput(
                code=group.code, name=group.name, index_set=engine_sets[group_id], units=tuple(unit_inputs)
            )
        )
    code_of_unit = {m.unit_id: m.unit.code for m in memberships}
    unit_reasons = {(code_of_unit[uid], code): r for (uid, code), r in reasons.items() if uid in code_of_unit}
    data = engine.PeriodInput(year=period.year, settings=settings_of(period), groups=tuple(groups))
    return PeriodData(
        period=period,
        input=data,
        units=units,
        groups={g.code: g for g in group_objs.values()},
        node_titles=node_titles,
        index_set_versions={s.group.code: s.version for s in index_sets.values()},
        reasons=unit_reasons,
    )


def unit_result_of_row(
    row: UnitResultRow,
    decimals: int,
    *,
    with_trace: bool = True,
    field_values: Sequence[tuple[str, str, Decimal, Decimal, Decimal | None]] | None = None,
) -> engine.UnitResult:
    """A stored snapshot row read back as the engine's own result (the one result shape every page and file
    reads). Its figures are the engine's as stored: ``index_display`` was rounded by the engine when the run
    was written (the column keeps 4 places, so it is given back its ``decimals``, an exact step); a field's
    published index is the engine's :func:`engine.index_display` of the stored index. ``field_rows`` should be
    prefetched, or given as ``field_values`` (code, title, points, max, index; a whole period's tables read
    them as plain values); without ``with_trace`` the row's trace may be deferred (tables and files do not
    read it)."""
    places = Decimal(1).scaleb(-decimals)
    if field_values is None:
        field_values = [(f.code, f.title, f.points, f.max_points, f.index) for f in row.field_rows.all()]
    fields = tuple(
        engine.FieldResult(
            code=code,
            title=title,
            points=points,
            max_points=max_points,
            index=index,
            index_display=None if index is None else engine.index_display(index, decimals),
        )
        for code, title, points, max_points, index in field_values
    )
    adjustments = tuple(
        engine.AdjustmentResult(
            code=a["code"],
            title=a["title"],
            method=a["method"],
            max_points=_decimal(a["max_points"]),
            claimed=Decimal(a["claimed"]),
            points=Decimal(a["points"]),
        )
        for a in row.adjustments
    )
    return engine.UnitResult(
        code=row.unit_code,
        name=row.unit_name,
        max_points=row.max_points,
        self_points=row.self_points,
        appraisal_points=row.appraisal_points,
        survey_points=row.survey_points,
        bonus_points=row.bonus_points,
        penalty_points=row.penalty_points,
        total_points=row.total_points,
        index=row.index,
        index_display=row.index_display.quantize(places),
        rank=row.rank or None,
        rank_change=row.rank_change,
        band=row.band,
        head_rating=row.head_rating,
        head_rating_reason=row.head_rating_reason or None,
        details=engine.StoredDetails(
            field_results=fields,
            adjustment_results=adjustments,
            trace_lines=tuple(row.trace) if with_trace else (),
        ),
    )


# --- A snapshot's items (issue 14) --------------------------------------------------------------------------
#
# A national snapshot holds 330,000 item results. Written as one dict per item (format 1, before issue 14) they
# repeated each item's title and rule for every unit: ~120 MB of JSON to build, encode and store. Now what is
# the same for every unit of a group (code, title, field, method, maximum, rule) is stored once per run in
# ``ScoreRun.item_catalog``, in the index set's order, and a unit's row keeps only its own values, one short
# list per leaf aligned with that catalog, plus the council's reasons where there are any (format 2). Readers
# get the same dicts as before from :func:`item_dicts` (pages and dashboards read ``UnitView.items``), whichever
# format the row was written in, so snapshots stored before the change read as they did.

ITEMS_FORMAT = 2
_LEAF_KEYS = ("code", "title", "field_code", "method", "max_points", "rule")
_VALUE_KEYS = (
    "applicable",
    "excluded_reason",
    "layer",
    "value",
    "points",
    "self_value",
    "self_points",
    "round1_points",
    "round2_points",
)


def _text(x: Decimal | None) -> str | None:
    return None if x is None else format(x, "f")


def _item_values(item: engine.ItemResult) -> list[Any]:
    """What a unit's item result holds beyond its leaf, in the order of ``_VALUE_KEYS``."""
    return [
        item.applicable,
        item.excluded_reason,
        item.layer,
        item.value,
        _text(item.points),
        item.self_value,
        _text(item.self_points),
        _text(item.round1_points),
        _text(item.round2_points),
    ]


def _item_dict(leaf: Sequence[Any], values: Sequence[Any], reason: str) -> dict[str, Any]:
    """The item dict pages read (the shape of format 1): the catalog's leaf, the unit's values, the reason."""
    code, title, field_code, method, max_points, rule = leaf
    applicable, excluded_reason, layer, value, points, self_value, self_points, round1, round2 = values
    return {
        "code": code,
        "title": title,
        "field_code": field_code,
        "method": method,
        "max_points": max_points,
        "applicable": applicable,
        "excluded_reason": excluded_reason,
        "layer": layer,
        "value": value,
        "points": points,
        "self_value": self_value,
        "self_points": self_points,
        "round1_points": round1,
        "round2_points": round2,
        "rule": rule,
        "reason": reason,
    }


def _leaf_of(item: engine.ItemResult, title: str) -> list[Any]:
    return [item.code, title, item.field_code, item.method, _text(item.max_points), item.rule_text]


def _item_json(item: engine.ItemResult, title: str, reason: str) -> dict[str, Any]:
    """One item of a live (not stored) result in the dict shape pages read."""
    return _item_dict(_leaf_of(item, title), _item_values(item), reason)


def item_dicts(row: UnitResultRow, catalog: dict[str, Any]) -> list[dict[str, Any]]:
    """A stored row's items as the dicts pages read, fresh (a page may redact them): format 2 from the run's
    ``item_catalog``, format 1 (a dict per item, snapshots stored before issue 14) as stored."""
    stored = row.items
    if isinstance(stored, list):
        return [dict(item) for item in stored]
    reasons = stored.get("reasons", {})
    return [
        _item_dict(leaf, values, reasons.get(leaf[0], ""))
        for leaf, values in zip(catalog[row.group_code], stored["items"], strict=True)
    ]


def item_catalog(data: PeriodData, result: engine.PeriodResult) -> dict[str, list[list[Any]]]:
    """Group code → its leaves as a snapshot stores them once (code, title, field, method, maximum, rule), in the
    order every unit's items come in (the index set's)."""
    catalog: dict[str, list[list[Any]]] = {}
    for group in result.groups:
        if group.units:
            catalog[group.code] = [
                _leaf_of(item, data.node_titles.get((group.code, item.code), ""))
                for item in group.units[0].items
            ]
    return catalog


def _items_stored(
    u: engine.UnitResult, leaves: list[list[Any]], reasons: dict[str, str], memo: dict[int, list[Any]]
) -> dict[str, Any]:
    """A unit's items in format 2. Units share their item results (the engine gives one object per distinct
    leaf and inputs), so each distinct result is turned into its list once (``memo``, by identity: the
    result being written keeps every item alive)."""
    items = u.items
    # The engine gives every unit its items in its index set's leaf order (the catalog's): checked at the ends.
    if len(items) != len(leaves) or (
        items and (items[0].code, items[-1].code) != (leaves[0][0], leaves[-1][0])
    ):
        raise ValueError(f"Các tiêu chí của {u.code} không theo thứ tự của bộ chỉ số.")
    get = memo.get
    rows = []
    append = rows.append
    for item in items:
        found = get(id(item))
        if found is None:
            found = memo[id(item)] = _item_values(item)
        append(found)
    stored: dict[str, Any] = {"format": ITEMS_FORMAT, "items": rows}
    if reasons:
        stored["reasons"] = reasons
    return stored


def result_rows_write(
    *, run: ScoreRun, data: PeriodData, result: engine.PeriodResult, catalog: dict[str, list[list[Any]]]
) -> None:
    """Persist one row per unit and per field of the engine's result (bulk, constant queries); the items in
    format 2 against ``catalog`` (the run's ``item_catalog``, see :func:`item_dicts`)."""
    unit_names = (
        "run_id", "unit_id", "group_code", "group_name", "group_order", "position", "unit_code", "unit_name",
        "head_name", "head_title", "max_points", "self_points", "appraisal_points", "survey_points",
        "bonus_points", "penalty_points", "total_points", "index", "index_display", "rank", "rank_change",
        "band", "head_rating", "head_rating_reason", "trace", "items", "adjustments",
    )  # fmt: skip
    unit_rows = []
    memo: dict[int, list[Any]] = {}
    reasons: dict[str, dict[str, str]] = defaultdict(dict)  # unit code → item code → the council's reason
    for (unit_code, item_code), text in data.reasons.items():
        reasons[unit_code][item_code] = text
    twelve = Decimal("1e-12")
    for g_pos, group in enumerate(result.groups):
        group_obj = data.groups[group.code]
        leaves = catalog.get(group.code, [])
        for position, u in enumerate(group.units):
            unit = data.units[u.code]
            unit_rows.append(
                (
                    run.pk, unit.pk, group.code, group.name, group_obj.order * 1000 + g_pos, position,
                    u.code, u.name, unit.head_name, unit.head_title, u.max_points, u.self_points,
                    u.appraisal_points, u.survey_points, u.bonus_points, u.penalty_points, u.total_points,
                    u.index.quantize(twelve), u.index_display, u.rank or 0, u.rank_change, u.band,
                    u.head_rating, u.head_rating_reason or "", list(u.trace),
                    _items_stored(u, leaves, reasons.get(u.code, {}), memo),
                    [
                        {
                            "code": a.code,
                            "title": a.title,
                            "method": a.method,
                            "max_points": _text(a.max_points),
                            "claimed": format(a.claimed, "f"),
                            "points": format(a.points, "f"),
                        }
                        for a in u.adjustments
                    ],
                )
            )  # fmt: skip
    # One executemany each, plain values, no model instances (issue 14: a snapshot's rows in seconds).
    values_insert(UnitResultRow, unit_names, unit_rows)
    by_code = {
        (g, u): pk
        for pk, g, u in UnitResultRow.objects.filter(run=run).values_list("pk", "group_code", "unit_code")
    }
    field_rows = []
    for group in result.groups:
        for u in group.units:
            row_id = by_code[(group.code, u.code)]
            for position, f in enumerate(u.fields):
                field_rows.append(
                    (
                        row_id, f.code, f.title, f.points, f.max_points,
                        None if f.index is None else f.index.quantize(twelve), position,
                    )
                )  # fmt: skip
    values_insert(
        FieldResultRow,
        ("unit_row_id", "code", "title", "points", "max_points", "index", "position"),
        field_rows,
    )


# --- Snapshot → document inputs -------------------------------------------------------------------------


def org_data(org: Any) -> Any:
    from appraisal.documents.data import Org

    return Org(
        name=org.issuer_name,
        parent_name=org.parent_name,
        place=org.place,
        signer_name=org.signer_name,
        signer_title=org.signer_title,
        signer_for=org.signer_for,
        chairman_title=org.chairman_title,
    )


def _in_sentence(name: str) -> str:
    """'Các sở, ban, ngành' reads 'các sở, ban, ngành' inside a sentence; 'UBND …' keeps its capitals."""
    if len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def decision_data_from_run(run: ScoreRun) -> Any:
    """The decision, annex and CSV input from a stored snapshot (never from live data)."""
    from appraisal.documents.data import (
        AdjustmentCol,
        Decision,
        DecisionData,
        FieldCol,
        GroupTable,
        HeadRow,
        UnitLine,
    )
    from appraisal.registry.models import Group, Organisation

    period = run.period
    # The items and the derivation (most of a row's bytes) are not in the tables: left in the database.
    rows = list(run.unit_rows.defer("items", "trace").order_by("group_order", "position"))
    # The fields as plain values, not 26,400 model instances (issue 14: the annex in seconds).
    field_values: dict[int, list[Any]] = defaultdict(list)
    for row_id, *values in (
        FieldResultRow.objects.filter(unit_row__run=run)
        .order_by("unit_row_id", "position")
        .values_list("unit_row_id", "code", "title", "points", "max_points", "index")
    ):
        field_values[row_id].append(values)
    results = {
        r.pk: unit_result_of_row(r, period.decimals, with_trace=False, field_values=field_values[r.pk])
        for r in rows
    }
    if not rank_change_is_signed(period):
        previous = previous_results(period)
        for r in rows:
            results[r.pk] = with_rank_change(results[r.pk], previous.get((r.group_code, r.unit_code)))
    groups_meta = {g.code: g for g in Group.objects.filter(code__in={r.group_code for r in rows})}
    tables = []
    heads = []
    by_group: dict[str, list[UnitResultRow]] = defaultdict(list)
    for r in rows:
        by_group[r.group_code].append(r)
    for code, group_rows in by_group.items():
        meta = groups_meta.get(code)
        first_fields = results[group_rows[0].pk].fields
        # The adjustment groups the decision lists with their numbers ('9.1. Điểm thưởng', '9.2. Điểm trừ').
        adjustment_cols = tuple(
            AdjustmentCol(
                code=a["code"], title=a["title"], method=a["method"], max_points=_decimal(a["max_points"])
            )
            for a in group_rows[0].adjustments
            if a["method"] is not None
        )
        table_rows = tuple(
            UnitLine(stt=stt, result=result, band_label=engine.BAND_LABELS.get(result.band, result.band))
            for stt, result in enumerate((results[r.pk] for r in group_rows), start=1)
        )
        tables.append(
            GroupTable(
                code=code,
                name=_in_sentence(meta.name if meta else group_rows[0].group_name),
                title_noun=(
                    meta.title_noun if meta and meta.title_noun else f"CỦA {group_rows[0].group_name.upper()}"
                ),
                field_cols=tuple(FieldCol(code=f.code, title=f.title) for f in first_fields),
                adjustment_cols=adjustment_cols,
                rows=table_rows,
            )
        )
    for stt, r in enumerate(rows, start=1):
        heads.append(
            HeadRow(
                stt=stt,
                name=r.head_name,
                title=r.head_title,
                unit_name=r.unit_name,
                unit_code=r.unit_code,
                index_display=results[r.pk].index_display,
                rating_label=engine.HEAD_RATING_LABELS.get(r.head_rating, r.head_rating),
                note=r.head_rating_reason,
            )
        )
    approved = period.phase == Phase.APPROVED
    decision = Decision(
        number=period.decision_number or None,
        date=period.decision_date,
        draft=not approved,
        legal_bases=tuple(line.strip() for line in period.legal_bases.splitlines() if line.strip()),
        proposal=period.proposal_text,
        recipients=tuple(line.strip() for line in period.recipients.splitlines() if line.strip()),
    )
    return DecisionData(
        org=org_data(Organisation.current()),
        year=period.year,
        decimals=period.decimals,
        decision=decision,
        groups=tuple(tables),
        heads=tuple(heads),
        snapshot_id="lúc {when}, mã đối chiếu {ref}".format(
            when=timezone.localtime(run.created_at).strftime("%H:%M ngày %d/%m/%Y"),
            ref=run.inputs_hash.removeprefix("sha256:")[:16].upper(),
        ),
        generated_at=run.created_at,
    )


def unit_doc_data(run: ScoreRun, unit_code: str, kind: str) -> Any:
    """A unit's notice, final-result notice or shortcomings report from a snapshot's item layers, by the one
    notice builder (:mod:`appraisal.documents.notice_data`). The stored items do not keep their adjustment group:
    it is read from the period's index set (finalised, so unchanged since the snapshot)."""
    from appraisal.core.numbers import format_index
    from appraisal.documents.notice_data import unit_doc_data_build

    row = run.unit_rows.get(unit_code=unit_code)
    stored_items = item_dicts(row, run.item_catalog)
    nodes = list(
        IndexNode.objects.filter(
            index_set__period_id=run.period_id, index_set__group__code=row.group_code
        ).order_by("position")
    )
    groups = adjustment_groups_input(nodes)
    group_codes = {g.code for g in groups}
    code_by_pk = {n.pk: n.code for n in nodes}
    group_of = {
        n.code: code_by_pk[n.parent_id]
        for n in nodes
        if n.method in ADJUSTMENTS and n.parent_id is not None and code_by_pk.get(n.parent_id) in group_codes
    }
    items = [
        engine.NoticeItem(
            code=it["code"],
            field_code=it["field_code"],
            method=it["method"],
            max_points=Decimal(it["max_points"]),
            self_points=_decimal(it["self_points"]),
            round1_points=_decimal(it["round1_points"]),
            final_points=Decimal(it["points"]),
            group=group_of.get(it["code"]),
        )
        for it in stored_items
        if it["applicable"]
    ]
    titles = {f.code: f.title for f in row.field_rows.all()}
    titles.update({a["code"]: a["title"] for a in row.adjustments})
    titles.update({it["code"]: it["title"] for it in stored_items})
    totals: dict[str, Any] = {}
    if kind == "result":
        result = unit_result_of_row(row, run.period.decimals)
        totals = {
            "total_points": result.total_points,
            "max_points": result.max_points,
            "index_text": format_index(result.index_display, run.period.decimals),
            "rank": result.rank,
            "group_name": row.group_name,
            "band_label": engine.BAND_LABELS.get(result.band, result.band),
            "final": run.is_final,
        }
    return unit_doc_data_build(
        kind=kind,
        items=items,
        groups=groups,
        titles=titles,
        reasons={it["code"]: it.get("reason", "") for it in stored_items},
        unit_name=row.unit_name,
        unit_head_name=row.head_name,
        year=run.period.year,
        **totals,
    )
