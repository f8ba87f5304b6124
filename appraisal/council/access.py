"""The access policy of SPEC §6a applied to people and objects: personas read in the object's period, moments read
from the period and the unit's assessment, the table of :mod:`appraisal.core.access` registered as django-rules
permissions (``parindex.view_<what>``) so views ask ``user.has_perm(...)`` and templates ``{% has_perm %}``.

It lives in the council app because a persona needs the council's assignments; every app above it (scoring)
asks through it.

A ``Subject`` is one unit in one period (with its assessment when there is one), or a whole period (``unit``
``None``: ranks, the decision). Refusals: an object the person may not know exists answers 404 (other units'
people, before publication); a known object with a forbidden action answers 403 with the reason
(:func:`refuse`). Objects are fetched and authorised in one step (``*_get_for_user``).

The council's side (SPEC §6, conflict of interest): a member never sees, scores, downloads evidence of or is
notified about the items of a unit they belong to. Every council list, page, download and reminder reads items
through :func:`entries_for_appraiser` (a queryset: the rule is in the SQL) or, for one item already in memory,
:meth:`CouncilAccess.can_see`. Per period: the secretariat (and the administrator) sees and scores every item;
the chair and vice-chair see every item (scoring only what they are assigned); a member sees and scores the
items of the fields assigned to them; only submitted assessments reach the council.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, NoReturn

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from appraisal.assessments.models import (
    Assessment,
    AssessmentState,
    Evidence,
    EvidenceLink,
    ItemEntry,
    Layer,
)
from appraisal.assessments.selectors import COUNCIL_MOVES, COUNCIL_NAME
from appraisal.core import roles
from appraisal.core.access import EXPLAINED, TABLE, WHATS, Moment, Persona, visible
from appraisal.registry.models import Period, Phase, RoleAssignment, Unit, UnitMembership
from appraisal.registry.selectors import unit_role_elsewhere

from .models import Assignment
from .selectors import COUNCIL_ROLE_NAMES, COUNCIL_STATES, NOTICE_STATES, field_code_of, field_q

S = AssessmentState
NOT_FOUND = "Không tìm thấy."
LEADER_ROLES = frozenset({roles.CHAIR, roles.SECRETARIAT})
MEMBER_ROLES = frozenset({roles.MEMBER, roles.VICE_CHAIR})
UNIT_ROLE_NAMES = frozenset({roles.UNIT_EDITOR, roles.UNIT_HEAD})
NOT_SUBMITTED_YET = frozenset({S.DRAFT, S.RETURNED})
EXPLANATION_SENT = frozenset({S.EXPLAINED, S.REAPPRAISED})


@dataclass(frozen=True)
class Subject:
    """One unit in one period (``assessment`` when it exists), or the whole period (``unit`` None)."""

    period: Period
    unit: Unit | None = None
    assessment: Assessment | None = None

    @classmethod
    def of(cls, assessment: Assessment) -> Subject:
        return cls(assessment.period, assessment.unit, assessment)


def subject_for(period: Period, unit: Unit) -> Subject:
    """The subject of a unit in a period, with its assessment when one exists (one query)."""
    assessment = Assessment.objects.filter(period=period, unit=unit).first()
    if assessment is not None:
        assessment.period, assessment.unit = period, unit
    return Subject(period, unit, assessment)


def _period_roles(user: Any, period: Period) -> tuple[frozenset[str], frozenset[int]]:
    """Role names valid in ``period`` and the units of the person's unit roles valid there."""
    names: set[str] = set()
    units: set[int] = set()
    for role, unit_id, period_id in roles.roles_of(user).assignments:
        if period_id is not None and period_id != period.pk:
            continue
        names.add(role)
        if role in UNIT_ROLE_NAMES and unit_id is not None:
            units.add(unit_id)
    return frozenset(names), frozenset(units)


