"""A role given for one period means nothing in another (SPEC §6a): every service, page and job about one period's
objects reads the secretariat's, the chair's or the observer's role in THAT period. A role without a period holds
in every period. World (tests.council.conftest): 2023 in the appraisal phase, skhcn and stp submitted.

Each place: a person whose role is for 2022 only is refused (nothing changes) and a person holding it for 2023
(or without a period) is let through."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from appraisal.assessments import selectors as assessment_selectors
from appraisal.assessments import services as assessment_services
from appraisal.assessments.models import Assessment, AssessmentState
from appraisal.core import roles
from appraisal.core.exceptions import ServiceError
from appraisal.council import services as council_services
from appraisal.council.lifecycle import period_advance
from appraisal.council.models import Assignment
from appraisal.council.todo import todo_for_user
from appraisal.registry.models import Phase, RoleAssignment
from appraisal.scoring.jobs import job_get_for_user, job_start
from appraisal.scoring.models import BackgroundJob, JobKind, PublishedYear
from appraisal.scoring.published import published_results_import
from appraisal.scoring.services import period_approve
from tests.council.conftest import set_phase
from tests.factories import PeriodFactory, UnitFactory, UserFactory, grant, member_of
from tests.registry.helpers import xlsx_bytes

NOT_HERE = "Vai trò Tổ thư ký của bạn không áp dụng cho Chỉ số CCHC năm 2023: chỉ Tổ thư ký của kỳ này"


def _person(username: str, role: str, period=None):
    user = UserFactory(username=username)
    grant(user, role, None, period)
    return user


@pytest.fixture
def p2022(db):
    return PeriodFactory(year=2022, phase=Phase.FINALISED)


@pytest.fixture
def sec_2022(p2022):
    return _person("sec.2022", roles.SECRETARIAT, p2022)


@pytest.fixture
def sec_2023(world):
    return _person("sec.2023", roles.SECRETARIAT, world["period"])


@pytest.fixture
def stp_draft(world):
    """stp back to drafting after the self-assessment closed: the unit a secretariat extends or closes."""
    Assessment.objects.filter(pk=world["stp"].pk).update(state=AssessmentState.DRAFT, submitted_at=None)
    return Assessment.objects.select_related("period", "unit").get(pk=world["stp"].pk)


# -- the self-assessment: return, extension, «không nộp», start -------------------------------------------


def test_return_reads_the_secretariat_in_the_assessments_period(world, sec_2022, sec_2023):
    a = Assessment.objects.select_related("period", "unit").get(pk=world["skhcn"].pk)
    with pytest.raises(PermissionDenied, match=f"^{NOT_HERE} mới được trả lại bản tự đánh giá.$"):
        assessment_services.assessment_return(assessment=a, reason="Thiếu tài liệu.", by=sec_2022)
    assert Assessment.objects.get(pk=a.pk).state == AssessmentState.SUBMITTED
    assessment_services.assessment_return(assessment=a, reason="Thiếu tài liệu.", by=sec_2023)
    assert Assessment.objects.get(pk=a.pk).state == AssessmentState.RETURNED


def test_extension_reads_the_secretariat_in_the_assessments_period(stp_draft, sec_2022, secretariat):
    until = timezone.now() + timedelta(days=3)
    with pytest.raises(PermissionDenied, match=f"^{NOT_HERE} mới được gia hạn cho đơn vị.$"):
        assessment_services.assessment_grant_extension(
            assessment=stp_draft, until=until, reason="Ốm.", by=sec_2022
        )
    assert Assessment.objects.get(pk=stp_draft.pk).extension_until is None
    assessment_services.assessment_grant_extension(
        assessment=stp_draft, until=until, reason="Ốm.", by=secretariat
    )
    assert Assessment.objects.get(pk=stp_draft.pk).extension_until == until


def test_close_not_submitted_reads_the_secretariat_in_the_assessments_period(stp_draft, sec_2022, sec_2023):
    with pytest.raises(PermissionDenied, match=f"^{NOT_HERE} mới được đóng bản tự đánh giá «không nộp».$"):
        assessment_services.assessment_close_not_submitted(
            assessment=stp_draft, reason="Quá hạn.", by=sec_2022
        )
    assert Assessment.objects.get(pk=stp_draft.pk).state == AssessmentState.DRAFT
    assessment_services.assessment_close_not_submitted(assessment=stp_draft, reason="Quá hạn.", by=sec_2023)
    assert Assessment.objects.get(pk=stp_draft.pk).state == AssessmentState.NOT_SUBMITTED


def test_start_reads_the_secretariat_in_the_period(world, group, sec_2022, sec_2023):
    period = world["period"]
    sct = UnitFactory(code="sct", name="Sở Công Thương")
    member_of(period, sct, group)
    assert not assessment_selectors.assessment_start_info(sec_2022, period=period, unit=sct).allowed
    with pytest.raises(PermissionDenied, match=f"^{NOT_HERE} mới được bắt đầu bản tự đánh giá cho đơn vị.$"):
        assessment_services.assessment_start(period=period, unit=sct, by=sec_2022)
    assert not Assessment.objects.filter(period=period, unit=sct).exists()
    created = assessment_services.assessment_start(period=period, unit=sct, by=sec_2023)
    assert (created.unit_id, created.state) == (sct.pk, AssessmentState.DRAFT)


def test_return_button_offered_only_to_the_secretariat_of_the_period(world, sec_2022, sec_2023):
    a = Assessment.objects.select_related("period").get(pk=world["skhcn"].pk)
    assert "return" not in assessment_selectors.assessment_actions(sec_2022, a)
    assert "return" in assessment_selectors.assessment_actions(sec_2023, a)


def test_detail_page_offers_the_secretariats_tools_only_in_its_period(world, p2022, client_for):
    """An observer of every year who is the secretariat of 2022 only reads 2023's page without its tools."""
    both = _person("sec2022.observer", roles.SECRETARIAT, p2022)
    grant(both, roles.OBSERVER)
    url = reverse("assessments:detail", args=[world["skhcn"].pk])
    page = client_for(both).get(url)
    assert page.status_code == 200
    assert (page.context["is_secretariat"], "return" in page.context["actions"]) == (False, False)
    assert 'id="secretariat-title"' not in page.content.decode()
    grant(both, roles.SECRETARIAT, None, world["period"])
    page = client_for(both).get(url)
    assert (page.context["is_secretariat"], "return" in page.context["actions"]) == (True, True)
    assert 'id="secretariat-title"' in page.content.decode()


