"""QA: a file the unit attaches to its explanation (giải trình) follows the explanation's own moment (SPEC §6a,
row "explanation"): while the explanation is a draft it is the unit's own — its people, a council member of the
unit (as its people), the chair and the secretariat; the assigned council member downloads it, and sees its link,
only once the unit sent the explanation; observers from finalisation; other units' people never (404).

What happened: the assigned member downloaded the draft's file through the council's item-level rule, and the
council's item page and layers page showed the draft's text and the file's link."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appraisal.assessments.models import AssessmentState, EvidenceLink
from appraisal.council import services
from appraisal.registry.models import Phase
from tests.council.conftest import appraise_all, entry_of, set_phase

DRAFT_TEXT = "Kế hoạch đã ban hành ngày 05/01, xem tệp đính kèm."
NOT_SENT = "Giải trình của đơn vị chỉ được xem sau khi đơn vị gửi giải trình."
NOT_FINALISED = "Giải trình của đơn vị chỉ được xem sau khi Hội đồng chốt kết quả."


@pytest.fixture
def draft(world, member, chair, editor, client_for):
    """skhcn's item 1.1 lowered in round 1, the notice issued; the editor writes the explanation and uploads a
    file through the explanation page, not yet sent."""
    a = world["skhcn"]
    appraise_all(a, member, overrides={"1.1": "Không"}, reasons={"1.1": "Kế hoạch ban hành sau hạn."})
    services.assessment_mark_appraised(assessment=a, by=chair)
    set_phase(world["period"], Phase.EXPLANATION)
    entry = entry_of(a, "1.1")
    services.explanation_record(entry=entry, text=DRAFT_TEXT, by=editor, expected_version=entry.version)
    response = client_for(editor).post(
        reverse("council:explanation_upload", args=[entry.pk]),
        {
            f"f{entry.pk}-file": SimpleUploadedFile(
                "giai-trinh.pdf", b"%PDF-1.4 giai trinh", "application/pdf"
            ),
            f"f{entry.pk}-title": "Quyết định ban hành kế hoạch",
        },
    )
    assert response.status_code == 302
    link = EvidenceLink.objects.get(entry=entry, layer="explanation")
    return {"assessment": a, "entry": entry, "evidence": link.evidence}


def _download(evidence) -> str:
    return reverse("assessments:evidence_download", args=[evidence.pk])


def _send(client_for, head, assessment) -> None:
    """The head sends the explanation through its page (the test client is then logged in as the head)."""
    response = client_for(head).post(reverse("council:explanation_submit", args=[assessment.pk]))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.EXPLAINED


def test_assigned_member_is_refused_a_draft_explanations_file_with_the_reason(draft, member, client_for):
    response = client_for(member).get(_download(draft["evidence"]))
    assert response.status_code == 403
    assert NOT_SENT in response.content.decode()


def test_assigned_member_downloads_the_explanations_file_once_the_unit_sent_it(
    draft, member, head, client_for
):
    _send(client_for, head, draft["assessment"])
    response = client_for(member).get(_download(draft["evidence"]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 giai trinh"


def test_a_draft_explanations_file_opens_to_the_unit_its_council_member_the_chair_and_the_secretariat(
    draft, editor, head, conflicted_member, chair, secretariat, client_for
):
    for who in (editor, head, conflicted_member, chair, secretariat):
        assert client_for(who).get(_download(draft["evidence"])).status_code == 200, who.username


def test_observers_get_the_explanations_file_only_from_finalisation_and_other_units_never(
    world, draft, observer, other_editor, head, client_for
):
    url = _download(draft["evidence"])
    for sent in (False, True):
        if sent:
            _send(client_for, head, draft["assessment"])
        response = client_for(observer).get(url)
        assert response.status_code == 403, sent
        assert NOT_FINALISED in response.content.decode()
        assert client_for(other_editor).get(url).status_code == 404, sent
    set_phase(world["period"], Phase.FINALISED)
    assert client_for(observer).get(url).status_code == 200
    assert client_for(other_editor).get(url).status_code == 404


def test_the_councils_pages_show_a_draft_explanation_and_its_file_only_once_sent(
    draft, member, head, client_for
):
    a, entry = draft["assessment"], draft["entry"]
    c = client_for(member)
    link = _download(draft["evidence"])
    pages = (reverse("council:entry", args=[entry.pk]), reverse("council:layers", args=[a.pk]))
    for url in pages:
        response = c.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert link not in body and DRAFT_TEXT not in body, url
    # The explanation page is the unit's own: the assigned member does not reach it, sent or not.
    assert c.get(reverse("council:explanation", args=[a.pk])).status_code == 404
    _send(client_for, head, a)
    c = client_for(member)
    for url in pages:
        body = c.get(url).content.decode()
        assert link in body and DRAFT_TEXT in body, url
    assert c.get(reverse("council:explanation", args=[a.pk])).status_code == 404


def test_the_round2_page_shows_no_draft_explanation_to_the_assigned_member(draft, member, head, client_for):
    a = draft["assessment"]
    c = client_for(member)
    response = c.get(reverse("council:appraise_round2", args=[a.pk]))
    assert response.status_code == 403
    body = response.content.decode()
    assert "Bạn không có mục nào để thẩm định vòng 2 ở Sở Khoa học và Công nghệ." in body
    assert DRAFT_TEXT not in body and _download(draft["evidence"]) not in body
    _send(client_for, head, a)
    body = client_for(member).get(reverse("council:appraise_round2", args=[a.pk])).content.decode()
    assert DRAFT_TEXT in body and _download(draft["evidence"]) in body


def _dashboard_row(client, assessment) -> list[str]:
    """The cells of the unit's row on the council's dashboard, tags stripped."""
    body = client.get(reverse("council:dashboard", args=[2023])).content.decode()
    row = re.search(
        r'<a href="{}">.*?</tr>'.format(re.escape(reverse("council:layers", args=[assessment.pk]))),
        body,
        re.S,
    )
    assert row is not None
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(0))]


def test_the_councils_dashboard_counts_explained_items_once_the_explanation_is_sent(
    draft, member, head, client_for
):
    a = draft["assessment"]
    # state, items, round 1 done, lowered, explained, round 2 done, one-page link
    assert _dashboard_row(client_for(member), a) == ["Đã thẩm định vòng 1", "8", "8", "1", "0", "0", ""]
    _send(client_for, head, a)
    assert _dashboard_row(client_for(member), a) == [
        "Đã gửi giải trình", "8", "8", "1", "1", "0", "Thẩm định vòng 2"
    ]  # fmt: skip


def test_the_chair_and_the_secretariat_see_the_draft_explanation_and_its_file_on_the_councils_pages(
    draft, chair, secretariat, client_for
):
    link = _download(draft["evidence"])
    for who in (chair, secretariat):
        body = client_for(who).get(reverse("council:entry", args=[draft["entry"].pk])).content.decode()
        assert link in body and DRAFT_TEXT in body, who.username


def test_the_unit_sees_its_draft_explanations_file_on_its_explanation_page(draft, editor, client_for):
    body = (
        client_for(editor).get(reverse("council:explanation", args=[draft["assessment"].pk])).content.decode()
    )
    assert _download(draft["evidence"]) in body and "Quyết định ban hành kế hoạch" in body
