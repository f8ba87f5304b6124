"""The round-2 scores import takes only what the round-2 web form takes (one rule, ``round2_item_refusal``): a unit
that sent its explanation (its explained items) or that the chair reopened (any appraised item). Before, the import
wrote a round-2 decision on a unit still waiting for round 1 and on an item the unit never explained. Now every
such row is listed with its number and what to do, and nothing is written."""

from __future__ import annotations

import pytest

from appraisal.assessments.models import Assessment, AssessmentState, ItemEntry, ItemHistory
from appraisal.core.exceptions import ServiceError
from appraisal.council import importing, services
from tests.council.test_import_round2_partial_range import _import

STATE_STP = (
    "đơn vị «stp» đang ở trạng thái «Đã chốt tự đánh giá»: vòng 2 chỉ thẩm định đơn vị đã gửi giải trình "
    "(hoặc đã được Chủ tịch Hội đồng mở lại sau khi chốt). Hãy bỏ các dòng của đơn vị này khỏi tệp."
)
NOT_EXPLAINED_11 = (
    "tiêu chí «1.1» không có giải trình của đơn vị: kết quả vòng 1 được giữ, không có kết luận vòng 2. "
    "Hãy bỏ dòng này khỏi tệp."
)


def _round2_rows():
    return list(ItemHistory.objects.filter(layer="round2"))


def test_round2_import_lists_every_row_the_web_form_refuses_and_writes_nothing(world, explained, secretariat):
    before = {
        e.pk: (e.round2_value, e.version)
        for e in ItemEntry.objects.filter(assessment__period=world["period"])
    }
    report = _import(
        world,
        secretariat,
        "skhcn,1.4,75%,Một phần\n"  # explained: taken
        "skhcn,1.1,Có,Không giải trình\n"  # not explained
        "stp,1.1,Có,Chưa thẩm định vòng 1 xong\n"  # unit not in round 2
        "stp,1.2,100%,Như trên\n",
    )
    assert [(p.row, p.message) for p in report.problems] == [
        (3, NOT_EXPLAINED_11),
        (4, STATE_STP),
        (5, STATE_STP),
    ]
    assert report.summary == "Tệp «vong2.csv»: 3 lỗi, không nhập dòng nào."
    assert _round2_rows() == []
    after = {
        e.pk: (e.round2_value, e.version)
        for e in ItemEntry.objects.filter(assessment__period=world["period"])
    }
    assert after == before


def test_round2_import_refuses_a_unit_without_an_assessment(world, explained, secretariat, group, period):
    from tests.factories import UnitFactory, member_of

    member_of(period, UnitFactory(code="snv", name="Sở Nội vụ"), group)
    report = _import(world, secretariat, "snv,1.1,Có,Chưa tự đánh giá\n")
    assert [(p.row, p.message) for p in report.problems] == [
        (
            2,
            "đơn vị «snv» chưa có bản tự đánh giá: vòng 2 chỉ thẩm định đơn vị đã gửi giải trình (hoặc đã được "
            "Chủ tịch Hội đồng mở lại sau khi chốt). Hãy bỏ các dòng của đơn vị này khỏi tệp.",
        )
    ]
    assert not Assessment.objects.filter(unit__code="snv").exists()


def test_the_web_form_refuses_the_same_item_with_the_same_rule(world, explained, member):
    entry = ItemEntry.objects.select_related("node", "assessment__period", "assessment__unit").get(
        assessment=explained, node__code="1.1"
    )
    with pytest.raises(ServiceError) as error:
        services.round2_record(
            entry=entry, decision="keep", reason="Giữ", by=member, expected_version=entry.version
        )
    assert (
        error.value.message
        == "Tiêu chí «1.1» không có giải trình của đơn vị: kết quả vòng 1 được giữ, không có kết luận vòng 2."
    )


def test_a_reopened_unit_takes_any_appraised_item(world, explained, secretariat):
    Assessment.objects.filter(pk=explained.pk).update(state=AssessmentState.REAPPRAISED)
    report = _import(world, secretariat, "skhcn,1.1,Có,Sửa sau khi mở lại\n")
    assert report.ok, report.problems
    assert ItemEntry.objects.get(assessment=explained, node__code="1.1").round2_value == "Có"


def test_round2_import_checks_the_state_again_under_lock(world, explained, secretariat, monkeypatch):
    """The unit's state may move between the check and the write: the write checks again, writes nothing."""
    init = importing._Context.__init__

    def stale(self, period):
        init(self, period)
        self.states[world["stp"].unit_id] = AssessmentState.REAPPRAISED  # as read before the state moved

    monkeypatch.setattr(importing._Context, "__init__", stale)
    report = _import(world, secretariat, "skhcn,1.4,75%,Một phần\nstp,1.1,Có,Đã đổi trạng thái\n")
    assert [(p.row, p.message) for p in report.problems] == [(3, STATE_STP)]
    assert (report.written, report.unchanged) == (0, 0)
    assert _round2_rows() == []
