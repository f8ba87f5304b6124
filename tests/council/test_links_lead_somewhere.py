"""QA report item 12: a page offers only links the person can follow, and every 403 states its reason.

The chair sees every item of the period but scores only the fields assigned to them (SPEC §6); the period's audit
trail is the secretariat's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appraisal.council.models import Assignment
from tests.factories import UserFactory, grant


def _refusal(response) -> str:
    body = response.content.decode()
    start = body.index('id="refusal-reason">') + len('id="refusal-reason">')
    return body[start : body.index("</p>", start)]


def test_chair_without_assignments_is_not_offered_round1_on_the_council_dashboard(world, chair, client_for):
    body = client_for(chair).get(reverse("council:dashboard", args=[2023])).content.decode()
    assert "Sở Khoa học và Công nghệ" in body  # the chair follows every unit
    assert reverse("council:appraise", args=[world["skhcn"].pk]) not in body
    assert "Thẩm định vòng 1</a></td>" not in body


def test_chair_assigned_a_field_is_offered_round1_of_the_units_they_score(
    world, chair, secretariat, client_for
):
    Assignment.objects.create(period=world["period"], member=chair, field_code="2", created_by=secretariat)
    body = client_for(chair).get(reverse("council:dashboard", args=[2023])).content.decode()
    assert reverse("council:appraise", args=[world["skhcn"].pk]) in body
    assert client_for(chair).get(reverse("council:appraise", args=[world["skhcn"].pk])).status_code == 200


def test_member_is_still_offered_round1_of_their_units(world, member, client_for):
    body = client_for(member).get(reverse("council:dashboard", args=[2023])).content.decode()
    assert reverse("council:appraise", args=[world["skhcn"].pk]) in body


def test_chair_refused_the_round1_sheet_reads_why(world, chair, client_for):
    response = client_for(chair).get(reverse("council:appraise", args=[world["skhcn"].pk]))
    assert response.status_code == 403
    assert _refusal(response) == "Bạn không có mục nào để thẩm định vòng 1 ở Sở Khoa học và Công nghệ."


def test_progress_dashboard_links_the_audit_trail_for_the_secretariat_only(
    world, chair, secretariat, client_for
):
    audit = reverse("council:period_audit", args=[2023])
    chair_page = client_for(chair).get(reverse("dashboards:progress", args=[2023])).content.decode()
    assert "20 thay đổi gần nhất" in chair_page and f'href="{audit}"' not in chair_page
    response = client_for(chair).get(audit)
    assert response.status_code == 403 and _refusal(response) == "Trang này dành cho Tổ thư ký."
    page = client_for(secretariat).get(reverse("dashboards:progress", args=[2023])).content.decode()
    assert f'<a href="{audit}">20 thay đổi gần nhất</a>' in page


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        ("council:period_audit", "Trang này dành cho Tổ thư ký."),
        ("council:outbox", "Trang này dành cho Tổ thư ký."),
        ("scoring:period", "Bảng xếp hạng chỉ được công bố theo quy định"),
    ],
)
def test_a_403_page_states_its_reason(route, reason, world, client_for):
    observer_2023 = UserFactory(username="observer.2023")
    grant(observer_2023, "observer", None, world["period"])
    response = client_for(observer_2023).get(reverse(route, args=[2023]))
    assert response.status_code == 403
    assert _refusal(response).startswith(reason)
