"""The demo's years (called by seed_demo once the registry is seeded): last year approved, this year running.

Each year is lived through the same services a province uses, in order, so its history, events and announcements
are the ones the application writes: the secretariat opens and advances the phases (each phase's window written
first, dated from now), units fill and submit, the council appraises, units explain, the council resolves round 2
and finalises. At the end each year gets the window plan the demo shows (``demo_window_plan``).

- **2022, approved**: every unit submitted and finalised (a few explained and were resolved in round 2, two
  waived, the others let the window pass), survey imported, the chair's finalisation (the official snapshot),
  2021's published table recorded (for the rank changes), the decision completed (legal bases, Tờ trình 45/TTr-SNV) and approved as Quyết định 519/QĐ-UBND.
- **2023, running**, in the explanation phase (self-assessment and round 1 closed, explanation open for a few
  more days, round 2 planned after it), with units in every state: see ``RUNNING_STAGES``.

A year is lived only while its period is still in preparation, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from appraisal.assessments import services as self_services
from appraisal.assessments.demo import ALL_SUBMITTED, RUNNING_YEAR_PLAN, seed_demo_assessments
from appraisal.assessments.models import Assessment
from appraisal.core.dates import end_of_day, start_of_day
from appraisal.core.exceptions import ServiceError
from appraisal.council.demo import (
    CouncilDemo,
    demo_advance,
    demo_roll,
    demo_survey_import,
    demo_window_plan,
    seed_demo_council,
)
from appraisal.registry.models import Period, Phase, Unit, default_legal_bases
from appraisal.registry.services import period_update

from .services import period_approve, period_finalise

# The Bộ Chỉ số the decisions cite (the 2023 set is the 2022 set carried over).
INDEX_SET_DECISION = (
    "Căn cứ Quyết định số 3785/QĐ-UBND ngày 12 tháng 11 năm 2021 của Ủy ban nhân dân tỉnh ban hành Bộ Chỉ số "
    "theo dõi, đánh giá, xếp hạng kết quả thực hiện cải cách hành chính của các cơ quan, đơn vị trên địa bàn "
    "tỉnh;"
)
PAST_DECISION = {"number": "519/QĐ-UBND", "date": dt.date(2023, 2, 6)}
PAST_PROPOSAL = {"proposal_number": "45/TTr-SNV", "proposal_date": dt.date(2023, 1, 31)}


def legal_bases() -> str:
    """The default legal bases with the cited Bộ Chỉ số decision filled in (its number and date)."""
    lines = [line for line in default_legal_bases().splitlines() if "Bộ Chỉ số" not in line]
    return "\n".join([*lines, INDEX_SET_DECISION])


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return start_of_day(day).replace(hour=hour, minute=minute)


# -- 2022: approved ------------------------------------------------------------------------------------------

# Units whose round 1 lowered items, and what they did about it; every other unit's claim was confirmed.
PAST_EXPLAINED = ("sct", "stc", "syt", "huongkhe", "cucthue")
PAST_WAIVED = ("sxd", "bhxh")
PAST_LAPSED = ("canloc", "stnmt", "kyanh")  # let the explanation window pass: round 1 stands


def past_windows(year: int) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """Last year's calendar: self-assessment to mid-December, appraisal over the new year, explanation and
    round 2 in January, the decision in February."""
    return {
        Phase.SELF_ASSESSMENT: (_local(dt.date(year, 11, 15), 7, 30), end_of_day(dt.date(year, 12, 15))),
        Phase.APPRAISAL: (_local(dt.date(year, 12, 16), 7, 30), end_of_day(dt.date(year + 1, 1, 6))),
        Phase.EXPLANATION: (_local(dt.date(year + 1, 1, 9), 7, 30), end_of_day(dt.date(year + 1, 1, 13))),
        Phase.REAPPRAISAL: (_local(dt.date(year + 1, 1, 16), 7, 30), end_of_day(dt.date(year + 1, 1, 20))),
    }


def _open_year(period: Period, users: dict[str, Any], *, days: int) -> None:
    """Preparation done: the decision's legal bases, the council, then self-assessment opens for ``days``."""
    secretariat = users["secretariat"]
    period_update(period=period, by=secretariat, legal_bases=legal_bases())
    seed_demo_council(period, users)
    demo_advance(
        period,
        Phase.SELF_ASSESSMENT,
        by=secretariat,
        reason=f"Mở tự đánh giá Chỉ số CCHC năm {period.year} theo Kế hoạch của UBND tỉnh.",
        days=days,
    )


def _lowered_count(year: int, code: str) -> int:
    return 1 + demo_roll(year, code) % 3


