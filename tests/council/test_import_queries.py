"""import_scores at scale: the queries of an import do not grow with its rows (issue 14, point 6)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appraisal.assessments.models import ItemEntry, ItemHistory
from appraisal.council.importing import scores_import

ROWS = [
    ("skhcn", "1.1", "Không"),
    ("stp", "1.1", "Không"),
    ("skhcn", "1.2", "90%"),
    ("stp", "1.2", "70%"),
    ("skhcn", "1.3", "Đạt"),
    ("stp", "1.3", "Chưa đạt"),
    ("skhcn", "1.4", "80%"),
    ("stp", "1.4", "60%"),
]


def _import(world, secretariat, rows) -> tuple[int, object]:
    content = (
        "\ufeffunit,item,value,note\n" + "".join(f"{u},{i},{v},Lý do {i}\n" for u, i, v in rows)
    ).encode()
    with CaptureQueriesContext(connection) as ctx:
        report = scores_import(
            period=world["period"], layer="round1", file_name="r1.csv", content=content, by=secretariat
        )
    assert report.ok, report.problems
    return len(ctx), report


@pytest.mark.parametrize("count", [1, 2, 8])
def test_import_scores_makes_about_six_queries_per_row(world, secretariat, count):
    """Before: 27 / 33 / 69 queries for 1 / 2 / 8 rows. Now the same 16 whatever the rows: the period read
    once (units, memberships, sets, nodes, exclusions, assessments), the assessments locked and the entries
    read once, one batched compare-and-set UPDATE, the history in one insert, the audit row and its file."""
    queries, report = _import(world, secretariat, ROWS[:count])
    assert report.written == count
    assert queries == 14


def test_bulk_import_writes_what_one_entry_at_a_time_wrote(world, secretariat):
    """Each row: canonical value, points, reason, who, a version bump and one history row; a second run of
    the same file changes nothing."""
    before = {e.pk: e.version for e in ItemEntry.objects.filter(assessment__period=world["period"])}
    _, report = _import(world, secretariat, ROWS)
    assert (report.written, report.unchanged) == (8, 0)
    e = ItemEntry.objects.get(assessment=world["stp"], node__code="1.2")
    assert (e.round1_value, e.round1_points, e.round1_reason, e.round1_by) == (
        "70%",
        Decimal("0.0000"),
        "Lý do 1.2",
        secretariat,
    )
    assert e.version == before[e.pk] + 1 and e.round1_at is not None
    h = ItemHistory.objects.get(entry=e, layer="round1")
    assert (h.old_value, h.new_value, h.new_points, h.reason, h.source, h.by) == (
        "",
        "70%",
        Decimal("0.0000"),
        "Lý do 1.2",
        "import",
        secretariat,
    )
    assert ItemHistory.objects.filter(layer="round1", source="import").count() == 8
    _, again = _import(world, secretariat, ROWS)
    assert (again.written, again.unchanged) == (0, 8)
    assert ItemHistory.objects.filter(layer="round1", source="import").count() == 8
    assert ItemEntry.objects.get(pk=e.pk).version == before[e.pk] + 1


def test_a_rate_over_100_percent_in_a_scores_file_stopped_the_import_with_an_error(world, secretariat):
    """Before: the check accepted «100,5%» and the write refused it, so the whole import failed with an
    exception. Now the row is reported with the others and nothing is written."""
    rows = [("skhcn", "1.1", "Không"), ("stp", "1.2", "100,5%")]
    content = ("unit,item,value\n" + "".join(f'{u},{i},"{v}"\n' for u, i, v in rows)).encode()
    report = scores_import(
        period=world["period"], layer="round1", file_name="r1.csv", content=content, by=secretariat
    )
    assert [(p.row, p.message) for p in report.problems] == [
        (3, "tiêu chí «1.2»: Tỷ lệ 100,5% vượt quá 100%: hãy kiểm tra lại số liệu.")
    ]
    assert not ItemHistory.objects.filter(layer="round1").exists()


def test_import_scores_parses_each_rule_three_times(world, secretariat, monkeypatch):
    """Before: once per item for the check, then again for every row when writing (``entry_points_for``).
    Now once per item of the file: 8 rows over 4 items of one set parse 4 rules."""
    import appraisal.assessments.layers as layers
    import appraisal.council.importing as importing

    calls: list[str] = []

    def counting(parse):
        def parse_rule(text, max_points, method):
            calls.append(text)
            return parse(text, max_points, method)

        return parse_rule

    monkeypatch.setattr(importing, "parse_rule", counting(importing.parse_rule))
    monkeypatch.setattr(layers, "parse_rule", counting(layers.parse_rule))
    _import(world, secretariat, ROWS)
    assert len(calls) == 4
