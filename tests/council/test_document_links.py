"""QA: a link shown opens. Before any run («Tính tạm»), a unit's page offered its notice (.docx, print, PDF) and
the results page its decision, annex and CSV, which all answered 409 «Chưa có bản tính tạm…», a step a unit cannot
take itself. The links now appear once there is a run to build them from; before, the page says who makes it."""

from __future__ import annotations

from django.urls import reverse

from appraisal.council import services
from appraisal.registry.models import Phase
from tests.council.conftest import appraise_all, set_phase

NO_RUN_UNIT = "Thông báo được tạo từ lần tính tạm kết quả của Tổ thư ký; hiện chưa có lần tính nào."
NO_RUN_PERIOD = "Quyết định, phụ lục và tệp CSV được tạo từ một lần tính kết quả; hiện chưa có lần tính nào"


def _notified(world, member, secretariat):
    appraise_all(world["skhcn"], member, overrides={"1.1": "Không"}, reasons={"1.1": "Thiếu tài liệu."})
    services.assessment_mark_appraised(assessment=world["skhcn"], by=secretariat)
    set_phase(world["period"], Phase.EXPLANATION)


def test_unit_page_offers_its_notice_only_once_a_run_exists(world, member, secretariat, editor, client_for):
    _notified(world, member, secretariat)
    unit_page = reverse("scoring:unit_detail", args=[2023, "skhcn"])
    editor_client = client_for(editor)
    body = editor_client.get(unit_page).content.decode()
    assert reverse("scoring:unit_doc", args=[2023, "skhcn", "notice"]) not in body
    assert NO_RUN_UNIT in body

    client_for(secretariat).post(reverse("scoring:snapshot", args=[2023]))
    body = editor_client.get(unit_page).content.decode()
    assert NO_RUN_UNIT not in body
    for url in (
        reverse("scoring:unit_doc", args=[2023, "skhcn", "notice"]),
        reverse("scoring:unit_report", args=[2023, "skhcn", "notice"]),
    ):
        assert url in body
        assert editor_client.get(url).status_code == 200


def test_results_page_offers_documents_only_once_a_run_exists(world, member, secretariat, client_for):
    _notified(world, member, secretariat)
    client = client_for(secretariat)
    page = reverse("scoring:period", args=[2023])
    body = client.get(page).content.decode()
    assert reverse("scoring:csv", args=[2023]) not in body
    assert NO_RUN_PERIOD in body

    client.post(reverse("scoring:snapshot", args=[2023]))
    body = client.get(page).content.decode()
    assert NO_RUN_PERIOD not in body
    assert reverse("scoring:csv", args=[2023]) in body
    assert client.get(reverse("scoring:csv", args=[2023])).status_code == 200


def test_a_letter_of_a_unit_the_last_run_does_not_hold_answers_409_not_500(
    world, member, secretariat, editor, client_for
):
    """A unit that joined after the last «Tính tạm»: its letters say so (409) instead of failing (500)."""
    from appraisal.scoring.models import UnitResultRow

    _notified(world, member, secretariat)
    client_for(secretariat).post(reverse("scoring:snapshot", args=[2023]))
    UnitResultRow.objects.filter(unit_code="skhcn").delete()
    for name in ("scoring:unit_doc", "scoring:unit_report"):
        response = client_for(editor).get(reverse(name, args=[2023, "skhcn", "notice"]))
        assert response.status_code == 409
        assert "chưa có đơn vị này" in response.content.decode()
