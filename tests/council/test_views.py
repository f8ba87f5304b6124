"""Council pages: allowed and denied, what they show and change, and query-count guards."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from appraisal.assessments.models import AssessmentState, ItemHistory
from appraisal.council import services
from appraisal.council.models import Assignment, OutboxMessage
from appraisal.registry.models import Organisation, Phase, RoleAssignment
from tests.council.conftest import appraise_all, entry_of, explained_rate_item, set_phase, submit_assessment
from tests.factories import UnitFactory, UserFactory, member_of

S = AssessmentState


# -- dashboard and queue --------------------------------------------------------------------------------------


def test_dashboard_requires_login(client, world):
    response = client.get(reverse("council:dashboard", args=[2023]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_dashboard_forbidden_for_outsider(client_for, world, outsider):
    response = client_for(outsider).get(reverse("council:dashboard", args=[2023]))
    assert response.status_code == 403


def test_index_redirects_to_current_period(client_for, world, member):
    response = client_for(member).get(reverse("council:index"))
    assert response["Location"] == reverse("council:dashboard", args=[2023])


def test_dashboard_lists_units_with_progress_for_member(client_for, world, member):
    body = client_for(member).get(reverse("council:dashboard", args=[2023])).content.decode()
    assert "Sở Khoa học và Công nghệ" in body
    assert "Sở Tư pháp" not in body
    assert '<td class="num">8</td>' in body  # items member.stp appraises at skhcn


def test_queue_lists_assigned_items_with_status(client_for, world, member):
    entry = entry_of(world["skhcn"], "1.1")
    services.round1_record(entry=entry, value="Có", by=member, expected_version=entry.version)
    body = client_for(member).get(reverse("council:queue", args=[2023])).content.decode()
    assert "Đã chấm <strong>1</strong>/8 mục, còn <strong>7</strong> mục." in body
    assert reverse("council:entry", args=[entry.pk]) in body
    assert "✓ Đã chấm" in body


def _many_units(period, group, editor, n):
    for i in range(n):
        u = UnitFactory(code=f"dv{i}", name=f"Đơn vị thử {i}")
        member_of(period, u, group)
        submit_assessment(period, u, editor)


@pytest.mark.parametrize("extra_units", [0, 4])
@pytest.mark.parametrize(
    ("name", "who", "queries"),
    [
        ("council:dashboard", "member", 11),
        ("council:queue", "member", 9),
        ("council:queue_round2", "member", 9),
        ("council:workload", "secretariat", 10),
        ("council:assignments", "secretariat", 11),
        ("council:setup", "secretariat", 11),
        ("council:outbox", "secretariat", 7),
        ("council:survey", "secretariat", 7),
        ("council:period_audit", "secretariat", 8),
    ],
)
def test_list_pages_query_count_is_constant(
    client_for, world, group, editor, request, django_assert_num_queries, extra_units, name, who, queries
):
    _many_units(world["period"], group, editor, extra_units)
    c = client_for(request.getfixturevalue(who))
    with django_assert_num_queries(queries):
        response = c.get(reverse(name, args=[2023]))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "name",
    ["council:setup", "council:assignments", "council:survey", "council:outbox", "council:period_audit"],
)
def test_secretariat_pages_forbidden_for_member_and_chair(client_for, world, member, chair, name):
    assert client_for(member).get(reverse(name, args=[2023])).status_code == 403
    assert client_for(chair).get(reverse(name, args=[2023])).status_code == 403


# -- the item page and round 1 --------------------------------------------------------------------------------


def test_entry_page_shows_unit_input_beside_round1_form(client_for, world, member):
    entry = entry_of(world["skhcn"], "1.3")
    body = client_for(member).get(reverse("council:entry", args=[entry.pk])).content.decode()
    assert '<dd class="col-sm-8" id="self-value">Tốt</dd>' in body
    assert (
        '<option value="Tốt" selected>Tốt</option>' in body
    )  # a list of the levels, the unit's claim chosen
    assert "Lưu và tiếp" in body


def test_entry_page_is_read_only_for_chair(client_for, world, chair):
    entry = entry_of(world["skhcn"], "1.3")
    body = client_for(chair).get(reverse("council:entry", args=[entry.pk])).content.decode()
    assert "Sở Khoa học và Công nghệ — mục 1.3" in body
    assert "Lưu và tiếp" not in body
    response = client_for(chair).post(
        reverse("council:entry_round1", args=[entry.pk]),
        {"value": "Đạt", "reason": "x", "version": entry.version},
    )
    assert response.status_code == 404


def test_round1_save_and_next_goes_to_next_pending_item(client_for, world, member):
    entry = entry_of(world["skhcn"], "1.1")
    nxt = entry_of(world["skhcn"], "1.2")
    response = client_for(member).post(
        reverse("council:entry_round1", args=[entry.pk]),
        {"value": "Không", "reason": "Chưa ban hành kế hoạch.", "version": entry.version, "next": "1"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("council:entry", args=[nxt.pk])
    entry.refresh_from_db()
    assert (entry.round1_value, entry.round1_points, entry.round1_reason) == (
        "Không",
        Decimal("0.0000"),
        "Chưa ban hành kế hoạch.",
    )


def test_round1_lowering_without_reason_keeps_input_and_says_what_to_fix(client_for, world, member):
    entry = entry_of(world["skhcn"], "1.1")
    response = client_for(member).post(
        reverse("council:entry_round1", args=[entry.pk]),
        {"value": "Không", "reason": "", "version": entry.version},
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "Phải nêu lý do khi hạ điểm." in body
    assert '<option value="Không" selected>Không</option>' in body
    entry.refresh_from_db()
    assert entry.round1_value == ""


def test_round1_htmx_autosave_returns_state_and_new_version(client_for, world, member):
    entry = entry_of(world["skhcn"], "1.4")
    response = client_for(member).post(
        reverse("council:entry_round1", args=[entry.pk]),
        {"value": "70%", "reason": "Tỷ lệ thực tế 70%.", "version": entry.version},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert "Đã lưu lúc" in body and "0,7 điểm" in body
    assert f'value="{entry.version + 1}" id="version-round1-{entry.pk}" hx-swap-oob="true"' in body


def test_round1_htmx_conflict_is_reported_not_overwritten(client_for, world, member, secretariat):
    entry = entry_of(world["skhcn"], "1.4")
    services.round1_record(
        entry=entry, value="60%", reason="Tỷ lệ 60%.", by=secretariat, expected_version=entry.version
    )
    response = client_for(member).post(
        reverse("council:entry_round1", args=[entry.pk]),
        {"value": "70%", "reason": "x", "version": entry.version},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 409
    assert "vừa được người khác lưu" in response.content.decode()
    entry.refresh_from_db()
    assert entry.round1_value == "60%"


def test_round1_outside_phase_page_names_the_phase(client_for, world, member):
    set_phase(world["period"], Phase.SELF_ASSESSMENT)
    entry = entry_of(world["skhcn"], "1.1")
    response = client_for(member).post(
        reverse("council:entry_round1", args=[entry.pk]),
        {"value": "Có", "reason": "", "version": entry.version},
    )
    assert "Giai đoạn Thẩm định vòng 1 chưa mở" in response.content.decode()


# -- one unit: layers, mark, finalise, reopen, audit ----------------------------------------------------------


def test_layers_page_shows_every_layer_and_actions_for_chair(client_for, world, member, chair):
    a = world["skhcn"]
    appraise_all(a, member, overrides={"1.3": "Đạt"}, reasons={"1.3": "Báo cáo thiếu số liệu."})
    body = client_for(chair).get(reverse("council:layers", args=[a.pk])).content.decode()
    assert "Báo cáo thiếu số liệu." in body and "Hạ điểm" in body
    assert "Chốt thẩm định vòng 1" in body
    response = client_for(chair).post(reverse("council:mark_appraised", args=[a.pk]))
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.state == S.APPRAISED


def test_layers_page_for_member_shows_only_their_items(client_for, world, member):
    body = client_for(member).get(reverse("council:layers", args=[world["skhcn"].pk])).content.decode()
    assert 'id="row-1.1"' in body and 'id="row-3.1"' not in body
    assert "Chốt thẩm định vòng 1" not in body


def test_layers_page_hidden_from_unit_until_notice_opens(client_for, world, editor):
    response = client_for(editor).get(reverse("council:layers", args=[world["skhcn"].pk]))
    assert response.status_code == 403  # the unit knows its assessment: the reason, not «not found»
    assert "chưa được thông báo cho đơn vị" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 9])
def test_layers_page_query_count_is_constant(
    client_for, world, chair, member, editor, rows, django_assert_num_queries
):
    if rows == 1:
        world["skhcn"].entries.exclude(node__code="1.1").delete()
    appraise_all(world["skhcn"], member)
    c = client_for(chair)
    with django_assert_num_queries(11):
        response = c.get(reverse("council:layers", args=[world["skhcn"].pk]))
    assert response.status_code == 200


def test_finalise_and_reopen_through_pages(client_for, world, member, chair):
    a = world["skhcn"]
    appraise_all(a, member)
    services.assessment_mark_appraised(assessment=a, by=chair)
    a.entries.filter(node__code="3.1").update(survey_value="80%", survey_points=Decimal("2.4"))
    c = client_for(chair)
    c.post(reverse("council:finalise", args=[a.pk]))
    a.refresh_from_db()
    assert a.state == S.FINALISED
    response = c.post(reverse("council:reopen", args=[a.pk]), {"reason": ""})
    assert "Phải nêu lý do mở lại kết quả đã chốt." in response.content.decode()
    c.post(reverse("council:reopen", args=[a.pk]), {"reason": "Sai mục 2.1."})
    a.refresh_from_db()
    assert a.state == S.REAPPRAISED


def test_reopen_page_forbidden_for_secretariat(client_for, world, secretariat):
    assert client_for(secretariat).get(reverse("council:reopen", args=[world["skhcn"].pk])).status_code == 403


def test_audit_pages_show_changes_for_secretariat(client_for, world, member, secretariat):
    entry = entry_of(world["skhcn"], "1.1")
    services.round1_record(
        entry=entry, value="Không", reason="Không có kế hoạch.", by=member, expected_version=entry.version
    )
    c = client_for(secretariat)
    body = c.get(reverse("council:assessment_audit", args=[world["skhcn"].pk])).content.decode()
    assert "Không có kế hoạch." in body and "Thẩm định vòng 1" in body
    history = c.get(reverse("council:entry_history", args=[entry.pk])).content.decode()
    history = history[history.index('id="main"') :]  # past the navigation's period switcher
    assert history.index("Tự đánh giá") < history.index("Thẩm định vòng 1")
    assert (
        client_for(member).get(reverse("council:assessment_audit", args=[world["skhcn"].pk])).status_code
        == 403
    )


# -- notice, explanation, round 2 -----------------------------------------------------------------------------


def _appraised(world, member, chair):
    a = world["skhcn"]
    appraise_all(a, member, overrides={"1.1": "Không"}, reasons={"1.1": "Kế hoạch ban hành sau hạn."})
    services.assessment_mark_appraised(assessment=a, by=chair)
    a.refresh_from_db()
    return a


def test_notice_visible_to_unit_only_when_explanation_opens(client_for, world, member, chair, editor):
    a = _appraised(world, member, chair)
    url = reverse("council:notice", args=[a.pk])
    assert client_for(editor).get(url).status_code == 403
    set_phase(world["period"], Phase.EXPLANATION)
    body = client_for(editor).get(url).content.decode()
    assert "Kế hoạch ban hành sau hạn." in body and "Ban hành kế hoạch CCHC năm" in body
    assert "1.2" not in body.split("<tbody>")[1].split("</tbody>")[0]


def test_notice_print_and_docx(client_for, world, member, chair, editor):
    import io

    from docx import Document

    a = _appraised(world, member, chair)
    set_phase(world["period"], Phase.EXPLANATION)
    c = client_for(editor)
    assert "In thông báo" in c.get(reverse("council:notice_print", args=[a.pk])).content.decode()
    response = c.get(reverse("council:notice_download", args=[a.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    doc = Document(io.BytesIO(response.content))
    cells = [cell.text for t in doc.tables for row in t.rows for cell in row.cells]
    assert "Kế hoạch ban hành sau hạn." in cells and "1.1" in cells


def test_notice_is_signed_by_the_councils_signer_setting_not_the_provinces(
    client_for, world, member, chair, editor
):
    """What happens today (issue 15, point 7): the council's notice was signed «KT. CHỦ TỊCH» of the province."""
    import io

    from docx import Document

    org = Organisation.current()
    org.notice_issuer_name = "SỞ NỘI VỤ"
    org.notice_symbol = "SNV"
    org.notice_signer_for = "KT. GIÁM ĐỐC"
    org.notice_signer_title = "PHÓ GIÁM ĐỐC"
    org.notice_signer_name = "Phan Văn Bình"
    org.save()
    a = _appraised(world, member, chair)
    set_phase(world["period"], Phase.EXPLANATION)
    c = client_for(editor)
    doc = Document(io.BytesIO(c.get(reverse("council:notice_download", args=[a.pk])).content))
    assert doc.tables[0].cell(1, 0).text == "Số:      /TB-SNV"
    assert [p.text for p in doc.tables[-1].cell(0, 1).paragraphs if p.text] == [
        "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Phan Văn Bình"
    ]  # fmt: skip
    printed = c.get(reverse("council:notice_print", args=[a.pk])).content.decode()
    assert "SỞ NỘI VỤ" in printed and "Phan Văn Bình" in printed and "KT. CHỦ TỊCH" not in printed


