"""QA item 15 (SPEC §3a: a blocked action says why and links to what blocks it): the chair's refused
finalisation links to the list of the units not yet finalised, and that list names exactly them."""

from __future__ import annotations

from django.urls import reverse

from appraisal.assessments.models import Assessment, AssessmentState
from appraisal.registry.models import Period, Phase
from appraisal.scoring.jobs import run_job
from appraisal.scoring.models import BackgroundJob
from tests.factories import UnitFactory, member_of

LIST = "/hoi-dong/2023/?loc=chua-hoan-tat#chua-hoan-tat"
LINK = f'<a href="{LIST}">Xem danh sách các đơn vị chưa hoàn tất thẩm định</a>'


def _reappraisal_with_one_unit_finalised(period, group):
    Period.objects.filter(pk=period.pk).update(phase=Phase.REAPPRAISAL)
    Assessment.objects.filter(period=period, unit__code="skhcn").update(state=AssessmentState.FINALISED)
    member_of(period, UnitFactory(code="snv", name="Sở Nội vụ"), group)  # never started


def test_refused_finalisation_links_to_the_list_of_units_not_finalised(scored, chair, group, client_for):
    _reappraisal_with_one_unit_finalised(scored[0].period, group)
    client = client_for(chair)

    body = client.post(reverse("scoring:finalise", args=[2023]), follow=True).content.decode()

    assert (
        "Chưa thể chốt kết quả: còn 2 đơn vị chưa hoàn tất thẩm định (Sở Nội vụ, Sở Tư pháp). " + LINK
    ) in body
    assert f'<a href="{LIST}">Xem danh sách 2 đơn vị chưa hoàn tất thẩm định</a>' in body  # beside the button


def test_list_of_units_not_finalised_names_exactly_them_with_their_state(scored, chair, group, client_for):
    _reappraisal_with_one_unit_finalised(scored[0].period, group)

    body = client_for(chair).get(LIST.split("#")[0]).content.decode()

    section = body[
        body.index('id="chua-hoan-tat"') : body.index("</section>", body.index('id="chua-hoan-tat"'))
    ]
    assert "Đơn vị chưa hoàn tất thẩm định (2)" in section
    assert "<tr><td>Sở Nội vụ</td><td>Chưa bắt đầu</td></tr>" in section
    assert "<tr><td>Sở Tư pháp</td><td>Đang tự đánh giá</td></tr>" in section
    assert "Sở Khoa học và Công nghệ" not in section


def test_dashboard_without_the_filter_has_no_such_list(scored, chair, group, client_for):
    _reappraisal_with_one_unit_finalised(scored[0].period, group)
    body = client_for(chair).get(reverse("council:dashboard", args=[2023])).content.decode()
    assert 'id="chua-hoan-tat"' not in body


def test_list_of_units_not_finalised_is_refused_to_unit_people(scored, editor, group, client_for):
    _reappraisal_with_one_unit_finalised(scored[0].period, group)
    body = client_for(editor).get(LIST.split("#")[0]).content.decode()
    assert 'id="chua-hoan-tat"' not in body and "Sở Nội vụ" not in body


def test_refused_finalisation_in_the_background_links_to_the_list(
    scored, chair, group, client_for, queued_tasks
):
    _reappraisal_with_one_unit_finalised(scored[0].period, group)
    client = client_for(chair)
    client.post(reverse("scoring:finalise", args=[2023]))
    job = BackgroundJob.objects.get()
    run_job.call(job.pk)

    page = client.get(reverse("scoring:job", args=[job.pk])).content.decode()

    assert LINK in page
