"""Issue 10's journey (SPEC §6a): at moment A, member.stp (council member from Sở Tư pháp) and stp.editor walk
every page they can reach and nothing of Sở Tư pháp's round 1 appears; at N the unit sees its notice; at P
everyone sees the published table."""

from __future__ import annotations

from collections import deque
from urllib.parse import urldefrag, urlparse

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appraisal.assessments.models import Assessment
from appraisal.core import roles
from appraisal.council import services as council_services
from appraisal.council.models import Assignment
from appraisal.registry.models import Period, Phase
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

SECRET = "Biên bản kiểm tra cho thấy kế hoạch chưa đạt"  # the council's round-1 reason on Sở Tư pháp's 1.1
SKIP = (
    "/dang-xuat",
    "/quan-tri",
    ".xlsx",
    ".docx",
    ".csv",
    ".pdf",
    "/tai-ve",
    "/excel/",
    "/mau/",
    "/static/",
    "/media/",
)


@pytest.fixture
def access_world(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    period = PeriodFactory(year=2023, phase=Phase.APPRAISAL)
    group = GroupFactory(code="so", name="Các sở, ban, ngành")
    build_index_set(period, group)
    stp = UnitFactory(code="stp", name="Sở Tư pháp")
    skhcn = UnitFactory(code="skhcn", name="Sở Khoa học và Công nghệ")
    for u in (stp, skhcn):
        member_of(period, u, group)
    people = {}
    for username, role, unit, scoped in (
        ("stp.editor", roles.UNIT_EDITOR, stp, None),
        ("skhcn.editor", roles.UNIT_EDITOR, skhcn, None),
        ("member.stp", roles.MEMBER, stp, period),
        ("secretariat", roles.SECRETARIAT, None, None),
    ):
        people[username] = UserFactory(username=username, first_name=username)
        grant(people[username], role, unit, scoped)
    for code in ("1", "2"):
        Assignment.objects.create(
            period=period, member=people["member.stp"], field_code=code, created_by=people["secretariat"]
        )
    a = submit_assessment(period, stp, people["stp.editor"])
    appraise_all(a, people["secretariat"], overrides={"1.1": "Không"}, reasons={"1.1": SECRET})
    submit_assessment(period, skhcn, people["skhcn.editor"])
    return {"period": period, "stp": a, "people": people}


def _walk(page, base: str, limit: int = 60) -> list[str]:
    """Every page reachable by links from the home page (one of each shape), returning the paths seen."""
    seen, queue = [], deque(["/"])
    shapes = set()
    while queue and len(seen) < limit:
        path = queue.popleft()
        shape = "".join("N" if c.isdigit() else c for c in path)
        if shape in shapes or any(s in path for s in SKIP):
            continue
        shapes.add(shape)
        page.goto(base + path)
        seen.append(path)
        assert SECRET not in page.content(), path
        for href in page.eval_on_selector_all("a[href^='/']", "els => els.map(e => e.getAttribute('href'))"):
            target = urldefrag(urlparse(href).path)[0]
            if target and target not in seen:
                queue.append(target)
    return seen


def test_access_journey(page, live_server, login, access_world):
    base = live_server.url
    period, stp = access_world["period"], access_world["stp"]
    for username in ("member.stp", "stp.editor"):
        login(page, live_server, username)
        seen = _walk(page, base)
        assert len(seen) >= 4, seen
    # Explicit tries at the pages that used to leak.
    page.goto(f"{base}/ket-qua/2023/don-vi/stp/")
    assert SECRET not in page.content()

    # N: round 1 closed and the notice issued; the unit reads its notice with the reason.
    council_services.assessment_mark_appraised(assessment=stp, by=access_world["people"]["secretariat"])
    Period.objects.filter(pk=period.pk).update(phase=Phase.EXPLANATION)
    Assessment.objects.filter(pk=stp.pk).update(notice_issued_at=timezone.now())
    login(page, live_server, "stp.editor")
    page.goto(f"{base}/hoi-dong/don-vi/{stp.pk}/thong-bao/")
    expect(page.locator("main")).to_contain_text(SECRET)

    # P: the decision is approved; another unit's editor sees the published table, not the details.
    Period.objects.filter(pk=period.pk).update(phase=Phase.APPROVED)
    login(page, live_server, "skhcn.editor")
    page.goto(f"{base}/ket-qua/2023/")
    expect(page.locator("main")).to_contain_text("Sở Tư pháp")
    expect(page.locator("main")).to_contain_text("Chỉ số CCHC (%)")
    assert SECRET not in page.content()