def test_list_of_units_reads_the_role_in_the_period(world, p2022, client_for):
    """The secretariat of 2022 only still finds 2023 in its years (every period is listed to a secretariat) but
    no unit in it; an observer of 2022 only is not offered 2023 at all."""
    sec_2022 = _person("sec.2022", roles.SECRETARIAT, p2022)
    assert client_for(sec_2022).get(reverse("assessments:index_year", args=[2023])).context["rows"] == []
    observer_2022 = _person("observer.2022", roles.OBSERVER, p2022)
    assert client_for(observer_2022).get(reverse("assessments:index_year", args=[2023])).status_code == 404
    for role in (roles.SECRETARIAT, roles.OBSERVER):
        holding = _person(f"{role}.2023", role, world["period"])
        rows = client_for(holding).get(reverse("assessments:index_year", args=[2023])).context["rows"]
        assert [r.unit.code for r in rows] == ["skhcn", "stp"]


@pytest.mark.parametrize("role", [roles.SECRETARIAT, roles.OBSERVER])
def test_unit_page_and_item_history_read_the_role_in_the_period(world, p2022, client_for, role):
    """The unit's own pages (its page of the year, an item's history) are not theirs to know: 404."""
    limited = _person(f"{role}.2022", role, p2022)
    holding = _person(f"{role}.2023", role, world["period"])
    entry = world["skhcn"].entries.order_by("pk").first()
    assert client_for(limited).get(reverse("assessments:open_year", args=[2023, "skhcn"])).status_code == 404
    assert client_for(limited).get(reverse("council:entry_history", args=[entry.pk])).status_code == 404
    assert client_for(holding).get(reverse("assessments:open_year", args=[2023, "skhcn"])).status_code == 302
    assert client_for(holding).get(reverse("council:entry_history", args=[entry.pk])).status_code == 200