def persona_of(user: Any, subject: Subject) -> str:
    """The column of SPEC §6a that applies to ``user`` for ``subject``, roles read in the subject's period."""
    if not getattr(user, "is_authenticated", False):
        return Persona.OTHER
    cache: dict[tuple[int, int | None], str] = user.__dict__.setdefault("_parindex_personas", {})
    key = (subject.period.pk, subject.unit.pk if subject.unit else None)
    if key in cache:
        return cache[key]
    names, unit_ids = _period_roles(user, subject.period)
    unit_id = subject.unit.pk if subject.unit else None
    if user.is_superuser or LEADER_ROLES & names:
        persona = Persona.LEADER
    elif unit_id is not None and unit_id in unit_ids:
        persona = Persona.UNIT
    elif MEMBER_ROLES & names:
        access = council_access(user, subject.period)
        if unit_id is None:
            persona = Persona.ASSIGNED  # on the period's council: the period-wide rows (ranks, decision)
        elif unit_id in access.own_units:
            persona = Persona.CONFLICTED
        elif roles.VICE_CHAIR in names or _assigned_to_unit(user, subject):
            persona = Persona.ASSIGNED
        else:
            persona = Persona.OTHER
    elif roles.OBSERVER in names:
        persona = Persona.OBSERVER
    elif unit_id is None and unit_ids:
        persona = Persona.UNIT  # a unit's people looking at the period (ranks, decision)
    else:
        persona = Persona.OTHER
    cache[key] = persona
    return persona


def _assigned_to_unit(user: Any, subject: Subject) -> bool:
    assert subject.unit is not None
    group_id = (
        UnitMembership.objects.filter(period=subject.period, unit=subject.unit)
        .values_list("group_id", flat=True)
        .first()
    )
    return (
        Assignment.objects.filter(period=subject.period, member=user)
        .filter(Q(group__isnull=True) | Q(group_id=group_id))
        .exists()
    )


def moment_of(subject: Subject) -> Moment:
    """Where the unit (or the period) stands on SPEC §6a's scale."""
    period = subject.period
    if period.phase == Phase.APPROVED:
        return Moment.P
    if period.phase == Phase.FINALISED:
        return Moment.F
    a = subject.assessment
    if subject.unit is None:
        order = {
            Phase.PREPARING: Moment.S,
            Phase.SELF_ASSESSMENT: Moment.S,
            Phase.APPRAISAL: Moment.A,
            Phase.EXPLANATION: Moment.N,
            Phase.REAPPRAISAL: Moment.R,
        }
        return order.get(period.phase, Moment.S)
    if a is None or a.state in NOT_SUBMITTED_YET:
        return Moment.S
    if a.state == S.FINALISED:
        return Moment.F
    if a.notice_issued_at is not None and a.notice_issued_at <= timezone.now():
        return Moment.R if period.phase == Phase.REAPPRAISAL else Moment.N
    return Moment.A


def explanation_sent(assessment: Assessment) -> bool:
    """SPEC §6a's moment "from its submission" of the explanation: the unit sent it (or the chair reopened the
    unit into round 2). Until then the explanation, its text and its files, is the unit's own draft.
    :func:`explanation_sent_q` is the same rule in SQL."""
    return assessment.state in EXPLANATION_SENT or assessment.explanation_submitted_at is not None


def explanation_sent_q(prefix: str = "assessment__") -> Q:
    """:func:`explanation_sent` as a filter (``prefix``: the path from the queried model to the assessment)."""
    return Q(**{f"{prefix}state__in": EXPLANATION_SENT}) | Q(
        **{f"{prefix}explanation_submitted_at__isnull": False}
    )


# Rows of SPEC §6a that compare a unit with the others: their moment is the period's, never the unit's own (QA: a
# unit finalised while the period is still in explanation showed «Xếp hạng 13», a rank computed live against
# units still being appraised). Read here, where every page and letter asks (results page, dashboards, the
# final-result letter), rather than in each of them.
PERIOD_WIDE = frozenset({"ranks"})


