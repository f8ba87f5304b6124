"""A link shown opens (QA): the dashboards' page of a unit offers the unit's printed letters only when the period
has a run to build them from, by the rule the results page of the unit follows (scoring.selectors
.unit_letters_ready); without one each letter answers 409 («chưa có bản tính tạm»)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from appraisal.scoring.models import ScoreRun
from appraisal.scoring.services import snapshot_for_documents

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def _letter_links(body: str) -> list[str]:
    return re.findall(r'href="(/ket-qua/\d{4}/don-vi/[^"]+/(?:in/|[a-z]+\.(?:docx|pdf)))"', body)


@pytest.mark.parametrize("who", ["chair", "secretariat"])
def test_unit_dashboard_offers_no_letter_without_a_run(demo, as_user, who):  # noqa: F811
    ScoreRun.objects.filter(period=demo[2023]).delete()
    client = as_user(who)
    page = client.get("/bang-dieu-khien/2023/don-vi/stp/")
    assert page.status_code == 200
    body = page.content.decode()
    assert _letter_links(body) == []
    assert '<a href="/ket-qua/2023/don-vi/stp/">Kết quả chi tiết</a>' in body


@pytest.mark.parametrize("who", ["chair", "secretariat"])
def test_unit_dashboard_offers_the_shortcomings_letter_once_a_run_exists(demo, as_user, who):  # noqa: F811
    secretariat = get_user_model().objects.get(username="secretariat")
    snapshot_for_documents(period=demo[2023], by=secretariat)  # «Tính tạm»
    client = as_user(who)
    body = client.get("/bang-dieu-khien/2023/don-vi/stp/").content.decode()
    links = _letter_links(body)
    assert links == ["/ket-qua/2023/don-vi/stp/shortcomings/in/"]
    for href in links:
        assert client.get(href).status_code == 200, href
