"""The unit's own people read their role in the period of the object too (SPEC §6a: a role given for 2022 means
nothing in 2023; a role without a period holds in every period). An editor or head whose role is for 2022 only may
not edit, submit, withdraw, upload, import the offline workbook, start, explain, send or waive in 2023; lists and
landings of 2023 do not count their 2022 unit. The 2023 period (``period``) is open for self-assessment;
``editor`` and ``head`` hold their role without a period.

Each place: the 2022-only person is refused (state unchanged, no history row) and a 2023 or period-less one is let
through."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from appraisal.assessments import excel, selectors
from appraisal.assessments import services as assessment_services
from appraisal.assessments.models import (
    Assessment,
    AssessmentEvent,
    AssessmentState,
    Evidence,
    ItemHistory,
)
from appraisal.core import roles
from appraisal.core.exceptions import ServiceError
from appraisal.council import access as policy
from appraisal.council import services as council_services
from appraisal.council.models import Assignment
from appraisal.council.queues import unit_assessments_for_user
from appraisal.council.todo import todo_for_user
from appraisal.registry.models import Phase
from tests.assessments.conftest import entry_of, pdf_file
from tests.council.conftest import appraise_all, set_phase, submit_assessment
from tests.factories import PeriodFactory, UserFactory, grant

ASK = ": hãy đề nghị Tổ thư ký phân quyền cho bạn trong kỳ này."
NOT_HERE = "Vai trò của bạn tại Sở Khoa học và Công nghệ không áp dụng cho Chỉ số CCHC năm 2023" + ASK
HEAD_NOT_HERE = (
    "Vai trò lãnh đạo đơn vị của bạn tại Sở Khoa học và Công nghệ không áp dụng cho Chỉ số CCHC năm 2023"
    + ASK
)


@pytest.fixture
def p2022(db):
    return PeriodFactory(year=2022, phase=Phase.FINALISED)


@pytest.fixture
def editor_2022(unit, p2022):
    user = UserFactory(username="bien.tap.2022")
    grant(user, roles.UNIT_EDITOR, unit, p2022)
    return user


@pytest.fixture
def head_2022(unit, p2022):
    user = UserFactory(username="lanh.dao.2022")
    grant(user, roles.UNIT_HEAD, unit, p2022)
    return user


@pytest.fixture
def editor_2023(unit, period):
    user = UserFactory(username="bien.tap.2023")
    grant(user, roles.UNIT_EDITOR, unit, period)
    return user


def _history_count(assessment) -> int:
    return ItemHistory.objects.filter(entry__assessment=assessment).count()


# -- the role helpers ---------------------------------------------------------------------------------------


def test_unit_roles_are_read_in_the_period_asked(unit, period, p2022, editor, head, editor_2022, head_2022):
    assert roles.can_edit_unit(editor_2022, unit.pk, p2022.pk)
    assert not roles.can_edit_unit(editor_2022, unit.pk, period.pk)
    assert not roles.is_unit_head(head_2022, unit.pk, period.pk)
    assert roles.is_unit_head(head_2022, unit.pk, p2022.pk)
    assert roles.can_edit_unit(editor, unit.pk, period.pk) and roles.can_edit_unit(editor, unit.pk, p2022.pk)
    assert roles.is_unit_head(head, unit.pk, period.pk)
    assert roles.unit_ids_held(editor_2022, period.pk) == frozenset()
    assert roles.unit_ids_held(editor_2022, None) == {unit.pk}  # in some period: the menu's «Đơn vị»


# -- the self-assessment: save, submit, withdraw, evidence, offline workbook, start -------------------------


def test_saving_an_item_reads_the_editors_role_in_the_assessments_period(
    assessment, editor_2022, editor_2023
):
    entry = entry_of(assessment, "1.1")
    with pytest.raises(PermissionDenied, match=f"^{NOT_HERE}$"):
        assessment_services.entry_save_self(
            entry=entry, value="Có", note="", expected_version=entry.version, by=editor_2022
        )
    assert entry_of(assessment, "1.1").self_value == ""
    assert _history_count(assessment) == 0
    assessment_services.entry_save_self(
        entry=entry, value="Có", note="", expected_version=entry.version, by=editor_2023
    )
    assert entry_of(assessment, "1.1").self_value == "Có"


def test_submitting_reads_the_heads_role_in_the_assessments_period(assessment, head_2022, head):
    with pytest.raises(ServiceError, match=f"^{HEAD_NOT_HERE}$"):
        assessment_services.assessment_submit(assessment=assessment, by=head_2022)
    assert Assessment.objects.get(pk=assessment.pk).state == AssessmentState.DRAFT
    # The period-less head passes the role check: only the missing items stop them.
    with pytest.raises(assessment_services.IncompleteError):
        assessment_services.assessment_submit(assessment=assessment, by=head)


def test_withdrawing_reads_the_editors_role_in_the_assessments_period(assessment, editor_2022, editor):
    Assessment.objects.filter(pk=assessment.pk).update(state=AssessmentState.SUBMITTED)
    assessment.refresh_from_db()
    with pytest.raises(PermissionDenied, match=f"^{NOT_HERE}$"):
        assessment_services.assessment_withdraw(assessment=assessment, by=editor_2022)
    assert Assessment.objects.get(pk=assessment.pk).state == AssessmentState.SUBMITTED
    assert not AssessmentEvent.objects.filter(assessment=assessment).exists()
    assessment_services.assessment_withdraw(assessment=assessment, by=editor)
    assert Assessment.objects.get(pk=assessment.pk).state == AssessmentState.DRAFT


def test_uploading_evidence_reads_the_editors_role_in_the_assessments_period(
    assessment, editor_2022, editor_2023
):
    entry = entry_of(assessment, "1.1")
    with pytest.raises(PermissionDenied, match=f"^{NOT_HERE}$"):
        assessment_services.evidence_upload_for_entry(entry=entry, uploaded=pdf_file(), by=editor_2022)
    assert not Evidence.objects.exists()
    assessment_services.evidence_upload_for_entry(entry=entry, uploaded=pdf_file(), by=editor_2023)
    assert Evidence.objects.count() == 1


def test_the_offline_workbook_reads_the_editors_role_in_the_assessments_period(
    assessment, editor_2022, editor
):
    content = excel.build_workbook(selectors.assessment_form(assessment)).content
    with pytest.raises(PermissionDenied, match=f"^{NOT_HERE}$"):
        assessment_services.assessment_import_workbook(assessment=assessment, content=content, by=editor_2022)
    summary = assessment_services.assessment_import_workbook(
        assessment=assessment, content=content, by=editor
    )
    assert summary.changed == []


def test_starting_reads_the_editors_role_in_the_period(period, unit, index_set, window, editor_2022, editor):
    with pytest.raises(PermissionDenied, match=f"^{NOT_HERE}$"):
        assessment_services.assessment_start(period=period, unit=unit, by=editor_2022)
    assert not Assessment.objects.exists()
    assert assessment_services.assessment_start(period=period, unit=unit, by=editor).unit == unit


# -- the pages: a 2022-only editor does not see 2023's unit pages; one who reads them otherwise cannot write ----


def test_a_2022_only_editor_does_not_find_the_units_2023_pages(client_for, assessment, editor_2022):
    entry = entry_of(assessment, "1.1")
    client = client_for(editor_2022)
    assert client.get(reverse("assessments:detail", args=[assessment.pk])).status_code == 404
    url = reverse("assessments:entry_save", args=[assessment.pk, entry.pk])
    assert client.post(url, {"value": "Có", "version": entry.version}).status_code == 404
    assert _history_count(assessment) == 0
    open_url = reverse("assessments:open_year", kwargs={"year": 2023, "code": "skhcn"})
    assert client.get(open_url).status_code == 404


@pytest.fixture
def editor_2022_on_council(editor_2022, unit):
    """The 2022 editor sits on the council for every period, naming the unit: they read its 2023 pages as its
    people do (SPEC §6a, column «conflict»), but their editor's role does not hold in 2023."""
    grant(editor_2022, roles.MEMBER, unit)
    return editor_2022


