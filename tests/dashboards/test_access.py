"""Who opens which dashboard when (SPEC §6a, issue 12 Done when): every route of the ``dashboards`` namespace ×
the demo's personas × its three periods — 2024 in preparation (moment S), 2023 in the explanation phase (units
from S to F on their own clocks), 2022 approved (P) — with the expected answer read from the §6a table
(``appraisal.core.access.visible``), the persona of each person written out here by hand."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from appraisal.core.access import Moment, Persona, visible
from appraisal.council.access import moment_of, subject_for
from appraisal.registry.models import Period, Unit

pytestmark = pytest.mark.django_db

PEOPLE = ("secretariat", "chair", "observer", "member.stp", "skhcn.head", "stp.head")
# The persona of each person for the period as a whole (ranks, the charts of every unit).
PERIOD_PERSONA = {
    "secretariat": Persona.LEADER,
    "chair": Persona.LEADER,
    "observer": Persona.OBSERVER,
    "member.stp": Persona.ASSIGNED,
    "skhcn.head": Persona.UNIT,
    "stp.head": Persona.UNIT,
}
# The persona for one unit's page: the unit's people, its council member (conflict), an assigned member.
UNIT_PERSONA = {
    ("member.stp", "stp"): Persona.CONFLICTED,
    ("member.stp", "skhcn"): Persona.ASSIGNED,
    ("member.stp", "syt"): Persona.ASSIGNED,
    ("skhcn.head", "skhcn"): Persona.UNIT,
    ("stp.head", "stp"): Persona.UNIT,
}
UNITS = ("skhcn", "stp", "syt")  # 2023: drafting (S), finalised (F), notice issued (N)

# route → what of SPEC §6a it shows; "leader": the secretariat's and the chair's progress pages.
ROUTES = {
    "index": None,  # redirects to the person's own dashboard (test below)
    "progress": "leader",
    "progress_body": "leader",
    "progress_units": "leader",
    "progress_csv": "leader",
    "results": "ranks",
    "results_csv": "ranks",
    "results_svg": "ranks",
    "summary": "ranks",
    "unit": "total",
    "unit_csv": "total",
}


def test_every_dashboard_route_is_in_the_matrix():
    patterns = next(p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "dashboards")
    assert {p.name for p in patterns.url_patterns} == set(ROUTES)


def _period_expected(what: str, who: str, moment: Moment) -> int:
    persona = PERIOD_PERSONA[who]
    if what == "leader":
        return 200 if persona == Persona.LEADER else 403
    ok = visible("ranks", persona, moment)
    return 200 if ok else (404 if persona == Persona.OTHER else 403)


def _unit_expected(who: str, code: str, period: Period) -> int:
    persona = UNIT_PERSONA.get((who, code), PERIOD_PERSONA[who])
    if persona == Persona.UNIT and (who, code) not in UNIT_PERSONA:
        persona = Persona.OTHER  # another unit's people
    subject = subject_for(period, Unit.objects.get(code=code))
    a = subject.assessment
    submitted = a is not None and a.state not in ("draft", "returned")
    moment = moment_of(subject)
    if visible("total", persona, moment, submitted=submitted):
        return 200
    sees = {w for w in ("inputs", "total") if visible(w, persona, moment, submitted=submitted)}
    return 404 if persona == Persona.OTHER and not sees else 403


def _url(route: str, year: int, code: str = "") -> str:
    kwargs: dict = {"year": year}
    if route == "progress_csv":
        kwargs["chart"] = "trang-thai"
    if route in ("results_csv", "results_svg"):
        kwargs["chart"] = "xep-loai-nguoi-dung-dau"
    if route in ("unit", "unit_csv"):
        kwargs["code"] = code
    if route == "unit_csv":
        kwargs["chart"] = "chi-so-thanh-phan"
    return reverse(f"dashboards:{route}", kwargs=kwargs)


@pytest.mark.parametrize("year", [2024, 2023, 2022])
def test_dashboards_follow_the_visibility_table(demo, as_user, year):
    period = demo[year]
    period_moment = _period_moment(period)
    failures = []
    for who in PEOPLE:
        client = as_user(who)
        for route, what in ROUTES.items():
            if what is None:
                continue
            if what == "total":
                if year == 2024:
                    continue  # nothing entered yet: no results to show (the unit-route cases are 2022/2023)
                for code in UNITS:
                    got = client.get(_url(route, year, code)).status_code
                    want = _unit_expected(who, code, period)
                    if got != want:
                        failures.append((route, who, code, got, want))
                continue
            got = client.get(_url(route, year)).status_code
            want = _period_expected(what, who, period_moment)
            if want == 200 and route in ("results_csv", "results_svg") and period.phase == "preparing":
                want = 404  # nothing entered yet: no chart, no CSV, no picture (test_edges)
            if got != want:
                failures.append((route, who, got, want))
    assert failures == []
    anonymous = Client()
    for route, what in ROUTES.items():
        url = (
            _url(route, year, "stp")
            if what == "total"
            else (_url(route, year) if what else "/bang-dieu-khien/")
        )
        assert anonymous.get(url).status_code == 302  # to the login page


def _period_moment(period: Period) -> Moment:
    from appraisal.council.access import Subject

    return moment_of(Subject(period))


def test_a_unit_head_never_sees_another_units_detail(demo, as_user):
    client = as_user("skhcn.head")
    # 2023, before publication: another unit's page and its charts do not exist for them.
    assert client.get("/bang-dieu-khien/2023/don-vi/stp/").status_code == 404
    assert client.get("/bang-dieu-khien/2023/don-vi/stp/chi-so-thanh-phan.csv").status_code == 404
    # 2022, published: the published figures only — no criterion, no claim, no council reason.
    page = client.get("/bang-dieu-khien/2022/don-vi/stp/").content.decode()
    assert 'id="unit-index"' in page
    assert 'id="shortfalls"' not in page
    assert "Lý do của Hội đồng" not in page
    # and in the province's charts, no claims and no weakest criteria with reasons
    results = client.get("/bang-dieu-khien/2022/ket-qua/").content.decode()
    assert "chart-chi-so-so" in results
    assert "tu-cham-tham-dinh" not in results and "tieu-chi-yeu" not in results
    assert client.get("/bang-dieu-khien/2022/ket-qua/tu-cham-tham-dinh-so.csv").status_code == 404
    assert client.get("/bang-dieu-khien/2022/ket-qua/tieu-chi-yeu.csv").status_code == 404
    assert client.get("/bang-dieu-khien/2022/ket-qua/tu-cham-tham-dinh-so.svg").status_code == 404
    assert client.get("/bang-dieu-khien/2022/ket-qua/tieu-chi-yeu.svg").status_code == 404
    assert client.get("/bang-dieu-khien/2022/ket-qua/chi-so-so.svg").status_code == 200
    # its own unit, published: everything of its own, reasons included
    own = client.get("/bang-dieu-khien/2022/don-vi/skhcn/").content.decode()
    assert 'id="shortfalls"' in own and "Lý do của Hội đồng" in own


def test_the_unit_sees_its_finalised_result_but_not_its_rank_before_publication(demo, as_user):
    page = as_user("stp.head").get("/bang-dieu-khien/2023/don-vi/stp/").content.decode()
    assert 'id="unit-rank">–<' in page  # ranks from P (SPEC §6a)
    assert "Bình quân của khối" not in page  # the group's average is other units' results
    leader = as_user("secretariat").get("/bang-dieu-khien/2023/don-vi/stp/").content.decode()
    assert 'id="unit-rank">–<' not in leader and "Bình quân của khối" in leader


def test_the_observer_sees_results_only_from_finalisation(demo, as_user):
    client = as_user("observer")
    response = client.get("/bang-dieu-khien/2023/tong-quan/")
    assert response.status_code == 403
    assert "sau khi chốt kết quả" in response.content.decode()
    Period.objects.filter(pk=demo[2023].pk).update(phase="finalised")
    page = client.get("/bang-dieu-khien/2023/tong-quan/")
    assert page.status_code == 200
    assert 'id="weakest"' in page.content.decode()  # the observer reads the council's reasons from F


def test_the_landing_sends_each_person_to_their_dashboard(demo, as_user):
    assert as_user("secretariat").get("/bang-dieu-khien/")["Location"] == "/bang-dieu-khien/2023/tien-do/"
    assert as_user("chair").get("/bang-dieu-khien/")["Location"] == "/bang-dieu-khien/2023/tien-do/"
    # 2023 is not finalised: the observer lands on the latest year already out
    assert as_user("observer").get("/bang-dieu-khien/")["Location"] == "/bang-dieu-khien/2022/tong-quan/"
    assert as_user("stp.head").get("/bang-dieu-khien/")["Location"] == "/bang-dieu-khien/2023/don-vi/stp/"
    assert (
        as_user("stp.head").get("/bang-dieu-khien/?ky=2022")["Location"]
        == "/bang-dieu-khien/2022/don-vi/stp/"
    )


def test_a_council_member_lands_on_the_charts_once_results_are_out_else_on_the_councils_work(demo, as_user):
    client = as_user("member.stttt")
    assert client.get("/bang-dieu-khien/?ky=2022")["Location"] == "/bang-dieu-khien/2022/ket-qua/"
    assert client.get("/bang-dieu-khien/?ky=2023")["Location"] == "/hoi-dong/2023/"


def test_the_unit_page_shows_the_rank_to_whoever_the_policy_lets_see_it(demo, as_user):
    """QA 24: the observer sees stp's rank from finalisation (SPEC §6a), as on /ket-qua/2023/don-vi/stp/;
    the unit's people from publication, and the page says so for them only. A rank compares units: it waits
    for the PERIOD's finalisation, not stp's own (QA: «Xếp hạng 13» was shown while 2023 was still in
    explanation, ranked live against units still being appraised)."""
    result = as_user("observer").get("/ket-qua/2023/don-vi/stp/").content.decode()
    assert "Xếp hạng 13" not in result
    page = as_user("observer").get("/bang-dieu-khien/2023/don-vi/stp/").content.decode()
    assert 'id="unit-rank">–</div><div class="small">Công bố khi Hội đồng chốt kết quả.</div>' in page
    Period.objects.filter(pk=demo[2023].pk).update(phase="finalised")
    result = as_user("observer").get("/ket-qua/2023/don-vi/stp/").content.decode()
    assert "Xếp hạng 13" in result
    page = as_user("observer").get("/bang-dieu-khien/2023/don-vi/stp/").content.decode()
    assert 'id="unit-rank">13/' in page
    assert "Công bố khi quyết định được phê duyệt." not in page
    assert "Bình quân của khối" in page
    own = as_user("stp.head").get("/bang-dieu-khien/2023/don-vi/stp/").content.decode()
    assert 'id="unit-rank">–<' in own
    assert "Công bố khi quyết định được phê duyệt." in own


@pytest.mark.parametrize(
    ("who", "name", "code"),
    [("skhcn.head", "Sở Khoa học và Công nghệ", "skhcn"), ("vuquang.head", "Huyện Vũ Quang", "vuquang")],
)
def test_the_landing_tells_a_units_people_when_their_result_opens_instead_of_a_refusal(
    demo, as_user, who, name, code
):
    """QA 9: before the council finalises their unit, its people land on a page saying when they will see the
    result, with the last year they may already open, never on a redirect to a 403."""
    client = as_user(who)
    response = client.get("/bang-dieu-khien/")
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Kết quả năm 2023 của {name} được xem khi Hội đồng chốt kết quả của đơn vị." in page
    assert f'href="/bang-dieu-khien/2022/don-vi/{code}/">Kết quả năm 2022 của {name}</a>' in page
    assert client.get(f"/bang-dieu-khien/2022/don-vi/{code}/").status_code == 200
    # the preparing year too: nothing to show yet, said rather than refused
    later = client.get("/bang-dieu-khien/?ky=2024")
    assert later.status_code == 200
    assert (
        f"Kết quả năm 2024 của {name} được xem khi Hội đồng chốt kết quả của đơn vị."
        in later.content.decode()
    )
    # a finalised unit still lands on its page
    assert as_user("stp.head").get("/bang-dieu-khien/")["Location"] == "/bang-dieu-khien/2023/don-vi/stp/"


def test_the_landing_tells_an_observer_when_results_open_when_no_year_is_out(demo, as_user):
    Period.objects.filter(pk=demo[2022].pk).update(phase="reappraisal")
    response = as_user("observer").get("/bang-dieu-khien/")
    assert response.status_code == 200
    assert "Kết quả năm 2023 được xem khi Hội đồng chốt kết quả." in response.content.decode()


def test_the_landing_says_why_it_shows_another_year_than_the_one_asked(demo, as_user):
    """QA: a landing asked for a year the person cannot open fell back to another year without a word. A council
    member without a period does not see 2024 while it is prepared: the page they land on says so."""
    response = as_user("member.stttt").get("/bang-dieu-khien/?ky=2024", follow=True)

    assert response.redirect_chain[-1] == ("/hoi-dong/2023/", 302)
    page = response.content.decode()
    assert "<strong>Lưu ý:</strong> Bạn không xem được năm 2024; đang hiển thị năm 2023." in page


def test_the_landing_says_nothing_when_it_shows_the_year_asked(demo, as_user):
    page = as_user("member.stttt").get("/bang-dieu-khien/?ky=2023", follow=True).content.decode()
    assert "Bạn không xem được năm" not in page
