"""The one builder of a unit's letters' data (preliminary notice, final-result notice, shortcomings report).

The council's live notice and the snapshot's unit documents both hand their items here as
:class:`appraisal.engine.NoticeItem`; the engine's :func:`appraisal.engine.notice_build` decides which items are
listed and what the unit lost (one rule for penalties, the adjustment groups' caps applied), and this module only
attaches titles and reasons. Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from appraisal.engine.model import AdjustmentGroup
from appraisal.engine.notice import NoticeItem, notice_build

from .data import Shortfall, UnitDocData

__all__ = ["unit_doc_data_build"]


def unit_doc_data_build(
    *,
    kind: str,
    items: Sequence[NoticeItem],
    groups: Sequence[AdjustmentGroup],
    titles: Mapping[str, str],
    reasons: Mapping[str, str],
    unit_name: str,
    unit_head_name: str,
    year: int,
    **extra: Any,
) -> UnitDocData:
    """``titles``: item and field code → title; ``reasons``: item code → the council's reason; ``extra``: the
    letter's other fields (date, explanation due, the final-result totals)."""
    notice = notice_build(kind=kind, items=items, groups=groups)
    shortfalls = tuple(
        Shortfall(
            item_code=line.item.code,
            item_title=titles.get(line.item.code, ""),
            field_code=line.item.field_code,
            field_title=titles.get(line.item.field_code, ""),
            max_points=line.max_points,
            self_points=line.self_points,
            final_points=line.compared,
            lost=line.lost,
            reason=reasons.get(line.item.code, ""),
            round1_points=line.round1_points,
        )
        for line in notice.lines
    )
    return UnitDocData(
        unit_name=unit_name,
        unit_head_name=unit_head_name,
        year=year,
        items=shortfalls,
        total_lost=notice.total_lost,
        **extra,
    )
