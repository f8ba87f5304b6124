"""Which items a unit's letters list, and what the unit lost (SPEC §6, §9): one rule for every notice.

- ``notice`` (thông báo kết quả thẩm định): items whose round-1 points are worse for the unit than its claim.
- ``result`` (thông báo kết quả cuối cùng): items whose final points differ from the claim.
- ``shortcomings`` (báo cáo tồn tại, hạn chế): items that lost points — below their max, or a deduction made.

One rule for penalties everywhere: a penalty's points are a deduction, so every figure of a line is the item's
*contribution* to the unit's total — a penalty's points with a minus sign. "Worse" and "lost" then read the same
way for every item, and a growing deduction is a loss. What the unit lost in all counts grouped bonus and penalty
after their groups' caps (SPEC §10: a group's max caps the sum of its children), by the same
:func:`adjustment_totals` as the result: a lowered item inside a group whose claim passed the cap may cost nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

from .compute import adjustment_totals
from .model import ADJUSTMENT_METHODS, AdjustmentGroup
from .rounding import ENGINE_CONTEXT

__all__ = ["NOTICE_KINDS", "Notice", "NoticeItem", "NoticeLine", "is_lowered", "notice_build"]

NOTICE_KINDS = ("notice", "result", "shortcomings")
_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class NoticeItem:
    """One applicable leaf of a unit as its letters read it; points as stored (a penalty's as a deduction).

    ``group``: the adjustment group directly holding a bonus/penalty leaf ('9.1'), None elsewhere.
    ``final_points``: round 2, else round 1 (survey items: the survey), 0 when there is none.
    """

    code: str
    field_code: str
    method: str
    max_points: Decimal
    self_points: Decimal | None
    round1_points: Decimal | None
    final_points: Decimal
    group: str | None = None


@dataclass(frozen=True, slots=True)
class NoticeLine:
    """A listed item, every figure its contribution to the total (a penalty negative).

    ``compared``: round 1 in the preliminary notice, the final points elsewhere. ``lost``: claim − compared in
    the notices, max − final in the shortcomings report (a penalty: the deduction made)."""

    item: NoticeItem
    max_points: Decimal
    self_points: Decimal | None
    round1_points: Decimal | None
    compared: Decimal
    lost: Decimal


@dataclass(frozen=True, slots=True)
class Notice:
    """The listed lines in the order given, and what the unit lost in all after the groups' caps."""

    kind: str
    lines: tuple[NoticeLine, ...]
    total_lost: Decimal


def _signed(method: str, points: Decimal | None) -> Decimal | None:
    if points is None:
        return None
    return -points if method == "penalty" else points


def is_lowered(*, method: str, claimed: Decimal | None, points: Decimal | None) -> bool:
    """Whether the council's ``points`` are worse for the unit than its ``claimed`` points (None: no claim,
    counted as 0): lower for every item, a larger deduction for a penalty. None ``points``: not scored."""
    if points is None:
        return False
    return (_signed(method, points) or _ZERO) < (_signed(method, claimed) or _ZERO)


def _compared(kind: str, item: NoticeItem) -> Decimal | None:
    return item.round1_points if kind == "notice" else item.final_points


def _listed(kind: str, item: NoticeItem) -> NoticeLine | None:
    signed_self = _signed(item.method, item.self_points)
    signed_r1 = _signed(item.method, item.round1_points)
    if kind == "shortcomings":
        final = _signed(item.method, item.final_points) or _ZERO
        top = _ZERO if item.method == "penalty" else item.max_points
        if final >= top:
            return None
        return NoticeLine(item, item.max_points, signed_self, signed_r1, final, top - final)
    if item.method == "survey":
        return None  # not self-assessed: nothing was claimed
    compared = _signed(item.method, _compared(kind, item))
    if compared is None:
        return None
    claimed = signed_self if signed_self is not None else _ZERO
    if kind == "notice" and not is_lowered(
        method=item.method, claimed=item.self_points, points=item.round1_points
    ):
        return None
    if kind == "result" and (item.self_points is None or compared == claimed):
        return None
    return NoticeLine(item, item.max_points, signed_self, signed_r1, compared, claimed - compared)


def _net(groups: Sequence[AdjustmentGroup], items: Iterable[NoticeItem], points: str) -> Decimal:
    def layer(item: NoticeItem) -> Decimal:
        if points == "self":
            return item.self_points or _ZERO
        if points == "round1":
            # Round 1 where it scored the item, else the claim stands.
            return item.round1_points if item.round1_points is not None else (item.self_points or _ZERO)
        return item.final_points

    totals = adjustment_totals(groups, [(i.method, i.group, layer(i)) for i in items])
    return totals.bonus - totals.penalty


def notice_build(*, kind: str, items: Sequence[NoticeItem], groups: Sequence[AdjustmentGroup] = ()) -> Notice:
    """The lines a unit's letter of ``kind`` lists and its total loss.

    The total is the listed lines' losses; when the index set has adjustment groups, bonus and penalty items
    count instead by the capped net of every bonus/penalty item: claimed net − compared net (notices), or the
    groups' max net − final net (shortcomings)."""
    if kind not in NOTICE_KINDS:
        raise ValueError(f"kind must be one of {NOTICE_KINDS}, not {kind!r}")
    with localcontext(ENGINE_CONTEXT):
        lines = tuple(line for item in items if (line := _listed(kind, item)) is not None)
        if not groups:
            return Notice(kind, lines, sum((line.lost for line in lines), _ZERO))
        lost = sum((line.lost for line in lines if line.item.method not in ADJUSTMENT_METHODS), _ZERO)
        adjustments = [i for i in items if i.method in ADJUSTMENT_METHODS]
        compared = "round1" if kind == "notice" else "final"
        if kind == "shortcomings":
            # What the unit could have had: every bonus at its max (within the caps), no deduction.
            best = adjustment_totals(
                groups, [(i.method, i.group, i.max_points) for i in adjustments if i.method == "bonus"]
            ).bonus
            lost += best - _net(groups, adjustments, compared)
        else:
            lost += _net(groups, adjustments, "self") - _net(groups, adjustments, compared)
        return Notice(kind, lines, lost)
