"""Self-assessment journeys in Chromium: fill every rule type with autosave, evidence, reload; submit, refused
edits, withdraw; the deadline; conflicts between two sessions; an expired session keeps the typed value."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appraisal.assessments import services
from appraisal.assessments.layers import assessment_get_or_create
from appraisal.assessments.models import Assessment, Evidence
from appraisal.core import roles
from appraisal.registry.models import Phase, PhaseWindow
from tests.assessments.conftest import PDF
from tests.factories import (
    GroupFactory,
    PeriodFactory,
    UnitFactory,
    UserFactory,
    build_index_set,
    grant,
    member_of,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

COMPLETE = {"1.1": "Có", "1.2": "100%", "1.3": "Tốt", "1.4": "95%", "2.1": "2", "2.2": "17/20"}


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    period = PeriodFactory(year=2023)
    group = GroupFactory(code="so", name="Các sở, ban, ngành")
    unit = UnitFactory(code="skhcn", name="Sở Khoa học và Công nghệ")
    member_of(period, unit, group)
    build_index_set(period, group)
    now = timezone.now()
    window = PhaseWindow.objects.create(
        period=period,
        phase=Phase.SELF_ASSESSMENT,
        opens_at=now - timedelta(days=1),
        due_at=now + timedelta(days=3),
    )
    editor = UserFactory(username="skhcn.editor", first_name="Nguyễn Thu Hà")
    grant(editor, roles.UNIT_EDITOR, unit)
    head = UserFactory(username="skhcn.head", first_name="Trần Văn Hùng")
    grant(head, roles.UNIT_HEAD, unit)
    assessment = assessment_get_or_create(period=period, unit=unit)
    ids = {e.node.code: e.pk for e in assessment.entries.select_related("node")}
    return {"assessment": assessment, "ids": ids, "editor": editor, "head": head, "window": window}


def item(page, ids, code):
    return page.locator(f"#entry-{ids[code]}")


def saved(page, ids, code):
    expect(page.locator(f"#entry-{ids[code]}-state")).to_contain_text("Đã lưu lúc")


def fill_complete(world):
    for code, value in COMPLETE.items():
        entry = world["assessment"].entries.select_related("node", "assessment__period").get(node__code=code)
        services.entry_save_self(
            entry=entry,
            value=value,
            note="Theo báo cáo năm",
            expected_version=entry.version,
            by=world["editor"],
        )


def test_editor_fills_every_rule_type_attaches_evidence_and_finds_it_after_reload(
    page, live_server, login, world
):
    ids = world["ids"]
    login(page, live_server, "skhcn.editor")
    page.goto(f"{live_server.url}/tu-danh-gia/")
    expect(page.get_by_role("heading", name="Sở Khoa học và Công nghệ")).to_be_visible()
    page.get_by_role("link", name="Mở phiếu tự đánh giá").click()

    item(page, ids, "1.1").get_by_label("Có").check()  # boolean
    saved(page, ids, "1.1")
    item(page, ids, "1.2").get_by_label("Tỷ lệ đạt được (mục 1.2)").fill("85%")  # tiers
    item(page, ids, "1.2").get_by_label("Tỷ lệ đạt được (mục 1.2)").press("Tab")
    saved(page, ids, "1.2")
    item(page, ids, "1.3").get_by_label("Mức đạt được (mục 1.3)").select_option("Đạt")  # levels
    saved(page, ids, "1.3")
    item(page, ids, "1.4").get_by_label("Tỷ lệ đạt được (mục 1.4)").fill("17/20")  # proportional
    item(page, ids, "1.4").get_by_label("Tỷ lệ đạt được (mục 1.4)").press("Tab")
    saved(page, ids, "1.4")
    item(page, ids, "2.1").get_by_label("Số điểm tự chấm (mục 2.1)").fill("1.75")  # manual, step 0.25
    item(page, ids, "2.1").get_by_label("Số điểm tự chấm (mục 2.1)").press("Tab")
    saved(page, ids, "2.1")
    item(page, ids, "P1").get_by_label("Số lần vi phạm (mục P1)").fill("1")  # penalty count
    item(page, ids, "P1").get_by_label("Số lần vi phạm (mục P1)").press("Tab")
    saved(page, ids, "P1")
    note = item(page, ids, "1.2").get_by_label("Ghi chú / thuyết minh (mục 1.2)")
    note.fill("Hoàn thành 17/20 nhiệm vụ theo Kế hoạch 12/KH")
    note.press("Tab")
    saved(page, ids, "1.2")

    # Points come from the engine, at once; totals follow.
    expect(page.locator(f"#entry-{ids['1.2']}-points")).to_have_text("0,5")
    expect(page.locator(f"#entry-{ids['1.4']}-points")).to_have_text("0,85")
    expect(page.locator(f"#entry-{ids['2.1']}-points")).to_have_text("1,75")
    expect(page.locator("#form-totals")).to_contain_text("Điểm tự đánh giá: 4,6 / 7")
    expect(page.locator("#form-totals")).to_contain_text("Đã nhập 5/6 mục bắt buộc")
    expect(page.locator("#missing-panel")).to_contain_text("Mục 2.2: chưa nhập giá trị")

    # A refused input says why and keeps what was typed.
    bad = item(page, ids, "2.1").get_by_label("Số điểm tự chấm (mục 2.1)")
    bad.fill("0.3")
    bad.press("Tab")
    expect(page.locator(f"#entry-{ids['2.1']}-state")).to_contain_text(
        "Lỗi: Mục 2.1: Điểm phải là bội số của 0,25."
    )
    expect(bad).to_have_value("0.3")
    bad.fill("1.75")
    bad.press("Tab")
    saved(page, ids, "2.1")

    # A file for 1.1, an issued document for 1.3.
    item(page, ids, "1.1").get_by_role("button", name="Thêm tài liệu kiểm chứng cho mục 1.1").click()
    panel = page.locator(f"#entry-{ids['1.1']}-panel")
    panel.get_by_label("Tệp tài liệu").set_input_files(
        {"name": "Kế hoạch CCHC năm 2023.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    panel.get_by_role("button", name="Tải lên").click()
    expect(panel).to_contain_text("Đã tải lên «Kế hoạch CCHC năm 2023.pdf» cho mục 1.1.")
    expect(page.locator(f"#entry-{ids['1.1']}-evidence")).to_contain_text("Kế hoạch CCHC năm 2023.pdf")
    item(page, ids, "1.3").get_by_role("button", name="Thêm tài liệu kiểm chứng cho mục 1.3").click()
    panel = page.locator(f"#entry-{ids['1.3']}-panel")
    panel.get_by_label("Số/ký hiệu").fill("125/BC-SKHCN")
    panel.get_by_label("Ngày ban hành (dd/mm/yyyy)").fill("15/12/2023")
    panel.get_by_label("Trích yếu").fill("Báo cáo kết quả CCHC năm 2023")
    panel.get_by_role("button", name="Gắn văn bản").click()
    expect(panel).to_contain_text("Đã gắn văn bản số 125/BC-SKHCN cho mục 1.3.")

    page.reload()
    expect(item(page, ids, "1.1").get_by_label("Có")).to_be_checked()
    expect(item(page, ids, "1.2").get_by_label("Tỷ lệ đạt được (mục 1.2)")).to_have_value("85%")
    expect(item(page, ids, "1.2").get_by_label("Ghi chú / thuyết minh (mục 1.2)")).to_have_value(
        "Hoàn thành 17/20 nhiệm vụ theo Kế hoạch 12/KH"
    )
    expect(item(page, ids, "1.3").get_by_label("Mức đạt được (mục 1.3)")).to_have_value("Đạt")
    expect(item(page, ids, "1.4").get_by_label("Tỷ lệ đạt được (mục 1.4)")).to_have_value("17/20")
    expect(item(page, ids, "2.1").get_by_label("Số điểm tự chấm (mục 2.1)")).to_have_value(
        "1,75"
    )  # shown with a decimal comma
    expect(item(page, ids, "P1").get_by_label("Số lần vi phạm (mục P1)")).to_have_value("1")
    expect(page.locator(f"#entry-{ids['1.1']}-evidence")).to_contain_text("Kế hoạch CCHC năm 2023.pdf")
    expect(page.locator(f"#entry-{ids['1.3']}-evidence")).to_contain_text(
        "Văn bản số 125/BC-SKHCN ngày 15/12/2023: Báo cáo kết quả CCHC năm 2023"
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="Kế hoạch CCHC năm 2023.pdf").click()
    assert download.value.suggested_filename == "Kế hoạch CCHC năm 2023.pdf"
    assert Evidence.objects.count() == 2


def test_head_submits_editing_is_refused_then_withdraw_reopens(page, live_server, login, world):
    fill_complete(world)
    ids = world["ids"]
    pk = world["assessment"].pk
    # The editor has the form open while the head submits in another browser.
    editor_context = page.context.browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    editor_page = editor_context.new_page()
    login(editor_page, live_server, "skhcn.editor")
    editor_page.goto(f"{live_server.url}/tu-danh-gia/{pk}/phieu/")

    login(page, live_server, "skhcn.head")
    page.goto(f"{live_server.url}/tu-danh-gia/{pk}/")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Chốt bản tự đánh giá").click()
    expect(page.get_by_text("Đã chốt bản tự đánh giá và gửi Hội đồng thẩm định.")).to_be_visible()
    expect(page.locator("#assessment-state")).to_have_text("Đã chốt tự đánh giá")

    field = editor_page.locator(f"#entry-{ids['1.2']}").get_by_label("Tỷ lệ đạt được (mục 1.2)")
    field.fill("50%")
    field.press("Tab")
    expect(editor_page.locator(f"#entry-{ids['1.2']}-state")).to_contain_text(
        "Lỗi: Bản tự đánh giá đang ở trạng thái «Đã chốt tự đánh giá»: không sửa được."
    )
    expect(field).to_have_value("50%")  # the typed value stays on the page
    editor_page.reload()
    expect(editor_page.get_by_text("Chỉ xem:")).to_be_visible()
    assert editor_page.locator(".entry-form").count() == 0
    assert world["assessment"].entries.get(node__code="1.2").self_value == "100%"

    page.get_by_role("button", name="Rút lại để sửa").click()
    expect(page.locator("#assessment-state")).to_have_text("Đang tự đánh giá")
    editor_page.reload()
    expect(
        editor_page.locator(f"#entry-{ids['1.2']}").get_by_label("Tỷ lệ đạt được (mục 1.2)")
    ).to_be_editable()
    editor_context.close()


def test_submit_after_the_deadline_is_refused_with_the_deadline(page, live_server, login, world):
    fill_complete(world)
    window = world["window"]
    window.opens_at = timezone.now() - timedelta(days=10)
    window.due_at = timezone.now() - timedelta(hours=3)
    window.save()
    due = timezone.localtime(window.due_at).strftime("%H:%M ngày %d/%m/%Y")
    login(page, live_server, "skhcn.head")
    page.goto(f"{live_server.url}/tu-danh-gia/{world['assessment'].pk}/")
    expect(page.locator("#deadline-remaining")).to_have_text("Đã quá hạn")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Chốt bản tự đánh giá").click()
    expect(page.get_by_role("alert").filter(has_text="Đã quá hạn chót")).to_contain_text(
        f"Đã quá hạn chót {due} của giai đoạn Tự đánh giá."
    )
    assert Assessment.objects.get().state == "draft"


def test_two_sessions_get_a_conflict_and_can_keep_the_stored_value(page, live_server, login, world):
    ids = world["ids"]
    pk = world["assessment"].pk
    other_context = page.context.browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    other = other_context.new_page()
    login(other, live_server, "skhcn.head")
    other.goto(f"{live_server.url}/tu-danh-gia/{pk}/phieu/")
    login(page, live_server, "skhcn.editor")
    page.goto(f"{live_server.url}/tu-danh-gia/{pk}/phieu/")

    mine = page.locator(f"#entry-{ids['1.2']}").get_by_label("Tỷ lệ đạt được (mục 1.2)")
    mine.fill("100%")
    mine.press("Tab")
    saved(page, ids, "1.2")
    theirs = other.locator(f"#entry-{ids['1.2']}").get_by_label("Tỷ lệ đạt được (mục 1.2)")
    theirs.fill("70%")
    theirs.press("Tab")
    conflict = other.locator(f"#entry-{ids['1.2']}-conflict")
    expect(conflict).to_contain_text("vừa được Nguyễn Thu Hà lưu lúc")
    expect(conflict).to_contain_text("với giá trị «100%»; giá trị của bạn: «70%».")
    assert world["assessment"].entries.get(node__code="1.2").self_value == "100%"
    conflict.get_by_role("button", name="Giữ giá trị đã lưu «100%»").click()
    expect(other.locator(f"#entry-{ids['1.2']}").get_by_label("Tỷ lệ đạt được (mục 1.2)")).to_have_value(
        "100%"
    )
    other_context.close()


def test_expired_session_keeps_the_typed_value_and_asks_to_log_in_again(page, live_server, login, world):
    ids = world["ids"]
    login(page, live_server, "skhcn.editor")
    page.goto(f"{live_server.url}/tu-danh-gia/{world['assessment'].pk}/phieu/")
    page.context.clear_cookies(name="sessionid")
    field = page.locator(f"#entry-{ids['1.2']}").get_by_label("Tỷ lệ đạt được (mục 1.2)")
    field.fill("90%")
    field.press("Tab")
    expect(page.locator(f"#entry-{ids['1.2']}-state")).to_contain_text(
        "Phiên đăng nhập đã hết hạn — hãy đăng nhập lại (mở trang đăng nhập ở thẻ mới), "
        "giá trị bạn nhập vẫn còn trên trang."
    )
    expect(field).to_have_value("90%")
    # Log in again in another tab, come back, and the same change saves.
    second = page.context.new_page()
    login(second, live_server, "skhcn.editor")
    second.close()
    field.fill("90 %")
    field.press("Tab")
    saved(page, ids, "1.2")
    assert world["assessment"].entries.get(node__code="1.2").self_value == "90%"