def can_see(user: Any, what: str, subject: Subject) -> bool:
    """SPEC §6a for one question: may ``user`` see ``what`` of ``subject`` now. The persona is read for the
    unit; the moment of a period-wide row (:data:`PERIOD_WIDE`) is the period's."""
    a = subject.assessment
    moment = moment_of(subject)
    if what in PERIOD_WIDE and subject.unit is not None:
        moment = min(moment, moment_of(Subject(subject.period)))
    return visible(
        what,
        persona_of(user, subject),
        moment,
        submitted=a is not None and a.state not in NOT_SUBMITTED_YET,
        explained=a is not None and explanation_sent(a),
    )


def visibility(user: Any, subject: Subject) -> frozenset[str]:
    """Everything ``user`` may see of ``subject`` now (the names of SPEC §6a's rows)."""
    return frozenset(w for w in WHATS if can_see(user, w, subject))


def require(user: Any, what: str, subject: Subject) -> None:
    """Raise unless ``user`` may see ``what``: 404 for a person who may not know the unit's results exist,
    403 with the reason for anyone else."""
    if not can_see(user, what, subject):
        refuse(user, subject, REFUSALS.get(what, "Bạn chưa được xem nội dung này ở giai đoạn hiện tại."))


def refuse(user: Any, subject: Subject, reason: str) -> NoReturn:
    """The one refusal: 404 when the person may not know the unit's results exist (SPEC §6a: nothing of it
    visible to them — for a whole period, not its ranks), else 403 with ``reason``."""
    known = {"inputs", "total"} if subject.unit is not None else {"ranks"}
    if persona_of(user, subject) == Persona.OTHER and not (known & visibility(user, subject)):
        raise Http404(NOT_FOUND)
    raise PermissionDenied(reason)


LAYER_ROWS = {
    "self": "inputs",
    "round1": "round1",
    "explanation": "explanation",
    "round2": "round2",
    "survey": "survey",
}
COUNCIL_LAYERS = frozenset({"round1", "round2", "survey"})
# The council's moves and its name on the unit's side are the assessments app's (the self-assessment's history
# follows the same rule): the item timeline's state rows carry labels.
COUNCIL_STATES_REACHED = frozenset(S(state).label for state in COUNCIL_MOVES)


def council_inside(user: Any, assessment: Assessment) -> bool:
    """Whether ``user`` reads which council member or chair did what on ``assessment`` (SPEC §6a: the chair,
    the secretariat and the assigned members; the unit's people, a council member of the unit and observers read
    «Hội đồng thẩm định»)."""
    return persona_of(user, Subject.of(assessment)) in (Persona.LEADER, Persona.ASSIGNED)


def timeline_for_viewer(user: Any, subject: Subject, rows: list[Any]) -> list[Any]:
    """An item's history as ``user`` may see it (SPEC §6a): rows of layers not yet visible are left out, and
    which member gave which score stays inside the council — the unit's side reads «Hội đồng thẩm định»."""
    seen = visibility(user, subject)
    inside = persona_of(user, subject) in (Persona.LEADER, Persona.ASSIGNED)  # as council_inside
    out = []
    for row in rows:
        if row.kind == "item" and LAYER_ROWS.get(row.layer, "inputs") not in seen:
            continue
        if not inside and (
            (row.kind == "item" and row.layer in COUNCIL_LAYERS)
            or (row.kind == "state" and row.new in COUNCIL_STATES_REACHED)
        ):
            row = replace(row, by=COUNCIL_NAME)
        out.append(row)
    return out


REFUSALS = {
    "inputs": "Bản tự đánh giá của đơn vị chỉ được xem sau khi đơn vị nộp.",
    "explanation": "Giải trình của đơn vị chỉ được xem sau khi Hội đồng chốt kết quả.",
    "notice": "Thông báo kết quả thẩm định chưa được phát hành cho đơn vị.",
    "total": "Kết quả của đơn vị chỉ được xem sau khi Hội đồng chốt kết quả.",
    "ranks": "Bảng xếp hạng chỉ được công bố theo quy định (sau khi chốt kết quả hoặc khi quyết định được phê duyệt).",
    "decision": "Quyết định chỉ được xem sau khi kết quả được chốt hoặc phê duyệt.",
    "round1": "Kết quả thẩm định vòng 1 chưa được thông báo cho đơn vị.",
}


