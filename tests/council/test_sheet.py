"""A unit appraised on one page (issue 15, point 1): every assigned item grouped by field, typed inputs, saves per
item with version checks (409/422), running total, lowered items, «chấp nhận các mục còn lại», round 2."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from appraisal.assessments.models import ItemHistory
from appraisal.council import services
from appraisal.registry.models import Phase
from tests.council.conftest import appraise_all, entry_of, set_phase

HX = {"HX-Request": "true"}
APPRAISED_CODES = ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "T1", "P1"]


def _page(client, a, round_no=1):
    name = "council:appraise" if round_no == 1 else "council:appraise_round2"
    return client.get(reverse(name, args=[a.pk]))


# -- What happens today 1: one item per page (GET + POST each), plain text box for every rule type -------------


def test_round1_one_item_per_page_is_now_one_page_per_unit_grouped_by_field(client_for, world, member):
    response = _page(client_for(member), world["skhcn"])
    body = response.content.decode()

    assert response.status_code == 200
    assert body.count('class="appraise-item"') == len(APPRAISED_CODES)
    assert '<h2 class="h5 mb-1" id="field-1-h">1. Công tác chỉ đạo, điều hành CCHC</h2>' in body
    assert '<h2 class="h5 mb-1" id="field-2-h">2. Cải cách thủ tục hành chính</h2>' in body
    assert "3.1. Mức độ hài lòng" not in body  # survey items are not appraised
    assert body.index('id="field-1-h"') < body.index('id="field-2-h"') < body.index('id="field-T1-h"')
    assert 'Đã thẩm định <strong id="sheet-done">0/8</strong> mục' in body


def test_round1_input_was_a_plain_text_box_now_typed_per_rule(client_for, world, member):
    a = world["skhcn"]
    body = _page(client_for(member), a).content.decode()
    e11, e13, e21, e14, p1 = (entry_of(a, c) for c in ("1.1", "1.3", "2.1", "1.4", "P1"))

    assert (
        f'<select class="form-select form-select-sm" name="value" id="r1-value-{e11.pk}" '
        f'aria-describedby="r1-value-{e11.pk}-hint">\n  <option value="">— Chọn —</option>\n  '
        '<option value="Có" selected>Có</option><option value="Không">Không</option>\n</select>'
    ) in body
    assert (
        '<option value="Tốt" selected>Tốt</option><option value="Đạt">Đạt</option>'
        '<option value="Chưa đạt">Chưa đạt</option>'
    ) in body
    assert f'type="text" inputmode="decimal" name="value" id="r1-value-{e21.pk}" value="2"' in body
    assert f'type="text" inputmode="decimal" name="value" id="r1-value-{e14.pk}" value="90%"' in body
    assert f'type="text" inputmode="numeric" name="value" id="r1-value-{p1.pk}" value="1"' in body
    assert f"r1-value-{e13.pk}" in body
    assert 'type="number"' not in body


def test_one_page_shows_unit_input_note_and_evidence_beside_the_council_input(client_for, world, member):
    a = world["skhcn"]
    e = entry_of(a, "1.4")
    body = _page(client_for(member), a).content.decode()

    assert f'<dd class="mb-1" id="self-{e.pk}">90% → 0,9 điểm</dd>' in body
    assert (
        f'<label class="form-label small mb-1" for="r1-reason-{e.pk}">Lý do mục 1.4 (bắt buộc khi hạ điểm)'
        in body
    )


def test_one_page_save_answers_state_total_and_lowered_list(client_for, world, member):
    a = world["skhcn"]
    e = entry_of(a, "1.4")
    response = client_for(member).post(
        reverse("council:entry_round1", args=[e.pk]),
        {"value": "70%", "reason": "Tỷ lệ thực tế 70%.", "version": e.version, "sheet": "1"},
        headers=HX,
    )
    body = response.content.decode()

    assert response.status_code == 200
    assert f'id="save-state-round1-{e.pk}"' in body and "— 0,7 điểm</span>" in body
    assert f'value="{e.version + 1}" id="version-round1-{e.pk}" hx-swap-oob="true"' in body
    assert f'<strong id="r1-points-{e.pk}" hx-swap-oob="true">0,7</strong>' in body
    assert (
        f'<span id="item-state-{e.pk}" class="badge text-bg-warning" hx-swap-oob="true">Đã chấm — hạ điểm</span>'
        in body
    )
    assert 'Đã thẩm định <strong id="sheet-done">1/8</strong> mục' in body
    assert '<strong id="sheet-round1-total">0,70</strong> (đơn vị tự chấm 0,90)' in body
    assert f'<a href="#item-{e.pk}">Mục 1.4</a>: 0,9 → 0,7 điểm — Tỷ lệ thực tế 70%.' in body
    assert (
        'id="field-1-total" hx-swap-oob="true">Đã thẩm định 1/4 mục · tự chấm 3,90 · thẩm định 0,70' in body
    )


def test_one_page_refused_input_answers_422_with_the_message(client_for, world, member):
    e = entry_of(world["skhcn"], "1.1")
    response = client_for(member).post(
        reverse("council:entry_round1", args=[e.pk]),
        {"value": "Không", "reason": "", "version": e.version, "sheet": "1"},
        headers=HX,
    )

    assert response.status_code == 422
    assert "<strong>Chưa lưu:</strong> Phải nêu lý do khi hạ điểm.</span>" in response.content.decode()
    e.refresh_from_db()
    assert e.round1_value == ""


def test_one_page_stale_version_answers_409_and_keeps_the_other_save(client_for, world, member, secretariat):
    e = entry_of(world["skhcn"], "1.2")
    services.round1_record(
        entry=e, value="80%", reason="Đạt 80%.", by=secretariat, expected_version=e.version
    )
    response = client_for(member).post(
        reverse("council:entry_round1", args=[e.pk]),
        {"value": "100%", "reason": "", "version": e.version, "sheet": "1"},
        headers=HX,
    )

    assert response.status_code == 409
    assert (
        "Mục 1.2 vừa được người khác lưu (phiên bản 2). Giá trị hiện tại: «80%»." in response.content.decode()
    )
    e.refresh_from_db()
    assert e.round1_value == "80%"


def test_one_page_forbidden_without_items_and_hidden_from_conflicted_member(
    client_for, world, chair, conflicted_member, editor
):
    a = world["skhcn"]
    chair_response = _page(client_for(chair), a)
    assert chair_response.status_code == 403
    assert (
        "Bạn không có mục nào để thẩm định vòng 1 ở Sở Khoa học và Công nghệ."
        in chair_response.content.decode()
    )
    assert _page(client_for(conflicted_member), a).status_code == 404
    assert _page(client_for(editor), a).status_code == 404


def test_one_page_is_read_only_once_round1_is_closed(client_for, world, member):
    # A submitted unit stays appraisable after the period moved on (its own clock, SPEC §3a); round 1 is
    # closed for it while the period has not reached the appraisal phase.
    set_phase(world["period"], Phase.SELF_ASSESSMENT)
    body = _page(client_for(member), world["skhcn"]).content.decode()

    assert 'class="appraise-item"' not in body
    assert "Thẩm định vòng 1 hiện không mở cho đơn vị này" in body


def test_one_page_query_count_does_not_grow_with_items(client_for, world, member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from appraisal.council.models import Assignment

    a = world["skhcn"]

    def count() -> int:
        c = client_for(member)
        with CaptureQueriesContext(connection) as ctx:
            assert _page(c, a).status_code == 200
        return len(ctx.captured_queries)

    many = count()  # 8 items in 4 fields
    Assignment.objects.filter(member=member).exclude(field_code="1").delete()
    member.__dict__.pop("_council_access", None)
    few = count()  # 4 items in 1 field
    assert few == many


# -- «Chấp nhận các mục còn lại theo điểm tự chấm» -----------------------------------------------------------


def test_accept_remaining_asks_for_confirmation_then_records_each_item_in_history(client_for, world, member):
    a = world["skhcn"]
    e11 = entry_of(a, "1.1")
    services.round1_record(entry=e11, value="Không", reason="Chưa ban hành.", by=member, expected_version=1)
    c = client_for(member)
    url = reverse("council:appraise_accept_remaining", args=[a.pk])

    confirm = c.get(url).content.decode()
    assert "Xác nhận chấp nhận 7 mục" in confirm
    assert ItemHistory.objects.filter(entry__assessment=a, layer="round1").count() == 1

    response = c.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("council:appraise", args=[a.pk])
    rows = list(
        ItemHistory.objects.filter(entry__assessment=a, layer="round1", source="bulk")
        .order_by("entry__node__position")
        .values_list("entry__node__code", "new_value", "reason", "by__username")
    )
    assert rows == [
        (code, value, services.ACCEPT_REMAINING_REASON, "member.stp")
        for code, value in [
            ("1.2", "100%"),
            ("1.3", "Tốt"),
            ("1.4", "90%"),
            ("2.1", "2"),
            ("2.2", "80%"),
            ("T1", "Có"),
            ("P1", "1"),
        ]
    ]
    e11.refresh_from_db()
    assert e11.round1_value == "Không"  # an item already appraised stays as it was


def test_accept_remaining_forbidden_for_chair_and_hidden_from_conflicted_member(
    client_for, world, chair, conflicted_member
):
    a = world["skhcn"]
    url = reverse("council:appraise_accept_remaining", args=[a.pk])
    assert client_for(chair).post(url).status_code == 403
    assert client_for(conflicted_member).post(url).status_code == 404
    assert ItemHistory.objects.filter(entry__assessment=a, layer="round1").count() == 0


# -- round 2 on the same page ---------------------------------------------------------------------------------


def _explained(world, member, chair, editor, head):
    a = world["skhcn"]
    appraise_all(a, member, overrides={"1.1": "Không"}, reasons={"1.1": "Kế hoạch ban hành sau hạn."})
    services.assessment_mark_appraised(assessment=a, by=chair)
    set_phase(world["period"], Phase.EXPLANATION)
    e = entry_of(a, "1.1")
    services.explanation_record(
        entry=e, text="Kế hoạch ban hành đúng hạn.", by=editor, expected_version=e.version
    )
    a.refresh_from_db()
    services.explanation_submit(assessment=a, by=head)
    set_phase(world["period"], Phase.REAPPRAISAL)
    a.refresh_from_db()
    return a


def test_round2_one_page_lists_explained_items_with_required_reason(
    client_for, world, member, chair, editor, head
):
    a = _explained(world, member, chair, editor, head)
    e = entry_of(a, "1.1")
    body = _page(client_for(member), a, round_no=2).content.decode()

    assert body.count('class="appraise-item"') == 1
    assert "Kế hoạch ban hành đúng hạn." in body
    assert (
        f'<label class="form-label small mb-1" for="r2-reason-{e.pk}">Lý do kết luận mục 1.1 '
        '<span class="text-danger">(bắt buộc)</span></label>'
    ) in body
    assert f'id="r2-reason-{e.pk}" required aria-required="true">' in body


def test_round2_one_page_save_without_reason_answers_422_then_saves(
    client_for, world, member, chair, editor, head
):
    a = _explained(world, member, chair, editor, head)
    e = entry_of(a, "1.1")
    c = client_for(member)
    url = reverse("council:entry_round2", args=[e.pk])
    refused = c.post(
        url, {"decision": "accept", "reason": "", "version": e.version, "sheet": "1"}, headers=HX
    )
    assert refused.status_code == 422
    assert "Phải nêu lý do của kết luận vòng 2." in refused.content.decode()

    saved = c.post(
        url,
        {"decision": "accept", "reason": "Giải trình hợp lý.", "version": e.version, "sheet": "1"},
        headers=HX,
    )
    assert saved.status_code == 200
    assert (
        'Đã kết luận <strong id="sheet-done">1/1</strong> mục đã giải trình — đã xong.'
        in saved.content.decode()
    )
    e.refresh_from_db()
    assert (e.round2_decision, e.round2_points) == ("accept", Decimal("1.0000"))


# -- What happens today 1 (cont.): "Lưu và tiếp" moved into the next unit without saying so --------------------


def test_save_and_next_moving_into_the_next_unit_says_so(client_for, world, member, other_unit, secretariat):
    from tests.council.conftest import submit_assessment
    from tests.factories import UnitFactory, UserFactory, member_of

    third = UnitFactory(code="syt", name="Sở Y tế")
    member_of(world["period"], third, other_unit.memberships.first().group)
    submit_assessment(world["period"], third, UserFactory(username="syt.editor"))
    a = world["skhcn"]
    appraise_all(a, member)
    last = entry_of(a, "P1")
    services.round1_record(entry=last, value="", reason="", by=member, expected_version=last.version)
    last.refresh_from_db()
    c = client_for(member)
    response = c.post(
        reverse("council:entry_round1", args=[last.pk]),
        {"value": "1", "reason": "", "version": last.version, "next": "1"},
        follow=True,
    )

    assert "Đã xong các mục của Sở Khoa học và Công nghệ. Chuyển sang đơn vị tiếp theo: Sở Y tế." in (
        response.content.decode()
    )


def test_sheet_shows_the_phase_deadline_or_says_it_is_not_set(client_for, world, member):
    """QA 19: the sheet printed «Hạn thẩm định vòng 1:  ·» with or without a deadline (the filter got the
    Deadline object, not its due time)."""
    import datetime as dt

    from django.utils import timezone

    from appraisal.registry.models import Phase, PhaseWindow

    a = world["skhcn"]
    url = reverse("council:appraise", args=[a.pk])
    before = client_for(member).get(url).content.decode()
    due = timezone.make_aware(dt.datetime(2030, 3, 15, 17, 0))
    PhaseWindow.objects.create(
        period=world["period"], phase=Phase.APPRAISAL, opens_at=due - dt.timedelta(days=30), due_at=due
    )

    after = client_for(member).get(url).content.decode()

    assert (
        "Hạn thẩm định vòng 1: chưa đặt ·" in before,
        "Hạn thẩm định vòng 1: 17:00 15/03/2030 ·" in after,
    ) == (
        True,
        True,
    )
