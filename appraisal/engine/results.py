"""Engine results (SPEC §8): per item, field, unit, group and period.

A unit's ``fields``, ``items`` and ``trace`` are derived on first access from the same inputs, so that
computing a national period (thousands of units × a hundred items) does not build objects nobody reads; they
are part of neither equality nor repr (compare them explicitly).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .model import Settings

__all__ = [
    "AdjustmentResult",
    "FieldResult",
    "GroupResult",
    "ItemResult",
    "PeriodResult",
    "StoredDetails",
    "UnitDetails",
    "UnitResult",
]


@dataclass(frozen=True, slots=True)
class ItemResult:
    """One leaf for one unit: every layer's points and the final points with the layer they came from.

    ``layer`` is 'round2', 'round1', 'survey' or None (no value: 0 points); ``value`` is the canonical input
    used; ``points`` is 0 when the item does not apply (``excluded_reason`` says why).
    """

    code: str
    field_code: str
    method: str
    max_points: Decimal
    applicable: bool
    excluded_reason: str | None
    layer: str | None
    value: str | None
    points: Decimal
    self_value: str | None
    self_points: Decimal | None
    round1_points: Decimal | None
    round2_points: Decimal | None
    rule_text: str


@dataclass(frozen=True, slots=True)
class FieldResult:
    """A field's points over its applicable max; ``index`` (unrounded %) is None when nothing applies,
    ``index_display`` the published figure (rounded half up to the period's decimals)."""

    code: str
    title: str
    points: Decimal
    max_points: Decimal
    index: Decimal | None
    index_display: Decimal | None


@dataclass(frozen=True, slots=True)
class AdjustmentResult:
    """An adjustment group for one unit ('9.1' Điểm thưởng): ``claimed`` is the sum of its children,
    ``points`` that sum within ``max_points`` (None: no cap). For a content holding both bonus and penalty
    (``method`` None) both figures are bonus − penalty."""

    code: str
    title: str
    method: str | None
    max_points: Decimal | None
    claimed: Decimal
    points: Decimal


class UnitDetails(Protocol):
    """Derives a unit's breakdowns on demand (implemented in compute.py)."""

    def fields(self) -> tuple[FieldResult, ...]: ...

    def adjustments(self) -> tuple[AdjustmentResult, ...]: ...

    def items(self) -> tuple[ItemResult, ...]: ...

    def trace(self, result: UnitResult) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True)
class StoredDetails:
    """A unit's breakdowns given outright: read back from a stored snapshot, or cut down to what a person may
    see (a page's redaction)."""

    field_results: tuple[FieldResult, ...] = ()
    adjustment_results: tuple[AdjustmentResult, ...] = ()
    item_results: tuple[ItemResult, ...] = ()
    trace_lines: tuple[str, ...] = ()

    def fields(self) -> tuple[FieldResult, ...]:
        return self.field_results

    def adjustments(self) -> tuple[AdjustmentResult, ...]:
        return self.adjustment_results

    def items(self) -> tuple[ItemResult, ...]:
        return self.item_results

    def trace(self, result: UnitResult) -> tuple[str, ...]:
        return self.trace_lines


@dataclass(frozen=True, slots=True)
class UnitResult:
    """A unit's result. ``index`` is unrounded; ``index_display`` is the published, rounded figure.

    ``penalty_points`` is the deduction as a positive number. ``rank_change`` = previous rank − rank
    (positive: the unit rose). ``rank`` is None when computed alone (:func:`compute_unit`).
    """

    code: str
    name: str
    max_points: Decimal
    self_points: Decimal
    appraisal_points: Decimal
    survey_points: Decimal
    bonus_points: Decimal
    penalty_points: Decimal
    total_points: Decimal
    index: Decimal
    index_display: Decimal
    rank: int | None
    rank_change: int | None
    band: str
    head_rating: str
    head_rating_reason: str | None
    details: UnitDetails = field(repr=False, compare=False)

    @property
    def fields(self) -> tuple[FieldResult, ...]:
        """Points and component index of each field of the index set, in order (built on first access)."""
        return self.details.fields()

    @property
    def adjustments(self) -> tuple[AdjustmentResult, ...]:
        """Each adjustment group of the index set, in order, with its claimed and capped points."""
        return self.details.adjustments()

    @property
    def items(self) -> tuple[ItemResult, ...]:
        """Every leaf of the index set for this unit, in the set's order (built on first access)."""
        return self.details.items()

    @property
    def trace(self) -> tuple[str, ...]:
        """Vietnamese lines deriving each number of the result (built on first access)."""
        return self.details.trace(self)


@dataclass(frozen=True, slots=True)
class GroupResult:
    """A group's units, ordered by rank then code. ``scale`` is the index set's scale."""

    code: str
    name: str
    scale: Decimal
    units: tuple[UnitResult, ...]


@dataclass(frozen=True, slots=True)
class PeriodResult:
    year: int
    settings: Settings
    groups: tuple[GroupResult, ...]