def final_points_seen(entry: ItemEntry, seen: frozenset[str]) -> bool:
    """Whether an item's final points may be shown to a reader who sees the rows ``seen`` of SPEC §6a: they are
    the survey result of a survey item, else round 2's (or round 1's) points, so they follow that row (the
    unit's people read them from finalisation, though the notice shows round 1 earlier)."""
    return ("survey" if entry.node.method == "survey" else "round2") in seen


EXPLANATION_NOT_SENT = "Giải trình của đơn vị chỉ được xem sau khi đơn vị gửi giải trình."


def refusal_of(what: str, persona: str) -> str:
    """Why a person who knows the unit does not see ``what`` now: the assigned council member waits for the unit
    to send its explanation (SPEC §6a "from its submission"), anyone else for the moment :data:`REFUSALS`
    names."""
    if TABLE[what][persona] == EXPLAINED:
        return EXPLANATION_NOT_SENT
    return REFUSALS.get(what, REFUSALS["inputs"])


def _perm(what: str) -> Any:
    @rules.predicate(name=f"can_see_{what}")
    def predicate(user: Any, subject: Subject | None) -> bool:
        return subject is not None and can_see(user, what, subject)

    return predicate


for _what in WHATS:
    rules.add_perm(f"parindex.view_{_what}", _perm(_what))


# -- council powers in a period, and the SQL filters every council list reads through --------------------------


@dataclass
class CouncilAccess:
    """A person's council powers in one period (read once, cached on the user object)."""

    period_id: int
    roles: frozenset[str]
    secretariat: bool
    own_units: frozenset[int]
    assignments: tuple[tuple[str, int | None], ...] = ()

    @property
    def chair(self) -> bool:
        return roles.CHAIR in self.roles

    @property
    def leader(self) -> bool:
        """Chair or vice-chair: sees every item of the period (except their own unit's)."""
        return bool({roles.CHAIR, roles.VICE_CHAIR} & self.roles)

    @property
    def council(self) -> bool:
        return bool(COUNCIL_ROLE_NAMES & self.roles)

    @property
    def any(self) -> bool:
        return self.secretariat or self.leader or bool(self.assignments)

    def covers(self, field_code: str, group_id: int | None) -> bool:
        return any(fc == field_code and (g is None or g == group_id) for fc, g in self.assignments)

    def can_see(self, *, unit_id: int, field_code: str, group_id: int | None, write: bool = False) -> bool:
        """The same rule as :func:`entries_for_appraiser`, for one item already in memory."""
        if unit_id in self.own_units:
            return False
        if self.secretariat:
            return True
        if self.leader and not write:
            return True
        return self.covers(field_code, group_id)

    def entry_q(self, *, write: bool = False) -> Q | None:
        """A filter on ItemEntry for the items this person may see (or score); None means nothing."""
        if self.secretariat or (self.leader and not write):
            return Q()
        if not self.assignments:
            return None
        q = Q(pk__in=[])
        for fc, group_id in self.assignments:
            part = field_q(fc)
            if group_id is not None:
                part &= Q(node__index_set__group_id=group_id)
            q |= part
        return q