# -- the council's setup and the period's phase ---------------------------------------------------------------


def test_council_setup_services_read_the_secretariat_in_the_period(world, member, sec_2022, sec_2023):
    period = world["period"]
    newcomer = UserFactory(username="newcomer")
    roles_before = RoleAssignment.objects.count()
    assignments_before = set(Assignment.objects.values_list("pk", flat=True))
    seat = grant(UserFactory(username="seated"), roles.MEMBER, None, period)
    assignment = Assignment.objects.filter(member=member).first()
    refusals = {
        "lập": lambda by: council_services.council_role_grant(
            period=period, user=newcomer, role=roles.MEMBER, by=by
        ),
        "gỡ": lambda by: council_services.council_role_revoke(role_assignment=seat, by=by),
        "phân": lambda by: council_services.assignments_create_bulk(
            period=period, members=[member], field_codes=["1"], groups=[None], by=by
        ),
        "xóa": lambda by: council_services.assignment_delete(assignment=assignment, by=by),
    }
    for call in refusals.values():
        with pytest.raises(PermissionDenied, match=f"^{NOT_HERE} được (lập Hội đồng|phân công thẩm định).$"):
            call(sec_2022)
    assert RoleAssignment.objects.count() == roles_before + 1  # the seat made above, nothing else
    assert set(Assignment.objects.values_list("pk", flat=True)) == assignments_before
    council_services.council_role_grant(period=period, user=newcomer, role=roles.MEMBER, by=sec_2023)
    council_services.council_role_revoke(role_assignment=seat, by=sec_2023)
    council_services.assignment_delete(assignment=assignment, by=sec_2023)
    assert RoleAssignment.objects.filter(user=newcomer, role=roles.MEMBER, period=period).exists()
    assert not RoleAssignment.objects.filter(pk=seat.pk).exists()
    assert not Assignment.objects.filter(pk=assignment.pk).exists()


def test_phase_change_reads_the_secretariat_in_the_period(world, sec_2022, sec_2023):
    period = world["period"]
    with pytest.raises(ServiceError, match=f"^{NOT_HERE} được chuyển giai đoạn của kỳ đánh giá.$"):
        period_advance(
            period=period, to_phase=Phase.EXPLANATION, by=sec_2022, reason="Hết hạn.", confirmed=True
        )
    period.refresh_from_db()
    assert period.phase == Phase.APPRAISAL
    period_advance(period=period, to_phase=Phase.EXPLANATION, by=sec_2023, reason="Hết hạn.", confirmed=True)
    period.refresh_from_db()
    assert period.phase == Phase.EXPLANATION


def test_todo_names_the_period_only_to_its_secretariat(world, sec_2022, sec_2023):
    period = world["period"]
    line = f"{period.name} đang ở giai đoạn «{Phase.APPRAISAL.label}»: xem thời hạn và việc còn lại."
    assert line not in [t.text for t in todo_for_user(sec_2022, period).items]
    assert line in [t.text for t in todo_for_user(sec_2023, period).items]


# -- results: approval, published tables, background jobs -----------------------------------------------------

TABLE = [["Mã đơn vị", "Chỉ số CCHC (%)", "Xếp hạng"], ["skhcn", "88,5", 1], ["stp", "80", 2]]


def test_approval_reads_the_secretariat_in_the_period(world, sec_2022, sec_2023):
    period = world["period"]
    set_phase(period, Phase.FINALISED)
    with pytest.raises(ServiceError, match=f"^{NOT_HERE} được nhập số, ngày quyết định phê duyệt.$"):
        period_approve(period=period, number="1/QĐ", date=dt.date(2024, 2, 5), by=sec_2022)
    # The secretariat of 2023 passes the role and meets the next gate (no official result yet).
    with pytest.raises(ServiceError, match="^Kỳ đánh giá chưa có kết quả chính thức"):
        period_approve(period=period, number="1/QĐ", date=dt.date(2024, 2, 5), by=sec_2023)
    period.refresh_from_db()
    assert (period.phase, period.decision_number) == (Phase.FINALISED, "")


