"""The one way any layer of an item entry is written (self, round 1, round 2, survey).

Used by the web forms, the offline workbook, the council and the score imports. It normalises the input
with the engine, derives the points (never trusting a client's number), compare-and-sets the entry's
version and appends an ItemHistory row. Permissions and phase checks belong to the calling service.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from appraisal.core.bulk import RowPreparer, values_insert
from appraisal.core.exceptions import ConcurrencyError, ServiceError
from appraisal.engine import InputError, parse_rule
from appraisal.registry.models import IndexNode, IndexSet, Period, Unit, UnitExclusion, UnitMembership

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

    with transaction.atomic():
        current = ItemEntry.objects.select_for_update().get(pk=entry.pk)
        if expected_version is not None and current.version != expected_version:
            raise ConcurrencyError(
                "Mục {code} vừa được người khác lưu (phiên bản {v}). Giá trị hiện tại: «{val}».".format(
                    code=node.code, v=current.version, val=getattr(current, value_field) or "trống"
                )
            )
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
            raise ConcurrencyError(f"Mục {node.code} vừa được người khác lưu. Hãy tải lại và thử lại.")
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
    current.node = node
    current.assessment = entry.assessment
    return current


def applicable_leaves(*, period: Period, unit: Unit) -> tuple[IndexSet | None, list[IndexNode]]:
    """The leaves of the unit's group's index set that apply to the unit (tags and exclusions)."""
    membership = UnitMembership.objects.filter(period=period, unit=unit).first()
    if membership is None:
        return None, []
    index_set = IndexSet.objects.filter(period=period, group_id=membership.group_id).first()
    if index_set is None:
        return None, []
    excluded_ids = set(
        UnitExclusion.objects.filter(unit=unit, node__index_set=index_set).values_list("node_id", flat=True)
    )
    tags = unit.tag_set
    leaves = [
        n
        for n in index_set.nodes.filter(is_leaf=True).order_by("position")
        if n.pk not in excluded_ids and not (n.excluded_tag_set & tags)
    ]
    return index_set, leaves


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
    columns = ["pk", "version", value_field, points_field, "round2_decision"] + ([note_field] if note_field else [])
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
