"""Scoring services: compute, snapshot, finalise, reopen and approve a period (SPEC §8)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from appraisal.assessments.models import Assessment, AssessmentState
from appraisal.core import roles
from appraisal.core.exceptions import ServiceError
from appraisal.registry.models import Period, Phase, UnitMembership
from appraisal.registry.phases import period_set_phase
from appraisal.scoring import engine

from .adapters import PeriodData, period_input, result_rows_write
from .models import ScoreRun


def results_compute(*, period: Period) -> tuple[PeriodData, engine.PeriodResult]:
    """Compute the period's results from the current database state (nothing written)."""
    data = period_input(period)
    return data, engine.compute_period(data.input)


def score_run_create(*, period: Period, by: Any, final: bool = False) -> ScoreRun:
    """Compute and store an immutable snapshot: inputs hash, engine and index-set versions, who, when, and a
    row per unit and field. The same inputs give the same rows and the same JSON."""
    data, result = results_compute(period=period)
    with transaction.atomic():
        run = ScoreRun.objects.create(
            period=period,
            is_final=final,
            inputs_hash=engine.inputs_hash(data.input),
            engine_version=engine.ENGINE_VERSION,
            index_set_versions=data.index_set_versions,
            result_json=engine.result_to_json(result),
            created_by=by,
        )
        result_rows_write(run=run, data=data, result=result)
    return run


def snapshot_for_documents(*, period: Period, by: Any) -> ScoreRun:
    """The run documents come from: the official one, else a provisional run of the current inputs (reused
    while the inputs have not changed, so repeated draft downloads write nothing new)."""
    run = final_run(period)
    if run is not None:
        return run
    data = period_input(period)
    latest = ScoreRun.objects.filter(period=period, is_final=False).order_by("-created_at", "-pk").first()
    if latest is not None and latest.inputs_hash == engine.inputs_hash(data.input):
        return latest
    return score_run_create(period=period, by=by)


def final_run(period: Period) -> ScoreRun | None:
    return ScoreRun.objects.filter(period=period, is_final=True).order_by("-created_at", "-pk").first()


def _unfinalised_units(period: Period) -> list[str]:
    unit_ids = UnitMembership.objects.filter(period=period, unit__active=True).values_list(
        "unit_id", flat=True
    )
    done = set(
        Assessment.objects.filter(
            period=period, unit_id__in=unit_ids, state=AssessmentState.FINALISED
        ).values_list("unit_id", flat=True)
    )
    names = UnitMembership.objects.filter(period=period, unit__active=True).exclude(unit_id__in=done)
    return list(names.order_by("unit__name").values_list("unit__name", flat=True))


def period_finalise(*, period: Period, by: Any) -> ScoreRun:
    """The chair approves finalisation: every unit must be finalised; the period moves to «Đã chốt kết quả»
    and the official snapshot is stored (the decision and its annexes come from it)."""
    if not roles.is_chair(by):
        raise ServiceError("Chỉ Chủ tịch Hội đồng được phê duyệt chốt kết quả kỳ đánh giá.")
    missing = _unfinalised_units(period)
    if missing:
        shown = ", ".join(missing[:5]) + (f" và {len(missing) - 5} đơn vị khác" if len(missing) > 5 else "")
        raise ServiceError(
            f"Chưa thể chốt kết quả: còn {len(missing)} đơn vị chưa hoàn tất thẩm định ({shown})."
        )
    with transaction.atomic():
        period_set_phase(period=period, to_phase=Phase.FINALISED, by=by)
        return score_run_create(period=period, by=by, final=True)


def period_reopen(*, period: Period, by: Any, reason: str) -> Period:
    """Only the chair reopens a finalised period, with a reason, before the decision is approved."""
    if not roles.is_chair(by):
        raise ServiceError("Chỉ Chủ tịch Hội đồng được mở lại kỳ đánh giá đã chốt.")
    if not reason.strip():
        raise ServiceError("Phải nêu lý do mở lại.")
    return period_set_phase(period=period, to_phase=Phase.REAPPRAISAL, by=by, reason=reason)


def period_approve(*, period: Period, number: str, date: dt.date, by: Any) -> Period:
    """Enter the signed decision's number and date; the period becomes read-only («Đã phê duyệt»)."""
    if not roles.is_secretariat(by):
        raise ServiceError("Chỉ Tổ thư ký được nhập số, ngày quyết định phê duyệt.")
    number = number.strip()
    if not number:
        raise ServiceError("Hãy nhập số quyết định, ví dụ 519/QĐ-UBND.")
    if final_run(period) is None:
        raise ServiceError(
            "Kỳ đánh giá chưa có kết quả chính thức: Chủ tịch Hội đồng cần chốt kết quả trước."
        )
    with transaction.atomic():
        Period.objects.filter(pk=period.pk).update(decision_number=number, decision_date=date)
        period.decision_number, period.decision_date = number, date
        return period_set_phase(period=period, to_phase=Phase.APPROVED, by=by, reason=f"Quyết định {number}")