def council_access(user: Any, period: Period) -> CouncilAccess:
    """The person's roles valid in ``period`` (roles without a period count for every period)."""
    cache: dict[int, CouncilAccess] | None = getattr(user, "_council_access", None)
    if cache is None:
        cache = {}
        if getattr(user, "is_authenticated", False):
            user._council_access = cache
    found = cache.get(period.pk)
    if found is not None:
        return found
    if not getattr(user, "is_authenticated", False):
        return CouncilAccess(period.pk, frozenset(), False, frozenset())
    names = frozenset(
        RoleAssignment.objects.filter(user=user)
        .filter(Q(period=period) | Q(period__isnull=True))
        .values_list("role", flat=True)
    )
    secretariat = bool(user.is_superuser) or roles.SECRETARIAT in names
    assignments: tuple[tuple[str, int | None], ...] = ()
    if COUNCIL_ROLE_NAMES & names:
        assignments = tuple(
            Assignment.objects.filter(period=period, member=user).values_list("field_code", "group_id")
        )
    access = CouncilAccess(period.pk, names, secretariat, roles.own_unit_ids(user), assignments)
    cache[period.pk] = access
    return access


def council_pages_open(user: Any, period: Period) -> bool:
    """Whether the council's pages of ``period`` (its queues, workload) open for the person: the secretariat,
    the chair or vice-chair, or a member with an assignment there (a member of the council in every period has
    nothing to open in a year they are not assigned in)."""
    return council_access(user, period).any


def council_dashboard_opens(user: Any, period: Period) -> bool:
    """Whether the council's dashboard of ``period`` opens: :func:`council_pages_open`, or a unit's people, who
    open their side in every year (the menu's «Thông báo, giải trình» does not come and go with the years)."""
    return council_pages_open(user, period) or bool(roles.unit_ids_held(user, None))


def not_assigned(period: Period) -> str:
    """The council landing's empty state for a person whose council pages of ``period`` do not open."""
    return f"Bạn chưa được phân công thẩm định trong {period.name}."


def forget_council_access(user: Any) -> None:
    if hasattr(user, "_council_access"):
        del user._council_access


def council_entries_base(period: Period) -> QuerySet[ItemEntry]:
    return ItemEntry.objects.filter(assessment__period=period, assessment__state__in=COUNCIL_STATES)


def entries_for_appraiser(user: Any, period: Period, *, write: bool = False) -> QuerySet[ItemEntry]:
    """Every item the person may see (``write=False``) or score (``write=True``) in the period, never one of
    their own unit's. The one gate of every council page, action, download and notification."""
    access = council_access(user, period)
    q = access.entry_q(write=write)
    if q is None:
        return ItemEntry.objects.none()
    return (
        council_entries_base(period)
        .filter(q)
        .exclude(assessment__unit_id__in=access.own_units)
        .select_related("node", "node__index_set", "assessment", "assessment__unit", "assessment__period")
    )


def _council_entry(user: Any, pk: int, *, write: bool) -> ItemEntry:
    """The entry if the person may see (or score) it, else Http404 — whether it exists or not."""
    period = Period.objects.filter(entries_period_q(pk)).first()
    if period is None:
        raise Http404("Không tìm thấy mục.")
    entry = entries_for_appraiser(user, period, write=write).filter(pk=pk).first()
    if entry is None:
        raise Http404("Không tìm thấy mục.")
    return entry


def entries_period_q(entry_pk: int) -> Q:
    return Q(assessments__entries__pk=entry_pk)


def can_write_entry(user: Any, entry: ItemEntry) -> bool:
    access = council_access(user, entry.assessment.period)
    return access.can_see(
        unit_id=entry.assessment.unit_id,
        field_code=field_code_of(entry.node.code),
        group_id=entry.node.index_set.group_id,
        write=True,
    )


def council_can_download_evidence(user: Any, evidence: Evidence) -> bool:
    """Council access to an evidence file of the self-assessment: the person may appraise at least one item the
    evidence is attached to for the self-assessment. A file given in an explanation is for
    :func:`evidence_download_by_policy` alone (SPEC §6a, row "explanation": the assigned members from its
    sending, not while it is the unit's draft); a council member of the evidence's own unit downloads it as the
    unit's people do (column "conflict"). Called from the assessments app's download check."""
    links = Q(
        evidence_links__evidence=evidence,
        evidence_links__removed_at__isnull=True,
        evidence_links__layer=Layer.SELF,
    )
    periods = Period.objects.filter(
        assessments__entries__evidence_links__evidence=evidence,
        assessments__entries__evidence_links__layer=Layer.SELF,
    ).distinct()
    return any(entries_for_appraiser(user, period).filter(links).exists() for period in periods)


