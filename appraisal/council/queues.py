"""The council's work lists, filtered in SQL by the access policy (:func:`.access.entries_for_appraiser`): an
appraiser's queue for round 1 and round 2, the items of one unit a person sees, the members' workload and the
dashboard's progress per unit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse

from appraisal.assessments.models import ROUND1_STATES, Assessment, AssessmentState, EvidenceLink, ItemEntry
from appraisal.core import roles
from appraisal.registry.models import Period, RoleAssignment, UnitMembership

from .access import (
    CouncilAccess,
    assessments_for_council,
    council_access,
    council_entries_base,
    entries_for_appraiser,
    explanation_sent_q,
)
from .models import Assignment
from .selectors import APPRAISED_METHODS, COUNCIL_ROLE_NAMES, ROUND2_STATES, field_code_of, is_lowered

S = AssessmentState


def queue_for_appraiser(user: Any, period: Period, *, round_no: int = 1) -> list[ItemEntry]:
    """The items a person scores: round 1 on submitted assessments, round 2 on explained items."""
    qs = entries_for_appraiser(user, period, write=True).filter(node__method__in=APPRAISED_METHODS)
    if round_no == 1:
        qs = qs.filter(assessment__state__in=ROUND1_STATES)
    else:
        # Explained items; and items a reopened unit had corrected in round 2.
        qs = qs.filter(assessment__state__in=ROUND2_STATES).filter(~Q(explanation="") | ~Q(round2_value=""))
    return list(qs.order_by("assessment__unit__name", "assessment_id", "node__position"))


def queue_next(queue: list[ItemEntry], after_pk: int, *, round_no: int = 1) -> ItemEntry | None:
    """The next item still to do after ``after_pk`` in the queue (wrapping round), or None when all done."""

    def pending(e: ItemEntry) -> bool:
        return not e.round1_value if round_no == 1 else not e.round2_value

    pks = [e.pk for e in queue]
    start = pks.index(after_pk) + 1 if after_pk in pks else 0
    for e in queue[start:] + queue[:start]:
        if e.pk != after_pk and pending(e):
            return e
    return None


def entries_of_assessment(assessment: Assessment, *, user: Any = None) -> list[ItemEntry]:
    """Entries of one assessment, in tree order, limited to what a council user sees (``user`` given) or all."""
    if user is not None and not roles.can_view_unit(user, assessment.unit_id, assessment.period_id):
        qs = entries_for_appraiser(user, assessment.period).filter(assessment=assessment)
    else:
        qs = assessment.entries.select_related(
            "node", "node__index_set", "assessment", "assessment__unit", "assessment__period"
        )
    return list(qs.select_related("round1_by", "round2_by").order_by("node__position"))


def evidence_links_of(entries: Iterable[ItemEntry]) -> dict[int, list[EvidenceLink]]:
    """Live evidence links of the given entries, by entry id, with their evidence (one query)."""
    ids = [e.pk for e in entries]
    out: dict[int, list[EvidenceLink]] = defaultdict(list)
    if not ids:
        return out
    for link in (
        EvidenceLink.objects.filter(entry_id__in=ids, removed_at__isnull=True)
        .select_related("evidence")
        .order_by("at", "pk")
    ):
        out[link.entry_id].append(link)
    return out


@dataclass
class Workload:
    """Items of one appraiser (or of the secretariat's fallback pile) in one period."""

    label: str
    user_id: int | None = None
    round1_total: int = 0
    round1_done: int = 0
    round2_total: int = 0
    round2_done: int = 0
    units: set[int] = field(default_factory=set)

    @property
    def round1_left(self) -> int:
        return self.round1_total - self.round1_done

    @property
    def round2_left(self) -> int:
        return self.round2_total - self.round2_done


def member_accesses(period: Period) -> list[tuple[Any, CouncilAccess]]:
    """Every council member holding assignments in the period, with their access (three queries)."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    by_member: dict[int, list[tuple[str, int | None]]] = defaultdict(list)
    for member_id, fc, group_id in Assignment.objects.filter(period=period).values_list(
        "member_id", "field_code", "group_id"
    ):
        by_member[member_id].append((fc, group_id))
    if not by_member:
        return []
    role_rows: dict[int, set[str]] = defaultdict(set)
    own: dict[int, set[int]] = defaultdict(set)
    for user_id, role, unit_id, period_id in RoleAssignment.objects.filter(user_id__in=by_member).values_list(
        "user_id", "role", "unit_id", "period_id"
    ):
        if unit_id is not None:
            own[user_id].add(unit_id)
        if period_id in (None, period.pk):
            role_rows[user_id].add(role)
    users = user_model.objects.filter(pk__in=by_member).order_by("username")
    out = []
    for user in users:
        names = frozenset(role_rows[user.pk])
        if not COUNCIL_ROLE_NAMES & names:
            continue  # an assignment left over after the person left the council grants nothing
        access = CouncilAccess(
            period.pk,
            names,
            bool(user.is_superuser) or roles.SECRETARIAT in names,
            frozenset(own[user.pk]),
            tuple(by_member[user.pk]),
        )
        out.append((user, access))
    return out


def workload(period: Period, *, only_user: Any = None) -> tuple[list[Workload], Workload]:
    """Per member: items to appraise in round 1 and round 2, done and left; plus the secretariat's pile (items
    no non-conflicted assigned member covers). Computed in Python over one query of the period's items."""
    rows = list(
        council_entries_base(period)
        .filter(node__method__in=APPRAISED_METHODS)
        .values_list(
            "assessment__unit_id",
            "assessment__state",
            "node__code",
            "node__index_set__group_id",
            "round1_value",
            "explanation",
            "round2_value",
        )
    )
    members = member_accesses(period)
    if only_user is not None:
        members = [(u, a) for u, a in members if u.pk == only_user.pk]
    loads = [Workload(label=u.get_full_name() or u.username, user_id=u.pk) for u, _ in members]
    fallback = Workload(label="Tổ thư ký (mục chưa phân công hoặc bị xung đột lợi ích)")
    all_members = member_accesses(period) if only_user is not None else members
    for unit_id, state, code, group_id, r1, expl, r2 in rows:
        fc = field_code_of(code)
        in_round2 = state in ROUND2_STATES | {S.FINALISED} and bool(expl or r2)
        covered = False
        for load, (_, access) in zip(loads, members, strict=True):
            if access.can_see(unit_id=unit_id, field_code=fc, group_id=group_id, write=True):
                _count(load, unit_id, r1, in_round2, r2)
        for _, access in all_members:
            if access.can_see(unit_id=unit_id, field_code=fc, group_id=group_id, write=True):
                covered = True
                break
        if not covered:
            _count(fallback, unit_id, r1, in_round2, r2)
    return loads, fallback