def test_explanation_page_saves_text_and_head_submits(client_for, world, member, chair, editor, head):
    a = _appraised(world, member, chair)
    set_phase(world["period"], Phase.EXPLANATION)
    entry = entry_of(a, "1.1")
    c = client_for(editor)
    page = c.get(reverse("council:explanation", args=[a.pk])).content.decode()
    assert "Kế hoạch ban hành sau hạn." in page and "Gửi giải trình" not in page
    c.post(
        reverse("council:explanation_save", args=[entry.pk]),
        {f"e{entry.pk}-text": "Đã ban hành ngày 05/01.", f"e{entry.pk}-version": entry.version},
    )
    entry.refresh_from_db()
    assert entry.explanation == "Đã ban hành ngày 05/01."
    assert client_for(editor).post(reverse("council:explanation_submit", args=[a.pk])).status_code == 403
    a.refresh_from_db()
    assert a.state == S.APPRAISED  # only the head sends it
    client_for(head).post(reverse("council:explanation_submit", args=[a.pk]))
    a.refresh_from_db()
    assert a.state == S.EXPLAINED


def test_explanation_page_404_for_other_unit_editor(client_for, world, member, chair, other_editor):
    a = _appraised(world, member, chair)
    set_phase(world["period"], Phase.EXPLANATION)
    assert client_for(other_editor).get(reverse("council:explanation", args=[a.pk])).status_code == 404


