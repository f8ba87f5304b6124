"""Issue 10: EVERY URL pattern of the project (from the resolver; all but Django's admin) × the personas, with
the expected answer. A new route without an entry fails ``test_every_route_has_an_expected_outcome``.

- ``EXPECTED``: each route's answer per persona at moment A (round 1 running), by the method the route serves
  (POST routes are posted with an empty form inside a rolled-back savepoint, so the seeded world never
  changes: 403/404 is a refusal, anything else means the person got past the access check), and for an
  anonymous visitor (302: to the login page).
- Routes whose answer moves with SPEC §6a's moments S A N R F P: the council's notice and layers pages take
  their expected answer from the table itself (``from_table``); the explanation, item history, self-assessment
  and results unit pages are written per moment in ``BY_MOMENT``. The results and documents routes of the
  ``scoring`` namespace are also checked per moment against the table in ``test_access_matrix``.

Personas, in this order in every row: the unit's editor and head (skhcn), another unit's editor (stp), a
council member assigned to skhcn's fields (member.stp), a council member of skhcn (conflicted), the 2023 chair,
a chair of 2022 only, the secretariat, an observer."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from appraisal.assessments.models import EvidenceLink
from appraisal.assessments.services import evidence_store_upload
from appraisal.core import roles
from appraisal.core.access import Moment, Persona, visible
from appraisal.council.models import Assignment, OutboxMessage, SurveyImport
from appraisal.registry.models import IndexSet, RoleAssignment
from appraisal.scoring.models import BackgroundJob
from tests.council.conftest import entry_of
from tests.council.test_access_matrix import PERSONAS, _set_moment
from tests.factories import PeriodFactory, UserFactory, grant

PERSONA_ORDER = (
    "editor", "head", "other_editor", "member", "conflicted_member", "chair", "chair_2022", "secretariat",
    "observer",
)  # fmt: skip

# route → (method, answers per persona at moment A in PERSONA_ORDER, anonymous answer)
EXPECTED: dict[str, tuple[str, str, int]] = {
    "assessments:close_not_submitted": ("POST", "403 403 404 403 403 403 404 422 403", 302),
    "assessments:detail": ("GET", "200 200 404 200 200 200 404 200 200", 302),
    "assessments:entry": ("GET", "302 302 404 302 302 302 404 302 302", 302),
    "assessments:entry_attach": ("POST", "422 422 404 403 403 403 404 403 403", 302),
    "assessments:entry_cite": ("POST", "422 422 404 403 403 403 404 403 403", 302),
    "assessments:entry_detach": ("POST", "422 422 404 403 403 403 404 403 403", 302),
    "assessments:entry_evidence": ("GET", "302 302 404 403 403 403 404 403 403", 302),
    "assessments:entry_save": ("POST", "422 422 404 403 403 403 404 403 403", 302),
    "assessments:entry_upload": ("POST", "422 422 404 403 403 403 404 403 403", 302),
    "assessments:evidence_download": ("GET", "200 200 404 200 200 200 404 200 200", 302),
    "assessments:evidence_replace": ("POST", "422 422 404 403 403 403 404 403 403", 302),
    "assessments:evidence_version_download": ("GET", "404 404 404 404 404 404 404 404 404", 302),
    "assessments:excel": ("GET", "200 200 404 200 200 200 404 200 200", 302),
    "assessments:excel_upload": ("POST", "422 422 404 403 403 403 404 403 403", 302),
    "assessments:extend": ("POST", "403 403 404 403 403 403 404 422 403", 302),
    "assessments:form": ("GET", "200 200 404 200 200 200 404 200 200", 302),
    # A council member of a unit (member.stp of stp, the conflicted member of skhcn) reaches their unit's
    # self-assessment as its people do: the list's only row, so straight to it (302; was 200, an empty list).
    "assessments:index": ("GET", "302 302 302 302 302 200 200 200 200", 302),
    "assessments:index_year": ("GET", "302 302 302 302 302 200 404 200 200", 302),
    "assessments:library": ("GET", "200 200 404 200 200 200 404 200 200", 302),
    "assessments:library_add": ("POST", "422 422 404 403 403 403 404 403 403", 302),
    # The unit's page opens exactly when its self-assessment does (assessments:detail): 302 to it (was 404 for
    # the council, whose link to it was missing).
    "assessments:open": ("GET", "302 302 404 302 302 302 404 302 302", 302),
    "assessments:open_year": ("GET", "302 302 404 302 302 302 404 302 302", 302),
    "assessments:print": ("GET", "200 200 404 200 200 200 404 200 200", 302),
    "assessments:return": ("POST", "403 403 404 403 403 403 404 422 403", 302),
    "assessments:submit": ("POST", "422 422 404 403 403 403 404 403 403", 302),
    "assessments:withdraw": ("POST", "422 422 404 403 403 403 404 403 403", 302),
    # QA 9: the landing never refuses nor redirects to a refusal: a unit's people before their result is
    # visible, and an observer before any year is out, get a page saying when (200; was 302 to a 403, and 403).
    "dashboards:index": ("GET", "200 200 200 302 302 302 302 302 200", 302),
    "dashboards:progress": ("GET", "403 403 403 403 403 200 403 200 403", 302),
    "dashboards:progress_body": ("GET", "403 403 403 403 403 200 403 200 403", 302),
    "dashboards:progress_csv": ("GET", "403 403 403 403 403 200 403 200 403", 302),
    "dashboards:progress_units": ("GET", "403 403 403 403 403 200 403 200 403", 302),
    "dashboards:results": ("GET", "403 403 403 403 403 200 404 200 403", 302),
    "dashboards:results_csv": ("GET", "403 403 403 403 403 200 404 200 403", 302),
    "dashboards:results_svg": ("GET", "403 403 403 403 403 200 404 200 403", 302),
    "dashboards:summary": ("GET", "403 403 403 403 403 200 404 200 403", 302),
    "dashboards:unit": ("GET", "403 403 404 403 403 200 404 200 403", 302),
    "dashboards:unit_csv": ("GET", "403 403 404 403 403 200 404 200 403", 302),
    "core:home": ("GET", "200 200 200 200 200 200 200 200 200", 302),
    "core:home_year": ("GET", "200 200 200 200 200 200 404 200 200", 302),
    "council:appraise": ("GET", "404 404 404 200 404 403 404 200 404", 302),
    "council:appraise_accept_remaining": ("GET", "404 404 404 200 404 403 404 200 404", 302),
    "council:appraise_round2": ("GET", "404 404 404 403 404 403 404 403 404", 302),
    "council:assessment_audit": ("GET", "404 404 404 403 404 403 404 200 404", 302),
    "council:assignment_remove": ("POST", "403 403 403 403 403 403 403 302 403", 302),
    "council:assignments": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "council:dashboard": ("GET", "200 200 200 200 200 200 403 200 403", 302),
    "council:entry": ("GET", "404 404 404 200 404 200 404 200 404", 302),
    "council:entry_history": ("GET", "200 200 404 200 200 200 404 200 200", 302),
    "council:entry_round1": ("POST", "404 404 404 302 404 404 404 302 404", 302),
    "council:entry_round2": ("POST", "404 404 404 422 404 404 404 422 404", 302),
    "council:explanation": ("GET", "403 403 404 404 403 404 404 403 403", 302),
    "council:explanation_save": ("GET", "405 405 404 404 404 404 404 404 404", 302),
    "council:explanation_submit": ("GET", "405 405 404 404 404 404 404 404 404", 302),
    "council:explanation_upload": ("GET", "405 405 404 404 404 404 404 404 404", 302),
    "council:finalise": ("POST", "404 404 404 403 404 302 404 302 404", 302),
    # QA: a landing never leads to a refusal: an observer, whose council dashboard does not open, gets the page
    # saying they are not assigned in the year (200; was 302 to a 403).
    "council:index": ("GET", "302 302 302 302 302 302 302 302 200", 302),
    "council:layers": ("GET", "403 403 404 200 404 200 404 200 403", 302),
    "council:mark_appraised": ("POST", "404 404 404 403 404 302 404 302 404", 302),
    "council:notice": ("GET", "403 403 404 403 404 403 404 403 403", 302),
    "council:notice_download": ("GET", "403 403 404 403 404 403 404 403 403", 302),
    "council:notice_pdf": ("GET", "403 403 404 403 404 403 404 403 403", 302),
    "council:notice_print": ("GET", "403 403 404 403 404 403 404 403 403", 302),
    "council:outbox": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "council:outbox_detail": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "council:period_advance": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "council:period_audit": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "council:queue": ("GET", "403 403 403 200 200 200 403 200 403", 302),
    "council:queue_round2": ("GET", "403 403 403 200 200 200 403 200 403", 302),
    "council:reopen": ("GET", "404 404 404 403 404 200 404 403 404", 302),
    "council:setup": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "council:setup_remove": ("POST", "403 403 403 403 403 403 403 302 403", 302),
    "council:survey": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "council:survey_download": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "council:survey_template": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "council:workload": ("GET", "403 403 403 200 200 200 403 200 403", 302),
    "health": ("GET", "200 200 200 200 200 200 200 200 200", 200),
    "login": ("GET", "200 200 200 200 200 200 200 200 200", 200),
    "logout": ("POST", "302 302 302 302 302 302 302 302 302", 302),
    "password_change": ("GET", "200 200 200 200 200 200 200 200 200", 302),
    "password_change_done": ("GET", "200 200 200 200 200 200 200 200 200", 302),
    "registry:group_create": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "registry:group_edit": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "registry:group_list": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "registry:index": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "registry:index_node_fix": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "registry:index_set_copy": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "registry:index_set_detail": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "registry:index_set_import": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "registry:organisation_edit": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "registry:period_archive": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "registry:period_create": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "registry:period_delete": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "registry:period_detail": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "registry:period_edit": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "registry:period_list": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "registry:period_rollover": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "registry:period_set_current": ("POST", "403 403 403 403 403 403 403 302 403", 302),
    "registry:period_unarchive": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "registry:period_units_export": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "registry:period_window": ("POST", "403 403 403 403 403 403 403 302 403", 302),
    "registry:template_index_set": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "registry:template_units": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "registry:unit_activate": ("POST", "403 403 403 403 403 403 403 302 403", 302),
    "registry:unit_create": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "registry:unit_deactivate": ("POST", "403 403 403 403 403 403 403 302 403", 302),
    "registry:unit_edit": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "registry:unit_list": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "registry:units_import": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "scoring:annex": ("GET", "403 403 403 403 403 409 404 409 403", 302),
    "scoring:annex_pdf": ("GET", "403 403 403 403 403 409 404 409 403", 302),
    "scoring:approve": ("POST", "403 403 403 403 403 403 403 302 403", 302),
    "scoring:audit": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "scoring:audit_csv": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "scoring:csv": ("GET", "403 403 403 403 403 409 404 409 403", 302),
    "scoring:csv_plain": ("GET", "403 403 403 403 403 409 404 409 403", 302),
    "scoring:decision": ("GET", "403 403 403 403 403 409 404 409 403", 302),
    "scoring:decision_pdf": ("GET", "403 403 403 403 403 409 404 409 403", 302),
    "scoring:evidence_zip": ("POST", "403 403 403 403 403 403 403 302 403", 302),
    "scoring:export": ("POST", "403 403 403 403 403 302 404 302 403", 302),
    "scoring:finalise": ("POST", "403 403 403 403 403 302 403 403 403", 302),
    # the observer before any year is out: a page saying when (200; was 403), as the dashboards' landing
    "scoring:index": ("GET", "302 302 302 302 302 302 302 302 200", 302),
    "scoring:job": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "scoring:job_download": ("GET", "403 403 403 403 403 403 403 404 403", 302),
    "scoring:period": ("GET", "403 403 403 403 403 200 404 200 403", 302),
    "scoring:published": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "scoring:published_template": ("GET", "403 403 403 403 403 403 403 200 403", 302),
    "scoring:reopen": ("POST", "403 403 403 403 403 302 403 403 403", 302),
    "scoring:snapshot": ("POST", "403 403 403 403 403 403 403 302 403", 302),
    "scoring:unit_detail": ("GET", "200 200 404 200 200 200 404 200 200", 302),
    "scoring:unit_doc": ("GET", "403 403 404 409 403 409 404 409 403", 302),
    "scoring:unit_pdf": ("GET", "403 403 404 409 403 409 404 409 403", 302),
    "scoring:unit_report": ("GET", "403 403 404 409 403 409 404 409 403", 302),
}

# The unit's pages whose answer moves with the moment: (route, moment) → answers per persona.
BY_MOMENT: dict[tuple[str, Moment], str] = {
    ("council:explanation", Moment.S): "403 403 404 404 403 404 404 403 403",
    ("council:entry_history", Moment.S): "200 200 404 404 200 404 404 200 403",
    ("assessments:detail", Moment.S): "200 200 404 403 200 200 404 200 403",
    ("assessments:print", Moment.S): "200 200 404 403 200 200 404 200 403",
    ("assessments:excel", Moment.S): "200 200 404 403 200 200 404 200 403",
    ("scoring:unit_detail", Moment.S): "200 200 404 404 200 200 404 200 404",
    ("council:explanation", Moment.A): "403 403 404 404 403 404 404 403 403",
    ("council:entry_history", Moment.A): "200 200 404 200 200 200 404 200 200",
    ("assessments:detail", Moment.A): "200 200 404 200 200 200 404 200 200",
    ("assessments:print", Moment.A): "200 200 404 200 200 200 404 200 200",
    ("assessments:excel", Moment.A): "200 200 404 200 200 200 404 200 200",
    ("scoring:unit_detail", Moment.A): "200 200 404 200 200 200 404 200 200",
    ("council:explanation", Moment.N): "200 200 404 404 200 404 404 200 403",
    ("council:entry_history", Moment.N): "200 200 404 200 200 200 404 200 200",
    ("assessments:detail", Moment.N): "200 200 404 200 200 200 404 200 200",
    ("assessments:print", Moment.N): "200 200 404 200 200 200 404 200 200",
    ("assessments:excel", Moment.N): "200 200 404 200 200 200 404 200 200",
    ("scoring:unit_detail", Moment.N): "200 200 404 200 200 200 404 200 200",
    ("council:explanation", Moment.R): "200 200 404 404 200 404 404 200 403",
    ("council:entry_history", Moment.R): "200 200 404 200 200 200 404 200 200",
    ("assessments:detail", Moment.R): "200 200 404 200 200 200 404 200 200",
    ("assessments:print", Moment.R): "200 200 404 200 200 200 404 200 200",
    ("assessments:excel", Moment.R): "200 200 404 200 200 200 404 200 200",
    ("scoring:unit_detail", Moment.R): "200 200 404 200 200 200 404 200 200",
    ("council:explanation", Moment.F): "200 200 404 404 200 404 404 200 200",
    ("council:entry_history", Moment.F): "200 200 404 200 200 200 404 200 200",
    ("assessments:detail", Moment.F): "200 200 404 200 200 200 404 200 200",
    ("assessments:print", Moment.F): "200 200 404 200 200 200 404 200 200",
    ("assessments:excel", Moment.F): "200 200 404 200 200 200 404 200 200",
    ("scoring:unit_detail", Moment.F): "200 200 404 200 200 200 404 200 200",
    ("council:explanation", Moment.P): "200 200 404 404 200 404 404 200 200",
    ("council:entry_history", Moment.P): "200 200 404 200 200 200 404 200 200",
    ("assessments:detail", Moment.P): "200 200 403 200 200 200 403 200 200",
    ("assessments:print", Moment.P): "200 200 403 200 200 200 403 200 200",
    ("assessments:excel", Moment.P): "200 200 403 200 200 200 403 200 200",
    ("scoring:unit_detail", Moment.P): "200 200 200 200 200 200 200 200 200",
    # An evidence file linked to skhcn's item 1.1 (QA item 3): as the self-assessment it belongs to (SPEC §6a row
    # "inputs, notes, evidence", read in its period and moment), except that it stays 404 to other units' people
    # even after publication (the published table has no evidence) and that the chair of 2022 only gets 404.
    # Before: 200 to the observer at S (a draft's files), 404 to the assigned member at S (now 403 with the
    # reason, as the self-assessment's pages answer).
    **{
        ("assessments:evidence_download", moment): answers
        for moment, answers in (
            (Moment.S, "200 200 404 403 200 200 404 200 403"),
            (Moment.A, "200 200 404 200 200 200 404 200 200"),
            (Moment.N, "200 200 404 200 200 200 404 200 200"),
            (Moment.R, "200 200 404 200 200 200 404 200 200"),
            (Moment.F, "200 200 404 200 200 200 404 200 200"),
            (Moment.P, "200 200 404 200 200 200 404 200 200"),
        )
    },
}

# The council's notice and layers pages: expected answers read from SPEC §6a (``from_table``).
TABLE_ROUTES = ("council:notice", "council:notice_print", "council:notice_download", "council:layers")
COUNCIL_SIDE = frozenset({"member", "chair", "secretariat"})  # see skhcn's items in the council from moment A


def from_table(route: str, who: str, moment: Moment) -> int:
    persona = PERSONAS[who]

    def sees(what: str) -> bool:
        return visible(what, persona, moment, submitted=moment >= Moment.A, explained=moment == Moment.R)

    if route == "council:layers":
        ok = (who in COUNCIL_SIDE and moment >= Moment.A) or (sees("inputs") and sees("round1"))
    else:
        ok = moment >= Moment.N and sees("notice")  # the notice exists once round 1 is closed
    if ok:
        return 200
    if persona == Persona.CONFLICTED:
        return 404  # on the council's pages a member's own unit does not exist for them
    if persona == Persona.OTHER and not (sees("inputs") or sees("total")):
        return 404
    return 403


def all_routes() -> dict[str, URLPattern]:
    """Every named route but the admin's: ``namespace:name`` → pattern."""
    out: dict[str, URLPattern] = {}

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    continue
                walk(p.url_patterns, f"{prefix}{p.namespace}:" if p.namespace else prefix)
            elif isinstance(p, URLPattern) and p.name:
                out[f"{prefix}{p.name}"] = p

    walk(get_resolver().url_patterns, "")
    return out


