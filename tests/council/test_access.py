"""Conflict of interest and assignments: who sees and scores which items, through every council route."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import get_resolver, reverse

from appraisal.assessments.models import EvidenceLink
from appraisal.assessments.selectors import evidence_can_download
from appraisal.assessments.services import evidence_store_upload
from appraisal.council.access import entries_for_appraiser, entry_get_for_user
from appraisal.council.models import Assignment, OutboxMessage, SurveyImport
from appraisal.council.queues import workload
from appraisal.registry.models import RoleAssignment
from tests.council.conftest import entry_of
from tests.factories import GroupFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def codes(qs):
    return sorted((e.assessment.unit.code, e.node.code) for e in qs)


def test_member_sees_assigned_fields_of_other_units_never_their_own(world, member):
    seen = codes(entries_for_appraiser(member, world["period"]))
    assert seen == [("skhcn", c) for c in ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "P1", "T1"]]


def test_conflicted_member_sees_nothing_of_their_own_unit(world, conflicted_member):
    seen = codes(entries_for_appraiser(conflicted_member, world["period"]))
    assert seen == [("stp", c) for c in ["1.1", "1.2", "1.3", "1.4"]]


def test_group_assignment_limits_to_that_group(world, member, secretariat):
    Assignment.objects.filter(member=member).delete()
    other_group = GroupFactory(code="huyen")
    Assignment.objects.create(period=world["period"], member=member, field_code="1", group=other_group)
    member._council_access = {}
    assert codes(entries_for_appraiser(member, world["period"])) == []


def test_secretariat_sees_and_scores_every_item_chair_sees_but_does_not_score(world, secretariat, chair):
    assert len(codes(entries_for_appraiser(secretariat, world["period"], write=True))) == 18
    assert len(codes(entries_for_appraiser(chair, world["period"]))) == 18
    assert codes(entries_for_appraiser(chair, world["period"], write=True)) == []


def test_draft_assessments_do_not_reach_the_council(world, member):
    world["skhcn"].__class__.objects.filter(pk=world["skhcn"].pk).update(state="draft")
    assert codes(entries_for_appraiser(member, world["period"])) == []


def test_entry_get_for_appraiser_raises_404_for_own_unassigned_and_missing(world, member, conflicted_member):
    stp_entry = entry_of(world["stp"], "1.1")
    skhcn_survey = entry_of(world["skhcn"], "3.1")
    for user, pk in [
        (member, stp_entry.pk),
        (member, skhcn_survey.pk),
        (conflicted_member, 0),
        (conflicted_member, entry_of(world["skhcn"], "1.1").pk),
    ]:
        with pytest.raises(Http404):
            entry_get_for_user(user, pk, "view")
    assert entry_get_for_user(member, entry_of(world["skhcn"], "1.1").pk, "appraise").node.code == "1.1"


def test_evidence_download_for_assigned_member_and_for_own_unit_as_its_people(
    world, member, editor, other_editor, client_for
):
    skhcn_ev = evidence_store_upload(
        unit=world["skhcn"].unit, uploaded=SimpleUploadedFile("a.pdf", PDF), by=editor
    )
    stp_ev = evidence_store_upload(
        unit=world["stp"].unit, uploaded=SimpleUploadedFile("b.pdf", PDF), by=other_editor
    )
    EvidenceLink.objects.create(entry=entry_of(world["skhcn"], "1.1"), evidence=skhcn_ev, by=editor)
    EvidenceLink.objects.create(entry=entry_of(world["stp"], "1.1"), evidence=stp_ev, by=other_editor)
    """member.stp appraises skhcn's items and belongs to the Sở Tư pháp: SPEC §6a lets them download the
    evidence of the items they appraise, and their own unit's evidence as the unit's people do."""
    assert evidence_can_download(member, skhcn_ev) is True
    assert evidence_can_download(member, stp_ev) is True
    c = client_for(member)
    response = c.get(reverse("assessments:evidence_download", kwargs={"pk": skhcn_ev.pk}))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert c.get(reverse("assessments:evidence_download", kwargs={"pk": stp_ev.pk})).status_code == 200
    page = c.get(reverse("council:entry", args=[entry_of(world["skhcn"], "1.1").pk])).content.decode()
    assert reverse("assessments:evidence_download", kwargs={"pk": skhcn_ev.pk}) in page


def test_workload_counts_per_member_and_secretariat_fallback(world, member, conflicted_member):
    loads, fallback = workload(world["period"])
    assert [w.user_id for w in loads] == [conflicted_member.pk, member.pk]  # by username
    stp_row = next(w for w in loads if w.user_id == member.pk)
    skhcn_row = next(w for w in loads if w.user_id == conflicted_member.pk)
    assert (stp_row.round1_total, stp_row.round1_left) == (8, 8)
    assert (skhcn_row.round1_total, skhcn_row.round1_left) == (4, 4)
    # stp's fields 2, T1, P1 have nobody but member.stp, who is conflicted: they fall to the secretariat.
    assert (fallback.round1_total, fallback.units) == (4, {world["stp"].unit_id})


# -- every council route, as the member of the unit -------------------------------------------------------

OBJECT_KWARGS = {"entry_pk", "assessment_pk"}
SECRETARIAT_KWARGS = {"role_pk", "assignment_pk", "import_pk", "message_pk"}


def council_routes():
    prefix, resolver = get_resolver().namespace_dict["council"]
    return [(p.name, set(p.pattern.converters)) for p in resolver.url_patterns]


def test_council_routes_are_all_covered_by_the_conflict_test():
    for name, kwargs in council_routes():
        assert kwargs <= {"year"} | OBJECT_KWARGS | SECRETARIAT_KWARGS, (name, kwargs)


# Council routes that are the unit's own side (its explanation, an item's history): SPEC §6a lets a council member
# of the unit read them as the unit's people do.
UNIT_SIDE_ROUTES = {"explanation", "entry_history"}


@pytest.mark.parametrize("who", ["member", "conflicted_member"])
def test_member_gets_404_for_every_council_route_of_their_own_unit(
    world, who, request, client_for, editor, other_editor, secretariat
):
    user = request.getfixturevalue(who)
    own_key, own_unit_name = (
        ("stp", "Sở Tư pháp") if who == "member" else ("skhcn", "Sở Khoa học và Công nghệ")
    )
    own = world[own_key]
    period = world["period"]
    own_entry = entry_of(own, "1.1")
    uploader = other_editor if own_key == "stp" else editor
    ev = evidence_store_upload(unit=own.unit, uploaded=SimpleUploadedFile("own.pdf", PDF), by=uploader)
    EvidenceLink.objects.create(entry=own_entry, evidence=ev, by=uploader)
    record = SurveyImport.objects.create(
        period=period, file="survey/x.csv", file_name="x.csv", rows=1, by=secretariat
    )
    message = OutboxMessage.objects.create(
        kind="self_due", period=period, unit=own.unit, to="a@b.vn", subject="s", body="b", dedupe_key="k1"
    )
    values = {
        "year": period.year,
        "entry_pk": own_entry.pk,
        "assessment_pk": own.pk,
        "role_pk": RoleAssignment.objects.filter(user=user).first().pk,
        "assignment_pk": Assignment.objects.filter(member=user).first().pk,
        "import_pk": record.pk,
        "message_pk": message.pk,
    }
    c = client_for(user)
    checked = 0
    for name, kwargs in council_routes():
        url = reverse(f"council:{name}", kwargs={k: values[k] for k in kwargs})
        for method in ("get", "post"):
            response = getattr(c, method)(url)
            body = response.content.decode()
            if name in UNIT_SIDE_ROUTES:
                continue  # the unit's own pages: they read them as the unit's people (test_access_routes)
            if kwargs & OBJECT_KWARGS:
                assert response.status_code == 404, (name, method, response.status_code)
            elif kwargs & SECRETARIAT_KWARGS:
                assert response.status_code == 403, (name, method, response.status_code)
            else:
                assert response.status_code in (200, 302, 403, 405), (name, method, response.status_code)
            assert own_unit_name not in body, (name, method)
            assert reverse("council:entry", kwargs={"entry_pk": own_entry.pk}) not in body, (name, method)
            checked += 1
    assert checked == 2 * (len(council_routes()) - len(UNIT_SIDE_ROUTES))
    assert evidence_can_download(user, ev) is True  # their own unit's evidence, as its people
    own_entry.refresh_from_db()
    assert own_entry.round1_value == "" and own_entry.version == 1