def test_round2_page_records_decision(client_for, world, member, chair, editor, head):
    a = _appraised(world, member, chair)
    set_phase(world["period"], Phase.EXPLANATION)
    entry = entry_of(a, "1.1")
    services.explanation_record(entry=entry, text="Đúng hạn.", by=editor, expected_version=entry.version)
    services.explanation_submit(assessment=a, by=head)
    set_phase(world["period"], Phase.REAPPRAISAL)
    entry.refresh_from_db()
    c = client_for(member)
    body = c.get(reverse("council:queue_round2", args=[2023])).content.decode()
    assert reverse("council:entry", args=[entry.pk]) in body
    c.post(
        reverse("council:entry_round2", args=[entry.pk]),
        {"decision": "accept", "value": "", "reason": "Giải trình hợp lý.", "version": entry.version},
    )
    entry.refresh_from_db()
    assert (entry.round2_decision, entry.round2_points) == ("accept", Decimal("1.0000"))


# -- setup pages ----------------------------------------------------------------------------------------------


def test_council_setup_adds_member_with_unit(client_for, world, secretariat, unit):
    person = UserFactory(username="member.new")
    c = client_for(secretariat)
    response = c.post(
        reverse("council:setup", args=[2023]), {"user": person.pk, "role": "member", "unit": ""}
    )
    assert "Thành viên Hội đồng phải ghi rõ đơn vị công tác" in response.content.decode()
    c.post(reverse("council:setup", args=[2023]), {"user": person.pk, "role": "member", "unit": unit.pk})
    row = RoleAssignment.objects.get(user=person)
    assert (row.role, row.unit, row.period) == ("member", unit, world["period"])


