"""The form page, the unit's home and the list: what each person sees, and the query-count guard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from appraisal.assessments.layers import assessment_get_or_create
from appraisal.assessments.services import entry_save_self
from appraisal.core import roles
from appraisal.registry.models import IndexSet, PhaseWindow, UnitExclusion
from tests.assessments.conftest import entry_of
from tests.assessments.sets import rows_with_leaves
from tests.factories import GroupFactory, UnitFactory, UserFactory, build_index_set, grant, member_of


def form_url(assessment):
    return reverse("assessments:form", args=[assessment.pk])


def test_form_shows_a_widget_per_rule_kind(client_for, editor, assessment):
    body = client_for(editor).get(form_url(assessment)).content.decode()
    e = {code: entry_of(assessment, code).pk for code in ["1.1", "1.2", "1.3", "1.4", "2.1", "P1", "3.1"]}
    assert f'id="entry-{e["1.1"]}-v1" value="Có"' in body  # boolean: radios Có / Không
    assert f'id="entry-{e["1.1"]}-v2" value="Không"' in body
    assert '<option value="Đạt">Đạt</option>' in body  # levels: a select
    assert f'id="entry-{e["1.2"]}-value" value="" placeholder="85% hoặc 17/20"' in body  # tiers
    assert f'id="entry-{e["1.4"]}-value" value="" placeholder="85% hoặc 17/20"' in body  # proportional
    assert (
        f'type="text" inputmode="decimal" name="value" id="entry-{e["2.1"]}-value" value="" autocomplete="off"'
    ) in body  # manual with step: a decimal text box (a number field misreads "1,25" in a Vietnamese browser)
    assert "Số lần vi phạm (mục P1)" in body  # penalty: a count
    assert "Chấm qua điều tra xã hội học — đơn vị không tự chấm mục này." in body  # survey read-only
    assert f'hx-post="/tu-danh-gia/{assessment.pk}/muc/{e["3.1"]}/luu/"' not in body
    assert f'hx-trigger="change delay:400ms" hx-target="#entry-{e["1.1"]}-state"' in body
    assert "Đã nhập <strong>0/6</strong> mục bắt buộc" in body
    assert "Còn thiếu: 6 mục" in body


def test_form_shows_guidance_expected_evidence_and_max(client_for, editor, assessment):
    node = entry_of(assessment, "1.1").node
    node.guidance = "Có kế hoạch ban hành trước 31/01."
    node.evidence = "Kế hoạch CCHC năm 2023."
    node.save()
    body = client_for(editor).get(form_url(assessment)).content.decode()
    assert "<strong>Hướng dẫn chấm:</strong> Có kế hoạch ban hành trước 31/01." in body
    assert "<strong>Tài liệu kiểm chứng cần có:</strong> Kế hoạch CCHC năm 2023." in body
    assert "Tối đa <strong>2</strong> điểm" in body  # 2.1


def test_form_shows_excluded_leaves_with_their_reason(
    client_for, editor, secretariat, period, unit, index_set, window
):
    unit.tags = "no_tthc"
    unit.save()
    node = index_set.nodes.get(code="1.4")
    UnitExclusion.objects.create(
        period=period, unit=unit, node=node, reason="Đơn vị không xử lý văn bản đến.", by=secretariat
    )
    assessment = assessment_get_or_create(period=period, unit=unit)
    body = client_for(editor).get(form_url(assessment)).content.decode()
    assert "<em>Không áp dụng</em>: Không áp dụng cho đơn vị có nhãn «no_tthc»." in body
    assert "<em>Không áp dụng</em>: Đơn vị không xử lý văn bản đến." in body
    assert "Đã nhập <strong>0/3</strong> mục bắt buộc" in body  # 1.1–1.3 only
    assert "Điểm tự đánh giá: <strong>0</strong> / 3" in body


def test_form_shows_totals_per_field_and_overall(client_for, editor, assessment):
    entry_save_self(entry=entry_of(assessment, "1.1"), value="Có", note="", expected_version=0, by=editor)
    entry_save_self(entry=entry_of(assessment, "1.3"), value="Đạt", note="", expected_version=0, by=editor)
    entry_save_self(entry=entry_of(assessment, "T1"), value="Có", note="", expected_version=0, by=editor)
    entry_save_self(entry=entry_of(assessment, "P1"), value="3", note="", expected_version=0, by=editor)
    body = client_for(editor).get(form_url(assessment)).content.decode()
    field1 = entry_of(assessment, "1.1").node.parent
    assert f'<span id="block-{field1.pk}-total" class="block-total">1,5 / 4 điểm</span>' in body
    assert "Điểm tự đánh giá: <strong>1,5</strong> / 7" in body
    assert "Điểm thưởng: +1" in body
    assert "Điểm trừ: −1,5" in body
    assert "Tổng tự đánh giá: <strong>1</strong>" in body


def test_form_of_another_unit_is_404(client_for, other_editor, assessment):
    response = client_for(other_editor).get(form_url(assessment))
    assert response.status_code == 404
    assert b"Ban h\xc3\xa0nh k\xe1\xba\xbf ho\xe1\xba\xa1ch" not in response.content


@pytest.mark.parametrize("persona", ["observer", "secretariat"])
def test_form_is_read_only_for_observer_and_secretariat(client_for, persona, request, editor, assessment):
    entry_save_self(
        entry=entry_of(assessment, "1.2"),
        value="17/20",
        note="Đạt 17 trên 20 nhiệm vụ",
        expected_version=0,
        by=editor,
    )
    user = request.getfixturevalue(persona)
    type(assessment).objects.filter(pk=assessment.pk).update(
        state="submitted"
    )  # the observer: once submitted
    body = client_for(user).get(form_url(assessment)).content.decode()
    assert "<strong>Chỉ xem:</strong>" in body
    assert 'class="entry-form"' not in body
    assert "17/20" in body and "Đạt 17 trên 20 nhiệm vụ" in body
    assert "Thêm tài liệu kiểm chứng" not in body


def test_form_requires_login(client, assessment):
    response = client.get(form_url(assessment))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_council_member_without_assignment_gets_404(client_for, member, assessment):
    assert client_for(member).get(form_url(assessment)).status_code == 404


@pytest.mark.parametrize("leaves", [10, 120])
def test_form_renders_in_constant_queries(client_for, django_assert_num_queries, period, leaves):
    """A 120-item set renders in exactly as many queries as a 10-item set."""
    group = GroupFactory(code=f"g{leaves}")
    unit = UnitFactory(code=f"u{leaves}")
    member_of(period, unit, group)
    build_index_set(period, group, rows_with_leaves(leaves))
    assessment = assessment_get_or_create(period=period, unit=unit)
    assert assessment.entries.count() == leaves
    user = UserFactory(username=f"editor{leaves}")
    grant(user, roles.UNIT_EDITOR, unit)
    client = client_for(user)
    url = form_url(assessment)
    # session, user, roles, assessment, windows, nodes, entries, evidence links, exclusions
    with django_assert_num_queries(10):
        response = client.get(url)
    assert response.content.decode().count('class="entry-form"') == leaves - 1  # all but the survey leaf


def test_index_takes_a_single_unit_editor_to_the_units_home(client_for, editor, period, unit, index_set):
    client = client_for(editor)
    response = client.get(reverse("assessments:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:open_year", args=[2023, "skhcn"])
    response = client.get(response["Location"])  # the unit's page: a GET writes nothing (QA item 4)
    assert "Bắt đầu tự đánh giá</button>" in response.content.decode()
    assert not unit.assessments.exists()
    response = client.post(reverse("assessments:open_year", args=[2023, "skhcn"]))
    assessment = unit.assessments.get(period=period)
    assert response["Location"] == reverse("assessments:form", args=[assessment.pk])
    assert assessment.entries.count() == 9  # every applicable leaf of the small set


def test_index_lists_every_unit_for_the_secretariat(client_for, secretariat, unit, other_unit, assessment):
    body = client_for(secretariat).get(reverse("assessments:index")).content.decode()
    assert (
        '<td>Sở Khoa học và Công nghệ</td>\n      <td>Đang tự đánh giá</td>\n      <td class="num">0/6</td>'
        in body
    )
    assert "<td>Sở Tư pháp</td>\n      <td>Chưa bắt đầu</td>" in body
    open_stp = reverse("assessments:open_year", args=[2023, "stp"])  # in the list's year
    assert f'<a href="{open_stp}">Mở</a>' in body


def test_index_lists_only_own_units_for_a_person_with_two(
    client_for, editor, other_unit, unit, period, index_set
):
    grant(editor, roles.UNIT_EDITOR, other_unit)
    body = client_for(editor).get(reverse("assessments:index")).content.decode()
    assert "Sở Khoa học và Công nghệ" in body and "Sở Tư pháp" in body


@pytest.mark.parametrize("rows", [1, 3])
def test_index_list_queries_do_not_grow_with_units(
    client_for, django_assert_num_queries, secretariat, period, group, index_set, rows
):
    for i in range(rows):
        unit = UnitFactory(code=f"dv{i}")
        member_of(period, unit, group)
        assessment_get_or_create(period=period, unit=unit)
    client = client_for(secretariat)
    with django_assert_num_queries(
        8
    ):  # session, user, roles, periods, current, memberships, assessments, nav
        client.get(reverse("assessments:index"))


def test_open_unit_of_another_unit_is_404(client_for, editor, other_unit, period, index_set):
    assert client_for(editor).get(reverse("assessments:open", args=["stp"])).status_code == 404


def test_home_shows_state_deadline_countdown_and_progress(client_for, editor, assessment, window):
    window.due_at = timezone.now() + timedelta(days=3, hours=4, minutes=30)
    window.save()
    entry_save_self(entry=entry_of(assessment, "1.1"), value="Có", note="", expected_version=0, by=editor)
    body = client_for(editor).get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert '<p class="fs-5 mb-1" id="assessment-state"><strong>Đang tự đánh giá</strong></p>' in body
    due = timezone.localtime(window.due_at).strftime("%H:%M ngày %d/%m/%Y")
    assert f"<strong>{due}</strong>" in body
    assert '<p class="mb-0" id="deadline-remaining">Còn 3 ngày 4 giờ</p>' in body
    assert '<p class="fs-5 mb-1" id="progress"><strong>1/6</strong> mục đã nhập</p>' in body
    assert "Chỉ lãnh đạo đơn vị chốt bản tự đánh giá." in body  # an editor sees no submit button
    assert "Chốt bản tự đánh giá</button>" not in body


def test_home_of_another_unit_is_404(client_for, other_editor, assessment):
    assert (
        client_for(other_editor).get(reverse("assessments:detail", args=[assessment.pk])).status_code == 404
    )


def test_home_shows_submit_button_to_the_head(client_for, head, assessment):
    body = client_for(head).get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert "Chốt bản tự đánh giá</button>" in body


def test_period_without_window_has_no_countdown(client_for, editor, period, unit, index_set):
    assessment = assessment_get_or_create(period=period, unit=unit)
    assert not PhaseWindow.objects.exists()
    body = client_for(editor).get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    assert "Chưa đặt hạn chót." in body
    assert IndexSet.objects.count() == 1


def test_form_and_entries_leave_out_every_leaf_of_an_excluded_field_like_the_engine(
    client_for, period, unit, index_set, editor, secretariat, window
):
    """What happens today: the secretariat's exclusion of a field (node «2») excluded its leaves in the engine
    only; the form and the assessment's entries (so the imports and the council) kept 2.1 and 2.2."""
    from appraisal.scoring.services import results_compute

    field = index_set.nodes.get(code="2")
    UnitExclusion.objects.create(
        period=period,
        unit=unit,
        node=field,
        reason="Đơn vị không giải quyết thủ tục hành chính.",
        by=secretariat,
    )
    assessment = assessment_get_or_create(period=period, unit=unit)
    assert sorted(assessment.entries.values_list("node__code", flat=True)) == [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "3.1",
        "P1",
        "T1",
    ]
    body = client_for(editor).get(form_url(assessment)).content.decode()
    assert body.count("<em>Không áp dụng</em>: Đơn vị không giải quyết thủ tục hành chính.") == 2
    assert "Đã nhập <strong>0/4</strong> mục bắt buộc" in body  # 1.1–1.4
    _, result = results_compute(period=period)
    items = {i.code: i for i in next(u for g in result.groups for u in g.units if u.code == unit.code).items}
    assert [c for c, i in items.items() if not i.applicable] == ["2.1", "2.2"]
    assert items["2.1"].excluded_reason == "Đơn vị không giải quyết thủ tục hành chính."
