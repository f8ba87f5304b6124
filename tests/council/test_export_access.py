"""The background export of the period's documents (POST scoring:export) answers every persona at every
moment of SPEC §6a as the GET download of the same document does (test_access_matrix): allowed → a job and
its file, refused → 403/404 and no job."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appraisal.core.access import Moment
from appraisal.scoring.models import BackgroundJob
from appraisal.scoring.services import score_run_create
from tests.council.test_access_matrix import PERSONAS, _expected, _set_moment
from tests.factories import PeriodFactory, UserFactory, grant


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize("moment", [Moment.A, Moment.F], ids=lambda m: m.name)
def test_export_job_follows_the_visibility_table(moment, world, client_for, secretariat, request):
    people = {who: request.getfixturevalue(who) for who in PERSONAS if who != "chair_2022"}
    people["chair_2022"] = UserFactory(username="chair.2022")
    grant(people["chair_2022"], "chair", None, PeriodFactory(year=2022))
    _set_moment(world, moment)
    score_run_create(period=world["period"], by=secretariat)
    url = reverse("scoring:export", args=[2023, "annex"])
    failures = []
    for who, user in people.items():
        before = BackgroundJob.objects.count()
        response = client_for(user).post(url)
        want = _expected("annex", who, moment)
        got = response.status_code
        started = BackgroundJob.objects.count() - before
        if want == 200:
            job = BackgroundJob.objects.filter(requested_by=user).latest("pk")
            ok = got == 302 and response["Location"] == reverse("scoring:job_download", args=[job.pk])
            ok = ok and client_for(user).get(response["Location"]).status_code == 200
        else:
            ok = got == want and started == 0
        if not ok:
            failures.append((who, got, want, started))
    assert failures == []