def test_bulk_assignment_creates_members_by_fields_by_groups(
    client_for, world, secretariat, member, conflicted_member, group
):
    Assignment.objects.all().delete()
    client_for(secretariat).post(
        reverse("council:assignments", args=[2023]),
        {"members": [member.pk, conflicted_member.pk], "field_codes": ["1", "2"], "groups": [str(group.pk)]},
    )
    got = sorted(Assignment.objects.values_list("member__username", "field_code", "group__code"))
    assert got == [
        ("member.skhcn", "1", "so"),
        ("member.skhcn", "2", "so"),
        ("member.stp", "1", "so"),
        ("member.stp", "2", "so"),
    ]


def test_workload_page_member_sees_own_line_only(client_for, world, member):
    body = client_for(member).get(reverse("council:workload", args=[2023])).content.decode()
    assert body.count("<tr><td>") == 1
    assert "Tổ thư ký (mục chưa phân công" not in body


def test_outbox_page_lists_messages(client_for, world, secretariat):
    m = OutboxMessage.objects.create(
        kind="self_due",
        period=world["period"],
        to="a@b.vn",
        subject="Nhắc hạn",
        body="Nội dung",
        dedupe_key="x",
    )
    c = client_for(secretariat)
    assert "Nhắc hạn" in c.get(reverse("council:outbox", args=[2023])).content.decode()
    assert "Nội dung" in c.get(reverse("council:outbox_detail", args=[m.pk])).content.decode()
    assert len(mail.outbox) == 0
    assert ItemHistory.objects.count() >= 0


