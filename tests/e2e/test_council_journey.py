"""The council journey in a real browser (issue 5): member.stttt appraises Sở Khoa học và Công nghệ and lowers
an item with a reason; the unit sees the notice, explains with a new file and its head sends the explanation;
the member resolves the item in round 2; the chair finalises; the results page shows the round-2 points."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appraisal.assessments.layers import entry_record_layer
from appraisal.assessments.models import Assessment, AssessmentState, ItemEntry
from appraisal.core import roles
from appraisal.council.models import Assignment
from appraisal.registry.models import Phase, PhaseWindow
from tests.council.conftest import submit_assessment
from tests.factories import (
    GroupFactory,
    PeriodFactory,
    UnitFactory,
    UserFactory,
    build_index_set,
    grant,
    member_of,
)

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _windows(period, open_phase):
    """Only ``open_phase`` is open now; the others lie in the past or the future."""
    now = timezone.now()
    order = [Phase.SELF_ASSESSMENT, Phase.APPRAISAL, Phase.EXPLANATION, Phase.REAPPRAISAL]
    current = order.index(open_phase)
    for i, phase in enumerate(order):
        shift = timedelta(days=10 * (i - current))
        PhaseWindow.objects.update_or_create(
            period=period,
            phase=phase,
            defaults={"opens_at": now + shift - timedelta(days=2), "due_at": now + shift + timedelta(days=2)},
        )
    # The period is in the phase whose window is open, as the secretariat's phase change leaves it; entering the
    # explanation phase issues the notices (SPEC §3a).
    type(period).objects.filter(pk=period.pk).update(phase=open_phase)
    period.refresh_from_db()
    if open_phase == Phase.EXPLANATION:
        from appraisal.council.lifecycle import notices_issue

        notices_issue(period=period, by=None)


@pytest.fixture
def council_world(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    period = PeriodFactory(year=2023, phase=Phase.APPRAISAL)
    group = GroupFactory(code="so", name="Các sở, ban, ngành")
    build_index_set(period, group)
    skhcn = UnitFactory(code="skhcn", name="Sở Khoa học và Công nghệ")
    stttt = UnitFactory(code="stttt", name="Sở Thông tin và Truyền thông")
    for u in (skhcn, stttt):
        member_of(period, u, group)
    editor = UserFactory(username="skhcn.editor")
    grant(editor, roles.UNIT_EDITOR, skhcn)
    head = UserFactory(username="skhcn.head")
    grant(head, roles.UNIT_HEAD, skhcn)
    member = UserFactory(username="member.stttt", first_name="Hoàng Minh Tuấn")
    grant(member, roles.MEMBER, stttt, period)
    chair = UserFactory(username="chair")
    grant(chair, roles.CHAIR, None, period)
    secretariat = UserFactory(username="secretariat")
    grant(secretariat, roles.SECRETARIAT)
    for code in ("1", "2", "T1", "P1"):
        Assignment.objects.create(period=period, member=member, field_code=code, created_by=secretariat)
    assessment = submit_assessment(period, skhcn, editor)
    survey = ItemEntry.objects.select_related("node", "assessment__period").get(
        assessment=assessment, node__code="3.1"
    )
    entry_record_layer(entry=survey, layer="survey", value="80%", by=secretariat, source="import")
    _windows(period, Phase.APPRAISAL)
    return {"period": period, "assessment": assessment}


def test_council_journey_from_round1_to_results(page, live_server, login, council_world):
    base = live_server.url
    a = council_world["assessment"]
    period = council_world["period"]
    page.on("dialog", lambda dialog: dialog.accept())

    # Round 1: member.stttt lowers 1.1 with a reason, then "save and next" through the queue.
    login(page, live_server, "member.stttt")
    page.goto(f"{base}/hoi-dong/2023/hang-doi/")
    expect(page.locator("main")).to_contain_text("Đã chấm 0/8 mục, còn 8 mục.")
    page.get_by_role("link", name="1.1", exact=True).click()
    expect(page.locator("#self-value")).to_have_text("Có")
    page.get_by_label("Giá trị thẩm định").select_option("Không")
    page.get_by_role("button", name="Lưu", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="Phải nêu lý do khi hạ điểm.")).to_be_visible()
    page.get_by_label("Lý do (bắt buộc khi hạ điểm)").fill("Kế hoạch CCHC ban hành sau ngày 31/01.")
    page.get_by_role("button", name="Lưu và tiếp").click()
    expect(page.get_by_role("heading", name=re.compile("mục 1.2$"))).to_be_visible()
    # Autosave (htmx): changing a value saves it in place.
    page.get_by_label("Giá trị thẩm định").fill("90%")
    page.get_by_label("Lý do (bắt buộc khi hạ điểm)").fill("Tỷ lệ hoàn thành 90%.")
    page.get_by_label("Giá trị thẩm định").focus()
    expect(page.locator(".save-state")).to_contain_text("Đã lưu lúc")
    page.get_by_role("button", name="Lưu và tiếp").click()
    for _ in range(6):  # 1.3 … P1 keep the unit's own claims
        page.get_by_role("button", name="Lưu và tiếp").click()
    expect(page.get_by_text("Đã chấm xong mọi mục trong hàng đợi.")).to_be_visible()
    assert (
        ItemEntry.objects.get(assessment=a, node__code="1.1").round1_reason
        == "Kế hoạch CCHC ban hành sau ngày 31/01."
    )

    # The chair closes round 1 for the unit.
    login(page, live_server, "chair")
    page.goto(f"{base}/hoi-dong/don-vi/{a.pk}/")
    page.get_by_role("button", name="Chốt thẩm định vòng 1").click()
    expect(page.locator("#assessment-state")).to_have_text("Đã thẩm định vòng 1")

    # Explanation window opens: the unit sees the notice and explains with a new file.
    _windows(period, Phase.EXPLANATION)
    login(page, live_server, "skhcn.editor")
    page.goto(f"{base}/hoi-dong/2023/")
    page.get_by_role("link", name="Thông báo kết quả thẩm định").click()
    expect(page.get_by_text("Kế hoạch CCHC ban hành sau ngày 31/01.")).to_be_visible()
    page.get_by_role("link", name="Giải trình", exact=True).click()
    page.get_by_label("Nội dung giải trình").first.fill(
        "Kế hoạch ban hành ngày 25/01 (Quyết định số 12/QĐ-SKHCN)."
    )
    page.get_by_role("button", name="Lưu giải trình").first.click()
    expect(page.get_by_text("Đã lưu giải trình mục 1.1.")).to_be_visible()
    page.get_by_label("Tài liệu bổ sung").first.set_input_files(
        files=[{"name": "Quyết định 12.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Tải lên").first.click()
    expect(page.get_by_text("Đã tải lên «Quyết định 12.pdf» cho mục 1.1.")).to_be_visible()

    login(page, live_server, "skhcn.head")
    page.goto(f"{base}/hoi-dong/don-vi/{a.pk}/giai-trinh/")
    page.get_by_role("button", name="Gửi giải trình").click()
    expect(page.locator("#assessment-state")).to_have_text("Đã gửi giải trình")

    # Round 2: the member accepts the explanation.
    _windows(period, Phase.REAPPRAISAL)
    login(page, live_server, "member.stttt")
    page.goto(f"{base}/hoi-dong/2023/vong-2/")
    page.get_by_role("link", name="1.1", exact=True).click()
    expect(page.get_by_role("link", name="Quyết định 12.pdf")).to_be_visible()
    page.get_by_label("Chấp nhận", exact=True).check()
    page.get_by_label("Lý do (bắt buộc)", exact=True).fill("Giải trình có căn cứ, chấp nhận.")
    page.get_by_role("button", name="Lưu kết luận").click()
    expect(page.get_by_text("Đã lưu kết luận vòng 2 mục 1.1.")).to_be_visible()
    expect(page.locator("#final-points")).to_have_text("1")

    # The chair finalises the unit; its results show the round-2 points.
    login(page, live_server, "chair")
    page.goto(f"{base}/hoi-dong/don-vi/{a.pk}/")
    page.get_by_role("button", name="Chốt kết quả đơn vị").click()
    expect(page.locator("#assessment-state")).to_have_text("Đã hoàn tất")
    expect(page.locator('[data-final="1.1"]')).to_have_text("1")
    assert Assessment.objects.get(pk=a.pk).state == AssessmentState.FINALISED
    page.get_by_role("link", name="Kết quả của đơn vị").click()
    row = page.locator("#item-1\\.1")
    expect(row).to_contain_text("Thẩm định vòng 2")
    expect(row.locator("td").nth(5)).to_have_text("1")
    expect(row.locator("td").nth(6)).to_have_text("1")