def test_reading_the_units_pages_otherwise_does_not_let_a_2022_editor_write_in_2023(
    client_for, assessment, editor_2022_on_council
):
    entry = entry_of(assessment, "1.1")
    client = client_for(editor_2022_on_council)
    detail = client.get(reverse("assessments:detail", args=[assessment.pk]))
    assert detail.status_code == 200
    assert selectors.assessment_actions(editor_2022_on_council, assessment) == frozenset()
    url = reverse("assessments:entry_save", args=[assessment.pk, entry.pk])
    response = client.post(url, {"value": "Có", "version": entry.version})
    assert response.status_code == 403
    assert NOT_HERE in response.content.decode()
    assert _history_count(assessment) == 0
    upload = client.post(
        reverse("assessments:excel_upload", args=[assessment.pk]),
        {"file": pdf_file("phieu.xlsx")},
    )
    assert upload.status_code == 403
    assert entry_of(assessment, "1.1").self_value == ""


# -- lists and landings count the units of the period only -------------------------------------------------


@pytest.fixture
def editor_of_two(unit, other_unit, p2022, period):
    """Editor of skhcn in 2022 only and of stp in 2023."""
    user = UserFactory(username="bien.tap.hai.don.vi")
    grant(user, roles.UNIT_EDITOR, unit, p2022)
    grant(user, roles.UNIT_EDITOR, other_unit, period)
    return user