def test_round2_queue_lists_explained_items_not_every_item_of_a_reopened_unit(
    client_for, world, member, chair
):
    from appraisal.council.queues import queue_for_appraiser

    a = world["skhcn"]
    appraise_all(a, member)
    services.assessment_mark_appraised(assessment=a, by=chair)
    a.entries.filter(node__code="3.1").update(survey_value="80%", survey_points=Decimal("2.4"))
    services.assessment_finalise(assessment=a, by=chair)
    services.assessment_reopen(assessment=a, reason="Sai mục 2.1.", by=chair)
    set_phase(world["period"], Phase.REAPPRAISAL)
    assert queue_for_appraiser(member, world["period"], round_no=2) == []
    e21 = entry_of(a, "2.1")
    services.round2_record(
        entry=e21,
        decision="partial",
        value="1,5",
        reason="Đính chính mục 2.1.",
        by=member,
        expected_version=e21.version,
    )
    assert [e.node.code for e in queue_for_appraiser(member, world["period"], round_no=2)] == ["2.1"]
    e21.refresh_from_db()
    assert (e21.round2_decision, e21.round2_points) == ("partial", Decimal("1.5000"))


def test_council_setup_removes_period_role(client_for, world, secretariat, unit):
    person = UserFactory(username="member.new")
    row = RoleAssignment.objects.create(user=person, role="member", unit=unit, period=world["period"])
    client_for(secretariat).post(reverse("council:setup_remove", args=[2023, row.pk]))
    assert not RoleAssignment.objects.filter(pk=row.pk).exists()


def test_dashboard_for_unit_people_links_notice_once_open(client_for, world, member, chair, editor):
    a = _appraised(world, member, chair)
    c = client_for(editor)
    assert (
        "Chưa có thông báo kết quả thẩm định."
        in c.get(reverse("council:dashboard", args=[2023])).content.decode()
    )
    set_phase(world["period"], Phase.EXPLANATION)
    body = c.get(reverse("council:dashboard", args=[2023])).content.decode()
    assert (
        reverse("council:notice", args=[a.pk]) in body and reverse("council:explanation", args=[a.pk]) in body
    )


# -- What happens today 6: the person picker listed login names, admin and unit accounts included ------------


