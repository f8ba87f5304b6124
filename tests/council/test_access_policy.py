"""Issue 10 (SPEC §6a): who sees what, and when. Each test is named after a behaviour observed before the policy;
the table itself is tested as data in the last tests."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal.core.access import TABLE, Moment, Persona, visible
from appraisal.council import services
from appraisal.council.access import REFUSALS, Subject, moment_of, persona_of
from appraisal.registry.models import Phase
from appraisal.scoring.models import ScoreRun
from tests.council.conftest import appraise_all, entry_of, set_phase
from tests.factories import PeriodFactory, UserFactory, grant

REASON = "Kế hoạch CCHC ban hành sau ngày 31/01."


def _round1(world, by, code="1.1", value="Không", reason=REASON, unit="skhcn"):
    entry = entry_of(world[unit], code)
    return services.round1_record(
        entry=entry, value=value, reason=reason, by=by, expected_version=entry.version
    )


def _appraised(world, member, secretariat, code="1.1", value="Không", reason=REASON):
    """Round 1 on every item of skhcn (one lowered with ``reason``), closed."""
    appraise_all(world["skhcn"], member, overrides={code: value}, reasons={code: reason})
    services.assessment_mark_appraised(assessment=world["skhcn"], by=secretariat)
    return entry_of(world["skhcn"], code)


def test_unit_sees_no_round1_index_or_notice_before_the_notice(
    world, member, editor, secretariat, client_for
):
    _round1(world, member)
    client = client_for(editor)
    body = client.get(reverse("scoring:unit_detail", args=[2023, "skhcn"])).content.decode()
    assert REASON not in body
    assert 'id="unit-index"' not in body and "Xếp hạng" not in body
    assert 'id="result-pending"' in body
    assert client.get(reverse("scoring:unit_doc", args=[2023, "skhcn", "notice"])).status_code == 403
    assert client.get(reverse("scoring:unit_report", args=[2023, "skhcn", "notice"])).status_code == 403


def test_unit_sees_round1_and_notice_once_issued(world, member, editor, secretariat, client_for):
    _appraised(world, member, secretariat)
    set_phase(world["period"], Phase.EXPLANATION)  # notices issued
    client_for(secretariat).post(reverse("scoring:snapshot", args=[2023]))
    client = client_for(editor)
    body = client.get(reverse("scoring:unit_detail", args=[2023, "skhcn"])).content.decode()
    assert REASON in body
    assert 'id="unit-index"' not in body  # the index waits for finalisation
    response = client.get(reverse("scoring:unit_doc", args=[2023, "skhcn", "notice"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_conflicted_member_reads_nothing_of_own_units_round1_on_results(world, secretariat, client_for):
    member_stp = UserFactory(username="member.stp.only")
    grant(member_stp, "member", world["stp"].unit)
    _round1(world, secretariat, unit="stp")
    client = client_for(member_stp)
    entry = entry_of(world["stp"], "1.1")
    assert client.get(reverse("council:entry", args=[entry.pk])).status_code == 404
    response = client.get(reverse("scoring:unit_detail", args=[2023, "stp"]))
    assert REASON not in response.content.decode()
    for kind in ("notice", "shortcomings"):
        assert client.get(reverse("scoring:unit_doc", args=[2023, "stp", kind])).status_code == 403
    assert client.get(reverse("scoring:unit_report", args=[2023, "stp", "notice"])).status_code == 403


def test_item_history_hides_round1_before_notice_and_member_names_from_the_unit(
    world, member, editor, conflicted_member, secretariat, client_for
):
    """The unit's people and a council member of the unit (SPEC §6a: as the unit's people) read the same."""
    member.first_name = "Hoàng Minh Tuấn"
    member.save()
    entry = _round1(world, member, value="55%", code="1.2", reason="Chỉ đạt 55%.")
    url = reverse("council:entry_history", args=[entry.pk])
    for reader in (editor, conflicted_member):
        body = client_for(reader).get(url).content.decode()
        assert "55%" not in body and "Chỉ đạt 55%." not in body and "Hoàng Minh Tuấn" not in body
    _appraised(world, member, secretariat, code="1.2", value="55%", reason="Chỉ đạt 55%.")
    set_phase(world["period"], Phase.EXPLANATION)
    for reader in (editor, conflicted_member):
        body = client_for(reader).get(url).content.decode()
        assert "55%" in body and "Chỉ đạt 55%." in body
        assert "Hoàng Minh Tuấn" not in body and "Hội đồng thẩm định" in body
    # Inside the council the appraiser is named.
    assert "Hoàng Minh Tuấn" in client_for(secretariat).get(url).content.decode()


def test_chair_of_another_year_cannot_reopen_through_the_page(world, client_for):
    chair_2022 = UserFactory(username="chair.2022")
    grant(chair_2022, "chair", None, PeriodFactory(year=2022))
    set_phase(world["period"], Phase.FINALISED)
    response = client_for(chair_2022).post(reverse("scoring:reopen", args=[2023]), {"reason": "Sai sót"})
    assert response.status_code == 403
    world["period"].refresh_from_db()
    assert world["period"].phase == Phase.FINALISED


def test_unit_document_get_writes_nothing_and_reads_the_period_once(world, member, secretariat, client_for):
    _appraised(world, member, secretariat)
    set_phase(world["period"], Phase.EXPLANATION)
    client = client_for(secretariat)
    url = reverse("scoring:unit_doc", args=[2023, "skhcn", "notice"])
    response = client.get(url)
    assert response.status_code == 409
    assert "Tính tạm" in response.content.decode()
    assert ScoreRun.objects.count() == 0
    client.post(reverse("scoring:snapshot", args=[2023]))
    assert ScoreRun.objects.count() == 1
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    assert ScoreRun.objects.count() == 1
    period_reads = [q for q in ctx.captured_queries if 'FROM "registry_period"' in q["sql"]]
    assert len(period_reads) == 1


def test_member_sees_no_ranking_before_finalisation(world, member, observer, client_for):
    assert client_for(member).get(reverse("scoring:period", args=[2023])).status_code == 403
    assert client_for(observer).get(reverse("scoring:period", args=[2023])).status_code == 403
    set_phase(world["period"], Phase.FINALISED)
    assert client_for(member).get(reverse("scoring:period", args=[2023])).status_code == 200


def test_other_units_people_see_only_the_published_table(world, other_editor, client_for):
    client = client_for(other_editor)
    assert client.get(reverse("scoring:unit_detail", args=[2023, "skhcn"])).status_code == 404
    assert client.get(reverse("scoring:period", args=[2023])).status_code == 403
    set_phase(world["period"], Phase.APPROVED)
    body = client.get(reverse("scoring:period", args=[2023])).content.decode()
    assert "Tự đánh giá" not in body[body.index('id="main"') :] and "Chỉ số CCHC (%)" in body


# The table as data ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("what", "persona", "moment", "expected"),
    [
        ("round1", Persona.UNIT, Moment.A, False),
        ("round1", Persona.UNIT, Moment.N, True),
        ("round1", Persona.CONFLICTED, Moment.A, False),
        ("round1", Persona.ASSIGNED, Moment.A, True),
        ("round1", Persona.OBSERVER, Moment.R, False),
        ("round1", Persona.OBSERVER, Moment.F, True),
        ("total", Persona.UNIT, Moment.R, False),
        ("total", Persona.UNIT, Moment.F, True),
        ("total", Persona.OTHER, Moment.F, False),
        ("total", Persona.OTHER, Moment.P, True),
        ("ranks", Persona.UNIT, Moment.F, False),
        ("ranks", Persona.ASSIGNED, Moment.F, True),
        ("decision", Persona.LEADER, Moment.S, True),
        ("inputs", Persona.OTHER, Moment.P, False),
    ],
)
def test_visibility_table_reads_as_spec_6a(what, persona, moment, expected):
    assert visible(what, persona, moment, submitted=True, explained=True) is expected


def test_inputs_reach_members_and_observers_only_once_submitted():
    assert not visible("inputs", Persona.ASSIGNED, Moment.S, submitted=False)
    assert visible("inputs", Persona.ASSIGNED, Moment.A, submitted=True)
    assert not visible("explanation", Persona.ASSIGNED, Moment.N, explained=False)
    assert set(TABLE) == {
        "inputs",
        "round1",
        "explanation",
        "round2",
        "survey",
        "total",
        "ranks",
        "notice",
        "decision",
    }


def test_personas_and_moments_read_roles_in_the_objects_period(
    world, member, conflicted_member, chair, editor
):
    subject = Subject.of(world["skhcn"])
    assert persona_of(editor, subject) == Persona.UNIT
    assert persona_of(conflicted_member, subject) == Persona.CONFLICTED
    assert persona_of(member, subject) == Persona.ASSIGNED
    assert persona_of(chair, subject) == Persona.LEADER
    chair_2022 = UserFactory(username="chair.only.2022")
    grant(chair_2022, "chair", None, PeriodFactory(year=2022))
    assert persona_of(chair_2022, subject) == Persona.OTHER
    assert moment_of(subject) == Moment.A


def test_observer_sees_a_units_inputs_only_once_submitted(world, observer, client_for):
    from appraisal.assessments.models import Assessment, AssessmentState

    url = reverse("assessments:detail", args=[world["skhcn"].pk])
    assert client_for(observer).get(url).status_code == 200  # submitted
    Assessment.objects.filter(pk=world["skhcn"].pk).update(state=AssessmentState.DRAFT)
    response = client_for(observer).get(url)
    assert response.status_code == 403
    assert REFUSALS["inputs"] in response.content.decode()