def test_the_results_landing_opens_the_unit_of_the_period(client_for, period, editor_of_two):
    response = client_for(editor_of_two).get(reverse("scoring:index") + "?ky=2023")
    assert response.status_code == 302
    assert response["Location"] == reverse("scoring:unit_detail", kwargs={"year": 2023, "code": "stp"})


def test_the_dashboard_landing_counts_the_unit_of_the_period(client_for, period, editor_of_two):
    response = client_for(editor_of_two).get(reverse("dashboards:index") + "?ky=2023")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sở Tư pháp" in body
    assert "Sở Khoa học và Công nghệ" not in body


def test_the_todo_list_and_the_unit_side_count_the_units_of_the_period(
    assessment, other_assessment, period, editor_of_two, editor_2022
):
    todo = todo_for_user(editor_of_two, period)
    assert [t.text for t in todo.items] == ["Tự đánh giá của Sở Tư pháp chưa chốt."]
    assert todo_for_user(editor_2022, period).items == []
    assert unit_assessments_for_user(editor_of_two, period) == [other_assessment]
    assert unit_assessments_for_user(editor_2022, period) == []


# -- the explanation: save, upload, send, waive ---------------------------------------------------------


@pytest.fixture
def noticed(period, unit, other_unit, index_set, editor, member, chair, secretariat):
    """skhcn appraised with item 1.4 lowered, the notice issued: the explanation phase."""
    a = submit_assessment(period, unit, editor)
    set_phase(period, Phase.APPRAISAL)
    for field_code in ("1", "2", "T1", "P1"):
        Assignment.objects.create(period=period, member=member, field_code=field_code, created_by=secretariat)
    appraise_all(a, member, overrides={"1.4": "60%"}, reasons={"1.4": "Thiếu sổ theo dõi văn bản."})
    council_services.assessment_mark_appraised(assessment=a, by=chair)
    set_phase(period, Phase.EXPLANATION)
    return Assessment.objects.select_related("period", "unit").get(pk=a.pk)


def _explanation_rows(assessment) -> int:
    return ItemHistory.objects.filter(entry__assessment=assessment, layer="explanation").count()


def test_explaining_reads_the_editors_role_in_the_assessments_period(noticed, editor_2022, editor_2023):
    entry = entry_of(noticed, "1.4")
    assert not policy.unit_can_explain(editor_2022, noticed)
    with pytest.raises(PermissionDenied, match=f"^{NOT_HERE}$"):
        council_services.explanation_record(
            entry=entry, text="Có sổ theo dõi.", by=editor_2022, expected_version=entry.version
        )
    assert _explanation_rows(noticed) == 0
    with pytest.raises(PermissionDenied, match=f"^{NOT_HERE}$"):
        council_services.explanation_evidence_upload(entry=entry, uploaded=pdf_file(), by=editor_2022)
    assert not Evidence.objects.exists()
    assert policy.unit_can_explain(editor_2023, noticed)
    council_services.explanation_record(
        entry=entry, text="Có sổ theo dõi.", by=editor_2023, expected_version=entry.version
    )
    assert _explanation_rows(noticed) == 1


def test_sending_the_explanation_reads_the_heads_role_in_the_assessments_period(
    noticed, editor, head_2022, head
):
    entry = entry_of(noticed, "1.4")
    council_services.explanation_record(
        entry=entry, text="Có sổ theo dõi.", by=editor, expected_version=entry.version
    )
    assert not policy.unit_can_submit_explanation(head_2022, noticed)
    with pytest.raises(PermissionDenied, match=f"^{HEAD_NOT_HERE}$"):
        council_services.explanation_submit(assessment=noticed, by=head_2022)
    assert Assessment.objects.get(pk=noticed.pk).state == AssessmentState.APPRAISED
    council_services.explanation_submit(assessment=noticed, by=head)
    assert Assessment.objects.get(pk=noticed.pk).state == AssessmentState.EXPLAINED


