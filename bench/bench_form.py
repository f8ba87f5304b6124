"""SQL queries to render the self-assessment form: ``python -m bench.bench_form``.

Builds a throwaway SQLite database (or the one PARINDEX_DATABASE_URL names), loads a 10-item and a 120-item
index set (every rule type, fields → criteria → sub-criteria, half the items filled, evidence on some), and
renders each unit's form through Django's test client, counting queries with CaptureQueriesContext.
``form_queries_10`` must equal ``form_queries_120``: the form's cost does not grow with the set.
"""

from __future__ import annotations

import json
import os
import tempfile
import time


def _setup(db_path: str) -> None:
    os.environ.setdefault("PARINDEX_DATABASE_URL", f"sqlite:///{db_path}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
    os.environ.setdefault("PARINDEX_MEDIA_ROOT", os.path.join(os.path.dirname(db_path), "media"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _form_queries(leaves: int, period, user) -> tuple[int, float]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from appraisal.assessments.demo import demo_pdf
    from appraisal.assessments.layers import assessment_get_or_create, entry_record_layer
    from appraisal.assessments.models import EvidenceLink
    from appraisal.assessments.services import evidence_store_upload
    from appraisal.core import roles
    from appraisal.registry.models import Method
    from tests.assessments.sets import rows_with_leaves
    from tests.factories import GroupFactory, UnitFactory, build_index_set, grant, member_of

    group = GroupFactory(code=f"bench{leaves}", name=f"Khối {leaves} mục")
    unit = UnitFactory(code=f"bench{leaves}", name=f"Đơn vị {leaves} mục")
    member_of(period, unit, group)
    build_index_set(period, group, rows_with_leaves(leaves))
    grant(user, roles.UNIT_EDITOR, unit)
    assessment = assessment_get_or_create(period=period, unit=unit)
    evidence = evidence_store_upload(
        unit=unit, uploaded=SimpleUploadedFile("Báo cáo CCHC.pdf", demo_pdf(f"bench {leaves}")), by=user
    )
    for i, entry in enumerate(assessment.entries.select_related("node", "assessment__period").order_by("pk")):
        if i % 2 or entry.node.method == Method.SURVEY:
            continue
        value = {"boolean": "Có", "penalty": "1"}.get(entry.node.rule.split(":")[0], "")
        if entry.node.rule.startswith("levels"):
            value = "Đạt"
        elif entry.node.rule.startswith(("tiers", "proportional")):
            value = "17/20"
        elif entry.node.rule.startswith("manual"):
            value = "0.5"
        entry_record_layer(entry=entry, layer="self", value=value, note="Ghi chú", by=user)
        EvidenceLink.objects.create(entry=entry, evidence=evidence, by=user)

    client = Client()
    client.force_login(user)
    url = reverse("assessments:form", args=[assessment.pk])
    client.get(url)  # warm caches (templates, rules) so the count is the steady state
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    return len(queries.captured_queries), elapsed


def run() -> dict[str, int | float]:
    """Queries (and seconds) to render the form of a 10-item and of a 120-item set."""
    with tempfile.TemporaryDirectory(prefix="parindex-bench-form-") as folder:
        _setup(os.path.join(folder, "bench.sqlite3"))
        from django.test.utils import setup_test_environment

        from appraisal.registry.models import Phase
        from tests.factories import PeriodFactory, UserFactory

        setup_test_environment()  # the test client's host and in-memory e-mail
        period = PeriodFactory(year=2099, name="Bench 2099", phase=Phase.SELF_ASSESSMENT)
        user = UserFactory(username="bench.editor")
        q10, s10 = _form_queries(10, period, user)
        q120, s120 = _form_queries(120, period, user)
    return {
        "form_queries_10": q10,
        "form_queries_120": q120,
        "form_seconds_10": float(f"{s10:.4f}"),
        "form_seconds_120": float(f"{s120:.4f}"),
    }


if __name__ == "__main__":
    print(json.dumps(run()))
