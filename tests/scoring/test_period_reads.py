"""Issue 14: a results page or a unit document GET reads the period at most once."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal.scoring.services import score_run_create
from tests.scoring.conftest import finalise_all

PERIOD_READ = re.compile(r'^\s*SELECT\b.*\bFROM "registry_period"', re.IGNORECASE | re.DOTALL)


def _period_reads(client, url: str) -> list[str]:
    client.get(url)  # session, roles and caches warmed up
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in ctx.captured_queries if PERIOD_READ.match(q["sql"])]


@pytest.fixture
def final_run(scored):
    finalise_all(scored[0].period)
    return score_run_create(period=scored[0].period, by=None, final=True)


def test_results_page_reads_the_period_once(final_run, secretariat, client_for):
    reads = _period_reads(client_for(secretariat), reverse("scoring:period", args=[2023]))
    assert len(reads) == 1, "\n".join(r[-160:] for r in reads)


def test_unit_result_page_reads_the_period_once(final_run, editor, client_for):
    reads = _period_reads(client_for(editor), reverse("scoring:unit_detail", args=[2023, "skhcn"]))
    assert len(reads) == 1, "\n".join(r[-160:] for r in reads)


def test_unit_notice_download_reads_the_period_once(final_run, head, client_for):
    reads = _period_reads(client_for(head), reverse("scoring:unit_doc", args=[2023, "skhcn", "notice"]))
    assert len(reads) == 1, "\n".join(r[-160:] for r in reads)
