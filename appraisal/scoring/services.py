"""Scoring services: compute, snapshot, finalise, reopen and approve a period (SPEC §8)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import transaction
from django.utils import timezone

from appraisal import engine
from appraisal.assessments.models import Assessment
from appraisal.core.dates import fmt_local
from appraisal.core.exceptions import ServiceError
from appraisal.council.access import council_access
from appraisal.council.notify import period_event_notify
from appraisal.council.queues import units_not_finalised
from appraisal.registry.models import Organisation, Period, Phase
from appraisal.registry.phases import period_move, period_require_open
from appraisal.registry.selectors import secretariat_require

from .adapters import PeriodData, item_catalog, period_input, rank_changes_sign, result_rows_write
from .models import ScoreRun


def results_compute(*, period: Period) -> tuple[PeriodData, engine.PeriodResult]:
    """Compute the period's results from the current database state (nothing written)."""
    data = period_input(period)
    return data, engine.compute_period(data.input)


def score_run_create(*, period: Period, by: Any, final: bool = False) -> ScoreRun:
    """Compute and store an immutable snapshot: inputs hash, engine and index-set versions, who, when, and a
    row per unit and field. The same inputs give the same rows and the same JSON."""
    data, result = results_compute(period=period)
    catalog = item_catalog(data, result)
    with transaction.atomic():
        run = ScoreRun.objects.create(
            period=period,
            is_final=final,
            inputs_hash=engine.inputs_hash(data.input),
            engine_version=engine.ENGINE_VERSION,
            index_set_versions=data.index_set_versions,
            result_json=engine.result_to_json(result),
            item_catalog=catalog,
            created_by=by,
        )
        result_rows_write(run=run, data=data, result=result, catalog=catalog)
    return run


def results_empty_reason(period: Period, *, run: ScoreRun | None = None) -> str:
    """Why the period has no results to show yet ('' when it has): nothing is computed before anything is
    entered, so no page or document lists every unit at 0 % (QA item 10). ``run``: its final run, when the
    caller has read it already."""
    if run is not None and run.is_final:
        return ""
    if period.phase == Phase.PREPARING:
        return "Kỳ đánh giá đang chuẩn bị: chưa có kết quả."
    if not Assessment.objects.filter(period=period).exists():
        return "Chưa có đơn vị nào bắt đầu tự đánh giá: chưa có kết quả."
    return ""


def snapshot_for_documents(*, period: Period, by: Any) -> ScoreRun:
    """The run documents come from: the official one, else a provisional run of the current inputs (reused
    while the inputs have not changed, so repeated draft downloads write nothing new). Refused while the
    period has no results (:func:`results_empty_reason`)."""
    run = final_run(period)
    if run is not None:
        return run
    empty = results_empty_reason(period)
    if empty:
        raise ServiceError(empty)
    data = period_input(period)
    latest = ScoreRun.objects.filter(period=period, is_final=False).order_by("-created_at", "-pk").first()
    if latest is not None and latest.inputs_hash == engine.inputs_hash(data.input):
        return latest
    return score_run_create(period=period, by=by)


def period_actions(*, period: Period, chair: bool, secretariat: bool) -> frozenset[str]:
    """The period actions the person may take now, for templates to show buttons from (never phase strings):
    ``snapshot`` («Tính tạm»), ``finalise`` and ``reopen`` (the chair of that period), ``approve``."""
    actions: set[str] = set()
    if period.is_archived:
        return frozenset()
    if secretariat and not period.is_closed and not results_empty_reason(period):
        actions.add("snapshot")
    if chair and period.phase == Phase.REAPPRAISAL:
        actions.add("finalise")
    if chair and period.phase == Phase.FINALISED:
        actions.add("reopen")
    if secretariat and period.phase == Phase.FINALISED:
        actions.add("approve")
    return frozenset(actions)


def run_for_documents(period: Period) -> ScoreRun | None:
    """Read-only: the official run, else the last provisional run («Tính tạm»), else None. Pages use this so a
    GET never writes (SPEC §6a); commands and the «Tính tạm» POST use :func:`snapshot_for_documents`. None while
    the period has no results (:func:`results_empty_reason`), whatever provisional run an earlier phase left."""
    run = final_run(period)
    if run is None and not results_empty_reason(period):
        run = (
            ScoreRun.objects.filter(period=period, is_final=False)
            .defer("result_json")
            .order_by("-created_at", "-pk")
            .first()
        )
    if run is not None:
        run.period = period  # the period is read once per request
    return run


def final_run(period: Period) -> ScoreRun | None:
    # The whole result as JSON (megabytes at national scale) is for ``compute_results``: pages read the rows.
    return (
        ScoreRun.objects.filter(period=period, is_final=True)
        .defer("result_json")
        .order_by("-created_at", "-pk")
        .first()
    )


def unfinalised_units(period: Period) -> list[str]:
    """Names of the tracked units not yet finalised: what blocks the period's finalisation."""
    return _unfinalised_units(period)


def _unfinalised_units(period: Period) -> list[str]:
    return [u.name for u in units_not_finalised(period)]