@pytest.fixture
def seeded(world, editor, head, other_editor, member, conflicted_member, chair, secretariat, observer):
    chair_2022 = UserFactory(username="chair.2022")
    grant(chair_2022, roles.CHAIR, None, PeriodFactory(year=2022))
    period = world["period"]
    skhcn = world["skhcn"]
    entry = entry_of(skhcn, "1.1")
    evidence = evidence_store_upload(
        unit=skhcn.unit, uploaded=SimpleUploadedFile("kh.pdf", b"%PDF-1.4 x", "application/pdf"), by=editor
    )
    link = EvidenceLink.objects.create(entry=entry, evidence=evidence, layer="self", by=editor)
    version = evidence.versions.first()
    role = RoleAssignment.objects.create(
        user=member, role=roles.MEMBER, unit=world["stp"].unit, period=period
    )
    assignment = Assignment.objects.filter(member=member).first()
    survey = SurveyImport.objects.create(
        period=period, file=SimpleUploadedFile("xhh.xlsx", b"x"), file_name="xhh.xlsx", rows=1, by=secretariat
    )
    message = OutboxMessage.objects.create(
        kind="notice", period=period, unit=skhcn.unit, to="skhcn@example.vn", subject="Thông báo",
        body="Nội dung", dedupe_key="t-1",
    )  # fmt: skip
    job = BackgroundJob.objects.create(kind="evidence_zip", period=period, requested_by=secretariat)
    index_set = IndexSet.objects.filter(period=period).first()
    ids = {
        "year": 2023, "code": "skhcn", "kind": "notice", "entry_pk": entry.pk, "assessment_pk": skhcn.pk,
        "role_pk": role.pk, "assignment_pk": assignment.pk, "import_pk": survey.pk, "message_pk": message.pk,
        "evidence_pk": evidence.pk, "version_pk": version.pk if version else 1, "link_pk": link.pk,
        "phase": "self_assessment",
    }  # fmt: skip
    return {
        "people": {
            "editor": editor, "head": head, "other_editor": other_editor, "member": member,
            "conflicted_member": conflicted_member, "chair": chair, "chair_2022": chair_2022,
            "secretariat": secretariat, "observer": observer,
        },
        "ids": ids, "world": world, "evidence": evidence, "job": job, "index_set": index_set,
    }  # fmt: skip


