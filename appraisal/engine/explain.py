"""Vietnamese explanations of every number in a result (SPEC §8, "Explain")."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING

from .labels import BAND_LABELS, HEAD_RATING_LABELS, LAYER_LABELS
from .rounding import ENGINE_CONTEXT, format_vn, plain

if TYPE_CHECKING:
    from .model import Leaf, Settings, UnitInput
    from .results import ItemResult, UnitResult

__all__ = ["RANK_LINE", "explain_item", "long_number", "number", "unit_trace"]

# The start of the trace line that states the unit's rank (and last year's): callers that show the trace to
# someone who may not see ranks yet leave the lines starting with it out.
RANK_LINE = "Xếp hạng trong khối"

_SIX_PLACES = Decimal("0.000001")


def number(x: Decimal) -> str:
    """A number as written in Vietnamese text: decimal comma, no trailing zeros ('60,32', '84')."""
    return plain(x).replace(".", ",")


def long_number(x: Decimal) -> str:
    """An unrounded figure: up to 6 decimals, cut with '…' when it has more ('81,333333…')."""
    cut = x.quantize(_SIX_PLACES, rounding=ROUND_DOWN, context=ENGINE_CONTEXT)
    return number(cut) + ("…" if cut != x else "")


def _threshold_text(code: str, ladder: Sequence[tuple[str, Decimal]]) -> str:
    for name, threshold in ladder:
        if name == code:
            return f"≥ {number(threshold)}"
    return f"< {number(ladder[-1][1])}" if ladder else ""


def unit_trace(
    result: UnitResult, scale: Decimal, excluded: Sequence[Leaf], unit: UnitInput, settings: Settings
) -> tuple[str, ...]:
    """The derivation of a unit's maximum, total, index, band, head rating and rank, line by line."""
    lines: list[str] = []
    if excluded:
        removed = sum((leaf.max_points for leaf in excluded), Decimal(0))
        codes = ", ".join(leaf.code for leaf in excluded)
        lines.append(
            f"Điểm tối đa = {number(scale)} − {number(removed)} (không áp dụng: {codes}) = "
            f"{number(result.max_points)}"
        )
    else:
        lines.append(f"Điểm tối đa = {number(result.max_points)}")
    for f in result.fields:
        if f.index is None:
            lines.append(f"Lĩnh vực {f.code} ({f.title}): không áp dụng")
        else:
            lines.append(
                f"Lĩnh vực {f.code} ({f.title}): {number(f.points)} / {number(f.max_points)} điểm, "
                f"chỉ số thành phần {long_number(f.index)}%"
            )
    lines.append(f"Điểm tự đánh giá = {number(result.self_points)}")
    for adjustment in result.adjustments:
        if adjustment.method is None:
            continue
        line = f"Mục {adjustment.code} ({adjustment.title}): {number(adjustment.claimed)} điểm"
        if adjustment.max_points is not None:
            line += f", tối đa {number(adjustment.max_points)}"
        if adjustment.claimed != adjustment.points:
            line += f" → {number(adjustment.points)}"
        lines.append(line)
    raw_total = result.appraisal_points + result.survey_points + result.bonus_points - result.penalty_points
    total_line = (
        f"Tổng điểm = {number(result.appraisal_points)} (thẩm định) + {number(result.survey_points)} (XHH)"
        f" + {number(result.bonus_points)} (thưởng) − {number(result.penalty_points)} (trừ)"
        f" = {number(raw_total)}"
    )
    if raw_total != result.total_points:
        total_line += f" → giữ trong khoảng [0; {number(result.max_points)}] = {number(result.total_points)}"
    lines.append(total_line)
    if result.max_points:
        lines.append(
            f"Chỉ số = {number(result.total_points)} / {number(result.max_points)} × 100 = "
            f"{long_number(result.index)} → {format_vn(result.index, settings.decimals)}"
        )
    else:
        lines.append("Chỉ số = 0 (không có tiêu chí nào áp dụng cho đơn vị)")
    band = BAND_LABELS.get(result.band, result.band)
    lines.append(f"Xếp loại: {band} ({_threshold_text(result.band, settings.bands)})")
    head = HEAD_RATING_LABELS.get(result.head_rating, result.head_rating)
    if result.head_rating_reason:
        lines.append(f"Mức độ hoàn thành nhiệm vụ của người đứng đầu: {head} — {result.head_rating_reason}")
    else:
        lines.append(
            f"Mức độ hoàn thành nhiệm vụ của người đứng đầu: {head} "
            f"({_threshold_text(result.head_rating, settings.head_ratings)})"
        )
    if result.rank is not None:
        rank_line = f"{RANK_LINE}: {result.rank}"
        if result.rank_change is not None and unit.previous_rank is not None:
            change = result.rank_change
            movement = (
                f"tăng {change} bậc" if change > 0 else f"giảm {-change} bậc" if change < 0 else "giữ nguyên"
            )
            rank_line += f" (năm trước: {unit.previous_rank}, {movement})"
        lines.append(rank_line)
    return tuple(lines)


def explain_item(item: ItemResult) -> str:
    """One line: which layer gave an item its points, from which input, under which rule."""
    if not item.applicable:
        return f"{item.code}: không áp dụng — {item.excluded_reason}"
    if item.layer is None:
        return f"{item.code}: chưa có giá trị → 0 điểm"
    return (
        f"{item.code} ({LAYER_LABELS[item.layer]}): «{item.value}» theo cách chấm «{item.rule_text}» → "
        f"{number(item.points)}/{number(item.max_points)} điểm"
    )