def period_finalise(*, period: Period, by: Any) -> ScoreRun:
    """The chair approves finalisation: every tracked unit must be finalised; the period moves to «Đã chốt kết
    quả», the official snapshot is stored (the decision and its annexes come from it) and every unit is told."""
    if not council_access(by, period).chair:
        raise ServiceError(f"Chỉ Chủ tịch Hội đồng kỳ {period.year} được phê duyệt chốt kết quả kỳ đánh giá.")
    period_require_open(period)
    missing = _unfinalised_units(period)
    if missing:
        shown = ", ".join(missing[:5]) + (f" và {len(missing) - 5} đơn vị khác" if len(missing) > 5 else "")
        raise ServiceError(
            f"Chưa thể chốt kết quả: còn {len(missing)} đơn vị chưa hoàn tất thẩm định ({shown})."
        )
    now = timezone.now()
    with transaction.atomic():
        period_move(
            period=period, to_phase=Phase.FINALISED, by=by, reason="Chủ tịch Hội đồng phê duyệt chốt kết quả"
        )
        run = score_run_create(period=period, by=by, final=True)
        period_event_notify(
            period=period,
            event="finalised",
            subject="Kết quả Chỉ số CCHC đã được chốt",
            lines=[
                f"Hội đồng thẩm định đã chốt kết quả {period.name} lúc {fmt_local(now)}.",
                "Đơn vị xem kết quả của mình trên hệ thống ParIndex; quyết định phê duyệt sẽ được thông báo sau.",
            ],
            stamp=now,
        )
        return run


def period_reopen(*, period: Period, by: Any, reason: str) -> Period:
    """Only the chair of that period reopens a finalised period, with a reason, before the decision is
    approved; the official snapshot stays stored and is superseded by the next finalisation."""
    if not council_access(by, period).chair:
        raise ServiceError(f"Chỉ Chủ tịch Hội đồng kỳ {period.year} được mở lại kỳ đánh giá đã chốt.")
    if not reason.strip():
        raise ServiceError("Phải nêu lý do mở lại.")
    if period.phase != Phase.FINALISED or period.is_archived:
        raise ServiceError("Chỉ mở lại được kỳ đánh giá đang ở giai đoạn «Đã chốt kết quả».")
    return period_move(period=period, to_phase=Phase.REAPPRAISAL, by=by, reason=reason)


_PLACEHOLDER = re.compile(r"…|\.\.\.|_{3,}")
_DECISION_REF = re.compile(r"\bQuyết định\b", re.IGNORECASE)
_NUMBERED = re.compile(r"số\s*\d", re.IGNORECASE)


def decision_missing(period: Period) -> list[str]:
    """What the approval decision still lacks (SPEC §3a gates): number, date, signer, legal bases (no blank
    «…» left, every cited decision with its number) and the proposal reference (Tờ trình số … ngày …)."""
    missing: list[str] = []
    if not period.decision_number.strip():
        missing.append("số quyết định")
    if period.decision_date is None:
        missing.append("ngày quyết định")
    org = Organisation.current()
    if not org.signer_name.strip():
        missing.append("họ tên người ký (Thông tin cơ quan)")
    lines = [line.strip() for line in period.legal_bases.splitlines() if line.strip()]
    if not lines:
        missing.append("căn cứ pháp lý")
    for number, line in enumerate(lines, start=1):
        if _PLACEHOLDER.search(line):
            missing.append(f"căn cứ pháp lý dòng {number} còn chỗ trống «…»")
        elif _DECISION_REF.search(line) and not _NUMBERED.search(line):
            missing.append(f"căn cứ pháp lý dòng {number} thiếu số, ngày của quyết định được viện dẫn")
    if not period.proposal_number.strip() or period.proposal_date is None:
        missing.append("số, ngày Tờ trình của Sở Nội vụ")
    return missing


def period_approve(*, period: Period, number: str, date: dt.date, by: Any) -> Period:
    """Enter the signed decision's number and date; the period becomes read-only («Đã phê duyệt»). Refused
    unless the period is finalised with its official snapshot and the decision is complete; the refusal lists
    everything missing."""
    secretariat_require(by, period, "được nhập số, ngày quyết định phê duyệt", error=ServiceError)
    if period.is_archived:
        raise ServiceError(f"{period.name} đã được lưu trữ: mọi thông tin chỉ còn để xem.")
    if period.phase != Phase.FINALISED or final_run(period) is None:
        raise ServiceError(
            "Kỳ đánh giá chưa có kết quả chính thức: Chủ tịch Hội đồng cần chốt kết quả trước."
        )
    number = number.strip()
    period.decision_number, period.decision_date = number, date
    missing = decision_missing(period)
    if missing:
        period.refresh_from_db()
        raise ServiceError("Chưa phê duyệt được: quyết định còn thiếu " + "; ".join(missing) + ".")
    now = timezone.now()
    with transaction.atomic():
        Period.objects.filter(pk=period.pk).update(decision_number=number, decision_date=date)
        rank_changes_sign(period, final_run(period))
        period = period_move(period=period, to_phase=Phase.APPROVED, by=by, reason=f"Quyết định {number}")
        period_event_notify(
            period=period,
            event="approved",
            subject=f"Quyết định phê duyệt số {number}",
            lines=[
                f"Chủ tịch UBND tỉnh đã phê duyệt {period.name} tại Quyết định số {number} ngày "
                f"{date.strftime('%d/%m/%Y')}.",
                "Đơn vị xem kết quả, xếp hạng và tải quyết định trên hệ thống ParIndex.",
            ],
            stamp=now,
        )
        return period