def test_person_picker_listed_login_names_now_full_name_unit_and_role_of_eligible_people(
    client_for, world, secretariat, admin_user, editor, member
):
    User = type(editor)
    User.objects.filter(pk=editor.pk).update(first_name="Nguyễn Thị", last_name="Lan")
    nameless = UserFactory(username="import.bot", first_name="")
    body = client_for(secretariat).get(reverse("council:setup", args=[2023])).content.decode()
    picker = body[body.index('name="user"') : body.index("</select>", body.index('name="user"'))]

    assert (
        f'<option value="{editor.pk}">Nguyễn Thị Lan — Sở Khoa học và Công nghệ (Cán bộ đầu mối CCHC)</option>'
        in picker
    )
    assert f'value="{admin_user.pk}"' not in picker  # the administrator
    assert f'value="{nameless.pk}"' not in picker  # a technical account without a name
    assert f'value="{member.pk}"' not in picker  # already on the council this period
    assert "skhcn.editor" not in picker
    assert 'data-filter-select="id_user"' in body


def test_bulk_assignment_labels_no_longer_merge_different_groups_fields(
    client_for, world, secretariat, period
):
    from tests.factories import GroupFactory, build_index_set

    central = GroupFactory(code="tw", name="Cơ quan Trung ương", order=3)
    build_index_set(
        period,
        central,
        rows=[
            ("1", "Công tác chỉ đạo, điều hành CCHC", "1", "", "", ""),
            ("1.1", "Kế hoạch", "1", "appraisal", "boolean", ""),
            ("2", "Cải cách tổ chức bộ máy", "1", "", "", ""),
            ("2.1", "Sắp xếp bộ máy", "1", "appraisal", "boolean", ""),
        ],
    )
    body = " ".join(
        client_for(secretariat).get(reverse("council:assignments", args=[2023])).content.decode().split()
    )

    assert (
        '<label for="id_field_codes_0" class="form-check-label"> 1. Công tác chỉ đạo, điều hành CCHC </label>'
        in body
    )
    assert (
        '<label for="id_field_codes_1" class="form-check-label"> 2. Cải cách thủ tục hành chính (Các sở, ban, ngành) · '
        "Cải cách tổ chức bộ máy (Cơ quan Trung ương) </label>"
    ) in body
    assert "Cải cách thủ tục hành chính / Cải cách tổ chức bộ máy" not in body


# -- What happens today 7: the notice said «Trong thời hạn giải trình» without the date ----------------------


def test_notice_said_within_the_explanation_window_without_the_date_now_names_it(
    client_for, world, member, chair, editor
):
    import datetime as dt
    import io
    from zoneinfo import ZoneInfo

    from docx import Document

    from appraisal.registry.models import PhaseWindow

    a = _appraised(world, member, chair)
    set_phase(world["period"], Phase.EXPLANATION)
    hcm = ZoneInfo("Asia/Ho_Chi_Minh")
    PhaseWindow.objects.create(
        period=world["period"],
        phase=Phase.EXPLANATION,
        opens_at=dt.datetime(2024, 1, 10, 8, 0, tzinfo=hcm),
        due_at=dt.datetime(2099, 2, 20, 17, 0, tzinfo=hcm),
    )
    c = client_for(editor)
    printed = c.get(reverse("council:notice_print", args=[a.pk])).content.decode()
    doc = Document(io.BytesIO(c.get(reverse("council:notice_download", args=[a.pk])).content))
    text = "\n".join(p.text for p in doc.paragraphs)

    assert "Trước 17:00 ngày 20/02/2099, đề nghị Sở Khoa học và Công nghệ rà soát, giải trình" in printed
    assert "Trước 17:00 ngày 20/02/2099, đề nghị Sở Khoa học và Công nghệ rà soát, giải trình" in text
    assert "Trong thời hạn giải trình" not in printed + text


