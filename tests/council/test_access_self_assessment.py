"""Issue 10: the self-assessment pages ask SPEC §6a (row "inputs") through the council's policy, registered as
the assessments app's one view check at start-up: the period's chair and an assigned council member see a unit's
submitted self-assessment, a council member of the unit sees it as the unit's people do (read-only); a chair of
another year only and other units' people do not; a draft stays with the unit's people, the chair and the secretariat (observers and assigned members wait for
the submission). Editing stays with the unit's editors."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appraisal.assessments.models import Assessment, AssessmentState
from appraisal.assessments.selectors import ASSESSMENT_VIEW_RULES
from appraisal.core import roles
from appraisal.council.access import REFUSALS, assessment_view_check
from tests.factories import PeriodFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

PAGES = ("assessments:detail", "assessments:form", "assessments:print", "assessments:excel")


@pytest.fixture
def chair_2023(world):
    user = UserFactory(username="chair.2023")
    grant(user, roles.CHAIR, None, world["period"])
    return user


@pytest.fixture
def chair_2022_only(world):
    user = UserFactory(username="chair.2022.only")
    grant(user, roles.CHAIR, None, PeriodFactory(year=2022))
    return user


def answers(client_for, user, pk: int) -> dict[str, int]:
    client = client_for(user)
    return {name: client.get(reverse(name, args=[pk])).status_code for name in PAGES}


def all_(code: int) -> dict[str, int]:
    return dict.fromkeys(PAGES, code)


def test_the_council_policy_is_the_self_assessment_view_check():
    assert [assessment_view_check] == ASSESSMENT_VIEW_RULES


def test_chair_of_2023_sees_skhcns_submitted_self_assessment_and_its_print_view(
    world, chair_2023, client_for
):
    pk = world["skhcn"].pk
    assert answers(client_for, chair_2023, pk) == all_(200)
    page = client_for(chair_2023).get(reverse("assessments:print", args=[pk])).content.decode()
    assert "Sở Khoa học và Công nghệ" in page


def test_assigned_member_sees_skhcns_submitted_self_assessment_and_its_print_view(world, member, client_for):
    pk = world["skhcn"].pk
    assert answers(client_for, member, pk) == all_(200)
    page = client_for(member).get(reverse("assessments:print", args=[pk])).content.decode()
    assert "Sở Khoa học và Công nghệ" in page


def test_assigned_member_and_chair_may_not_edit_the_units_self_assessment(
    world, member, chair_2023, client_for
):
    pk = world["skhcn"].pk
    Assessment.objects.filter(pk=pk).update(state=AssessmentState.DRAFT)
    for user in (member, chair_2023):
        response = client_for(user).post(reverse("assessments:submit", args=[pk]))
        assert response.status_code == 403, user
    assert Assessment.objects.get(pk=pk).state == AssessmentState.DRAFT


def test_conflicted_member_sees_their_own_units_self_assessment_as_its_people_do(
    world, conflicted_member, client_for
):
    """SPEC §6a, column "council member of that unit": the unit's inputs as the unit's people see them, so
    also a draft; read-only (they hold no editor role), and the council's item pages still answer 404."""
    pk = world["skhcn"].pk
    assert answers(client_for, conflicted_member, pk) == all_(200)
    Assessment.objects.filter(pk=pk).update(state=AssessmentState.DRAFT)
    assert answers(client_for, conflicted_member, pk) == all_(200)
    page = client_for(conflicted_member).get(reverse("assessments:detail", args=[pk])).content.decode()
    assert "Sở Khoa học và Công nghệ" in page
    assert client_for(conflicted_member).post(reverse("assessments:submit", args=[pk])).status_code == 403
    assert Assessment.objects.get(pk=pk).state == AssessmentState.DRAFT
    entry = world["skhcn"].entries.first()
    assert client_for(conflicted_member).get(reverse("council:entry", args=[entry.pk])).status_code == 404


def test_chair_of_2022_only_is_refused_the_2023_self_assessment(world, chair_2022_only, client_for):
    assert answers(client_for, chair_2022_only, world["skhcn"].pk) == all_(404)


def test_other_units_editor_still_gets_404(world, other_editor, client_for):
    assert answers(client_for, other_editor, world["skhcn"].pk) == all_(404)


def test_a_draft_stays_hidden_from_assigned_members_and_observers(world, member, observer, client_for):
    pk = world["skhcn"].pk
    Assessment.objects.filter(pk=pk).update(state=AssessmentState.DRAFT)
    for user in (member, observer):
        assert answers(client_for, user, pk) == all_(403), user
        page = client_for(user).get(reverse("assessments:detail", args=[pk])).content.decode()
        assert REFUSALS["inputs"] in page
        assert "Sở Khoa học và Công nghệ" not in page


def test_a_returned_self_assessment_is_hidden_from_assigned_members_again(world, member, client_for):
    pk = world["skhcn"].pk
    Assessment.objects.filter(pk=pk).update(state=AssessmentState.RETURNED)
    assert answers(client_for, member, pk) == all_(403)


def test_a_draft_is_seen_by_the_units_people_the_chair_and_the_secretariat(
    world, editor, head, chair_2023, secretariat, client_for
):
    pk = world["skhcn"].pk
    Assessment.objects.filter(pk=pk).update(state=AssessmentState.DRAFT)
    for user in (editor, head, chair_2023, secretariat):
        assert answers(client_for, user, pk) == all_(200), user


def test_history_of_the_self_assessment_names_the_council_not_its_people_outside_it(
    world, member, secretariat, editor, conflicted_member, observer, chair_2023, client_for
):
    """QA: the «Lịch sử» of /tu-danh-gia/<pk>/ showed the secretariat's or chair's name on the council's moves to
    the unit's people. Outside the council (the unit, a council member of the unit, observers) those rows read
    «Hội đồng thẩm định», as the item history does; the chair and the secretariat read the name."""
    from appraisal.council import services as council_services
    from tests.council.conftest import appraise_all

    secretariat.first_name = "Phan Thị Thư Ký"
    secretariat.save()
    skhcn = world["skhcn"]
    appraise_all(skhcn, member)
    council_services.assessment_mark_appraised(assessment=skhcn, by=secretariat)
    url = reverse("assessments:detail", args=[skhcn.pk])
    for outside in (editor, conflicted_member, observer):
        body = client_for(outside).get(url).content.decode()
        history = body.split('id="events-title"')[1]
        assert "Phan Thị Thư Ký" not in history and "Hội đồng thẩm định" in history, outside.username
    for inside in (secretariat, chair_2023):
        history = client_for(inside).get(url).content.decode().split('id="events-title"')[1]
        assert "Phan Thị Thư Ký" in history, inside.username
