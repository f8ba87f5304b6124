"""Results from the database: adapters, snapshots, the compute_results command, finalisation."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appraisal.core.exceptions import ServiceError
from appraisal.registry.models import Period, PeriodEvent, Phase
from appraisal.scoring.adapters import period_input
from appraisal.scoring.models import ScoreRun, UnitResultRow
from appraisal.scoring.services import period_approve, period_finalise, period_reopen, score_run_create
from tests.factories import UnitFactory, member_of
from tests.scoring.conftest import complete_decision, finalise_all


def _unit(payload, code):
    for g in payload["groups"]:
        for u in g["units"]:
            if u["code"] == code:
                return u
    raise AssertionError(code)


def test_compute_results_json_has_spec_shape_and_exact_values(scored):
    out = StringIO()
    call_command("compute_results", "--year", "2023", "--json", stdout=out)
    payload = json.loads(out.getvalue())
    assert payload["year"] == 2023
    assert [g["code"] for g in payload["groups"]] == ["so"]
    u = _unit(payload, "skhcn")
    assert set(u) == {
        "code",
        "name",
        "max_points",
        "self_points",
        "appraisal_points",
        "survey_points",
        "bonus_points",
        "penalty_points",
        "total_points",
        "index",
        "index_display",
        "rank",
        "rank_change",
        "band",
        "head_rating",
        "fields",
    }
    assert Decimal(u["max_points"]) == 10
    assert Decimal(u["self_points"]) == Decimal("6.7")
    assert Decimal(u["appraisal_points"]) == Decimal("6.2")
    assert Decimal(u["survey_points"]) == Decimal("2.7")
    assert Decimal(u["bonus_points"]) == 1
    assert Decimal(u["penalty_points"]) == Decimal("0.5")
    assert Decimal(u["total_points"]) == Decimal("9.4")
    assert Decimal(u["index"]) == 94
    assert len(u["index"].split(".")[1]) >= 6
    assert u["index_display"] == "94.00"
    assert (u["rank"], u["band"], u["head_rating"]) == (1, "xuat_sac", "htxs")
    field2 = next(f for f in u["fields"] if f["code"] == "2")
    assert field2["index"].startswith("76.666666")
    v = _unit(payload, "stp")
    assert Decimal(v["max_points"]) == 7  # field 2 does not apply to a no_tthc unit
    assert Decimal(v["survey_points"]) == Decimal("2.1")  # A/B/C/D = 10/5/5/0 → 70 %
    assert v["index_display"] == "58.57"
    assert (v["rank"], v["band"], v["head_rating"]) == (2, "trung_binh", "kht")


def test_compute_results_unknown_year_fails_clearly(db):
    with pytest.raises(Exception, match="Không có kỳ đánh giá năm 1999"):
        call_command("compute_results", "--year", "1999")


def test_compute_results_snapshot_stores_run_with_rows(scored):
    out = StringIO()
    call_command("compute_results", "--year", "2023", "--snapshot", stdout=out)
    run = ScoreRun.objects.get()
    assert "Đã lưu lần tính" in out.getvalue()
    assert run.is_final is False
    assert run.inputs_hash.startswith("sha256:") or len(run.inputs_hash) >= 32
    assert UnitResultRow.objects.filter(run=run).count() == 2
    row = UnitResultRow.objects.get(run=run, unit_code="skhcn")
    assert row.field_rows.count() == 3
    assert row.index_display == Decimal("94.00")
    assert any("Chỉ số" in line for line in row.trace)


def test_snapshot_same_inputs_same_content(scored, secretariat):
    first = score_run_create(period=scored[0].period, by=secretariat)
    second = score_run_create(period=scored[0].period, by=secretariat)
    assert first.pk != second.pk
    assert first.inputs_hash == second.inputs_hash
    assert first.result_json == second.result_json


def test_period_input_query_count_is_independent_of_size(period, group, index_set, unit, secretariat):
    period.refresh_from_db()
    with CaptureQueriesContext(connection) as one:
        period_input(period)
    for i in range(15):
        member_of(period, UnitFactory(code=f"x{i}"), group)
    from appraisal.assessments.layers import assessment_get_or_create

    for m in period.memberships.select_related("unit"):
        assessment_get_or_create(period=period, unit=m.unit)
    period = Period.objects.get(pk=period.pk)
    with CaptureQueriesContext(connection) as many:
        data = period_input(period)
    assert len(data.input.groups[0].units) == 16
    assert len(one) == len(many)


def test_finalise_requires_chair_and_every_unit_finalised(scored, chair, secretariat):
    period = scored[0].period
    Period.objects.filter(pk=period.pk).update(phase=Phase.REAPPRAISAL)
    period.refresh_from_db()
    with pytest.raises(ServiceError, match="Chỉ Chủ tịch Hội đồng"):
        period_finalise(period=period, by=secretariat)
    with pytest.raises(ServiceError, match="còn 2 đơn vị chưa hoàn tất thẩm định"):
        period_finalise(period=period, by=chair)
        complete_decision(period)
    finalise_all(period)
    run = period_finalise(period=period, by=chair)
    complete_decision(period)
    period.refresh_from_db()
    assert period.phase == Phase.FINALISED
    assert run.is_final and run.created_by == chair
    event = PeriodEvent.objects.get(period=period)
    assert (event.from_phase, event.to_phase, event.by) == (Phase.REAPPRAISAL, Phase.FINALISED, chair)


def test_reopen_needs_chair_and_reason_then_approve_locks(scored, chair, secretariat):
    period = scored[0].period
    Period.objects.filter(pk=period.pk).update(phase=Phase.REAPPRAISAL)
    period.refresh_from_db()
    finalise_all(period)
    period_finalise(period=period, by=chair)
    complete_decision(period)
    with pytest.raises(ServiceError, match="Phải nêu lý do"):
        period_reopen(period=period, by=chair, reason="  ")
    period_reopen(period=period, by=chair, reason="Sở Tư pháp khiếu nại điểm 1.4")
    period.refresh_from_db()
    assert period.phase == Phase.REAPPRAISAL
    assert PeriodEvent.objects.filter(reason="Sở Tư pháp khiếu nại điểm 1.4").count() == 1
    period_finalise(period=period, by=chair)
    complete_decision(period)
    period.refresh_from_db()
    approved = period_approve(period=period, number="519/QĐ-UBND", date=dt.date(2024, 2, 5), by=secretariat)
    assert approved.phase == Phase.APPROVED
    assert (approved.decision_number, approved.decision_date) == ("519/QĐ-UBND", dt.date(2024, 2, 5))
    with pytest.raises(ServiceError):
        period_reopen(period=approved, by=chair, reason="quá muộn")


def test_rank_change_against_previous_year_final_snapshot(
    scored, group, unit, other_unit, secretariat, client_for
):
    from appraisal.assessments.layers import assessment_get_or_create
    from tests.factories import PeriodFactory, build_index_set
    from tests.scoring.conftest import fill

    last_year = PeriodFactory(year=2022)
    build_index_set(last_year, group)
    member_of(last_year, unit, group)
    member_of(last_year, other_unit, group)
    # In 2022 Sở Tư pháp led and Sở Khoa học và Công nghệ was second.
    fill(
        assessment_get_or_create(period=last_year, unit=other_unit),
        {"1.1": ("Có", "Có")},
        secretariat,
        survey={"3.1": "100%"},
    )
    fill(assessment_get_or_create(period=last_year, unit=unit), {"1.1": ("Không", "Không")}, secretariat)
    score_run_create(period=last_year, by=secretariat, final=True)

    out = StringIO()
    call_command("compute_results", "--year", "2023", "--snapshot", stdout=out)
    rows = {r.unit_code: r for r in UnitResultRow.objects.filter(run__period__year=2023)}
    assert (rows["skhcn"].rank, rows["skhcn"].rank_change) == (1, 1)
    assert (rows["stp"].rank, rows["stp"].rank_change) == (2, -1)
    body = client_for(secretariat).get("/ket-qua/2023/").content.decode()
    assert "Tăng 1 bậc" in body and "Giảm 1 bậc" in body
