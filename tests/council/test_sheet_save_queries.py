"""Issue 14: a save on the one-page appraisal answers the item's state and the running totals without
reading the fields' titles and the evidence again (the page already shows them): two queries fewer a save."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.council.conftest import entry_of

HX = {"HX-Request": "true"}


def test_one_page_round1_save_reads_neither_titles_nor_evidence(client_for, world, member):
    a = world["skhcn"]
    e = entry_of(a, "1.4")
    client = client_for(member)
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(
            reverse("council:entry_round1", args=[e.pk]),
            {"value": "70%", "reason": "Tỷ lệ thực tế 70%.", "version": e.version, "sheet": "1"},
            headers=HX,
        )
    body = response.content.decode()
    queries = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]

    assert response.status_code == 200
    assert '<strong id="sheet-round1-total">0,70</strong> (đơn vị tự chấm 0,90)' in body
    assert not [q for q in queries if 'FROM "assessments_evidencelink"' in q]
    assert not [q for q in queries if q.startswith('SELECT "registry_indexnode"."code" AS "code"')]
    # session, user, period, council roles, assignments, roles, entry, windows; lock, stored row, compare-and-set,
    # history; the sheet's entries.
    assert len(queries) == 13, "\n".join(queries)