def pk_for(name: str, s) -> int:
    w = s["world"]
    if name.startswith("assessments:evidence_download"):
        return s["evidence"].pk
    if name.startswith("assessments:"):
        return w["skhcn"].pk
    if name.startswith("scoring:job"):
        return s["job"].pk
    if name.startswith("registry:group"):
        return w["skhcn"].unit.memberships.first().group_id
    if name.startswith("registry:unit"):
        return w["skhcn"].unit.pk
    if name.startswith("registry:index_set"):
        return s["index_set"].pk
    if name.startswith("registry:index_node"):
        return s["index_set"].nodes.first().pk
    if name.startswith("registry:period"):
        return w["period"].pk
    raise AssertionError(name)


# Route parameters that differ by route: each dashboard CSV names one of its own charts.
ROUTE_IDS = {
    ("dashboards:progress_csv", "chart"): "trang-thai",
    ("dashboards:results_csv", "chart"): "xep-loai-nguoi-dung-dau",
    ("dashboards:results_svg", "chart"): "xep-loai-nguoi-dung-dau",
    ("dashboards:unit_csv", "chart"): "chi-so-thanh-phan",
    ("scoring:export", "document"): "annex",
}


def url_of(name: str, pattern: URLPattern, s) -> str:
    params = pattern.pattern.converters.keys()
    kwargs = {
        k: (pk_for(name, s) if k == "pk" else ROUTE_IDS.get((name, k), s["ids"].get(k))) for k in params
    }
    return reverse(name, kwargs=kwargs)