def test_sentence_starts_lower_case_after_a_full_stop(client_for, world, member, chair, editor):
    """Issue 15, point 8: «…27/12/2026. đang mở» on the explanation page; every sentence starts with a capital."""
    import re

    from tests.assessments.test_unit_page_defects import printed_text

    a = _appraised(world, member, chair)
    set_phase(world["period"], Phase.EXPLANATION)
    text = printed_text(client_for(editor).get(reverse("council:explanation", args=[a.pk])).content.decode())
    assert "Giai đoạn giải trình đang mở" in text
    flat = " ".join(text.split())
    assert re.findall(r"\d{4}\. [a-zđàáảãạăâêôơư]", flat) == []


def test_notice_pdf_for_digital_signing(client_for, world, member, chair, editor, tmp_path):
    """The council's notice also as PDF (LibreOffice headless), read back with pdftotext."""
    import shutil
    import subprocess

    a = _appraised(world, member, chair)
    set_phase(world["period"], Phase.EXPLANATION)
    c = client_for(editor)
    assert (
        reverse("council:notice_pdf", args=[a.pk])
        in c.get(reverse("council:notice", args=[a.pk])).content.decode()
    )
    if not (shutil.which("soffice") and shutil.which("pdftotext")):
        pytest.skip("LibreOffice or poppler-utils missing")
    response = c.get(reverse("council:notice_pdf", args=[a.pk]))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "tb.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    assert "THÔNG BÁO" in text and "Kế hoạch ban hành sau hạn." in text


def test_round2_partial_out_of_range_rerenders_the_form_with_the_typed_value(
    client_for, world, member, chair, editor, head
):
    entry = explained_rate_item(world, member, chair, editor, head)

    response = client_for(member).post(
        reverse("council:entry_round2", args=[entry.pk]),
        {"decision": "partial", "value": "95%", "reason": "Một phần.", "version": entry.version},
    )

    body = response.content.decode()
    assert response.status_code == 422
    assert (
        "Chấp nhận một phần: giá trị «95%» cho 0,95 điểm, ngoài khoảng từ 0,6 điểm (vòng 1) đến 0,9 điểm "
        "(đơn vị tự chấm)." in body
    )
    assert 'value="95%"' in body
    entry.refresh_from_db()
    assert entry.round2_value == ""


def test_document_reference_evidence_is_text_not_a_download_link_on_council_pages(
    client_for, world, member, chair, editor, head
):
    """QA 13: a reference to an issued document has no file: the council pages show its number, date and
    title without a link (the download would answer 404)."""
    from datetime import date

    from appraisal.assessments.models import Evidence, EvidenceLink

    a = world["skhcn"]
    entry = entry_of(a, "1.1")
    document = Evidence.objects.create(
        unit=a.unit,
        kind="document",
        title="Quyết định kiện toàn bộ phận CCHC",
        doc_number="12/QĐ-SKHCN",
        doc_date=date(2023, 2, 3),
        created_by=editor,
    )
    EvidenceLink.objects.create(entry=entry, evidence=document, by=editor)
    shown = (
        "Quyết định kiện toàn bộ phận CCHC "
        '<span class="small text-muted">(văn bản số 12/QĐ-SKHCN, ngày 03/02/2023)</span>'
    )
    download = reverse("assessments:evidence_download", args=[document.pk])
    c = client_for(member)

    pages = [
        c.get(reverse("council:appraise", args=[a.pk])).content.decode(),
        c.get(reverse("council:entry", args=[entry.pk])).content.decode(),
    ]
    appraise_all(a, member, overrides={"1.1": "Không"}, reasons={"1.1": "Kế hoạch ban hành sau hạn."})
    services.assessment_mark_appraised(assessment=a, by=chair)
    set_phase(world["period"], Phase.EXPLANATION)
    entry.refresh_from_db()
    services.explanation_record(entry=entry, text="Đúng hạn.", by=editor, expected_version=entry.version)
    EvidenceLink.objects.create(entry=entry, evidence=document, layer="explanation", by=editor)
    services.explanation_submit(assessment=a, by=head)
    set_phase(world["period"], Phase.REAPPRAISAL)
    pages.append(c.get(reverse("council:appraise_round2", args=[a.pk])).content.decode())

    assert [(shown in page, page.count(shown), download in page) for page in pages] == [
        (True, 1, False),
        (True, 1, False),
        (True, 2, False),
    ]