def evidence_download_by_policy(user: Any, evidence: Evidence) -> bool | str | None:
    """SPEC §6a for one evidence file (row "the unit's inputs, notes, evidence"; a file given in an explanation:
    row "explanation"), read for each assessment whose items link it (links not removed), roles read in that
    assessment's period and moment: True when the person may see one of them now, else the refusal for a
    person who knows the unit there (403), else None (404). Registered as an evidence download rule
    (``CouncilConfig.ready``) beside :func:`council_can_download_evidence`."""
    links = (
        EvidenceLink.objects.filter(evidence=evidence, removed_at__isnull=True)
        .values_list("entry__assessment_id", "layer")
        .distinct()
    )
    rows: dict[int, set[str]] = {}
    for assessment_id, layer in links:
        rows.setdefault(assessment_id, set()).add(LAYER_ROWS.get(layer, "inputs"))
    refusal = None
    for assessment in Assessment.objects.select_related("period", "unit").filter(pk__in=rows).order_by("pk"):
        subject = Subject.of(assessment)
        # The fewest rows needed: a file given for the self-assessment needs only its inputs.
        for what in sorted(rows[assessment.pk], key=lambda w: w != "inputs"):
            if can_see(user, what, subject):
                return True
            persona = persona_of(user, subject)
            if refusal is None and persona != Persona.OTHER:
                refusal = refusal_of(what, persona)
    return refusal


def assessments_for_council(user: Any, period: Period) -> QuerySet[Assessment]:
    """Assessments in which the person can see at least one item (never their own unit's)."""
    access = council_access(user, period)
    qs = Assessment.objects.filter(period=period, state__in=COUNCIL_STATES).exclude(
        unit_id__in=access.own_units
    )
    if access.secretariat or access.leader:
        return qs.select_related("unit")
    q = access.entry_q()
    if q is None:
        return Assessment.objects.none()
    visible = entries_for_appraiser(user, period).values("assessment_id")
    return qs.filter(pk__in=visible).select_related("unit")


def in_council(user: Any, assessment: Assessment) -> bool:
    """The person sees at least one item of the assessment in the council (never their own unit's)."""
    return assessments_for_council(user, assessment.period).filter(pk=assessment.pk).exists()


def notice_is_open(assessment: Assessment, *, now: datetime | None = None) -> bool:
    """The unit sees its preliminary notice once it was issued (SPEC §6a moment N): when the period entered the
    explanation phase, or at once for a unit appraised later on its own clock."""
    if assessment.state not in NOTICE_STATES or assessment.notice_issued_at is None:
        return False
    return assessment.notice_issued_at <= (now or timezone.now())


# -- fetch and authorise in one step -------------------------------------------------------------------------
#
# Each ``*_get_for_user`` returns the object or raises; one refusal type (:func:`refuse`): 404 for an object the
# person may not know exists, 403 with the reason in Vietnamese for a known object or a forbidden action.

SECRETARIAT_ONLY = "Trang này dành cho Tổ thư ký."
CHAIR_ONLY = "Chỉ Chủ tịch Hội đồng được mở lại kết quả đã chốt."


def _assessment_or_404(pk: int) -> Assessment:
    assessment = Assessment.objects.select_related("period", "unit").filter(pk=pk).first()
    if assessment is None:
        raise Http404("Không tìm thấy bản đánh giá.")
    return assessment


# What each council action on one unit's appraisal needs beyond seeing it in the council (None: nothing more).
APPRAISAL_ACTIONS: dict[str, str | None] = {
    "appraise": None,
    "appraise_round2": None,
    "accept_remaining": None,
    "mark_appraised": None,
    "finalise": None,
    "reopen": "chair",
    "audit": "secretariat",
}


