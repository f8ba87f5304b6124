"""The one way any layer of an item entry is written (self, round 1, round 2, survey).

Used by the web forms, the offline workbook, the council and the score imports. It normalises the input
with the engine, derives the points (never trusting a client's number), compare-and-sets the entry's
version and appends an ItemHistory row. Permissions and phase checks belong to the calling service.

One truth for points. An entry stores each layer's points beside its input: the form, the council's sheets,
the layers page and the notice read a unit's running totals from them in a constant number of queries, and a
period's results are computed by the engine from the *inputs* with the same rules. The stored points are
therefore derived data, never typed: they are written here whenever an input changes, and refreshed by
:func:`entry_points_refresh` whenever a period setting they depend on changes (the survey weights, which turn
answer counts into a percentage), so that stored and recomputed points never differ. Index sets, whose rules
the points also depend on, cannot change once the period has left preparation, when there are no inputs yet.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from appraisal import engine
from appraisal.core.bulk import RowPreparer, values_insert
from appraisal.core.exceptions import ConcurrencyError, ServiceError
from appraisal.engine import InputError, parse_rule
from appraisal.registry.models import IndexNode, IndexSet, Method, Period, Unit, UnitExclusion, UnitMembership

from .models import Assessment, ItemEntry, ItemHistory, Layer

LAYER_FIELDS: dict[str, tuple[str, str, str]] = {
    # layer: (value field, points field, note/reason field)
    Layer.SELF: ("self_value", "self_points", "self_note"),
    Layer.ROUND1: ("round1_value", "round1_points", "round1_reason"),
    Layer.ROUND2: ("round2_value", "round2_points", "round2_reason"),
    Layer.SURVEY: ("survey_value", "survey_points", ""),
}


def survey_weights_of(period: Period) -> dict[str, Decimal]:
    return {k: Decimal(str(v)) for k, v in (period.survey_weights or {}).items()}


def entry_points_for(node: IndexNode, value: str, period: Period) -> tuple[str, Decimal]:
    """Canonical input and 4-place points for ``value`` under the node's rule; InputError if refused
    (including a rate over the rule's maximum, 100 % unless the rule allows more)."""
    rule = parse_rule(node.rule, node.max_points, node.method)
    canonical = rule.check_entry(value)
    return canonical, rule.points(canonical, survey_weights_of(period))


def entry_record_layer(
    *,
    entry: ItemEntry,
    layer: str,
    value: str,
    note: str = "",
    by: Any,
    source: str = "web",
    expected_version: int | None = None,
    decision: str = "",
) -> ItemEntry:
    """Record one layer's input on an entry. Empty ``value`` clears the layer.

    Raises ServiceError (Vietnamese message) for a refused input, ConcurrencyError when ``expected_version``
    is not the stored version (someone saved in between). Returns the fresh entry. A save that changes
    nothing writes nothing (no version bump, no history row)."""
    if layer not in LAYER_FIELDS:
        raise ServiceError(f"Lớp điểm không hợp lệ: {layer}.")
    value_field, points_field, note_field = LAYER_FIELDS[layer]
    node = entry.node
    period = entry.assessment.period
    value = (value or "").strip()
    if value:
        try:
            canonical, points = entry_points_for(node, value, period)
        except InputError as exc:
            raise ServiceError(f"Mục {node.code}: {exc.message}") from exc
    else:
        canonical, points = "", None

    # No savepoint: a caller's transaction (the autosave's, the workbook's) is the unit of work, and a refusal
    # is raised only after this block has ended cleanly, so the caller may still read (the conflict's details)
    # or roll back the whole (the workbook, all or nothing).
    with transaction.atomic(savepoint=False):
        refusal: ConcurrencyError | None = None
        written: ItemEntry | None = None
        locked: ItemEntry | None = None
        if expected_version is not None and entry.version == expected_version:
            # The caller read this entry in this request at the version the person saw: the compare-and-set
            # below proves it is still the stored row, so it is not read again (a save's query budget,
            # issue 14). A save that changes nothing still checks the version with one read. A copy: the
            # caller's object stays as it was read.
            current = copy.copy(entry)
        else:
            current = locked = ItemEntry.objects.select_for_update().get(pk=entry.pk)
        if expected_version is not None and current.version != expected_version:
            refusal = _stale(node.code, current, value_field)
        else:
            written = _write_layer(
                current,
                layer,
                canonical,
                points,
                note,
                decision,
                by=by,
                source=source,
                check=current is not locked,
            )
            if written is None:
                refusal = _stale(node.code, ItemEntry.objects.get(pk=entry.pk), value_field)
    if refusal is not None or written is None:
        raise refusal or ConcurrencyError(f"Mục {node.code} vừa được người khác lưu. Hãy tải lại và thử lại.")
    written.node = node
    written.assessment = entry.assessment
    return written


def _stale(code: str, current: ItemEntry, value_field: str) -> ConcurrencyError:
    return ConcurrencyError(
        "Mục {code} vừa được người khác lưu (phiên bản {v}). Giá trị hiện tại: «{val}».".format(
            code=code, v=current.version, val=getattr(current, value_field) or "trống"
        )
    )


def _write_layer(
    current: ItemEntry,
    layer: str,
    canonical: str,
    points: Decimal | None,
    note: str,
    decision: str,
    *,
    by: Any,
    source: str,
    check: bool,
) -> ItemEntry | None:
    """Compare-and-set the layer on ``current`` and append its history row; None when the stored version is
    no longer ``current.version`` (someone saved in between). ``check``: ``current`` was read without a lock,
    so even a save that changes nothing confirms the version."""
    value_field, points_field, note_field = LAYER_FIELDS[layer]
    old_value = getattr(current, value_field)
    old_points = getattr(current, points_field)
    old_note = getattr(current, note_field) if note_field else ""
    changes: dict[str, Any] = {}
    if old_value != canonical or old_points != points:
        changes[value_field] = canonical
        changes[points_field] = points
    if note_field and note != old_note:
        changes[note_field] = note
    if layer == Layer.ROUND2 and decision != current.round2_decision:
        changes["round2_decision"] = decision
    if not changes:
        if check and not ItemEntry.objects.filter(pk=current.pk, version=current.version).exists():
            return None
        return current
    now = timezone.now()
    if layer == Layer.ROUND1:
        changes.update(round1_by=by, round1_at=now)
    elif layer == Layer.ROUND2:
        changes.update(round2_by=by, round2_at=now)
    updated = ItemEntry.objects.filter(pk=current.pk, version=current.version).update(
        version=current.version + 1, updated_at=now, **changes
    )
    if updated != 1:
        return None
    ItemHistory.objects.create(
        entry=current,
        layer=layer,
        old_value=old_value,
        new_value=canonical,
        old_points=old_points,
        new_points=points,
        reason=note,
        source=source,
        by=by,
    )
    # The row is exactly what the compare-and-set wrote: no second read (a save's query budget, issue 14).
    for name, changed in changes.items():
        setattr(current, name, changed)
    current.version += 1
    current.updated_at = now
    return current


def entry_points_refresh(*, period: Period, changed: frozenset[str]) -> int:
    """Re-derive the stored points that depend on the changed period settings; returns how many entries
    changed. Survey weights: every survey input of the period (answer counts are weighed by them)."""
    if "survey_weights" not in changed:
        return 0
    entries = list(
        ItemEntry.objects.filter(assessment__period=period, node__method=Method.SURVEY)
        .exclude(survey_value="")
        .select_related("node")
    )
    weights = survey_weights_of(period)
    stale = []
    for entry in entries:
        node = entry.node
        points = parse_rule(node.rule, node.max_points, node.method).points(entry.survey_value, weights)
        if points != entry.survey_points:
            entry.survey_points = points
            stale.append(entry)
    ItemEntry.objects.bulk_update(stale, ["survey_points"], batch_size=1000)
    return len(stale)


def entry_points_refresh_for(period: Period, changed: frozenset[str]) -> None:
    """``entry_points_refresh`` as registry's period_update calls it (positional)."""
    entry_points_refresh(period=period, changed=changed)


def leaf_scope(node: IndexNode) -> engine.LeafScope:
    """What the engine's applicability rule needs of a leaf node."""
    return engine.LeafScope(node.code, node.code.split(".", 1)[0], node.excluded_tag_set)


def leaf_exclusions(*, unit: Unit, leaves: list[IndexNode], excluded: dict[str, str]) -> dict[int, str]:
    """Leaf id → why it does not apply to the unit, by the engine's one rule (:func:`engine.excluded_leaves`):
    ``excluded`` is node code → the secretariat's reason (a field or criterion excludes the leaves under it)."""
    reasons = engine.excluded_leaves(
        leaves=[leaf_scope(n) for n in leaves], tags=unit.tag_set, excluded=excluded
    )
    return {n.pk: reasons[n.code] for n in leaves if n.code in reasons}


def applicable_leaves(*, period: Period, unit: Unit) -> tuple[IndexSet | None, list[IndexNode]]:
    """The leaves of the unit's group's index set that apply to the unit (tags and exclusions, by the
    engine's rule)."""
    membership = UnitMembership.objects.filter(period=period, unit=unit).first()
    if membership is None:
        return None, []
    index_set = IndexSet.objects.filter(period=period, group_id=membership.group_id).first()
    if index_set is None:
        return None, []
    excluded = dict(
        UnitExclusion.objects.filter(unit=unit, node__index_set=index_set).values_list("node__code", "reason")
    )
    nodes = list(index_set.nodes.filter(is_leaf=True).order_by("position"))
    out = leaf_exclusions(unit=unit, leaves=nodes, excluded=excluded)
    return index_set, [n for n in nodes if n.pk not in out]


def assessment_get_or_create(*, period: Period, unit: Unit) -> Assessment:
    """The unit's assessment for the period, with an entry per applicable leaf (created when missing)."""
    with transaction.atomic():
        assessment, _ = Assessment.objects.get_or_create(period=period, unit=unit)
        _, leaves = applicable_leaves(period=period, unit=unit)
        have = set(assessment.entries.values_list("node_id", flat=True))
        missing = [ItemEntry(assessment=assessment, node=n) for n in leaves if n.pk not in have]
        if missing:
            ItemEntry.objects.bulk_create(missing, ignore_conflicts=True)
    return assessment


_LOCK_CHUNK = 10_000
_HISTORY_COLUMNS = (
    "entry_id",
    "layer",
    "old_value",
    "new_value",
    "old_points",
    "new_points",
    "reason",
    "source",
    "by_id",
    "at",
)


@dataclass(frozen=True)
class LayerInput:
    """One entry's new input for :func:`entries_record_layer`: the canonical value and its points, already
    checked by the rule (``Rule.check_entry`` and ``Rule.points``)."""

    entry_id: int
    value: str
    points: Decimal
    note: str = ""
    decision: str = ""


@dataclass(frozen=True)
class LayerWritten:
    entry_id: int
    changed: bool


def entries_record_layer(
    *, layer: str, inputs: Sequence[LayerInput], by: Any, source: str, assessment_ids: Sequence[int] = ()
) -> list[LayerWritten]:
    """:func:`entry_record_layer` for many entries at once (a scores file), with the same outcome per entry —
    what changes, the version bump, who and when, one ItemHistory row per changed entry — in a number of
    queries that does not grow with the entries: one locking read, one batched compare-and-set UPDATE
    (``executemany``; ConcurrencyError if any entry's version moved) and one batched INSERT of the history
    rows (:mod:`appraisal.core.bulk`).

    Call it inside the caller's transaction. Unlike the one-entry path, values must be already checked.
    ``assessment_ids``, when the caller knows them, lock the entries by assessment (a short query) instead of
    by a list of every entry id."""
    if layer not in LAYER_FIELDS:
        raise ServiceError(f"Lớp điểm không hợp lệ: {layer}.")
    value_field, points_field, note_field = LAYER_FIELDS[layer]
    columns = ["pk", "version", value_field, points_field, "round2_decision"] + (
        [note_field] if note_field else []
    )
    ids = list(assessment_ids) or [i.entry_id for i in inputs]
    lookup = "assessment_id__in" if assessment_ids else "pk__in"
    current = {}
    for start in range(0, len(ids), _LOCK_CHUNK):  # within every database's limit of query parameters
        locked = ItemEntry.objects.select_for_update().filter(**{lookup: ids[start : start + _LOCK_CHUNK]})
        current.update((row[0], row) for row in locked.order_by().values_list(*columns))
    now = timezone.now()
    meta = ItemEntry._meta
    # Every changed entry gets the layer's whole set of fields: those that did not change get their own value.
    assigned = [value_field, points_field] + ([note_field] if note_field else [])
    if layer == Layer.ROUND2:
        assigned.append("round2_decision")
    if layer in (Layer.ROUND1, Layer.ROUND2):
        assigned += [f"{layer}_by", f"{layer}_at"]
    fields = [meta.get_field(name) for name in assigned] + [meta.get_field("updated_at")]
    prepare = RowPreparer(ItemEntry, fields)
    by_id = getattr(by, "pk", None)
    written: list[LayerWritten] = []
    params: list[list[Any]] = []
    history: list[tuple[Any, ...]] = []
    for item in inputs:
        pk, version, old_value, old_points, old_decision, *rest = current[item.entry_id]
        old_note = rest[0] if rest else ""
        changed = (
            old_value != item.value
            or old_points != item.points
            or (bool(note_field) and item.note != old_note)
            or (layer == Layer.ROUND2 and item.decision != old_decision)
        )
        written.append(LayerWritten(item.entry_id, changed))
        if not changed:
            continue
        values: dict[str, Any] = {value_field: item.value, points_field: item.points}
        if note_field:
            values[note_field] = item.note
        if layer == Layer.ROUND2:
            values["round2_decision"] = item.decision
        if layer in (Layer.ROUND1, Layer.ROUND2):
            values[f"{layer}_by"], values[f"{layer}_at"] = by_id, now
        values["updated_at"] = now
        params.append(prepare(values[f.name] for f in fields) + [pk, version])
        history.append(
            (pk, layer, old_value, item.value, old_points, item.points, item.note, source, by_id, now)
        )
    if params:
        quote = prepare.connection.ops.quote_name
        sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
        # Names from the model's meta, every value a parameter.
        table, pk, version = quote(meta.db_table), quote(meta.pk.column), quote("version")
        sql = f"UPDATE {table} SET {sets}, {version} = {version} + 1 "  # noqa: S608
        sql += f"WHERE {pk} = %s AND {version} = %s"
        with prepare.connection.cursor() as cursor:
            cursor.executemany(sql, params)
            if cursor.rowcount != len(params):
                raise ConcurrencyError("Có mục vừa được người khác lưu trong lúc nhập. Hãy nhập lại tệp.")
        values_insert(ItemHistory, _HISTORY_COLUMNS, history)
    return written