def test_published_table_of_a_year_reads_the_secretariat_of_that_year(world, sec_2022, sec_2023, client_for):
    content = xlsx_bytes(TABLE)
    with pytest.raises(ServiceError, match=f"^{NOT_HERE} được nhập kết quả đã công bố.$"):
        published_results_import(year=2023, file_name="2023.xlsx", content=content, by=sec_2022)
    assert not PublishedYear.objects.exists()
    refused = client_for(sec_2022).get(reverse("scoring:published", args=[2023]))
    assert refused.status_code == 403
    assert NOT_HERE in refused.content.decode()
    assert client_for(sec_2023).get(reverse("scoring:published", args=[2023])).status_code == 200
    # The secretariat of 2023 passes the role check; 2023 being run in ParIndex, the file itself is refused.
    report = published_results_import(year=2023, file_name="2023.xlsx", content=content, by=sec_2023)
    assert [p.message for p in report.problems] == [
        "Năm 2023 là kỳ đánh giá thực hiện trên ParIndex (Chỉ số CCHC năm 2023): kết quả của năm này lấy từ "
        "lần tính chính thức khi Hội đồng chốt, không nhập từ tệp."
    ]
    # A year without a period in ParIndex (published before it) holds no period: any secretariat records it.
    assert client_for(sec_2022).get(reverse("scoring:published", args=[2019])).status_code == 200
    assert published_results_import(year=2019, file_name="2019.xlsx", content=content, by=sec_2022).ok
    assert sorted(PublishedYear.objects.values_list("year", flat=True)) == [2019]


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        (JobKind.IMPORT, {"what": "results", "year": 2023}),
        (JobKind.IMPORT, {"what": "index_set", "year": 2023, "group": "so"}),
        (JobKind.EVIDENCE_ZIP, {}),
    ],
)
def test_secretariat_jobs_read_the_role_in_the_period(world, sec_2022, kind, params):
    source = ("tep.xlsx", xlsx_bytes(TABLE)) if kind == JobKind.IMPORT else None
    with pytest.raises(PermissionDenied, match=f"^{NOT_HERE} "):
        job_start(kind=kind, period=world["period"], by=sec_2022, params=params, source=source)
    assert not BackgroundJob.objects.exists()


def test_units_import_job_needs_the_secretariat_of_every_period(world, sec_2022, sec_2023):
    """Units and groups are every year's: a role of any one period, even the year imported into, is refused."""
    source = ("tep.xlsx", xlsx_bytes(TABLE))
    for user in (sec_2022, sec_2023):
        with pytest.raises(PermissionDenied, match="^Vai trò Tổ thư ký của bạn chỉ áp dụng cho một số kỳ"):
            job_start(
                kind=JobKind.IMPORT,
                period=world["period"],
                by=user,
                params={"what": "units", "year": 2023},
                source=source,
            )
    assert not BackgroundJob.objects.exists()


def test_evidence_zip_started_by_the_secretariat_of_the_period(world, sec_2023):
    job = job_start(kind=JobKind.EVIDENCE_ZIP, period=world["period"], by=sec_2023)
    assert BackgroundJob.objects.get().pk == job.pk


def test_finalise_job_reads_the_chair_in_the_period(world, p2022):
    period = world["period"]
    chair_2022 = _person("chair.2022", roles.CHAIR, p2022)
    with pytest.raises(PermissionDenied, match="^Chỉ Chủ tịch Hội đồng kỳ 2023 được phê duyệt chốt kết quả"):
        job_start(kind=JobKind.FINALISE, period=period, by=chair_2022)
    assert not BackgroundJob.objects.exists()
    job = job_start(kind=JobKind.FINALISE, period=period, by=_person("chair.2023", roles.CHAIR, period))
    assert BackgroundJob.objects.get().pk == job.pk  # started (it then fails on the units not finalised)


def test_a_job_is_seen_by_the_secretariat_of_its_period(world, sec_2022, sec_2023, secretariat):
    job = job_start(kind=JobKind.EVIDENCE_ZIP, period=world["period"], by=sec_2023)
    with pytest.raises(PermissionDenied, match=f"^{NOT_HERE} được xem việc chạy nền của kỳ.$"):
        job_get_for_user(sec_2022, job.pk)
    assert job_get_for_user(secretariat, job.pk).pk == job.pk
