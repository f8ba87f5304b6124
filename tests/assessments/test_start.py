"""QA item 4 (SPEC §3a): opening a unit's self-assessment page is a GET and writes nothing; the assessment is
created by an explicit POST («Bắt đầu tự đánh giá»), and only once the period's self-assessment is open (index
sets stay editable until then)."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from appraisal.assessments.models import Assessment, AssessmentState
from appraisal.core.dates import LOCAL_TZ
from appraisal.registry.lifecycle import period_contents
from appraisal.registry.models import Phase, PhaseWindow
from appraisal.registry.services import index_set_import
from tests.registry.helpers import small_set_rows, xlsx_bytes


def _open_url(period, code="skhcn"):
    return reverse("assessments:open_year", kwargs={"year": period.year, "code": code})


@pytest.fixture
def preparing(period):
    period.phase = Phase.PREPARING
    period.save()
    PhaseWindow.objects.create(
        period=period,
        phase=Phase.SELF_ASSESSMENT,
        opens_at=dt.datetime(2023, 3, 1, 8, 0, tzinfo=LOCAL_TZ),
        due_at=dt.datetime(2023, 3, 31, 17, 0, tzinfo=LOCAL_TZ),
    )
    return period


def test_opening_a_unit_while_the_period_is_preparing_writes_nothing_and_says_when_it_opens(
    client_for, head, preparing, unit, index_set
):
    response = client_for(head).get(_open_url(preparing))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Tự đánh giá của Chỉ số CCHC năm 2023 chưa mở: kỳ đánh giá đang ở giai đoạn «Chuẩn bị»." in body
    assert "Tự đánh giá mở từ <strong>08:00 ngày 01/03/2023</strong>." in body
    assert "Bắt đầu tự đánh giá</button>" not in body
    assert not Assessment.objects.exists()


def test_opening_a_unit_while_preparing_without_dates_says_not_open_yet(
    client_for, head, period, unit, index_set
):
    period.phase = Phase.PREPARING
    period.save()
    body = client_for(head).get(_open_url(period)).content.decode()
    assert "Tự đánh giá của Chỉ số CCHC năm 2023 chưa mở" in body
    assert "Tổ thư ký chưa đặt ngày mở tự đánh giá." in body
    assert not Assessment.objects.exists()


def test_index_set_import_and_delete_page_unaffected_by_a_unit_head_opening_a_preparing_period(
    client_for, head, secretariat, preparing, unit, index_set
):
    client_for(head).get(_open_url(preparing))

    result = index_set_import(
        year=2023,
        group_code="so",
        file_name="so-2023.xlsx",
        content=xlsx_bytes(small_set_rows()),
        by=secretariat,
    )
    assert result.ok, result.messages
    assert result.index_set.version == 2
    assert period_contents(preparing).assessments == 0


def test_start_is_refused_while_the_period_is_preparing(client_for, head, preparing, unit, index_set):
    response = client_for(head).post(_open_url(preparing))

    assert response.status_code == 422
    assert (
        "Tự đánh giá của Chỉ số CCHC năm 2023 chưa mở: kỳ đánh giá đang ở giai đoạn «Chuẩn bị»."
        in response.content.decode()
    )
    assert not Assessment.objects.exists()


def test_start_is_refused_before_the_window_opens(client_for, head, period, unit, index_set):
    opens = timezone.now() + timedelta(days=2)
    PhaseWindow.objects.create(
        period=period, phase=Phase.SELF_ASSESSMENT, opens_at=opens, due_at=opens + timedelta(days=10)
    )
    page = client_for(head).get(_open_url(period)).content.decode()
    assert "Giai đoạn Tự đánh giá chưa mở: mở từ" in page
    assert "Bắt đầu tự đánh giá</button>" not in page

    response = client_for(head).post(_open_url(period))
    assert response.status_code == 422
    assert not Assessment.objects.exists()


def test_opening_a_unit_with_self_assessment_open_offers_the_start_button_and_writes_nothing(
    client_for, editor, period, unit, index_set, window
):
    response = client_for(editor).get(_open_url(period))

    assert response.status_code == 200
    body = response.content.decode()
    assert f'<form method="post" action="{_open_url(period)}">' in body
    assert '<button class="btn btn-primary" type="submit">Bắt đầu tự đánh giá</button>' in body
    assert not Assessment.objects.exists()


def test_start_creates_the_assessment_and_opens_the_form_ready_to_type(
    client_for, editor, period, unit, index_set, window
):
    response = client_for(editor).post(_open_url(period))

    assessment = Assessment.objects.get(period=period, unit=unit)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:form", args=[assessment.pk])
    assert (assessment.state, assessment.entries.count()) == (AssessmentState.DRAFT, 9)


def test_start_twice_keeps_one_assessment(client_for, editor, period, unit, index_set, window):
    client = client_for(editor)
    client.post(_open_url(period))
    response = client.post(_open_url(period))
    assessment = Assessment.objects.get(period=period, unit=unit)
    assert response["Location"] == reverse("assessments:form", args=[assessment.pk])


def test_opening_a_started_unit_goes_to_its_home(client_for, editor, period, unit, index_set, window):
    client = client_for(editor)
    client.post(_open_url(period))
    assessment = Assessment.objects.get(period=period, unit=unit)
    response = client.get(_open_url(period))
    assert response["Location"] == reverse("assessments:detail", args=[assessment.pk])


def test_start_is_refused_for_an_observer(client_for, observer, period, unit, index_set, window):
    page = client_for(observer).get(_open_url(period)).content.decode()
    assert "Đơn vị chưa bắt đầu tự đánh giá." in page
    assert "Bắt đầu tự đánh giá</button>" not in page
    assert client_for(observer).post(_open_url(period)).status_code == 403
    assert not Assessment.objects.exists()


def test_start_of_another_unit_is_404(client_for, editor, period, other_unit, index_set, window):
    assert client_for(editor).post(_open_url(period, "stp")).status_code == 404
    assert not Assessment.objects.exists()


def test_after_self_assessment_the_unit_cannot_start_but_the_secretariat_opens_an_empty_file(
    client_for, editor, secretariat, period, unit, index_set
):
    """A unit that never started is closed «không nộp» or given an extension by the secretariat, on its
    (empty) assessment: the secretariat creates it by a POST, never by looking at the page."""
    period.phase = Phase.APPRAISAL
    period.save()
    page = client_for(editor).get(_open_url(period)).content.decode()
    assert "Giai đoạn Tự đánh giá đã kết thúc (kỳ đánh giá đang ở giai đoạn «Thẩm định vòng 1»)." in page
    assert client_for(editor).post(_open_url(period)).status_code == 422

    page = client_for(secretariat).get(_open_url(period)).content.decode()
    assert (
        '<button class="btn btn-outline-primary" type="submit">Tạo bản tự đánh giá trống (để gia hạn hoặc đóng '
        "«không nộp»)</button>"
    ) in page
    assert not Assessment.objects.exists()
    response = client_for(secretariat).post(_open_url(period))
    assessment = Assessment.objects.get(period=period, unit=unit)
    assert response["Location"] == reverse("assessments:detail", args=[assessment.pk])
