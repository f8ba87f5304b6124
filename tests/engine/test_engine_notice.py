"""One rule for the unit's letters (notice, final-result notice, shortcomings), on a worked example.

Index set: 1.1 (max 2), 1.2 (max 1), 2.1 (max 3); '9' holds '9.1' Điểm thưởng (max 3: 9.1.1 and 9.1.2, max 2 each)
and '9.2' Điểm trừ (max 5: 9.2.1 and 9.2.2, max 3 each).

| item  | claim | round 1 | final | |
| 1.1   | 2     | 1,5     | 1,5   | lowered by 0,5 |
| 1.2   | 1     | 1       | 1     | |
| 2.1   | 2     | 2,5     | 2,5   | raised |
| 9.1.1 | 2     | 2       | 2     | |
| 9.1.2 | 2     | 1       | 2     | lowered by 1 in round 1, but the claim of 4 counted 3 (cap): costs nothing; round 2 gives it back |
| 9.2.1 | −0,5  | −1,5    | −1,5  | deduction grows by 1 |
| 9.2.2 | −3    | −3      | −3    | |

Notice: lines 1.1 (0,5), 9.1.2 (1), 9.2.1 (1) — a sum of 2,5 — but the unit lost 0,5 + [(3 − 3,5) − (3 − 4,5)] = 1,5.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from appraisal.engine import AdjustmentGroup, NoticeItem, notice_build

GROUPS = (
    AdjustmentGroup(code="9", title="Điểm thưởng, điểm trừ", method=None, max_points=None),
    AdjustmentGroup(code="9.1", title="Điểm thưởng", method="bonus", max_points=D(3), parent="9"),
    AdjustmentGroup(code="9.2", title="Điểm trừ", method="penalty", max_points=D(5), parent="9"),
)


def item(code, method, max_points, claim, round1, final, group=None):
    return NoticeItem(
        code=code,
        field_code=code.split(".")[0],
        method=method,
        max_points=D(max_points),
        self_points=D(claim),
        round1_points=D(round1),
        final_points=D(final),
        group=group,
    )


ITEMS = (
    item("1.1", "appraisal", "2", "2", "1.5", "1.5"),
    item("1.2", "appraisal", "1", "1", "1", "1"),
    item("2.1", "appraisal", "3", "2", "2.5", "2.5"),
    item("9.1.1", "bonus", "2", "2", "2", "2", "9.1"),
    item("9.1.2", "bonus", "2", "2", "1", "2", "9.1"),
    item("9.2.1", "penalty", "3", "0.5", "1.5", "1.5", "9.2"),
    item("9.2.2", "penalty", "3", "3", "3", "3", "9.2"),
)


def lines(notice):
    return [(line.item.code, line.self_points, line.compared, line.lost) for line in notice.lines]


def test_notice_lists_lowered_items_penalties_as_negative_and_loses_after_the_caps():
    notice = notice_build(kind="notice", items=ITEMS, groups=GROUPS)
    assert lines(notice) == [
        ("1.1", D("2"), D("1.5"), D("0.5")),
        ("9.1.2", D("2"), D("1"), D("1")),
        ("9.2.1", D("-0.5"), D("-1.5"), D("1.0")),
    ]
    assert notice.total_lost == D("1.5")


def test_notice_without_groups_sums_the_listed_losses():
    notice = notice_build(kind="notice", items=ITEMS)
    assert notice.total_lost == D("2.5")


def test_result_notice_lists_every_item_whose_final_differs_from_the_claim_penalties_included():
    """What happens today: the snapshot's final-result notice left penalties out."""
    notice = notice_build(kind="result", items=ITEMS, groups=GROUPS)
    assert lines(notice) == [
        ("1.1", D("2"), D("1.5"), D("0.5")),
        ("2.1", D("2"), D("2.5"), D("-0.5")),
        ("9.2.1", D("-0.5"), D("-1.5"), D("1.0")),
    ]
    assert notice.total_lost == D("1.0")


def test_shortcomings_count_a_deduction_as_lost_and_the_bonus_within_its_cap():
    notice = notice_build(kind="shortcomings", items=ITEMS, groups=GROUPS)
    assert [(line.item.code, line.compared, line.lost) for line in notice.lines] == [
        ("1.1", D("1.5"), D("0.5")),
        ("2.1", D("2.5"), D("0.5")),
        ("9.2.1", D("-1.5"), D("1.5")),
        ("9.2.2", D("-3"), D("3")),
    ]
    # 1 in the tree, the bonus group at its cap (3 of 3), and 4,5 points deducted.
    assert notice.total_lost == D("5.5")


def test_notice_kind_must_be_known():
    with pytest.raises(ValueError, match="kind must be one of"):
        notice_build(kind="letter", items=ITEMS)
