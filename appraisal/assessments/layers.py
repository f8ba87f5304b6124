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
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from appraisal import engine
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
    reasons = engine.excluded_leaves(leaves=[leaf_scope(n) for n in leaves], tags=unit.tag_set, excluded=excluded)
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
