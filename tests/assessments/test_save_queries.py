"""Issue 13 item 9 / issue 14: the autosave answers with the totals, the missing panel and the field's total
without rebuilding the whole form, in a constant number of queries whatever the size of the set."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal.assessments.layers import assessment_get_or_create
from appraisal.assessments.selectors import assessment_form
from appraisal.core import roles
from tests.assessments.conftest import open_self_assessment
from tests.assessments.sets import rows_with_leaves
from tests.factories import GroupFactory, UnitFactory, UserFactory, build_index_set, grant, member_of

HTMX = {"HX-Request": "true"}


def _real(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]


@pytest.mark.parametrize("leaves", [10, 120])
def test_save_answers_in_constant_queries(client_for, period, leaves):
    open_self_assessment(period)
    group = GroupFactory(code=f"g{leaves}")
    unit = UnitFactory(code=f"u{leaves}")
    member_of(period, unit, group)
    build_index_set(period, group, rows_with_leaves(leaves))
    assessment = assessment_get_or_create(period=period, unit=unit)
    user = UserFactory(username=f"editor{leaves}")
    grant(user, roles.UNIT_EDITOR, unit)
    client = client_for(user)
    entry = (
        assessment.entries.select_related("node")
        .filter(node__method="appraisal", node__rule__startswith="tiers")
        .order_by("node__position")[0]
    )
    url = reverse("assessments:entry_save", args=[assessment.pk, entry.pk])
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, {"value": "100%", "note": "", "version": 0}, headers=HTMX)
    queries = _real(ctx)
    # session, user; the entry with its node, assessment, period and unit (the assessment locked); roles;
    # windows; compare-and-set; history; the unit's nodes with its entries and their evidence flag. The
    # SAVEPOINT/RELEASE pair is the test's own transaction seen from the view's atomic block (in production it
    # is BEGIN/COMMIT, which Django does not log either).
    assert len(queries) == 8, "\n".join(queries)
    entry_reads = [q for q in queries if q.startswith("SELECT") and 'FROM "assessments_itementry"' in q]
    assert len(entry_reads) == 1  # the item read once...
    assert not [q for q in queries if 'FROM "assessments_assessment"' in q]  # ...its assessment with it
    assert response.status_code == 200
    body = response.content.decode()
    form = assessment_form(assessment)
    block = form.block_of(entry.pk)
    assert (
        f'<input type="hidden" name="version" value="1" id="entry-{entry.pk}-version" hx-swap-oob="true">'
        in body
    )
    assert f"Đã nhập <strong>{form.entered}/{form.required}</strong> mục bắt buộc" in body
    assert f"Còn thiếu: {len(form.missing)} mục" in body
    assert f'id="block-{block.node.pk}-total"' in body
    assert form.entered == 1 and form.self_points > Decimal(0)


CAPPED_SET = [
    ("1", "Công tác chỉ đạo, điều hành CCHC", "10", "", "", ""),
    ("1.1", "Kết quả thực hiện kế hoạch CCHC", "10", "appraisal", "manual", ""),
    ("9", "Điểm thưởng, điểm trừ", "0", "", "", ""),
    ("9.1", "Điểm thưởng", "3", "", "", ""),
    ("9.1.1", "Sáng kiến CCHC được công nhận", "1", "bonus", "boolean", ""),
    ("9.1.2", "Giải thưởng về CCHC", "1", "bonus", "boolean", ""),
    ("9.1.3", "Mô hình mới được nhân rộng", "1", "bonus", "boolean", ""),
    ("9.1.4", "Được Trung ương biểu dương", "1", "bonus", "boolean", ""),
    ("9.2", "Điểm trừ", "5", "", "", ""),
    ("9.2.1", "Để xảy ra sai phạm bị xử lý kỷ luật", "2", "penalty", "boolean", ""),
]


def test_autosave_totals_count_a_bonus_group_at_its_cap_as_the_form_does(client_for, period):
    """Before: the autosave summed the four bonus claims (+4, total 12) while the form and the engine count
    the group '9.1' at its cap of 3 (total 11), so the totals jumped on reload."""
    open_self_assessment(period)
    group, unit = GroupFactory(code="cap"), UnitFactory(code="ucap")
    member_of(period, unit, group)
    build_index_set(period, group, CAPPED_SET)
    assessment = assessment_get_or_create(period=period, unit=unit)
    user = UserFactory(username="editorcap")
    grant(user, roles.UNIT_EDITOR, unit)
    client = client_for(user)
    entries = {e.node.code: e for e in assessment.entries.select_related("node")}
    body = ""
    for code, value in [("1.1", "8"), ("9.1.1", "Có"), ("9.1.2", "Có"), ("9.1.3", "Có"), ("9.1.4", "Có")]:
        url = reverse("assessments:entry_save", args=[assessment.pk, entries[code].pk])
        response = client.post(url, {"value": value, "note": "có quyết định", "version": 0}, headers=HTMX)
        assert response.status_code == 200, response.content.decode()
        body = response.content.decode()
    form = assessment_form(assessment)
    assert (form.bonus, form.total) == (Decimal("3"), Decimal("11.0000"))
    assert "Điểm thưởng: +3</span>" in body
    assert "Tổng tự đánh giá: <strong>11</strong>" in body
    assert "Mục 9.1 Điểm thưởng: khai 4 điểm, chỉ tính 3 điểm (tối đa 3 điểm)" in body
    assert "Thưởng +3, trừ −0 điểm" in body
    assert "Còn thiếu: 0 mục" in body
