"""Issue 13 item 9 / issue 14: the autosave answers with the totals, the missing panel and the field's total
without rebuilding the whole form, in a constant number of queries whatever the size of the set."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from appraisal.assessments.layers import assessment_get_or_create
from appraisal.assessments.selectors import assessment_form
from appraisal.core import roles
from tests.assessments.conftest import open_self_assessment
from tests.assessments.sets import rows_with_leaves
from tests.factories import GroupFactory, UnitFactory, UserFactory, build_index_set, grant, member_of

HTMX = {"HX-Request": "true"}


@pytest.mark.parametrize("leaves", [10, 120])
def test_save_answers_in_constant_queries(client_for, django_assert_num_queries, period, leaves):
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
    # session, user, assessment, roles, entry; lock the assessment, windows; lock the entry, compare-and-set,
    # history; the entries with their evidence flag, the field's node. (Four more are the savepoints of the
    # two nested transactions, which the test's own transaction turns into SAVEPOINT/RELEASE pairs.)
    with django_assert_num_queries(16):
        response = client.post(url, {"value": "100%", "note": "", "version": 0}, headers=HTMX)
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