def appraisal_get_for_user(user: Any, pk: int, action: str) -> Assessment:
    """One unit's assessment in the council for ``action`` (:data:`APPRAISAL_ACTIONS`): 404 unless the person
    sees any of its items there (conflicts of interest included), 403 when the action needs a role they lack."""
    assessment = _assessment_or_404(pk)
    if not in_council(user, assessment):
        raise Http404("Không tìm thấy đơn vị.")
    needs = APPRAISAL_ACTIONS[action]
    council = council_access(user, assessment.period)
    if needs == "chair" and not council.chair:
        raise PermissionDenied(CHAIR_ONLY)
    if needs == "secretariat" and not council.secretariat:
        raise PermissionDenied(SECRETARIAT_ONLY)
    return assessment


def layers_get_for_user(user: Any, pk: int) -> tuple[Assessment, bool]:
    """The side-by-side layers page: a council user who sees the assessment (their items only, for a member),
    or anyone who may see round 1 of the unit now (SPEC §6a: its people from the notice, observers from
    finalisation). Returns (assessment, council_side)."""
    assessment = _assessment_or_404(pk)
    if in_council(user, assessment):
        return assessment, True
    subject = Subject.of(assessment)
    if can_see(user, "inputs", subject) and can_see(user, "round1", subject):
        return assessment, False
    _refuse_on_council_page(user, subject, REFUSALS["round1"])


def _refuse_on_council_page(user: Any, subject: Subject, reason: str) -> NoReturn:
    """On the council's pages a member of the unit is treated as a stranger (SPEC §6: their own unit's items
    do not exist for them there): 404; the unit's people and the council get the reason (403)."""
    if persona_of(user, subject) == Persona.CONFLICTED:
        raise Http404(NOT_FOUND)
    refuse(user, subject, reason)


def notice_get_for_user(user: Any, pk: int) -> Assessment:
    """The preliminary notice of one unit, once round 1 is closed, for whoever SPEC §6a lets see it now (the
    council's leaders and assigned members from then on, the unit's people from its issue, observers from
    finalisation)."""
    assessment = _assessment_or_404(pk)
    subject = Subject.of(assessment)
    if assessment.state in NOTICE_STATES and can_see(user, "notice", subject):
        return assessment
    _refuse_on_council_page(user, subject, REFUSALS["notice"])


def explanation_get_for_user(user: Any, pk: int, action: str = "read") -> Assessment:
    """The unit's explanation page (``read``: its people, a council member of the unit as they, the secretariat
    and observers, once the notice is issued) or sending it (``submit``: its editor or head)."""
    assessment = _assessment_or_404(pk)
    if action == "submit":
        _require_unit_writer(user, assessment, "Không tìm thấy bản đánh giá.")
    elif not _reads_as_unit(user, assessment):
        raise Http404("Không tìm thấy bản đánh giá.")
    if action == "read":
        subject = Subject.of(assessment)
        if not notice_is_open(assessment):
            raise PermissionDenied(REFUSALS["notice"])
        if not (can_see(user, "round1", subject) and can_see(user, "explanation", subject)):
            raise PermissionDenied(REFUSALS["explanation"])
    return assessment


def _require_unit_writer(user: Any, assessment: Assessment, not_found: str) -> None:
    """The unit's editor or head in the assessment's period (SPEC §6a), else 404; a person who reads the unit's
    pages and holds that role at the unit in other periods only is told why (403)."""
    if roles.can_edit_unit(user, assessment.unit_id, assessment.period_id):
        return
    elsewhere = unit_role_elsewhere(user, assessment.unit, assessment.period)
    if elsewhere and _reads_as_unit(user, assessment):
        raise PermissionDenied(elsewhere)
    raise Http404(not_found)