def live_approved_year(period: Period, users: dict[str, Any]) -> None:
    """2022 from preparation to the approved decision (module docstring)."""
    secretariat, chair = users["secretariat"], users["chair"]
    _open_year(period, users, days=30)
    seed_demo_assessments(period, ALL_SUBMITTED)
    demo_advance(
        period,
        Phase.APPRAISAL,
        by=secretariat,
        reason="Các đơn vị đã chốt tự đánh giá: bắt đầu thẩm định vòng 1.",
    )
    demo_survey_import(period, secretariat)
    council = CouncilDemo(period, users)
    lowered = {*PAST_EXPLAINED, *PAST_WAIVED, *PAST_LAPSED}
    codes = sorted(Assessment.objects.filter(period=period).values_list("unit__code", flat=True))
    council.import_round1({code: _lowered_count(period.year, code) for code in lowered})
    for code in codes:
        council.mark_appraised(code)
    demo_advance(
        period,
        Phase.EXPLANATION,
        by=secretariat,
        reason="Hoàn thành thẩm định vòng 1: phát hành thông báo kết quả thẩm định để đơn vị giải trình.",
        days=period.explanation_days,
    )
    for code in PAST_EXPLAINED:
        council.explain(code, send=True)
    for code in PAST_WAIVED:
        council.waive(code)
    demo_advance(
        period,
        Phase.REAPPRAISAL,
        by=secretariat,
        reason="Hết thời hạn giải trình: Hội đồng thẩm định vòng 2 các nội dung đã giải trình.",
    )
    for code in PAST_EXPLAINED:
        council.round2(code)
    for code in codes:
        council.finalise(code)
    demo_window_plan(period, past_windows(period.year))
    period_finalise(period=period, by=chair)
    # The province records the year before's published table before the decision is signed: the decision
    # states each unit's rank change against it (adapters.rank_changes_sign).
    record_year_before(period, users)
    period_update(period=period, by=secretariat, **PAST_PROPOSAL)
    period_approve(period=period, by=secretariat, **PAST_DECISION)


# -- 2023: running, in the explanation phase -----------------------------------------------------------------

# unit code → what the demo leaves it at; every unit not named is appraised with nothing lowered and finalised.
RUNNING_STAGES: dict[str, str] = {
    "skhcn": "extended",  # drafting on its own extension (self-assessment still open for it)
    "sgtvt": "returned",  # returned for additions, on its own extension
    "huongson": "late",  # submitted on its extension after the deadline, waiting for round 1
    "vuquang": "not_submitted",  # never started, closed as «không nộp», waiting for round 1 (all items 0)
    "tphatinh": "not_submitted_finalised",  # half filled, «không nộp», appraised on what is there, finalised
    "sngv": "round1_partial",  # the council is half way through round 1
    "syt": "lowered",  # notice issued, items lowered, no explanation yet
    "canloc": "lowered",
    "sgddt": "explanation_draft",  # explaining: one lowered item has a draft explanation
    "stnmt": "waived",  # the head waived the explanation: ready to finalise
    "stp": "waived_finalised",
    "svhttdl": "explained",  # explanation sent, waiting for round 2
    "cucthue": "explained",
    "sldtbxh": "round2_finalised",  # explained, resolved in round 2 during the explanation phase, finalised
    "sct": "round2_finalised",
    "nhnn": "ready",  # nothing lowered, not yet finalised
    "bhxh": "ready",
    "kbnn": "ready",
    "sxd": "reopened",  # finalised, then reopened by the chair (state: re-appraised)
}
LOWERED_STAGES = frozenset(
    {"lowered", "explanation_draft", "waived", "waived_finalised", "explained", "round2_finalised"}
)
NOT_APPRAISED_STAGES = frozenset({"extended", "returned", "late", "not_submitted", "round1_partial"})
FINALISED_STAGES = frozenset({"finalised", "not_submitted_finalised", "waived_finalised", "round2_finalised"})

EXTENSIONS = {  # unit code → (days from today, reason)
    "skhcn": (
        5,
        "Đơn vị đề nghị gia hạn do cán bộ đầu mối CCHC đi học tập trung; lãnh đạo Sở cam kết hoàn thành.",
    ),
    "sgtvt": (3, "Gia hạn để đơn vị bổ sung tài liệu kiểm chứng theo yêu cầu của Tổ thư ký."),
    "huongson": (1, "Đơn vị báo cáo sự cố mạng nội bộ trong ngày hạn chót; cho nộp muộn một ngày."),
}
NOT_SUBMITTED_REASON = "Quá hạn chót tự đánh giá; Tổ thư ký đã nhắc 3 lần bằng văn bản và điện thoại."
REOPEN_REASON = (
    "Đơn vị gửi bổ sung Quyết định công nhận sáng kiến cấp tỉnh (mục T1) ban hành trước ngày chốt; "
    "Hội đồng xem xét lại ở vòng 2."
)


def running_windows(today: dt.date) -> dict[str, tuple[dt.datetime, dt.datetime]]:
    """This year's calendar around today: self-assessment and round 1 closed, explanation open until the day
    after tomorrow, round 2 after it."""
    return {
        Phase.SELF_ASSESSMENT: (
            _local(today - dt.timedelta(days=40), 7, 30),
            end_of_day(today - dt.timedelta(days=20)),
        ),
        Phase.APPRAISAL: (
            _local(today - dt.timedelta(days=19), 7, 30),
            end_of_day(today - dt.timedelta(days=3)),
        ),
        Phase.EXPLANATION: (
            _local(today - dt.timedelta(days=2), 7, 30),
            end_of_day(today + dt.timedelta(days=2)),
        ),
        Phase.REAPPRAISAL: (
            _local(today + dt.timedelta(days=3), 7, 30),
            end_of_day(today + dt.timedelta(days=12)),
        ),
    }


