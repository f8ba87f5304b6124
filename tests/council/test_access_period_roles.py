"""Issue 10 behaviour 4, for the secretariat: a role held for another year only grants nothing in this one. Each
action below asked a role predicate that ignored the period (``roles.is_secretariat``)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appraisal.assessments.models import Assessment, AssessmentState
from appraisal.core import roles
from appraisal.registry.models import Phase
from tests.council.conftest import set_phase
from tests.factories import PeriodFactory, UserFactory, grant


@pytest.fixture
def secretariat_2022(db):
    user = UserFactory(username="secretariat.2022")
    grant(user, roles.SECRETARIAT, None, PeriodFactory(year=2022))
    return user


@pytest.mark.parametrize(
    ("route", "data"),
    [
        ("assessments:return", {"reason": "Thiếu tài liệu."}),
        ("assessments:extend", {"until": "2030-01-01T10:00"}),
        ("assessments:close_not_submitted", {"reason": "Không nộp."}),
    ],
)
def test_secretariat_of_2022_only_cannot_act_on_a_2023_self_assessment(
    route, data, world, secretariat_2022, client_for
):
    skhcn = world["skhcn"]
    before = Assessment.objects.get(pk=skhcn.pk).state
    response = client_for(secretariat_2022).post(reverse(route, args=[skhcn.pk]), data)
    assert response.status_code == 404  # nobody in 2023: the unit is not theirs to know
    assert Assessment.objects.get(pk=skhcn.pk).state == before


def test_secretariat_of_2022_only_cannot_snapshot_or_approve_2023(world, secretariat_2022, client_for):
    set_phase(world["period"], Phase.FINALISED)
    c = client_for(secretariat_2022)
    snapshot = c.post(reverse("scoring:snapshot", args=[2023]))
    approve = c.post(reverse("scoring:approve", args=[2023]), {"number": "1/QĐ", "date": "2024-02-05"})
    assert (snapshot.status_code, approve.status_code) == (403, 403)
    assert "Chỉ Tổ thư ký kỳ 2023" in snapshot.content.decode()


def test_secretariat_of_2023_still_returns_a_2023_self_assessment(world, secretariat, client_for):
    skhcn = world["skhcn"]
    assert skhcn.state == AssessmentState.SUBMITTED
    response = client_for(secretariat).post(
        reverse("assessments:return", args=[skhcn.pk]), {"reason": "Thiếu."}
    )
    assert response.status_code == 302
    assert Assessment.objects.get(pk=skhcn.pk).state == AssessmentState.RETURNED


@pytest.mark.parametrize("who", ["secretariat", "observer"])
def test_submit_by_someone_outside_the_unit_is_a_forbidden_action_not_a_form_error(
    who, world, request, client_for
):
    """Before: the secretariat or an observer posting «Chốt» got 422 with the head's message, as if the form
    were at fault; the action is theirs to never take: 403."""
    user = request.getfixturevalue(who)
    response = client_for(user).post(reverse("assessments:submit", args=[world["skhcn"].pk]))
    assert response.status_code == 403
    assert "Bạn chỉ có quyền xem bản tự đánh giá này." in response.content.decode()
