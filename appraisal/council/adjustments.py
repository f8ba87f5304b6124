"""Adjustment groups on the council's pages (SPEC §10): the bonus and penalty of each layer — the unit's claim,
round 1, the final points — with the caps of the groups ('9.1' Điểm thưởng max 3, '9.2' Điểm trừ max 5) applied
by the engine, so that every running total on the layers page, the one-page appraisal and the notice counts a
claim of 4 in a group capped at 3 as 3, exactly as the results will.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from appraisal import engine
from appraisal.assessments.models import Assessment, ItemEntry
from appraisal.registry.models import IndexNode
from appraisal.registry.selectors import ADJUSTMENTS, adjustment_groups_input

ZERO = Decimal(0)

Points = Callable[[ItemEntry], Decimal | None]


@dataclass(frozen=True)
class GroupInputs:
    """The set's adjustment groups and, by node id, the code of each group (a leaf's parent_id finds it)."""

    groups: tuple[engine.AdjustmentGroup, ...] = ()
    code_of: dict[int, str] | None = None

    def totals(self, entries: Iterable[ItemEntry], points: Points) -> engine.AdjustmentTotals:
        """Bonus and penalty of ``entries`` (bonus/penalty items) in one layer, each group capped."""
        code_of = self.code_of or {}
        return engine.adjustment_totals(
            self.groups,
            [
                (
                    e.node.method,
                    code_of.get(e.node.parent_id) if e.node.parent_id else None,
                    points(e) or ZERO,
                )
                for e in entries
                if e.node.method in ADJUSTMENTS
            ],
        )


def group_inputs(entries: Iterable[ItemEntry]) -> GroupInputs:
    """The adjustment groups of the entries' set: one query, only when an entry sits in a group."""
    grouped = [e for e in entries if e.node.method in ADJUSTMENTS and e.node.parent_id is not None]
    if not grouped:
        return GroupInputs()
    nodes = list(IndexNode.objects.filter(index_set_id=grouped[0].node.index_set_id).order_by("position"))
    groups = adjustment_groups_input(nodes)
    codes = {g.code for g in groups}
    return GroupInputs(groups=groups, code_of={n.pk: n.code for n in nodes if n.code in codes})


def adjustment_entries(assessment: Assessment) -> list[ItemEntry]:
    """The unit's bonus and penalty items, in tree order (one query)."""
    return list(
        assessment.entries.select_related("node")
        .filter(node__method__in=ADJUSTMENTS)
        .order_by("node__position")
    )


def self_points(e: ItemEntry) -> Decimal | None:
    return e.self_points


def round1_points(e: ItemEntry) -> Decimal | None:
    """Round 1's points; the unit's claim where round 1 did not change the item."""
    return e.round1_points if e.round1_value else e.self_points


@dataclass(frozen=True)
class GroupLayers:
    """One group ('9.1' Điểm thưởng) in the unit's claim, round 1 and the final points."""

    own: engine.AdjustmentResult
    round1: engine.AdjustmentResult
    final: engine.AdjustmentResult

    @property
    def code(self) -> str:
        return self.own.code

    @property
    def layers(self) -> tuple[engine.AdjustmentResult, ...]:
        return (self.own, self.round1, self.final)

    @property
    def capped(self) -> bool:
        """The unit's claim or round 1's points pass the group's cap."""
        return any(r.method is not None and r.claimed > r.points for r in (self.own, self.round1, self.final))


@dataclass(frozen=True)
class AdjustmentLayers:
    own: engine.AdjustmentTotals
    round1: engine.AdjustmentTotals
    final: engine.AdjustmentTotals

    @property
    def groups(self) -> list[GroupLayers]:
        return [
            GroupLayers(*r) for r in zip(self.own.groups, self.round1.groups, self.final.groups, strict=True)
        ]

    @property
    def lost_in_round1(self) -> Decimal:
        """What round 1 took from the unit's adjustments after the caps (bonus lost plus penalty added)."""
        return (self.own.bonus - self.own.penalty) - (self.round1.bonus - self.round1.penalty)


def adjustment_layers(entries: list[ItemEntry], final: Points) -> AdjustmentLayers | None:
    """The capped bonus and penalty of the entries in each layer; None when the set has no adjustment group."""
    inputs = group_inputs(entries)
    if not inputs.groups:
        return None
    return AdjustmentLayers(
        own=inputs.totals(entries, self_points),
        round1=inputs.totals(entries, round1_points),
        final=inputs.totals(entries, final),
    )
