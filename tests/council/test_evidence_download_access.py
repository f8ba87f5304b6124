"""QA report item 3 (SPEC §6a, row "the unit's inputs, notes, evidence"; roles read in the object's period):
who downloads a unit's evidence file, and when.

- The unit's own people of the current period: always, every file of their library (a role of 2022 only: nothing).
- Anyone else: only when, for an assessment whose items link the file, the policy lets them see that assessment
  now (observers and assigned members once submitted, the chair and the secretariat of that period always, a
  council member of the unit as its people), or as an assigned council member through the council's items.
- A file linked to nothing: the unit's people and the secretariat (or the administrator) of the current period.
- A known person refused by the moment gets 403 with the reason; anyone else 404, existing file or not."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from appraisal.assessments.models import Assessment, AssessmentState, EvidenceLink, EvidenceVersion
from appraisal.assessments.services import evidence_store_upload
from appraisal.core import roles
from appraisal.registry.models import Phase, UnitMembership
from tests.council.conftest import entry_of, set_phase, submit_assessment
from tests.factories import PeriodFactory, UserFactory, build_index_set, grant, member_of

INPUTS_REFUSAL = "Bản tự đánh giá của đơn vị chỉ được xem sau khi đơn vị nộp."


def _file(assessment, by, *, code="1.1", name="ke-hoach.pdf", layer="self"):
    evidence = evidence_store_upload(
        unit=assessment.unit,
        uploaded=SimpleUploadedFile(name, b"%PDF-1.4 " + name.encode(), "application/pdf"),
        by=by,
    )
    if code is not None:
        EvidenceLink.objects.create(entry=entry_of(assessment, code), evidence=evidence, layer=layer, by=by)
    return evidence


def _url(evidence) -> str:
    return reverse("assessments:evidence_download", args=[evidence.pk])


def _as_draft(assessment) -> None:
    Assessment.objects.filter(pk=assessment.pk).update(state=AssessmentState.DRAFT)
    set_phase(assessment.period, Phase.SELF_ASSESSMENT)


def test_observer_is_refused_a_draft_self_assessments_evidence_with_the_reason(
    world, editor, observer, client_for
):
    evidence = _file(world["skhcn"], editor)
    _as_draft(world["skhcn"])
    response = client_for(observer).get(_url(evidence))
    assert response.status_code == 403
    assert INPUTS_REFUSAL in response.content.decode()


def test_observer_downloads_the_evidence_once_the_unit_submitted(world, editor, observer, client_for):
    evidence = _file(world["skhcn"], editor)
    response = client_for(observer).get(_url(evidence))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 ke-hoach.pdf"


def test_observer_is_refused_the_old_version_of_a_draft_self_assessments_evidence(
    world, editor, observer, client_for
):
    evidence = _file(world["skhcn"], editor)
    version = EvidenceVersion.objects.create(
        evidence=evidence, file_id=evidence.file_id, original_name="v1.pdf", by=editor
    )
    url = reverse("assessments:evidence_version_download", args=[evidence.pk, version.pk])
    assert client_for(observer).get(url).status_code == 200
    _as_draft(world["skhcn"])
    response = client_for(observer).get(url)
    assert response.status_code == 403
    assert INPUTS_REFUSAL in response.content.decode()


def test_unit_people_download_their_draft_and_unlinked_files(world, editor, head, client_for):
    linked = _file(world["skhcn"], editor)
    unlinked = _file(world["skhcn"], editor, code=None, name="thu-vien.pdf")
    _as_draft(world["skhcn"])
    for who in (editor, head):
        assert client_for(who).get(_url(linked)).status_code == 200
        assert client_for(who).get(_url(unlinked)).status_code == 200


def test_a_2022_only_secretariat_or_observer_gets_404_for_2023_evidence(world, editor, client_for):
    evidence = _file(world["skhcn"], editor)
    period_2022 = PeriodFactory(year=2022)
    for role in (roles.SECRETARIAT, roles.OBSERVER):
        user = UserFactory(username=f"{role}.2022")
        grant(user, role, None, period_2022)
        response = client_for(user).get(_url(evidence))
        assert response.status_code == 404, role
        assert (
            client_for(user).get(reverse("assessments:detail", args=[world["skhcn"].pk])).status_code == 404
        )


def test_secretariat_of_2023_downloads_a_draft_units_evidence(world, editor, client_for):
    secretariat_2023 = UserFactory(username="secretariat.2023")
    grant(secretariat_2023, roles.SECRETARIAT, None, world["period"])
    evidence = _file(world["skhcn"], editor)
    _as_draft(world["skhcn"])
    assert client_for(secretariat_2023).get(_url(evidence)).status_code == 200


def test_other_units_people_get_404_for_existing_and_unknown_evidence(
    world, editor, other_editor, client_for
):
    evidence = _file(world["skhcn"], editor)
    client = client_for(other_editor)
    assert client.get(_url(evidence)).status_code == 404
    assert client.get(reverse("assessments:evidence_download", args=[evidence.pk + 1000])).status_code == 404
    set_phase(world["period"], Phase.APPROVED)  # published results: still never another unit's inputs
    assert client.get(_url(evidence)).status_code == 404


def test_file_linked_to_nothing_reaches_only_the_unit_and_the_current_secretariat(
    world, editor, secretariat, observer, member, admin_user, client_for
):
    evidence = _file(world["skhcn"], editor, code=None, name="thu-vien.pdf")
    assert client_for(secretariat).get(_url(evidence)).status_code == 200
    assert client_for(admin_user).get(_url(evidence)).status_code == 200
    for who in (observer, member):
        assert client_for(who).get(_url(evidence)).status_code == 404
    secretariat_2022 = UserFactory(username="secretariat.2022")
    grant(secretariat_2022, roles.SECRETARIAT, None, PeriodFactory(year=2022))
    assert client_for(secretariat_2022).get(_url(evidence)).status_code == 404


def test_a_removed_link_no_longer_opens_the_file_to_observers(world, editor, observer, client_for):
    evidence = _file(world["skhcn"], editor)
    EvidenceLink.objects.filter(evidence=evidence).update(removed_at=timezone.now(), removed_by=editor)
    assert client_for(observer).get(_url(evidence)).status_code == 404


def test_a_file_linked_in_a_submitted_and_a_draft_assessment_opens_through_the_submitted_one(
    world, editor, observer, client_for
):
    """The library spans years: a 2022 file linked again in the 2023 draft still opens to the observer through
    the submitted 2022 assessment."""
    period_2022 = PeriodFactory(year=2022)
    group = UnitMembership.objects.get(period=world["period"], unit=world["skhcn"].unit).group
    member_of(period_2022, world["skhcn"].unit, group)
    build_index_set(period_2022, group)
    old = submit_assessment(period_2022, world["skhcn"].unit, editor)
    evidence = _file(world["skhcn"], editor)
    EvidenceLink.objects.create(entry=entry_of(old, "1.1"), evidence=evidence, layer="self", by=editor)
    _as_draft(world["skhcn"])
    assert client_for(observer).get(_url(evidence)).status_code == 200


def test_assigned_member_downloads_evidence_of_their_items_and_the_conflicted_member_as_the_unit(
    world, editor, member, conflicted_member, client_for
):
    evidence = _file(world["skhcn"], editor)
    assert client_for(member).get(_url(evidence)).status_code == 200
    assert client_for(conflicted_member).get(_url(evidence)).status_code == 200
    _as_draft(world["skhcn"])
    response = client_for(member).get(_url(evidence))
    assert response.status_code == 403
    assert INPUTS_REFUSAL in response.content.decode()
    assert client_for(conflicted_member).get(_url(evidence)).status_code == 200


def test_explanation_evidence_reaches_observers_only_from_finalisation(world, editor, observer, client_for):
    """SPEC §6a row "explanation": observers from F (the self-assessment's files once submitted)."""
    evidence = _file(world["skhcn"], editor, layer="explanation", name="giai-trinh.pdf")
    Assessment.objects.filter(pk=world["skhcn"].pk).update(
        state=AssessmentState.EXPLAINED, explanation_submitted_at=timezone.now()
    )
    set_phase(world["period"], Phase.REAPPRAISAL)
    response = client_for(observer).get(_url(evidence))
    assert response.status_code == 403
    assert "Giải trình của đơn vị chỉ được xem sau khi Hội đồng chốt kết quả." in response.content.decode()
    set_phase(world["period"], Phase.FINALISED)
    assert client_for(observer).get(_url(evidence)).status_code == 200


def test_a_units_people_and_council_member_of_2022_only_get_nothing_of_its_2023_files(
    world, editor, client_for
):
    """QA2: the unit's editor or head, or a council member of the unit, whose role is for 2022 only, downloaded
    the unit's 2023 files (the unit's people were let in every period). Roles are read in the period of the
    file's assessment, or the current period for the unit's library: 404 for both, as for its pages."""
    evidence = _file(world["skhcn"], editor)
    library = _file(world["skhcn"], editor, code=None, name="thu-vien.pdf")
    period_2022 = PeriodFactory(year=2022)
    unit = world["skhcn"].unit
    editor_2022, member_2022 = UserFactory(username="editor.2022"), UserFactory(username="member.skhcn.2022")
    grant(editor_2022, roles.UNIT_EDITOR, unit, period_2022)
    grant(member_2022, roles.MEMBER, unit, period_2022)
    for user in (editor_2022, member_2022):
        client = client_for(user)
        assert client.get(_url(evidence)).status_code == 404, user.username
        assert client.get(_url(library)).status_code == 404, user.username
    # The unit's people of this period (a role without a period counts everywhere) keep their whole library.
    assert client_for(editor).get(_url(library)).status_code == 200