def test_waiving_the_explanation_reads_the_heads_role_in_the_assessments_period(noticed, head_2022, head):
    with pytest.raises(PermissionDenied, match=f"^{HEAD_NOT_HERE}$"):
        council_services.explanation_waive(assessment=noticed, by=head_2022)
    assert Assessment.objects.get(pk=noticed.pk).explanation_waived_at is None
    events = AssessmentEvent.objects.filter(assessment=noticed).count()
    council_services.explanation_waive(assessment=noticed, by=head)
    assert Assessment.objects.get(pk=noticed.pk).explanation_waived_at is not None
    assert AssessmentEvent.objects.filter(assessment=noticed).count() == events + 1


def test_an_item_to_explain_is_refused_to_a_2022_editor_who_reads_the_unit(
    client_for, noticed, editor_2022_on_council
):
    entry = entry_of(noticed, "1.4")
    response = client_for(editor_2022_on_council).post(
        reverse("council:explanation_save", args=[entry.pk]),
        {f"e{entry.pk}-text": "Có sổ theo dõi.", f"e{entry.pk}-version": entry.version},
    )
    assert response.status_code == 403
    assert NOT_HERE in response.content.decode()
    assert _explanation_rows(noticed) == 0


def test_a_2022_only_editor_does_not_find_an_item_to_explain(client_for, noticed, editor_2022):
    entry = entry_of(noticed, "1.4")
    response = client_for(editor_2022).post(
        reverse("council:explanation_save", args=[entry.pk]),
        {f"e{entry.pk}-text": "Có sổ theo dõi.", f"e{entry.pk}-version": entry.version},
    )
    assert response.status_code == 404
    assert _explanation_rows(noticed) == 0


def test_a_2022_only_editor_cannot_attach_a_file_to_a_2023_explanation(client_for, noticed, editor_2022):
    """QA2 (critical): the explanation's file upload, as its text, reads the editor's role in the period."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from appraisal.assessments.models import EvidenceLink

    entry = entry_of(noticed, "1.4")
    response = client_for(editor_2022).post(
        reverse("council:explanation_upload", args=[entry.pk]),
        {
            f"f{entry.pk}-file": SimpleUploadedFile("gt.pdf", b"%PDF-1.4 giai trinh", "application/pdf"),
            f"f{entry.pk}-title": "Tệp của người năm 2022",
        },
    )
    assert response.status_code == 404
    assert not EvidenceLink.objects.filter(entry=entry).exists()


def test_a_2022_only_editor_with_a_stale_version_does_not_find_an_item_to_explain(
    client_for, noticed, editor_2022
):
    """QA: the access check comes before the version's: a wrong version does not tell them the item exists."""
    entry = entry_of(noticed, "1.4")
    response = client_for(editor_2022).post(
        reverse("council:explanation_save", args=[entry.pk]),
        {f"e{entry.pk}-text": "Có sổ theo dõi.", f"e{entry.pk}-version": entry.version + 7},
    )
    assert response.status_code == 404
    assert _explanation_rows(noticed) == 0


def test_a_2022_only_head_does_not_find_the_explanation_to_send(client_for, noticed, head_2022):
    response = client_for(head_2022).post(reverse("council:explanation_submit", args=[noticed.pk]))
    assert response.status_code == 404
    assert Assessment.objects.get(pk=noticed.pk).state == AssessmentState.APPRAISED


def test_the_unit_side_of_a_year_tells_a_2022_editor_their_role_is_of_another_year(
    client_for, noticed, editor_2022
):
    """QA3: the council page of 2023 told an editor of 2022 only «Chưa có thông báo…», although the unit's 2023
    notice exists: it now says their role does not apply to the year."""
    body = client_for(editor_2022).get(reverse("council:dashboard", args=[2023])).content.decode()
    assert (
        f"Vai trò của bạn tại {noticed.unit.name} không áp dụng cho Chỉ số CCHC năm 2023: hãy đề nghị Tổ thư ký "
        "phân quyền cho bạn trong kỳ này." in body
    )
    assert "Chưa có thông báo kết quả thẩm định" not in body
