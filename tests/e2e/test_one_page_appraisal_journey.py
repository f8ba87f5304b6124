"""Issue 15, done-when: a 37-item unit appraised in round 1 on one page in a real browser, keyboard first, with no
full page load per item. The old way was one GET and one POST per item (74 page loads). The journey counts the
requests and the time and prints them (``pytest -s``) for the closing note."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appraisal.assessments.models import ItemEntry, ItemHistory
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

KINDS = [
    ("boolean", "Có"),
    ("levels: Tốt=1; Đạt=0.5; Chưa đạt=0", "Tốt"),
    ("tiers: >=100%=1; >=80%=0.5; else=0", "100%"),
    ("proportional: min=50%", "90%"),
    ("manual: step=0.25", "0,75"),
]
FIELD_SIZES = {"1": 10, "2": 9, "3": 9, "4": 9}  # 37 appraised items


def _rows_and_values():
    rows, values, n = [], {}, 0
    for field, size in FIELD_SIZES.items():
        rows.append((field, f"Lĩnh vực {field}", str(size), "", "", ""))
        for i in range(1, size + 1):
            rule, value = KINDS[n % len(KINDS)]
            code = f"{field}.{i}"
            rows.append((code, f"Tiêu chí {code}", "1", "appraisal", rule, ""))
            values[code] = value
            n += 1
    rows.append(("5", "Tác động của CCHC", "3", "", "", ""))
    rows.append(("5.1", "Mức độ hài lòng", "3", "survey", "survey", ""))
    return rows, values


@pytest.fixture
def big_unit(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    period = PeriodFactory(year=2023, phase=Phase.APPRAISAL)
    now = timezone.now()
    PhaseWindow.objects.create(
        period=period, phase=Phase.APPRAISAL, opens_at=now - timedelta(days=1), due_at=now + timedelta(days=5)
    )
    group = GroupFactory(code="so", name="Các sở, ban, ngành")
    rows, values = _rows_and_values()
    build_index_set(period, group, rows=rows)
    skhcn = UnitFactory(code="skhcn", name="Sở Khoa học và Công nghệ")
    stttt = UnitFactory(code="stttt", name="Sở Thông tin và Truyền thông")
    for u in (skhcn, stttt):
        member_of(period, u, group)
    editor = UserFactory(username="skhcn.editor")
    grant(editor, roles.UNIT_EDITOR, skhcn)
    member = UserFactory(username="member.stttt", first_name="Hoàng Minh Tuấn")
    grant(member, roles.MEMBER, stttt, period)
    secretariat = UserFactory(username="secretariat")
    grant(secretariat, roles.SECRETARIAT)
    for code in FIELD_SIZES:
        Assignment.objects.create(period=period, member=member, field_code=code, created_by=secretariat)
    return submit_assessment(period, skhcn, editor, values=values)


LOWERED = {"1.1": ("Không", "Chưa ban hành kế hoạch."), "2.2": ("Đạt", "Báo cáo thiếu số liệu quý IV.")}


def test_a_37_item_unit_is_appraised_on_one_page_keyboard_first(page, live_server, login, big_unit):
    a = big_unit
    login(page, live_server, "member.stttt")
    requests: list[tuple[str, str]] = []
    page.on("request", lambda r: requests.append((r.resource_type, r.method)))
    started = time.monotonic()

    page.goto(f"{live_server.url}/hoi-dong/don-vi/{a.pk}/tham-dinh/")
    expect(page.locator("#sheet-done")).to_have_text("0/37")
    forms = page.locator("form.appraise-item")
    expect(forms).to_have_count(37)
    entries = {e.node.code: e.pk for e in ItemEntry.objects.filter(assessment=a).select_related("node")}

    page.locator(f"#r1-value-{entries['1.1']}").focus()
    for i in range(37):
        form = forms.nth(i)
        code = form.locator("select, input[type=text]").first.get_attribute("id")
        pk = int(code.rsplit("-", 1)[1])
        item_code = next(c for c, p in entries.items() if p == pk)
        if item_code in LOWERED:
            value, reason = LOWERED[item_code]
            page.locator(f"#r1-reason-{pk}").fill(reason)
            page.locator(f"#r1-value-{pk}").select_option(value)
            page.locator(f"#r1-value-{pk}").focus()
        page.keyboard.press("Enter")  # saves this item, moves to the next one
        expect(page.locator(f"#save-state-round1-{pk}")).to_contain_text("Đã lưu lúc")

    expect(page.locator("#sheet-done")).to_have_text("37/37")
    elapsed = time.monotonic() - started
    expect(page.locator("#sheet-lowered")).to_contain_text("Mục 1.1: 1 → 0 điểm — Chưa ban hành kế hoạch.")
    expect(page.locator("#sheet-lowered")).to_contain_text(
        "Mục 2.2: 1 → 0,5 điểm — Báo cáo thiếu số liệu quý IV."
    )

    documents = [r for r in requests if r[0] == "document"]
    saves = [r for r in requests if r[0] in ("xhr", "fetch") and r[1] == "POST"]
    print(
        f"\n[issue 15] one-page round 1 of 37 items: {len(documents)} page load(s), {len(saves)} htmx saves, "
        f"{len(requests)} requests in all, {elapsed:.1f} s (the old way: 74 page loads)"
    )
    assert len(documents) == 1
    assert 37 <= len(saves) <= 39  # one per item; a lowered item may send its change and its Enter
    assert (
        ItemEntry.objects.filter(assessment=a, node__method="appraisal").exclude(round1_value="").count()
        == 37
    )
    assert ItemHistory.objects.filter(entry__assessment=a, layer="round1").count() == 37
