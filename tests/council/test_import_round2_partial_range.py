"""QA: the round-2 import applies the web form's rule on «accept in part» (SPEC §6, round 2): the points of a
partial acceptance lie between round 1's and the unit's claim. Before, the import wrote any value; now every row
outside the range is reported with its number and what to enter, and nothing is written."""

from __future__ import annotations

from decimal import Decimal

import pytest

from appraisal.assessments.models import ItemEntry, ItemHistory
from appraisal.council.importing import scores_import

ABOVE_CLAIM_14 = (
    "tiêu chí «1.4»: chấp nhận một phần với giá trị «95%» cho 0,95 điểm, ngoài khoảng từ 0,6 điểm (vòng 1) đến "
    "0,9 điểm (đơn vị tự chấm). Hãy nhập một giá trị trong khoảng đó, «90%» để chấp nhận giải trình hoặc «60%» "
    "để giữ kết quả vòng 1."
)


def _import(world, secretariat, rows: str):
    return scores_import(
        period=world["period"],
        layer="round2",
        file_name="vong2.csv",
        content=("\ufeffunit,item,value,note\n" + rows).encode(),
        by=secretariat,
    )


def test_round2_import_reports_every_partial_acceptance_outside_the_range_and_writes_nothing(
    world, explained, secretariat
):
    before = {e.node.code: (e.round2_value, e.version) for e in explained.entries.select_related("node")}
    report = _import(
        world,
        secretariat,
        "skhcn,1.4,95%,Vượt\nskhcn,2.2,75%,Trong khoảng\n",
    )
    assert report.ok is False
    assert [(p.row, p.message) for p in report.problems] == [(2, ABOVE_CLAIM_14)]
    assert report.summary == "Tệp «vong2.csv»: 1 lỗi, không nhập dòng nào."
    assert not ItemHistory.objects.filter(layer="round2").exists()
    after = {e.node.code: (e.round2_value, e.version) for e in explained.entries.select_related("node")}
    assert after == before


def test_round2_import_lists_each_bad_row_below_round1_or_above_the_claim(world, explained, secretariat):
    report = _import(world, secretariat, "skhcn,1.4,55%,Thấp\nskhcn,2.2,90%,Cao\n")
    assert [str(p) for p in report.problems] == [
        "Dòng 2: tiêu chí «1.4»: chấp nhận một phần với giá trị «55%» cho 0,55 điểm, ngoài khoảng từ 0,6 điểm "
        "(vòng 1) đến 0,9 điểm (đơn vị tự chấm). Hãy nhập một giá trị trong khoảng đó, «90%» để chấp nhận giải "
        "trình hoặc «60%» để giữ kết quả vòng 1.",
        "Dòng 3: tiêu chí «2.2»: chấp nhận một phần với giá trị «90%» cho 0,9 điểm, ngoài khoảng từ 0,5 điểm "
        "(vòng 1) đến 0,8 điểm (đơn vị tự chấm). Hãy nhập một giá trị trong khoảng đó, «80%» để chấp nhận giải "
        "trình hoặc «50%» để giữ kết quả vòng 1.",
    ]
    assert not ItemHistory.objects.filter(layer="round2").exists()


def test_round2_import_takes_partial_acceptances_inside_the_range_and_the_range_ends(
    world, explained, secretariat
):
    report = _import(world, secretariat, "skhcn,1.4,75%,Một phần\nskhcn,2.2,80%,Chấp nhận\n")
    assert report.ok, report.problems
    e14, e22 = (ItemEntry.objects.get(assessment=explained, node__code=c) for c in ("1.4", "2.2"))
    assert (e14.round2_decision, e14.round2_value, e14.round2_points) == ("partial", "75%", Decimal("0.7500"))
    assert (e22.round2_decision, e22.round2_value, e22.round2_points) == ("accept", "80%", Decimal("0.8000"))


def test_round2_import_reports_range_problems_with_the_files_other_problems(world, explained, secretariat):
    report = _import(world, secretariat, "skhcn,1.4,95%,Vượt\nxyz,1.1,Có,Sai mã\n")
    assert [(p.row, p.message) for p in report.problems] == [
        (2, ABOVE_CLAIM_14),
        (3, "không có đơn vị mã «xyz»."),
    ]


def test_round2_import_checks_the_range_again_on_the_rows_read_under_lock(
    world, explained, secretariat, monkeypatch
):
    """Round 1 may change between the check and the write: the write measures again and writes nothing."""
    from appraisal.council import importing

    explained = importing._Context.explained  # as read before round 1 changed: no range to measure yet

    def before(self, unit, node):
        return explained(self, unit, node)._replace(round1_value="")

    monkeypatch.setattr(importing._Context, "explained", before)
    report = _import(world, secretariat, "skhcn,2.2,75%,Trong khoảng\nskhcn,1.4,95%,Vượt\n")
    assert [(p.row, p.message) for p in report.problems] == [(3, ABOVE_CLAIM_14)]
    assert (report.written, report.unchanged) == (0, 0)
    assert not ItemHistory.objects.filter(layer="round2").exists()


@pytest.mark.parametrize("rows", [1, 2])
def test_round2_import_reads_the_explained_items_once_whatever_the_rows(world, explained, secretariat, rows):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lines = ["skhcn,1.4,75%,Một phần\n", "skhcn,2.2,60%,Một phần\n"][:rows]
    with CaptureQueriesContext(connection) as ctx:
        report = _import(world, secretariat, "".join(lines))
    assert report.ok and report.written == rows
    assert len(ctx) == 15  # the round-1 import's 14 and the period's explained items read once
