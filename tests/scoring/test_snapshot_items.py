"""Issue 14: a snapshot stores what repeats for every unit once (each item's code, title, field, method, maximum
and rule, in ``ScoreRun.item_catalog``) and per unit only its own values; readers get the same item dicts from
either format, so snapshots stored before the change read as they did."""

from __future__ import annotations

import json
import re
from decimal import Decimal

from django.urls import reverse

from appraisal.scoring.adapters import item_dicts, unit_doc_data
from appraisal.scoring.models import ScoreRun, UnitResultRow
from appraisal.scoring.selectors import PointsLost, points_lost, results_view
from appraisal.scoring.services import score_run_create
from tests.scoring.conftest import finalise_all


def _items_by_unit(view):
    return {row.result.code: row.items for g in view.groups for row in g.rows}


def test_snapshot_stores_item_titles_and_rules_once_per_run_not_per_unit(scored):
    period = scored[0].period
    live = _items_by_unit(results_view(period=period, with_details=True))
    run = score_run_create(period=period, by=None, final=True)

    leaves = run.item_catalog["so"]
    assert [leaf[0] for leaf in leaves] == [it["code"] for it in live["skhcn"]]
    title_of = {leaf[0]: leaf[1] for leaf in leaves}
    assert title_of["1.1"] == live["skhcn"][0]["title"]
    for row in UnitResultRow.objects.filter(run=run):
        stored = json.dumps(row.items, ensure_ascii=False)
        assert row.items["format"] == 2
        assert len(row.items["items"]) == len(leaves)
        for title in title_of.values():
            assert title not in stored  # titles (and rules) live in the run's catalog only
    # Read back: the very dicts the live computation gives, titles, rules and the council's reasons included.
    stored_view = results_view(period=period, with_details=True)
    assert stored_view.run == run
    assert _items_by_unit(stored_view) == live
    lowered = next(it for it in live["skhcn"] if it["code"] == "2.1")
    assert lowered["reason"] == "Thiếu tài liệu kiểm chứng" and lowered["round1_points"] is not None


def _stable(page: bytes) -> bytes:
    """A page without what changes on every response (CSP nonce, CSRF token)."""
    return re.sub(rb"[A-Za-z0-9_+/=-]{20,}", b"", page)


def _as_format_1(run: ScoreRun) -> None:
    """Rewrite a run as snapshots were stored before issue 14: a dict per item in every row, no catalog."""
    for row in UnitResultRow.objects.filter(run=run):
        UnitResultRow.objects.filter(pk=row.pk).update(items=item_dicts(row, run.item_catalog))
    ScoreRun.objects.filter(pk=run.pk).update(item_catalog={})


def test_snapshots_stored_before_the_catalog_read_as_before(scored, head, editor, client_for):
    period = scored[0].period
    finalise_all(period)
    run = score_run_create(period=period, by=None, final=True)
    items_now = _items_by_unit(results_view(period=period, with_details=True))
    notice_now = unit_doc_data(run, "skhcn", "notice")
    page_now = client_for(editor).get(reverse("scoring:unit_detail", args=[2023, "skhcn"])).content
    doc_now = client_for(head).get(reverse("scoring:unit_doc", args=[2023, "skhcn", "notice"]))

    _as_format_1(run)
    run.refresh_from_db()
    assert isinstance(UnitResultRow.objects.filter(run=run).first().items, list)
    assert _items_by_unit(results_view(period=period, with_details=True)) == items_now
    assert unit_doc_data(run, "skhcn", "notice") == notice_now
    page_then = client_for(editor).get(reverse("scoring:unit_detail", args=[2023, "skhcn"])).content
    assert _stable(page_then) == _stable(page_now)
    assert "Thiếu tài liệu kiểm chứng".encode() in page_then
    doc_then = client_for(head).get(reverse("scoring:unit_doc", args=[2023, "skhcn", "notice"]))
    assert doc_then.status_code == doc_now.status_code == 200
    assert len(doc_then.content) == len(doc_now.content)


def test_points_lost_read_the_same_live_from_the_snapshot_and_from_the_old_format(scored):
    """The dashboards' weakest criteria sum ``points_lost``: from the engine's items while the period runs,
    from the stored values beside the catalog once it is official, from the dicts of a run stored before."""
    period = scored[0].period
    live = list(points_lost(results_view(period=period)))
    dicts = _items_by_unit(results_view(period=period, with_details=True))
    lowered = next(it for it in dicts["skhcn"] if it["code"] == "2.1")
    lost = Decimal(lowered["max_points"]) - Decimal(lowered["points"])
    assert lost > 0
    assert (
        PointsLost(
            "so",
            "skhcn",
            "2.1",
            lowered["title"],
            Decimal(lowered["max_points"]),
            lost,
            "Thiếu tài liệu kiểm chứng",
        )
        in live
    )
    assert len(live) == sum(
        1
        for items in dicts.values()
        for it in items
        if it["applicable"]
        and it["method"] in ("appraisal", "survey")
        and Decimal(it["points"]) < Decimal(it["max_points"])
    )
    run = score_run_create(period=period, by=None, final=True)
    assert list(points_lost(results_view(period=period))) == live
    _as_format_1(run)
    run.refresh_from_db()
    assert list(points_lost(results_view(period=period))) == live
