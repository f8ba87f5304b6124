"""Issue 9's journey (SPEC §3a): the secretariat rolls 2023 over to 2024 in one page while skhcn.editor keeps
working on 2023; an empty 2025 draft is deleted; a unit on its own extension submits during round 1 and is
appraised; a unit that never submitted is closed «không nộp», appraised at zero and comes last in the annex; the
approval is refused until the Tờ trình reference is filled."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from appraisal.assessments.layers import assessment_get_or_create, entry_record_layer
from appraisal.assessments.models import Assessment, AssessmentState, ItemEntry
from appraisal.core import roles
from appraisal.council import services as council_services
from appraisal.council.lifecycle import period_advance
from appraisal.council.models import Assignment
from appraisal.registry.models import Organisation, Period, Phase, PhaseWindow
from tests.council.conftest import appraise_all, submit_assessment
from tests.factories import (
    GroupFactory,
    PeriodFactory,
    UnitFactory,
    UserFactory,
    build_index_set,
    grant,
    member_of,
)

S = AssessmentState


@pytest.fixture
def lifecycle_world(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    now = timezone.now()
    period = PeriodFactory(year=2023, phase=Phase.APPRAISAL)
    period.legal_bases = period.legal_bases.replace(
        "số …/QĐ-UBND ngày …", "số 12/2023/QĐ-UBND ngày 10/3/2023"
    )
    period.save()
    PhaseWindow.objects.create(
        period=period,
        phase=Phase.SELF_ASSESSMENT,
        opens_at=now - timedelta(days=20),
        due_at=now - timedelta(days=5),
    )
    PhaseWindow.objects.create(
        period=period, phase=Phase.APPRAISAL, opens_at=now - timedelta(days=5), due_at=now + timedelta(days=5)
    )
    org = Organisation.current()
    org.signer_name = "Nguyễn Hồng Lĩnh"
    org.save()
    group = GroupFactory(code="so", name="Các sở, ban, ngành")
    build_index_set(period, group)
    skhcn = UnitFactory(code="skhcn", name="Sở Khoa học và Công nghệ")
    stp = UnitFactory(code="stp", name="Sở Tư pháp")
    vuquang = UnitFactory(code="vuquang", name="Huyện Vũ Quang")
    for u in (skhcn, stp, vuquang):
        member_of(period, u, group)
    people = {}
    for username, role, unit, scoped in (
        ("skhcn.editor", roles.UNIT_EDITOR, skhcn, None),
        ("skhcn.head", roles.UNIT_HEAD, skhcn, None),
        ("stp.editor", roles.UNIT_EDITOR, stp, None),
        ("vuquang.editor", roles.UNIT_EDITOR, vuquang, None),
        ("member.stp", roles.MEMBER, stp, period),
        ("chair", roles.CHAIR, None, period),
        ("secretariat", roles.SECRETARIAT, None, None),
    ):
        people[username] = UserFactory(username=username, first_name=username)
        grant(people[username], role, unit, scoped)
    for code in ("1", "2", "T1", "P1"):
        Assignment.objects.create(
            period=period, member=people["member.stp"], field_code=code, created_by=people["secretariat"]
        )
    stp_assessment = submit_assessment(period, stp, people["stp.editor"])
    appraise_all(stp_assessment, people["secretariat"])  # member.stp's own unit falls to the secretariat
    council_services.assessment_mark_appraised(assessment=stp_assessment, by=people["secretariat"])
    late = submit_assessment(period, skhcn, people["skhcn.editor"], state=S.DRAFT)
    late.entries.update(self_note="Thuyết minh kèm theo")
    Assessment.objects.filter(pk=late.pk).update(
        extension_until=now + timedelta(days=3), extension_reason="Bão lũ", extension_by=people["secretariat"]
    )
    silent = assessment_get_or_create(period=period, unit=vuquang)
    return {"period": period, "people": people, "late": late, "silent": silent, "stp": stp_assessment}


def _record_survey(period, by):
    for e in ItemEntry.objects.filter(assessment__period=period, node__method="survey").select_related(
        "node", "assessment__period"
    ):
        entry_record_layer(entry=e, layer="survey", value="80%", by=by, source="test")


def test_period_lifecycle_journey(page, live_server, login, lifecycle_world):
    base = live_server.url
    world = lifecycle_world
    period, people = world["period"], world["people"]
    page.on("dialog", lambda dialog: dialog.accept())

    # The secretariat rolls 2023 over to 2024 in one page (preview, then one confirmation).
    login(page, live_server, "secretariat")
    page.goto(f"{base}/danh-muc/ky/tao-tu-nam-truoc/")
    page.locator("#id_source").select_option(label="Chỉ số CCHC năm 2023")
    page.locator("#id_year").fill("2024")
    page.get_by_role("button", name="Xem trước").click()
    expect(page.get_by_role("heading", name="Xem trước: kỳ năm 2024 từ Chỉ số CCHC năm 2023")).to_be_visible()
    page.get_by_role("button", name="Tạo kỳ năm 2024").click()
    expect(page.get_by_role("heading", name="Chỉ số CCHC năm 2024", exact=True)).to_be_visible()
    assert Period.objects.get(year=2024).index_sets.count() == 1

    # skhcn.editor keeps working on 2023, undisturbed: home, to-do and the form are 2023's.
    login(page, live_server, "skhcn.editor")
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", name="Chỉ số CCHC năm 2023", exact=True)).to_be_visible()
    expect(page.locator("#todo-list")).to_contain_text("Tự đánh giá của Sở Khoa học và Công nghệ chưa chốt")
    assert not Assessment.objects.filter(period__year=2024).exists()

    # An empty 2025 draft is created by mistake and deleted.
    login(page, live_server, "secretariat")
    page.goto(f"{base}/danh-muc/ky/them/")
    page.locator("#id_year").fill("2025")
    page.get_by_role("button", name="Tạo").click()
    draft = Period.objects.get(year=2025)
    page.goto(f"{base}/danh-muc/ky/{draft.pk}/xoa/")
    page.get_by_role("button", name="Xóa Chỉ số CCHC năm 2025").click()
    expect(page.locator("main")).to_contain_text("Đã xóa Chỉ số CCHC năm 2025.")
    assert not Period.objects.filter(year=2025).exists()

    # skhcn, on its own extension, submits during round 1 and is appraised.
    login(page, live_server, "skhcn.head")
    page.goto(f"{base}/tu-danh-gia/{world['late'].pk}/")
    page.get_by_role("button", name="Chốt bản tự đánh giá").click()
    expect(page.locator("main")).to_contain_text("Đã chốt tự đánh giá")
    login(page, live_server, "member.stp")
    page.goto(f"{base}/hoi-dong/don-vi/{world['late'].pk}/tham-dinh/chap-nhan-con-lai/")
    page.get_by_role("button", name="Xác nhận chấp nhận").click()
    world["late"].refresh_from_db()
    assert world["late"].entries.filter(node__method="appraisal", round1_value="").count() == 0

    # vuquang never submitted: closed «không nộp», then round 1 closes on empty items.
    login(page, live_server, "secretariat")
    page.goto(f"{base}/tu-danh-gia/{world['silent'].pk}/")
    page.get_by_label("Đóng «không nộp» (đã quá hạn, đơn vị chưa chốt): lý do").fill("Quá hạn, đã nhắc 3 lần")
    page.get_by_role("button", name="Đóng «không nộp»").click()
    expect(page.locator("main")).to_contain_text("Không nộp")
    for key in ("late", "silent"):
        page.goto(f"{base}/hoi-dong/don-vi/{world[key].pk}/")
        page.get_by_role("button", name="Chốt thẩm định vòng 1").click()
        expect(page.locator("#assessment-state")).to_have_text("Đã thẩm định vòng 1")

    # Arranged through the services: survey, explanation phase, round 2 phase, every unit finalised.
    secretariat, chair = people["secretariat"], people["chair"]
    _record_survey(period, secretariat)
    period_advance(
        period=period, to_phase=Phase.EXPLANATION, by=secretariat, reason="Hết vòng 1", confirmed=True
    )
    period_advance(
        period=period, to_phase=Phase.REAPPRAISAL, by=secretariat, reason="Hết giải trình", confirmed=True
    )
    for a in Assessment.objects.filter(period=period):
        council_services.assessment_finalise(assessment=a, by=chair)

    # The chair finalises the period; vuquang comes last in the annex.
    login(page, live_server, "chair")
    page.goto(f"{base}/ket-qua/2023/")
    page.get_by_role("button", name="Phê duyệt chốt kết quả").click()
    expect(page.locator("main")).to_contain_text("Đã chốt kết quả kỳ đánh giá")
    login(page, live_server, "secretariat")
    response = page.request.get(f"{base}/ket-qua/2023/phu-luc.xlsx")
    sheet = load_workbook(io.BytesIO(response.body())).worksheets[0]
    names = [
        row[1]
        for row in sheet.iter_rows(values_only=True)
        if row[1] in {"Sở Khoa học và Công nghệ", "Sở Tư pháp", "Huyện Vũ Quang"}
    ]
    assert names[-1] == "Huyện Vũ Quang" and len(names) == 3

    # Approval is refused until the Tờ trình reference is filled.
    page.goto(f"{base}/ket-qua/2023/")
    page.get_by_label("Số quyết định").fill("519/QĐ-UBND")
    page.get_by_label("Ngày ký (dd/mm/yyyy)").fill("05/02/2024")
    page.get_by_role("button", name="Ghi nhận quyết định đã ký").click()
    expect(page.locator("main")).to_contain_text("số, ngày Tờ trình của Sở Nội vụ")
    period.refresh_from_db()
    assert period.phase == Phase.FINALISED
    page.goto(f"{base}/danh-muc/ky/{period.pk}/thiet-lap/")
    page.get_by_label("Số Tờ trình của Sở Nội vụ").fill("45/TTr-SNV")
    page.get_by_label("Ngày Tờ trình").fill("25/01/2024")
    page.get_by_role("button", name="Lưu").click()
    page.goto(f"{base}/ket-qua/2023/")
    page.get_by_label("Số quyết định").fill("519/QĐ-UBND")
    page.get_by_label("Ngày ký (dd/mm/yyyy)").fill("05/02/2024")
    page.get_by_role("button", name="Ghi nhận quyết định đã ký").click()
    expect(page.locator("main")).to_contain_text("Đã phê duyệt")
    period.refresh_from_db()
    assert (period.phase, period.decision_number) == (Phase.APPROVED, "519/QĐ-UBND")
