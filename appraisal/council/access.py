"""The access policy of SPEC §6a applied to people and objects: personas read in the object's period, moments read
from the period and the unit's assessment, the table of :mod:`appraisal.core.access` registered as django-rules
permissions (``parindex.view_<what>``) so views ask ``user.has_perm(...)`` and templates ``{% has_perm %}``.

It lives in the council app because a persona needs the council's assignments; every app above it (scoring)
asks through it.

A ``Subject`` is one unit in one period (with its assessment when there is one), or a whole period (``unit``
``None``: ranks, the decision). Refusals: an object the person may not know exists answers 404 (other units'
people, before publication); a known object with a forbidden action answers 403 with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from appraisal.assessments.models import Assessment, AssessmentState
from appraisal.core import roles
from appraisal.core.access import WHATS, Moment, Persona, visible
from appraisal.registry.models import Period, Phase, Unit, UnitMembership

from .models import Assignment
from .selectors import council_access

S = AssessmentState
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


def can_see(user: Any, what: str, subject: Subject) -> bool:
    """SPEC §6a for one question: may ``user`` see ``what`` of ``subject`` now."""
    a = subject.assessment
    return visible(
        what,
        persona_of(user, subject),
        moment_of(subject),
        submitted=a is not None and a.state not in NOT_SUBMITTED_YET,
        explained=a is not None and (a.state in EXPLANATION_SENT or a.explanation_submitted_at is not None),
    )


def visibility(user: Any, subject: Subject) -> frozenset[str]:
    """Everything ``user`` may see of ``subject`` now (the names of SPEC §6a's rows)."""
    return frozenset(w for w in WHATS if can_see(user, w, subject))


def require(user: Any, what: str, subject: Subject) -> None:
    """Raise unless ``user`` may see ``what``: 404 for a person who may not know the unit's results exist,
    403 with the reason for anyone else."""
    if can_see(user, what, subject):
        return
    known = {"inputs", "total"} if subject.unit is not None else {"ranks"}
    if persona_of(user, subject) == Persona.OTHER and not (known & visibility(user, subject)):
        raise Http404("Không tìm thấy.")
    raise PermissionDenied(REFUSALS.get(what, "Bạn chưa được xem nội dung này ở giai đoạn hiện tại."))


LAYER_ROWS = {"self": "inputs", "round1": "round1", "explanation": "explanation", "round2": "round2", "survey": "survey"}
COUNCIL_LAYERS = frozenset({"round1", "round2", "survey"})
COUNCIL_STATES_REACHED = frozenset({S.APPRAISED.label, S.REAPPRAISED.label, S.FINALISED.label})
COUNCIL_NAME = "Hội đồng thẩm định"


def timeline_for_viewer(user: Any, subject: Subject, rows: list[Any]) -> list[Any]:
    """An item's history as ``user`` may see it (SPEC §6a): rows of layers not yet visible are left out, and
    which member gave which score stays inside the council — the unit's side reads «Hội đồng thẩm định»."""
    seen = visibility(user, subject)
    inside = persona_of(user, subject) in (Persona.LEADER, Persona.ASSIGNED)
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
    "notice": "Thông báo kết quả thẩm định chưa được phát hành cho đơn vị.",
    "total": "Kết quả của đơn vị chỉ được xem sau khi Hội đồng chốt kết quả.",
    "ranks": "Bảng xếp hạng chỉ được công bố theo quy định (sau khi chốt kết quả hoặc khi quyết định được phê duyệt).",
    "decision": "Quyết định chỉ được xem sau khi kết quả được chốt hoặc phê duyệt.",
    "round1": "Kết quả thẩm định vòng 1 chưa được thông báo cho đơn vị.",
}


def _perm(what: str) -> Any:
    @rules.predicate(name=f"can_see_{what}")
    def predicate(user: Any, subject: Subject | None) -> bool:
        return subject is not None and can_see(user, what, subject)

    return predicate


for _what in WHATS:
    rules.add_perm(f"parindex.view_{_what}", _perm(_what))