def _reads_as_unit(user: Any, assessment: Assessment) -> bool:
    """The unit's own pages (explanation, an item's history) open to its people, the secretariat and observers
    (``roles.can_view_unit``, in the assessment's period) and to a council member of the unit, who sees them as the unit's people do (SPEC
    §6a, column "conflict"); what each then sees is still filtered by the policy."""
    return roles.can_view_unit(user, assessment.unit_id, assessment.period_id) or (
        persona_of(user, Subject.of(assessment)) == Persona.CONFLICTED
    )


def entry_get_for_user(user: Any, pk: int, action: str) -> ItemEntry:
    """One item for ``action``: ``view`` (the council's item page) and ``appraise`` (scoring it) through the
    council's SQL filter; ``history`` for its unit's people too (the rows they see are filtered by
    :func:`timeline_for_viewer`); ``explain`` for its unit's editor or head. 404 otherwise, existing or not."""
    if action in ("view", "appraise"):
        return _council_entry(user, pk, write=action == "appraise")
    entry = _entry_or_404(pk)
    if action == "explain":
        _require_unit_writer(user, entry.assessment, "Không tìm thấy mục.")
        return entry
    assert action == "history", action
    if not _reads_as_unit(user, entry.assessment):
        return _council_entry(user, pk, write=False)
    if not can_see(user, "inputs", Subject.of(entry.assessment)):
        raise PermissionDenied(REFUSALS["inputs"])
    return entry


NOT_YOURS = "Bản tự đánh giá chỉ dành cho đơn vị, Hội đồng thẩm định và Tổ thư ký của kỳ đánh giá này."


def assessment_view_check(user: Any, assessment: Assessment) -> None:
    """Whether ``user`` may see the unit's self-assessment pages (SPEC §6a, row "inputs"): its people always,
    the chair and the secretariat of its period always, an assigned council member and an observer once it was
    submitted; a council member who belongs to the unit sees it as the unit's people do, read-only (§6a's
    "conflict" column: they never appraise it, SPEC §6, and the council's pages still do not show it to them);
    a chair of another year only and other units' people get 404, the rest 403 with the reason. Registered as
    the assessments app's view check (``CouncilConfig.ready``)."""
    subject = Subject.of(assessment)
    persona = persona_of(user, subject)
    if not can_see(user, "inputs", subject):
        refuse(user, subject, NOT_YOURS if persona == Persona.OTHER else REFUSALS["inputs"])


def _entry_or_404(pk: int) -> ItemEntry:
    entry = (
        ItemEntry.objects.select_related(
            "node", "node__index_set", "assessment", "assessment__period", "assessment__unit"
        )
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404("Không tìm thấy mục.")
    return entry


def council_role_get_for_user(user: Any, pk: int, *, period: Period) -> RoleAssignment:
    """A council or secretariat role of ``period`` for the secretariat to change (403 for anyone else)."""
    return _secretariat_object(
        user, RoleAssignment.objects.select_related("user"), pk, period, "thành viên Hội đồng"
    )


def assignment_get_for_user(user: Any, pk: int, *, period: Period) -> Assignment:
    """An assignment of ``period`` for the secretariat to change (403 for anyone else)."""
    return _secretariat_object(user, Assignment.objects.all(), pk, period, "phân công")


def _secretariat_object(user: Any, qs: QuerySet[Any], pk: int, period: Period, what: str) -> Any:
    if not council_access(user, period).secretariat:
        raise PermissionDenied(SECRETARIAT_ONLY)
    row = qs.filter(pk=pk, period=period).first()
    if row is None:
        raise Http404(f"Không tìm thấy {what}.")
    return row


def unit_can_explain(user: Any, assessment: Assessment) -> bool:
    """The unit's editor or head may write explanations now (window open, round 1 closed, not yet sent)."""
    from .lifecycle import explanation_refusal  # the unit's own clock lives with the period's life

    return roles.can_edit_unit(user, assessment.unit_id, assessment.period_id) and not explanation_refusal(
        assessment
    )


def unit_can_submit_explanation(user: Any, assessment: Assessment) -> bool:
    return unit_can_explain(user, assessment) and roles.is_unit_head(
        user, assessment.unit_id, assessment.period_id
    )
