"""seed_demo's years: 2022 approved, 2023 running in the explanation phase with units in every state, 2024 in
preparation (SPEC §3a, §12). The province is seeded once for the module (seeding takes seconds) inside a
transaction that is rolled back at the end; each test reads it in its own savepoint."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from appraisal.assessments.models import Assessment, ItemEntry, ItemHistory
from appraisal.assessments.selectors import assessment_edit_refusal
from appraisal.council.access import entries_for_appraiser, notice_is_open
from appraisal.council.lifecycle import assessment_lowered_count, explanation_refusal, round1_refusal
from appraisal.council.models import Assignment, OutboxMessage, SurveyImport
from appraisal.registry.models import IndexSet, Organisation, Period, PeriodEvent, UnitMembership
from appraisal.registry.phases import window_status
from appraisal.scoring.models import ScoreRun
from appraisal.scoring.services import decision_missing, results_compute

# 2023: every unit not listed here is finalised.
RUNNING_STATES = {
    "skhcn": "draft",
    "sgtvt": "returned",
    "huongson": "submitted",
    "sngv": "submitted",
    "vuquang": "not_submitted",
    "syt": "appraised",
    "canloc": "appraised",
    "sgddt": "appraised",
    "stnmt": "appraised",
    "nhnn": "appraised",
    "bhxh": "appraised",
    "kbnn": "appraised",
    "svhttdl": "explained",
    "cucthue": "explained",
    "sxd": "reappraised",
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=hashers),
        transaction.atomic(),
    ):
        call_command("seed_demo", stdout=None)
        yield {p.year: p for p in Period.objects.all()}
        transaction.set_rollback(True)


def _a(year: int, code: str) -> Assessment:
    return Assessment.objects.select_related("period", "unit").get(period__year=year, unit__code=code)


def _states(year: int) -> dict[str, str]:
    return dict(Assessment.objects.filter(period__year=year).values_list("unit__code", "state"))


def test_seed_demo_puts_three_years_side_by_side(demo, db):
    assert {year: p.phase for year, p in demo.items()} == {
        2022: "approved",
        2023: "explanation",
        2024: "preparing",
    }
    assert Organisation.current().current_period == demo[2023]
    statuses = {
        year: [window_status(period=demo[year], phase=p).state for p in ("self_assessment", "appraisal")]
        + [window_status(period=demo[year], phase=p).state for p in ("explanation", "reappraisal")]
        for year in (2022, 2023)
    }
    assert statuses == {2022: ["closed"] * 4, 2023: ["closed", "closed", "open", "planned"]}
    assert not demo[2024].windows.exists()


def test_seed_demo_2022_is_approved_with_a_complete_decision(demo, db):
    past = demo[2022]
    assert set(_states(2022).values()) == {"finalised"} and len(_states(2022)) == 38
    assert (past.decision_number, past.decision_date) == ("519/QĐ-UBND", dt.date(2023, 2, 6))
    assert (past.proposal_number, past.proposal_date) == ("45/TTr-SNV", dt.date(2023, 1, 31))
    assert Organisation.current().signer_name == "Nguyễn Hồng Lĩnh"
    assert decision_missing(past) == []
    assert "Căn cứ Quyết định số 3785/QĐ-UBND ngày 12 tháng 11 năm 2021" in past.legal_bases
    assert ScoreRun.objects.filter(period=past, is_final=True).count() == 1
    assert SurveyImport.objects.filter(period=past).count() == 1
    phases = list(
        PeriodEvent.objects.filter(period=past, kind="phase")
        .order_by("pk")
        .values_list("to_phase", "by__username")
    )
    assert phases == [
        ("self_assessment", "secretariat"),
        ("appraisal", "secretariat"),
        ("explanation", "secretariat"),
        ("reappraisal", "secretariat"),
        ("finalised", "chair"),
        ("approved", "secretariat"),
    ]
    assert all(PeriodEvent.objects.filter(period=past, kind="phase").values_list("reason", flat=True))
    resolved = set(
        ItemEntry.objects.filter(assessment__period=past)
        .exclude(round2_decision="")
        .values_list("assessment__unit__code", flat=True)
    )
    assert resolved == {"sct", "stc", "syt", "huongkhe", "cucthue"}
    waived = Assessment.objects.filter(period=past, explanation_waived_at__isnull=False)
    assert set(waived.values_list("unit__code", flat=True)) == {"sxd", "bhxh"}
    windows = {w.phase: w for w in past.windows.all()}
    assert timezone.localtime(windows["self_assessment"].due_at).date() == dt.date(2022, 12, 15)
    assert timezone.localtime(windows["reappraisal"].due_at).date() == dt.date(2023, 1, 20)


def test_seed_demo_2023_has_units_in_every_state(demo, db):
    states = _states(2023)
    assert len(states) == 38
    assert {code: state for code, state in states.items() if state != "finalised"} == RUNNING_STATES
    assert Counter(states.values())["finalised"] == 23
    assert {"tphatinh", "stp", "sct", "sldtbxh"} <= {c for c, s in states.items() if s == "finalised"}


def test_seed_demo_2023_units_on_their_own_clock(demo, db):
    now = timezone.now()
    skhcn = _a(2023, "skhcn")
    assert skhcn.extension_until > now
    User = get_user_model()
    for username in ("skhcn.editor", "skhcn.head"):
        assert assessment_edit_refusal(User.objects.get(username=username), skhcn) == "", username
    sgtvt = _a(2023, "sgtvt")
    assert sgtvt.extension_until > now and sgtvt.returned_reason
    assert assessment_edit_refusal(User.objects.get(username="sgtvt.editor"), sgtvt) == ""
    late = _a(2023, "huongson")
    assert late.extension_until is not None and late.submitted_by.username == "huongson.head"
    assert not late.entries.exclude(round1_value="").exists()
    assert round1_refusal(late) == ""
    extended = PeriodEvent.objects.filter(period=demo[2023], kind="extension")
    assert set(extended.values_list("unit__code", flat=True)) == {"skhcn", "sgtvt", "huongson"}

    closed = PeriodEvent.objects.filter(period=demo[2023], kind="not_submitted")
    assert set(closed.values_list("unit__code", flat=True)) == {"vuquang", "tphatinh"}
    vuquang = _a(2023, "vuquang")
    assert vuquang.not_submitted_reason and not vuquang.entries.exclude(self_value="").exists()
    tphatinh = _a(2023, "tphatinh")
    assert tphatinh.not_submitted_reason and tphatinh.state == "finalised"
    empty = tphatinh.entries.filter(node__method="appraisal", self_value="")
    assert empty.exists() and not empty.exclude(round1_value="").exists()  # scored 0 on what was empty
    assert (
        not tphatinh.entries.filter(node__method="appraisal").exclude(self_value="").filter(round1_value="")
    )


def test_seed_demo_2023_notices_and_explanations(demo, db):
    period = demo[2023]
    appraised_before = set(
        Assessment.objects.filter(period=period, notice_issued_at__isnull=False).values_list(
            "unit__code", flat=True
        )
    )
    assert appraised_before == set(_states(2023)) - {"skhcn", "sgtvt", "huongson", "sngv", "vuquang"}
    for code in ("syt", "canloc"):
        assessment = _a(2023, code)
        assert notice_is_open(assessment) and explanation_refusal(assessment) == ""
        assert assessment_lowered_count(assessment) > 0
        assert not assessment.entries.exclude(explanation="").exists()
    sgddt = _a(2023, "sgddt")
    assert assessment_lowered_count(sgddt) > 1 and sgddt.entries.exclude(explanation="").count() == 1
    stnmt = _a(2023, "stnmt")
    assert stnmt.explanation_waived_at is not None and stnmt.explanation_waived_by.username == "stnmt.head"
    for code in ("svhttdl", "cucthue"):
        explained = _a(2023, code)
        assert explained.explanation_submitted_by.username == f"{code}.head"
        assert not explained.entries.exclude(round2_decision="").exists()
    for code in ("sldtbxh", "sct"):
        assert _a(2023, code).entries.exclude(round2_decision="").exists()
    sxd = _a(2023, "sxd")
    assert list(sxd.events.order_by("pk").values_list("to_state", "by__username"))[-2:] == [
        ("finalised", "chair"),
        ("reappraised", "chair"),
    ]
    assert sxd.events.order_by("pk").last().reason.startswith("Đơn vị gửi bổ sung Quyết định")
    for code in ("nhnn", "bhxh", "kbnn"):
        assert assessment_lowered_count(_a(2023, code)) == 0


def test_seed_demo_2023_council_works_by_assignment(demo, db):
    period = demo[2023]
    assert set(
        Assignment.objects.filter(period=period, member__username="member.stttt").values_list(
            "group__code", "field_code"
        )
    ) == {("so", "7"), ("huyen", "7"), ("tw", "4")}
    member_stp = get_user_model().objects.get(username="member.stp")
    seen = entries_for_appraiser(member_stp, period)
    assert seen.exists() and not seen.filter(assessment__unit__code="stp").exists()
    scorers = set(
        ItemHistory.objects.filter(
            entry__assessment__period=period, layer="round1", source="demo"
        ).values_list("by__username", flat=True)
    )
    assert scorers == {"member.snv", "member.stp", "member.stc", "member.stttt", "secretariat"}
    assert not ItemHistory.objects.filter(
        entry__assessment__unit__code="stp", entry__assessment__period=period, by=member_stp
    ).exists()
    sngv = _a(2023, "sngv")
    scored = sngv.entries.exclude(round1_value="").count()
    assert 0 < scored < sngv.entries.exclude(node__method="survey").count()
    assert SurveyImport.objects.filter(period=period).count() == 1


def test_seed_demo_2023_ranks_change_since_2022(demo, db):
    _, result = results_compute(period=demo[2023])
    changes = [u.rank_change for g in result.groups for u in g.units]
    assert len(changes) == 38 and None not in changes
    assert sum(1 for c in changes if c) >= 19


def test_seed_demo_2024_is_rolled_over_in_preparation(demo, db):
    following = demo[2024]
    sets = IndexSet.objects.filter(period=following).select_related("copied_from__period")
    assert sorted((s.group.code, s.copied_from.period.year) for s in sets) == [
        ("huyen", 2023),
        ("so", 2023),
        ("tw", 2023),
    ]
    assert UnitMembership.objects.filter(period=following).count() == 38
    assert not Assessment.objects.filter(period=following).exists()
    assert following.legal_bases == demo[2023].legal_bases
    assert PeriodEvent.objects.filter(period=following, kind="rollover").count() == 1


def test_seed_demo_outbox_holds_the_announcements(demo, db):
    kinds = {
        year: Counter(OutboxMessage.objects.filter(period__year=year).values_list("kind", flat=True))
        for year in (2022, 2023, 2024)
    }
    assert kinds == {
        2022: {"notice": 38, "explanation_submitted": 5, "finalised": 38, "approved": 38},
        2023: {"notice": 33, "explanation_submitted": 4},
        2024: {},
    }
    notice = OutboxMessage.objects.get(period__year=2023, kind="notice", unit__code="syt")
    assert "syt.head@example.gov.vn" in notice.to and "tiêu chí bị hạ điểm" in notice.body


def _client(username: str):
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_demo_2024_unit_page_writes_nothing_and_the_index_set_stays_replaceable(demo, db):
    """QA item 4, as observed: stp.head opens its 2024 page while 2024 is in preparation."""
    from appraisal.registry.lifecycle import period_contents

    body = _client("stp.head").get("/tu-danh-gia/2024/don-vi/stp/").content.decode()

    assert "Tự đánh giá của Chỉ số CCHC năm 2024 chưa mở: kỳ đánh giá đang ở giai đoạn «Chuẩn bị»." in body
    assert not Assessment.objects.filter(period=demo[2024]).exists()
    assert period_contents(demo[2024]).assessments == 0


def test_demo_2022_rank_change_is_the_same_on_the_page_csv_annex_and_dashboard(demo, db):
    """QA item 8, as observed: Sở Ngoại vụ 13th in the 2021 published table, 12th in 2022."""
    import csv
    import io

    import openpyxl

    from appraisal.documents.annex import build_annex
    from appraisal.scoring.adapters import decision_data_from_run, previous_results
    from appraisal.scoring.services import final_run

    run = final_run(demo[2022])
    row = run.unit_rows.get(unit_code="sngv")
    before = previous_results(demo[2022])[(row.group_code, "sngv")]
    assert (before.published, before.rank - row.rank) == (True, 1)
    client = _client("secretariat")

    page = client.get("/ket-qua/2022/").content.decode()
    assert '<td class="num" data-previous="sngv">73,71 (13)</td>\n        <td>Tăng 1 bậc</td>' in page
    results_csv = list(
        csv.reader(
            io.StringIO(client.get("/ket-qua/2022/ket-qua.csv").content.decode("utf-8-sig")), delimiter=";"
        )
    )
    column = results_csv[0].index("Tăng/giảm bậc")
    assert [r[column] for r in results_csv[1:] if r[-1] == "sngv"] == ["1"]
    annex = openpyxl.load_workbook(io.BytesIO(build_annex(decision_data_from_run(run)).content))
    cells = [
        ws.cell(row=r, column=11).value
        for ws in annex.worksheets
        for r in range(1, ws.max_row + 1)
        if ws.cell(row=r, column=2).value == row.unit_name
    ]
    assert cells == ["↑1"]
    dashboard = client.get(f"/bang-dieu-khien/2022/ket-qua/thay-doi-{row.group_code}.csv").content.decode(
        "utf-8-sig"
    )
    lines = [r for r in csv.reader(io.StringIO(dashboard), delimiter=";") if r and r[0] == row.unit_name]
    assert [r[-1] for r in lines] == ["+1"]


def test_demo_2024_results_page_has_no_results_yet(demo, db):
    """QA item 10, as observed."""
    client = _client("secretariat")
    body = client.get("/ket-qua/2024/").content.decode()
    assert "Kỳ đánh giá đang chuẩn bị: chưa có kết quả." in body
    assert "Không hoàn thành nhiệm vụ" not in body
    assert client.get("/ket-qua/2024/quyet-dinh.docx").status_code == 409
