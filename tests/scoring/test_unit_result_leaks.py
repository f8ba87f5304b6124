"""QA report items 1 and 2 (SPEC §6a): what a unit's results page and its letters show to whom.

- Other units' people get, from publication (P), the published table only (index, rank, band, head rating, field
  indices): never the council's reasons, never the items, never the shortcomings report or the final-result
  letter of another unit.
- The unit's people (and a council member of the unit) learn the unit's rank only at P: the derivation
  («Giải thích cách tính») and the final-result letter leave the rank out before that."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document

from appraisal.registry.models import Period, Phase
from appraisal.scoring.services import score_run_create
from tests.scoring.conftest import finalise_all

RANK_LINE = "Xếp hạng trong khối: 1"
OTHERS_REASON = (
    "Báo cáo tồn tại, hạn chế và thông báo kết quả cuối cùng chỉ gửi đơn vị được đánh giá; "
    "các đơn vị khác chỉ xem bảng kết quả đã công bố."
)


def _at(scored, phase: str, *, run: bool = False) -> None:
    """Every unit finalised, the period in ``phase`` (FINALISED: moment F, APPROVED: moment P)."""
    period = scored[0].period
    finalise_all(period)
    Period.objects.filter(pk=period.pk).update(phase=phase)
    if run:
        score_run_create(period=period, by=None)


def _docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_other_units_people_see_the_published_figures_but_no_item_detail(scored, other_editor, client_for):
    _at(scored, Phase.APPROVED)
    body = client_for(other_editor).get(reverse("scoring:unit_detail", args=[2023, "skhcn"])).content.decode()
    assert "94,00%" in body and "Xếp hạng 1" in body  # the published table
    assert "76,67" in body  # field 2 component index, published
    assert "Chi tiết từng tiêu chí" not in body and 'id="items"' not in body
    assert "Thiếu tài liệu kiểm chứng" not in body  # the council's reason
    assert "Giải thích cách tính" not in body  # the derivation reads items and layers


def test_other_units_people_see_no_self_assessed_total_nor_points(scored, editor, other_editor, client_for):
    """The unit's self-assessed total is its inputs (never for other units' people); the published table has the
    index, not the points."""
    _at(scored, Phase.APPROVED)
    url = reverse("scoring:unit_detail", args=[2023, "skhcn"])
    body = client_for(other_editor).get(url).content.decode()
    assert "Tự đánh giá:" not in body and "Tổng điểm / điểm tối đa" not in body
    own = client_for(editor).get(url).content.decode()
    assert "Tự đánh giá:" in own and "Tổng điểm / điểm tối đa" in own


def test_unit_people_still_see_item_detail_and_reasons_after_publication(scored, editor, client_for):
    _at(scored, Phase.APPROVED)
    body = client_for(editor).get(reverse("scoring:unit_detail", args=[2023, "skhcn"])).content.decode()
    assert "Chi tiết từng tiêu chí" in body
    assert "Lý do của Hội đồng: Thiếu tài liệu kiểm chứng" in body
    assert RANK_LINE in body


@pytest.mark.parametrize("kind", ["shortcomings", "result"])
@pytest.mark.parametrize("route", ["scoring:unit_doc", "scoring:unit_report", "scoring:unit_pdf"])
def test_other_units_people_are_refused_another_units_letters_with_the_reason(
    route, kind, scored, other_editor, client_for
):
    _at(scored, Phase.APPROVED, run=True)
    response = client_for(other_editor).get(reverse(route, args=[2023, "skhcn", kind]))
    assert response.status_code == 403
    assert OTHERS_REASON in response.content.decode()


def test_other_units_people_get_no_link_to_another_units_letters(scored, other_editor, client_for):
    _at(scored, Phase.APPROVED)
    body = client_for(other_editor).get(reverse("scoring:unit_detail", args=[2023, "skhcn"])).content.decode()
    for kind in ("shortcomings", "result"):
        assert reverse("scoring:unit_report", args=[2023, "skhcn", kind]) not in body


@pytest.mark.parametrize("who", ["editor", "head", "conflicted_member"])
def test_unit_derivation_leaves_out_the_rank_until_publication(who, request, scored, client_for):
    client = client_for(request.getfixturevalue(who))
    url = reverse("scoring:unit_detail", args=[2023, "skhcn"])
    _at(scored, Phase.FINALISED)  # moment F: the unit's index, not its rank
    body = client.get(url).content.decode()
    assert "Giải thích cách tính" in body and "Tổng điểm = " in body
    assert "Xếp hạng trong khối" not in body
    Period.objects.filter(year=2023).update(phase=Phase.APPROVED)
    assert RANK_LINE in client.get(url).content.decode()


def test_council_and_observer_read_the_rank_in_the_derivation_from_finalisation(
    scored, member, observer, secretariat, client_for
):
    from appraisal.council.models import Assignment

    Assignment.objects.create(period=scored[0].period, member=member, field_code="1", created_by=secretariat)
    _at(scored, Phase.FINALISED)
    for who in (member, observer):
        body = client_for(who).get(reverse("scoring:unit_detail", args=[2023, "skhcn"])).content.decode()
        assert RANK_LINE in body


def test_chair_reads_the_live_rank_in_the_derivation(scored, chair, client_for):
    body = client_for(chair).get(reverse("scoring:unit_detail", args=[2023, "skhcn"])).content.decode()
    assert RANK_LINE in body


def test_final_result_letter_names_the_rank_only_from_publication(scored, head, client_for):
    _at(scored, Phase.FINALISED, run=True)
    client = client_for(head)
    text = _docx_text(client.get(reverse("scoring:unit_doc", args=[2023, "skhcn", "result"])).content)
    assert "Sở Khoa học và Công nghệ đạt tổng điểm " in text and "xếp thứ" not in text
    body = client.get(reverse("scoring:unit_report", args=[2023, "skhcn", "result"])).content.decode()
    assert "đạt tổng điểm" in body and "xếp thứ" not in body
    Period.objects.filter(year=2023).update(phase=Phase.APPROVED)
    text = _docx_text(client.get(reverse("scoring:unit_doc", args=[2023, "skhcn", "result"])).content)
    assert "xếp thứ 1 trong các sở, ban, ngành" in text


@pytest.mark.parametrize("who", ["observer", "member"])
def test_a_finalised_unit_of_a_running_period_shows_no_rank_until_the_period_is_finalised(
    who, request, scored, secretariat, client_for
):
    """QA: stp finalised while 2023 is still in explanation showed «Xếp hạng 13», computed live against units
    still being appraised. A rank compares units: it is shown only once the period's results are finalised."""
    from appraisal.assessments.models import Assessment, AssessmentState
    from appraisal.council.models import Assignment

    period = scored[0].period
    Assignment.objects.create(period=period, member=request.getfixturevalue("member"), field_code="1",
                              created_by=secretariat)  # fmt: skip
    Assessment.objects.filter(pk=scored[0].pk).update(state=AssessmentState.FINALISED)
    Period.objects.filter(pk=period.pk).update(phase=Phase.EXPLANATION)
    client = client_for(request.getfixturevalue(who))
    url = reverse("scoring:unit_detail", args=[2023, "skhcn"])
    body = client.get(url).content.decode()
    assert "94,00%" in body  # the unit's own result, finalised: seen from F
    assert "Xếp hạng 1" not in body and "Xếp hạng trong khối" not in body
    dashboard = client.get(reverse("dashboards:unit", args=[2023, "skhcn"])).content.decode()
    assert 'id="unit-rank">–</div><div class="small">Công bố khi Hội đồng chốt kết quả.</div>' in dashboard
    _at(scored, Phase.FINALISED)
    body = client.get(url).content.decode()
    assert "Xếp hạng 1" in body and RANK_LINE in body