def clients_for(people) -> dict:
    """One logged-in client per persona (logging in once, not per request, keeps the matrix fast)."""
    out = {}
    for who, user in people.items():
        c = Client()
        c.force_login(user)
        out[who] = c
    return out


def status(client, method: str, url: str) -> int:
    """The answer to one request, the database rolled back after it (a POST that succeeds changes nothing)."""
    with transaction.atomic():
        code = getattr(client, method)(url).status_code
        transaction.set_rollback(True)
    return code


def test_every_route_has_an_expected_outcome():
    routes = set(all_routes())
    assert routes == set(EXPECTED), sorted(routes ^ set(EXPECTED))
    assert {r for r, _ in BY_MOMENT} | set(TABLE_ROUTES) <= routes


def test_every_route_answers_each_persona_as_expected(seeded):
    routes = all_routes()
    clients = clients_for(seeded["people"])
    _set_moment(seeded["world"], Moment.A)
    failures = []
    for name, (method, answers, anonymous) in sorted(EXPECTED.items()):
        url = url_of(name, routes[name], seeded)
        if name == "health":
            # An async-capable view: once a browser test left an event loop running in this worker's thread,
            # Django cannot call it from a sync test (AsyncToSync). Its answers are requested in
            # tests/core/test_security.py; here: it is public, for everyone alike.
            assert routes[name].callback.login_required is False
            assert answers == " ".join(["200"] * len(PERSONA_ORDER)) and anonymous == 200
            continue
        # Logging out would end the shared sessions: fresh clients for that route.
        clients_here = clients_for(seeded["people"]) if name == "logout" else clients
        for who, want in zip(PERSONA_ORDER, answers.split(), strict=True):
            got = status(clients_here[who], method.lower(), url)
            if got != int(want):
                failures.append((name, who, got, int(want)))
        response = Client().generic(method, url)
        got_anonymous = response.status_code
        if got_anonymous != anonymous:
            failures.append((name, "anonymous", got_anonymous, anonymous))
        elif anonymous == 302 and name != "logout":
            assert response["Location"].startswith(reverse("login")), (name, response["Location"])
    assert failures == [], "\n".join(map(str, failures))


def test_unit_pages_follow_the_moments(seeded):
    routes = all_routes()
    clients = clients_for(seeded["people"])
    failures = []
    for moment in Moment:
        _set_moment(seeded["world"], moment)
        for name in (*{r for r, _ in BY_MOMENT}, *TABLE_ROUTES):
            url = url_of(name, routes[name], seeded)
            for i, who in enumerate(PERSONA_ORDER):
                want = (
                    from_table(name, who, moment)
                    if name in TABLE_ROUTES
                    else int(BY_MOMENT[(name, moment)].split()[i])
                )
                got = status(clients[who], "get", url)
                if got != want:
                    failures.append((moment.name, name, who, got, want))
    assert failures == [], "\n".join(map(str, failures))