def _count(load: Workload, unit_id: int, r1: str, in_round2: bool, r2: str) -> None:
    load.units.add(unit_id)
    load.round1_total += 1
    load.round1_done += 1 if r1 else 0
    if in_round2:
        load.round2_total += 1
        load.round2_done += 1 if r2 else 0


@dataclass
class AssessmentProgress:
    assessment: Assessment
    items: int
    round1_done: int
    lowered: int
    explained: int
    round2_done: int
    # Of those, the items the person scores (a chair or vice-chair sees every item, scores only their fields).
    scored: int = 0
    scored_explained: int = 0

    @property
    def round1_left(self) -> int:
        return self.items - self.round1_done

    @property
    def actions(self) -> frozenset[str]:
        """What the dashboard offers on this unit: round 1 while it waits for it, else round 2 once
        explained items arrived, when the person scores any of those items (templates ask this set, never the
        state)."""
        if self.assessment.state == S.SUBMITTED:
            return frozenset({"appraise"}) if self.scored else frozenset()
        return frozenset({"appraise_round2"}) if self.scored_explained else frozenset()


def progress_for_council(user: Any, period: Period) -> list[AssessmentProgress]:
    """The assessments a council user works on with their round-1/round-2 progress, counted over the items the
    person sees (two queries)."""
    visible = entries_for_appraiser(user, period).filter(node__method__in=APPRAISED_METHODS)
    scores = council_access(user, period).entry_q(write=True)
    if scores is None:
        scores = Q(pk__in=[])
    # Items explained in an explanation the unit sent: a draft is the unit's own (SPEC §6a).
    explained = ~Q(explanation="") & explanation_sent_q()
    counts = {
        row["assessment_id"]: row
        for row in visible.values("assessment_id").annotate(
            items=Count("pk"),
            r1=Count("pk", filter=~Q(round1_value="")),
            expl=Count("pk", filter=explained),
            r2=Count("pk", filter=~Q(round2_value="")),
            scored=Count("pk", filter=scores),
            scored_expl=Count("pk", filter=scores & explained),
        )
    }
    lowered: dict[int, int] = defaultdict(int)
    for assessment_id, method, self_points, round1_points in visible.exclude(round1_value="").values_list(
        "assessment_id", "node__method", "self_points", "round1_points"
    ):
        if is_lowered(method=method, self_points=self_points, new_points=round1_points):
            lowered[assessment_id] += 1
    out = []
    for a in assessments_for_council(user, period).filter(pk__in=list(counts)).order_by("unit__name"):
        c = counts[a.pk]
        out.append(
            AssessmentProgress(
                a, c["items"], c["r1"], lowered[a.pk], c["expl"], c["r2"], c["scored"], c["scored_expl"]
            )
        )
    return out


def unit_assessments_for_user(user: Any, period: Period) -> list[Assessment]:
    """The assessments of the units the person works for (editor or head), for the unit side of the council."""
    units = roles.unit_ids_held(user, period.pk)  # SPEC §6a: their units in this period
    if not units:
        return []
    return list(Assessment.objects.filter(period=period, unit_id__in=units).select_related("unit", "period"))


@dataclass(frozen=True)
class PendingUnit:
    name: str
    state_label: str


NOT_FINALISED_FILTER = "chua-hoan-tat"


def units_not_finalised(period: Period) -> list[PendingUnit]:
    """The tracked units whose assessment is not finalised yet, by name, with their state («Chưa bắt đầu» when
    the unit never started): what blocks the period's finalisation (SPEC §3a). Two queries."""
    states = dict(Assessment.objects.filter(period=period).values_list("unit_id", "state"))
    memberships = UnitMembership.objects.filter(period=period, tracked=True).order_by("unit__name")
    return [
        PendingUnit(name, AssessmentState(states[unit_id]).label if unit_id in states else "Chưa bắt đầu")
        for unit_id, name in memberships.values_list("unit_id", "unit__name")
        if states.get(unit_id) != AssessmentState.FINALISED
    ]


def units_not_finalised_url(period: Period) -> str:
    """The council's page of the period filtered to :func:`units_not_finalised` (the chair and the
    secretariat), where a refused finalisation links to."""
    url = reverse("council:dashboard", kwargs={"year": period.year})
    return f"{url}?loc={NOT_FINALISED_FILTER}#{NOT_FINALISED_FILTER}"