def live_running_year(period: Period, users: dict[str, Any]) -> None:
    """2023 from preparation to the middle of its explanation phase (RUNNING_STAGES)."""
    secretariat = users["secretariat"]
    today = timezone.localdate()
    stages = {
        code: RUNNING_STAGES.get(code, "finalised")
        for code in Unit.objects.filter(memberships__period=period).values_list("code", flat=True)
    }
    _open_year(period, users, days=20)
    seed_demo_assessments(period, RUNNING_YEAR_PLAN)
    demo_advance(
        period,
        Phase.APPRAISAL,
        by=secretariat,
        reason="Hết hạn chót tự đánh giá: bắt đầu thẩm định vòng 1; đơn vị chưa nộp được gia hạn riêng "
        "hoặc đóng «không nộp».",
        days=14,
    )

    # The secretariat at the deadline: extensions, a late submission, units closed as «không nộp».
    for code, (days, reason) in EXTENSIONS.items():
        self_services.assessment_grant_extension(
            assessment=Assessment.objects.get(period=period, unit__code=code),
            until=end_of_day(today + dt.timedelta(days=days)),
            reason=reason,
            by=secretariat,
        )
    for code, stage in stages.items():
        if stage == "late":
            self_services.assessment_submit(
                assessment=Assessment.objects.get(period=period, unit__code=code), by=users[f"{code}.head"]
            )
        if stage.startswith("not_submitted"):
            assessment = self_services.assessment_start(
                period=period, unit=Unit.objects.get(code=code), by=secretariat
            )
            self_services.assessment_close_not_submitted(
                assessment=assessment, reason=NOT_SUBMITTED_REASON, by=secretariat
            )
    demo_survey_import(period, secretariat)

    council = CouncilDemo(period, users)
    for code, stage in sorted(stages.items()):
        if stage == "round1_partial":
            council.round1(code, half=True)
        elif stage not in NOT_APPRAISED_STAGES:
            lower = _lowered_count(period.year, code) if stage in LOWERED_STAGES else 0
            council.appraise(code, lower=lower)
    demo_advance(
        period,
        Phase.EXPLANATION,
        by=secretariat,
        reason="Hoàn thành thẩm định vòng 1: phát hành thông báo kết quả thẩm định để đơn vị giải trình; "
        "Hội đồng tiếp tục thẩm định các đơn vị nộp muộn.",
        days=period.explanation_days,
    )

    for code, stage in sorted(stages.items()):
        if stage == "explanation_draft":
            council.explain(code, send=False, items=1)
        elif stage in ("explained", "round2_finalised"):
            council.explain(code, send=True)
        elif stage in ("waived", "waived_finalised"):
            council.waive(code)
        if stage == "round2_finalised":
            council.round2(code)
        if stage in FINALISED_STAGES or stage == "reopened":
            council.finalise(code)
        if stage == "reopened":
            council.reopen(code, REOPEN_REASON)
    demo_window_plan(period, running_windows(today))


def record_year_before(period: Period, users: dict[str, Any]) -> None:
    """The year before the demo's first ParIndex year, as the province published it before using ParIndex
    (``published_results_import``): each unit's index a few points off its 2022 figure, ranked within its group.
    It gives 2022 its change since the year before and each unit a three-year trend on the dashboards."""
    from .models import ScoreRun
    from .published import published_results_import

    run = ScoreRun.objects.filter(period=period, is_final=True).order_by("-pk").first()
    if run is None:
        return
    year = period.year - 1
    by_group: dict[str, list[tuple[Decimal, str]]] = {}
    for code, group, index in run.unit_rows.values_list("unit_code", "group_code", "index_display"):
        shift = Decimal(demo_roll(year, code) % 901 - 450) / 100  # −4.50 … +4.50 points
        by_group.setdefault(group, []).append((min(Decimal(100), max(Decimal(0), index + shift)), code))
    lines = ["Mã đơn vị;Khối;Chỉ số CCHC (%);Xếp hạng"]
    for group, rows in by_group.items():
        for rank, (index, code) in enumerate(sorted(rows, key=lambda r: (-r[0], r[1])), start=1):
            lines.append(f"{code};{group};{format(index, 'f').replace('.', ',')};{rank}")
    report = published_results_import(
        year=year,
        file_name=f"ket-qua-chi-so-cchc-{year}-da-cong-bo.csv",
        content=("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"),
        by=users["secretariat"],
    )
    if not report.ok:  # the demo's own table is wrong: say where
        raise ServiceError("; ".join(str(p) for p in report.problems))


def seed_demo_years(*, past: Period, running: Period, users: dict[str, Any]) -> None:
    """Live each demo year that is still in preparation (a second run changes nothing)."""
    if past.phase == Phase.PREPARING:
        live_approved_year(past, users)
    if running.phase == Phase.PREPARING:
        live_running_year(running, users)
