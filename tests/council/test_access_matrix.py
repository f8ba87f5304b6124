"""Issue 10: the results and documents routes × the personas × the moments of SPEC §6a, with the expected outcome
read from the §6a table (appraisal.core.access.TABLE). Every route of the ``scoring`` namespace must have an
entry here: a new route without one fails ``test_every_scoring_route_is_in_the_matrix``."""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from appraisal.assessments.models import Assessment, AssessmentState
from appraisal.core.access import WHATS, Moment, Persona, visible
from appraisal.registry.models import Period, Phase
from appraisal.scoring.services import score_run_create
from tests.factories import PeriodFactory, UserFactory, grant

S = AssessmentState

# route → (what of SPEC §6a it shows, kwargs); None: not part of the read matrix (POST actions, own pages).
ROUTES: dict[str, tuple[str, dict] | None] = {
    "period": ("ranks", {}),
    "annex": ("decision", {}),
    "decision": ("decision", {}),
    "csv": ("decision", {}),
    "csv_plain": ("decision", {}),
    "unit_detail": ("unit", {"code": "skhcn"}),
    "unit_doc": ("notice", {"code": "skhcn", "kind": "notice"}),
    # The shortcomings report shows each item's final points and the council's conclusions (QA item 1): every
    # row it reveals is needed, so other units' people, who get the published table only, are refused it at P.
    "unit_report": (("total", "round1", "round2", "survey"), {"code": "skhcn", "kind": "shortcomings"}),
    # Not read routes: the landing redirects, POST-only actions (tested allowed/denied in test_views and the
    # lifecycle tests), the secretariat's published-results import (registry-like page).
    "index": None,
    "snapshot": None,
    "finalise": None,
    "reopen": None,
    "approve": None,
    "published": None,
    "published_template": None,
    # The secretariat's audit trail and the background jobs (their own allowed/denied tests in
    # tests/council/test_audit_trail.py and tests/scoring/test_jobs.py).
    "audit": None,
    "audit_csv": None,
    "job": None,
    "job_download": None,
    "evidence_zip": None,
    # The period's documents built as a background job (POST; the same policy check as annex/decision, over
    # every persona and moment in tests/council/test_export_access.py).
    "export": None,
    # PDF copies: the same views as annex, decision and unit_doc with fmt="pdf" (the same policy check);
    # LibreOffice makes them slow, so their own tests are in tests/scoring/test_views.py.
    "annex_pdf": None,
    "decision_pdf": None,
    "unit_pdf": None,
}

PERSONAS = {
    "editor": Persona.UNIT,
    "head": Persona.UNIT,
    "other_editor": Persona.OTHER,
    "member": Persona.ASSIGNED,
    "conflicted_member": Persona.CONFLICTED,
    "chair": Persona.LEADER,
    "chair_2022": Persona.OTHER,
    "secretariat": Persona.LEADER,
    "observer": Persona.OBSERVER,
}
# Period-wide rows (ranks, decision) read the person's place in the period, not in the unit.
PERIOD_PERSONAS = {**PERSONAS, "other_editor": Persona.UNIT, "conflicted_member": Persona.ASSIGNED}


def test_every_scoring_route_is_in_the_matrix():
    names = {pattern.name for pattern in _scoring_patterns() if pattern.name}
    assert names == set(ROUTES), names ^ set(ROUTES)


def _scoring_patterns():
    for p in get_resolver().url_patterns:
        if getattr(p, "namespace", None) == "scoring":
            return p.url_patterns
    return []


def _set_moment(world, moment: Moment) -> None:
    period = world["period"]
    skhcn = world["skhcn"]
    state, phase, notice = {
        Moment.S: (S.DRAFT, Phase.SELF_ASSESSMENT, None),
        Moment.A: (S.SUBMITTED, Phase.APPRAISAL, None),
        Moment.N: (S.APPRAISED, Phase.EXPLANATION, timezone.now()),
        Moment.R: (S.EXPLAINED, Phase.REAPPRAISAL, timezone.now()),
        Moment.F: (S.FINALISED, Phase.FINALISED, timezone.now()),
        Moment.P: (S.FINALISED, Phase.APPROVED, timezone.now()),
    }[moment]
    Assessment.objects.filter(pk=skhcn.pk).update(
        state=state, notice_issued_at=notice, explanation_submitted_at=notice if moment == Moment.R else None
    )
    Period.objects.filter(pk=period.pk).update(phase=phase)


def _expected(route: str, who: str, moment: Moment) -> int:
    what, _ = ROUTES[route]
    submitted = moment >= Moment.A
    explained = moment == Moment.R
    if what in ("ranks", "decision"):
        persona = PERIOD_PERSONAS[who]
        ok = visible(what, persona, moment, submitted=submitted, explained=explained)
        return 200 if ok else (404 if persona == Persona.OTHER else 403)
    persona = PERSONAS[who]
    sees = {w for w in WHATS if visible(w, persona, moment, submitted=submitted, explained=explained)}
    if not ({"inputs", "total"} & sees):
        return 404
    if what == "unit":
        return 200
    needs = {what} if isinstance(what, str) else set(what)
    return 200 if needs <= sees else 403


@pytest.mark.parametrize("moment", list(Moment), ids=lambda m: m.name)
def test_results_routes_follow_the_visibility_table(
    moment,
    world,
    client_for,
    client,
    editor,
    head,
    other_editor,
    member,
    conflicted_member,
    chair,
    secretariat,
    observer,
):
    chair_2022 = UserFactory(username="chair.2022")
    grant(chair_2022, "chair", None, PeriodFactory(year=2022))
    people = {
        "editor": editor, "head": head, "other_editor": other_editor, "member": member,
        "conflicted_member": conflicted_member, "chair": chair, "chair_2022": chair_2022,
        "secretariat": secretariat, "observer": observer,
    }  # fmt: skip
    _set_moment(world, moment)
    score_run_create(period=world["period"], by=secretariat)  # documents come from a stored run
    failures = []
    for route, entry in ROUTES.items():
        if entry is None:
            continue
        url = reverse(f"scoring:{route}", kwargs={"year": 2023, **entry[1]})
        for who, user in people.items():
            got = client_for(user).get(url).status_code
            want = _expected(route, who, moment)
            if got != want:
                failures.append((route, who, got, want))
        client.logout()
        assert client.get(url).status_code == 302  # anonymous: to the login page
    assert failures == []
