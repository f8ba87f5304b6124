"""QA item 10: a period with nothing entered yet has no results: the results page says so (no table of zeros,
no document buttons, no «Tính tạm») and the decision, annex and CSV routes answer 409 with the reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appraisal.registry.models import Phase
from appraisal.scoring.models import ScoreRun

PREPARING = "Kỳ đánh giá đang chuẩn bị: chưa có kết quả."
NOT_STARTED = "Chưa có đơn vị nào bắt đầu tự đánh giá: chưa có kết quả."
DOCUMENTS = ("scoring:decision", "scoring:annex", "scoring:csv", "scoring:csv_plain")


@pytest.fixture
def preparing(period, index_set, unit, other_unit):
    period.phase = Phase.PREPARING
    period.save()
    return period


@pytest.mark.parametrize("persona", ["secretariat", "chair"])
def test_results_page_of_a_preparing_period_shows_an_empty_state_without_documents(
    client_for, request, preparing, persona
):
    response = client_for(request.getfixturevalue(persona)).get(reverse("scoring:period", args=[2023]))

    assert response.status_code == 200
    body = response.content.decode()
    assert f'<p class="alert alert-info" id="results-empty">{PREPARING}</p>' in body
    assert "Sở Khoa học và Công nghệ" not in body and "0,00" not in body
    assert "Không hoàn thành nhiệm vụ" not in body
    assert reverse("scoring:csv", args=[2023]) not in body
    assert "Tải quyết định" not in body and "Tải phụ lục" not in body
    assert "Tính tạm</button>" not in body


@pytest.mark.parametrize("route", DOCUMENTS)
def test_documents_of_a_preparing_period_answer_409_with_the_reason(
    client_for, secretariat, preparing, route
):
    response = client_for(secretariat).get(reverse(route, args=[2023]))

    assert response.status_code == 409
    assert PREPARING in response.content.decode()


def test_documents_stay_refused_even_with_an_old_provisional_run(client_for, secretariat, preparing):
    from appraisal.scoring.services import score_run_create

    score_run_create(period=preparing, by=secretariat)  # e.g. taken before the period went back to preparing
    response = client_for(secretariat).get(reverse("scoring:annex", args=[2023]))
    assert response.status_code == 409
    assert PREPARING in response.content.decode()


def test_results_of_a_period_where_no_unit_started_show_the_empty_state(
    client_for, secretariat, period, index_set, unit
):
    body = client_for(secretariat).get(reverse("scoring:period", args=[2023])).content.decode()
    assert f'<p class="alert alert-info" id="results-empty">{NOT_STARTED}</p>' in body
    response = client_for(secretariat).get(reverse("scoring:decision", args=[2023]))
    assert (response.status_code, NOT_STARTED in response.content.decode()) == (409, True)


def test_provisional_run_is_refused_while_preparing(client_for, secretariat, preparing):
    response = client_for(secretariat).post(reverse("scoring:snapshot", args=[2023]), follow=True)

    assert PREPARING in response.content.decode()
    assert not ScoreRun.objects.exists()


@pytest.mark.parametrize("persona", ["secretariat", "chair"])
def test_unit_page_of_a_preparing_period_shows_the_empty_state_not_zeros(
    client_for, request, preparing, persona
):
    """QA2: /ket-qua/2024/don-vi/stp/ showed «0,00% · Xếp hạng 1 · Yếu · Không hoàn thành nhiệm vụ» and a
    derivation of zeros while the results page already said there were none."""
    response = client_for(request.getfixturevalue(persona)).get(
        reverse("scoring:unit_detail", args=[2023, "skhcn"])
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert f'<p class="alert alert-info" id="results-empty">{PREPARING}</p>' in body
    assert "0,00" not in body and "Không hoàn thành nhiệm vụ" not in body and "Xếp hạng" not in body
