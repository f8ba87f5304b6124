"""Read side of the council, and the one place that decides which items a council user may see or score.

Conflict of interest (SPEC §6): a member never sees, scores, downloads evidence of or is notified about the
items of a unit they belong to (``core.roles.own_unit_ids``). Every council view, export, download check and
notification reads entries through :func:`entries_for_appraiser` / :func:`entry_get_for_appraiser` (or the
same rule in Python, :meth:`CouncilAccess.can_see`), so hiding a link is never the only protection.

Who sees what, per period:
- the secretariat (and the administrator) sees and scores every item: conflicted or unassigned items fall to it;
- the chair and vice-chair see every item (read-only unless they also hold an assignment);
- a member sees and scores the items of the fields assigned to them, in the assigned group or in every group;
- nobody sees an item of their own unit, and only assessments that were submitted reach the council.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from appraisal.assessments.models import (
    ROUND1_STATES,
    Assessment,
    AssessmentEvent,
    AssessmentState,
    Evidence,
    EvidenceLink,
    ItemEntry,
    ItemHistory,
    Layer,
)
from appraisal.core import roles
from appraisal.documents.data import ExportFile, notice_org
from appraisal.documents.unit_docs import build_unit_notice
from appraisal.engine.notice import is_lowered as engine_is_lowered
from appraisal.registry.models import (
    Group,
    IndexNode,
    Method,
    Organisation,
    Period,
    RoleAssignment,
    Unit,
    UnitMembership,
)

from .models import Assignment, OutboxMessage, SurveyImport

S = AssessmentState

# Assessments the council works on: from submission on (a draft or a returned form is the unit's own).
COUNCIL_STATES = frozenset(
    {S.SUBMITTED, S.NOT_SUBMITTED, S.APPRAISED, S.EXPLAINED, S.REAPPRAISED, S.FINALISED}
)
# Items the council scores in rounds 1 and 2; survey items get their points from the survey import.
APPRAISED_METHODS = (Method.APPRAISAL, Method.BONUS, Method.PENALTY)
# States in which the council resolves explained items (round 2).
ROUND2_STATES = frozenset({S.EXPLAINED, S.REAPPRAISED})
# States in which the unit has seen (or may see) the preliminary notice.
NOTICE_STATES = frozenset({S.APPRAISED, S.EXPLAINED, S.REAPPRAISED, S.FINALISED})

COUNCIL_ROLE_NAMES = frozenset({roles.CHAIR, roles.VICE_CHAIR, roles.MEMBER})


def field_code_of(code: str) -> str:
    """The field (top-level node) of a dotted code: '1.2.3' → '1'; a top-level leaf ('T1') is its own."""
    return code.split(".", 1)[0]


def _field_q(field_code: str, prefix: str = "node__") -> Q:
    return Q(**{f"{prefix}code": field_code}) | Q(**{f"{prefix}code__startswith": field_code + "."})


def is_lowered(*, method: str, self_points: Decimal | None, new_points: Decimal | None) -> bool:
    """Whether a council score is worse for the unit than its own claim. A penalty's points are a deduction,
    so a penalty is "lowered" when the deduction grows."""
    return engine_is_lowered(method=method, claimed=self_points, points=new_points)


def final_points(entry: ItemEntry) -> Decimal | None:
    """The item's final points as the council leaves them: round 2 where it exists, else round 1; survey
    items take the survey (SPEC §6, §8)."""
    if entry.node.method == Method.SURVEY:
        return entry.survey_points
    if entry.round2_value:
        return entry.round2_points
    return entry.round1_points if entry.round1_value else None


def entry_is_lowered(entry: ItemEntry) -> bool:
    return (
        entry.node.method != Method.SURVEY
        and bool(entry.round1_value)
        and is_lowered(
            method=entry.node.method, self_points=entry.self_points, new_points=entry.round1_points
        )
    )


# -- who is who ----------------------------------------------------------------------------------------------


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
            part = _field_q(fc)
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


def forget_council_access(user: Any) -> None:
    if hasattr(user, "_council_access"):
        del user._council_access


# -- entries -------------------------------------------------------------------------------------------------


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


def entry_get_for_appraiser(user: Any, pk: int, *, write: bool = True) -> ItemEntry:
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


def council_can_download_evidence(user: Any, evidence: Evidence) -> bool:
    """Council access to an evidence file: the person may see at least one item the evidence is attached to
    (never of their own unit). Called from the assessments app's download check."""
    if evidence.unit_id in roles.own_unit_ids(user):
        return False
    periods = Period.objects.filter(assessments__entries__evidence_links__evidence=evidence).distinct()
    for period in periods:
        if (
            entries_for_appraiser(user, period)
            .filter(evidence_links__evidence=evidence, evidence_links__removed_at__isnull=True)
            .exists()
        ):
            return True
    return False


# -- assessments ---------------------------------------------------------------------------------------------


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


def assessment_get_for_council(user: Any, pk: int) -> Assessment:
    """The assessment if the person sees any of its items in the council (else Http404)."""
    assessment = Assessment.objects.select_related("period", "unit").filter(pk=pk).first()
    if assessment is None or not assessments_for_council(user, assessment.period).filter(pk=pk).exists():
        raise Http404("Không tìm thấy đơn vị.")
    return assessment


def assessment_get_for_unit(user: Any, pk: int, *, write: bool = False) -> Assessment:
    """The assessment for the unit's own people (``write``: editor or head) and, read-only, the secretariat
    and observers; Http404 for anyone else (including council members of that unit)."""
    assessment = Assessment.objects.select_related("period", "unit").filter(pk=pk).first()
    if assessment is None:
        raise Http404("Không tìm thấy bản đánh giá.")
    allowed = (
        roles.can_edit_unit(user, assessment.unit_id)
        if write
        else roles.can_view_unit(user, assessment.unit_id)
    )
    if not allowed:
        raise Http404("Không tìm thấy bản đánh giá.")
    return assessment


def assessment_get_for_viewer(user: Any, pk: int) -> Assessment:
    """Either side: the unit's people (and the secretariat/observers) or a council user who sees it."""
    assessment = Assessment.objects.select_related("period", "unit").filter(pk=pk).first()
    if assessment is None:
        raise Http404("Không tìm thấy bản đánh giá.")
    if roles.can_view_unit(user, assessment.unit_id):
        return assessment
    return assessment_get_for_council(user, pk)


def entry_get_for_unit(user: Any, pk: int, *, write: bool = True) -> ItemEntry:
    entry = (
        ItemEntry.objects.select_related(
            "node", "node__index_set", "assessment", "assessment__period", "assessment__unit"
        )
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404("Không tìm thấy mục.")
    unit_id = entry.assessment.unit_id
    allowed = roles.can_edit_unit(user, unit_id) if write else roles.can_view_unit(user, unit_id)
    if not allowed:
        raise Http404("Không tìm thấy mục.")
    return entry


def entry_get_for_viewer(user: Any, pk: int) -> ItemEntry:
    """An entry for its unit's people (read) or a council user who sees it (timeline, layers)."""
    entry = (
        ItemEntry.objects.select_related(
            "node", "node__index_set", "assessment", "assessment__period", "assessment__unit"
        )
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404("Không tìm thấy mục.")
    if roles.can_view_unit(user, entry.assessment.unit_id):
        return entry
    return entry_get_for_appraiser(user, pk, write=False)


def notice_is_open(assessment: Assessment, *, now: datetime | None = None) -> bool:
    """The unit sees its preliminary notice once it was issued (SPEC §6a moment N): when the period entered the
    explanation phase, or at once for a unit appraised later on its own clock."""
    if assessment.state not in NOTICE_STATES or assessment.notice_issued_at is None:
        return False
    return assessment.notice_issued_at <= (now or timezone.now())


def entries_of_assessment(assessment: Assessment, *, user: Any = None) -> list[ItemEntry]:
    """Entries of one assessment, in tree order, limited to what a council user sees (``user`` given) or all."""
    if user is not None and not roles.can_view_unit(user, assessment.unit_id):
        qs = entries_for_appraiser(user, assessment.period).filter(assessment=assessment)
    else:
        qs = assessment.entries.select_related(
            "node", "node__index_set", "assessment", "assessment__unit", "assessment__period"
        )
    return list(qs.select_related("round1_by", "round2_by").order_by("node__position"))


def lowered_entries(assessment: Assessment) -> list[ItemEntry]:
    """Items whose round-1 points are worse than the unit's claim: the preliminary notice's list."""
    entries = (
        assessment.entries.select_related("node", "node__parent")
        .filter(node__method__in=APPRAISED_METHODS)
        .exclude(round1_value="")
        .order_by("node__position")
    )
    return [e for e in entries if entry_is_lowered(e)]


def field_titles(entries: Iterable[ItemEntry]) -> dict[str, str]:
    """Top-level node titles (fields) of the index sets the entries belong to, by code (one query)."""
    set_ids = {e.node.index_set_id for e in entries}
    return dict(IndexNode.objects.filter(index_set_id__in=set_ids, depth=0).values_list("code", "title"))


def assessment_get_for_notice(user: Any, pk: int) -> Assessment:
    """The preliminary notice: the unit's people (and the secretariat, observers) once it is open to the unit;
    the secretariat and the council's chair or vice-chair as soon as round 1 is closed. Http404 otherwise."""
    assessment = Assessment.objects.select_related("period", "unit").filter(pk=pk).first()
    if assessment is None:
        raise Http404("Không tìm thấy thông báo.")
    access = council_access(user, assessment.period)
    if (access.secretariat or access.leader) and assessment.unit_id not in access.own_units:
        if assessment.state in NOTICE_STATES:
            return assessment
    elif roles.can_view_unit(user, assessment.unit_id) and notice_is_open(assessment):
        return assessment
    raise Http404("Chưa có thông báo kết quả thẩm định.")


def assessment_get_for_layers(user: Any, pk: int) -> tuple[Assessment, bool]:
    """The side-by-side layers page: a council user who sees the assessment (their items only, for a member),
    or the unit's own people once the notice is open to them. Returns (assessment, council_side)."""
    assessment = Assessment.objects.select_related("period", "unit").filter(pk=pk).first()
    if assessment is None:
        raise Http404("Không tìm thấy bản đánh giá.")
    if assessments_for_council(user, assessment.period).filter(pk=pk).exists():
        return assessment, True
    if roles.can_view_unit(user, assessment.unit_id) and (
        notice_is_open(assessment) or roles.is_observer(user)
    ):
        return assessment, False
    raise Http404("Không tìm thấy bản đánh giá.")


# -- workload ------------------------------------------------------------------------------------------------


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


# -- dashboard -----------------------------------------------------------------------------------------------


@dataclass
class AssessmentProgress:
    assessment: Assessment
    items: int
    round1_done: int
    lowered: int
    explained: int
    round2_done: int

    @property
    def round1_left(self) -> int:
        return self.items - self.round1_done


def progress_for_council(user: Any, period: Period) -> list[AssessmentProgress]:
    """The assessments a council user works on with their round-1/round-2 progress, counted over the items the
    person sees (two queries)."""
    visible = entries_for_appraiser(user, period).filter(node__method__in=APPRAISED_METHODS)
    counts = {
        row["assessment_id"]: row
        for row in visible.values("assessment_id").annotate(
            items=Count("pk"),
            r1=Count("pk", filter=~Q(round1_value="")),
            expl=Count("pk", filter=~Q(explanation="")),
            r2=Count("pk", filter=~Q(round2_value="")),
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
        out.append(AssessmentProgress(a, c["items"], c["r1"], lowered[a.pk], c["expl"], c["r2"]))
    return out


def unit_assessments_for_user(user: Any, period: Period) -> list[Assessment]:
    """The assessments of the units the person works for (editor or head), for the unit side of the council."""
    units = roles.roles_of(user).editor_units
    if not units:
        return []
    return list(Assessment.objects.filter(period=period, unit_id__in=units).select_related("unit", "period"))


# -- history -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineRow:
    at: datetime
    kind: str  # "item" or "state"
    layer: str
    layer_label: str
    by: str
    old: str
    new: str
    old_points: Decimal | None
    new_points: Decimal | None
    reason: str
    source: str
    item_code: str = ""
    unit_name: str = ""


_LAYER_LABELS = dict(Layer.choices)
_STATE_LABELS = dict(AssessmentState.choices)


def _who(user: Any) -> str:
    if user is None:
        return "Hệ thống"
    return user.get_full_name() or user.username


def _item_rows(history: Iterable[ItemHistory]) -> list[TimelineRow]:
    return [
        TimelineRow(
            at=h.at,
            kind="item",
            layer=h.layer,
            layer_label=_LAYER_LABELS.get(h.layer, h.layer),
            by=_who(h.by),
            old=h.old_value,
            new=h.new_value,
            old_points=h.old_points,
            new_points=h.new_points,
            reason=h.reason,
            source=h.source,
            item_code=h.entry.node.code,
            unit_name=h.entry.assessment.unit.name,
        )
        for h in history
    ]


def _event_rows(events: Iterable[AssessmentEvent]) -> list[TimelineRow]:
    return [
        TimelineRow(
            at=ev.at,
            kind="state",
            layer="state",
            layer_label="Trạng thái",
            by=_who(ev.by),
            old=_STATE_LABELS.get(ev.from_state, ev.from_state),
            new=_STATE_LABELS.get(ev.to_state, ev.to_state),
            old_points=None,
            new_points=None,
            reason=ev.reason,
            source="web",
            unit_name=ev.assessment.unit.name,
        )
        for ev in events
    ]


_LAYER_ORDER = {Layer.SELF: 0, Layer.ROUND1: 1, Layer.EXPLANATION: 2, Layer.ROUND2: 3, Layer.SURVEY: 4}


def item_timeline(entry: ItemEntry) -> list[TimelineRow]:
    """One item's history, self → round 1 → explanation → round 2 (by time), with the assessment's state
    changes interleaved: who, when, old → new, reason."""
    history = entry.history.select_related("by", "entry__node", "entry__assessment__unit")
    events = AssessmentEvent.objects.filter(assessment_id=entry.assessment_id).select_related(
        "by", "assessment__unit"
    )
    rows = _item_rows(history) + _event_rows(events)
    return sorted(rows, key=lambda r: (r.at, _LAYER_ORDER.get(r.layer, 9)))


def assessment_audit(assessment: Assessment) -> list[TimelineRow]:
    """Every score change and state change of one unit's assessment, newest first."""
    history = ItemHistory.objects.filter(entry__assessment=assessment).select_related(
        "by", "entry__node", "entry__assessment__unit"
    )
    events = assessment.events.select_related("by", "assessment__unit")
    return sorted(_item_rows(history) + _event_rows(events), key=lambda r: r.at, reverse=True)


def period_audit(period: Period, *, limit: int = 500, unit_id: int | None = None) -> list[TimelineRow]:
    """The period's latest score and state changes (every unit), newest first."""
    history = ItemHistory.objects.filter(entry__assessment__period=period)
    events = AssessmentEvent.objects.filter(assessment__period=period)
    if unit_id is not None:
        history = history.filter(entry__assessment__unit_id=unit_id)
        events = events.filter(assessment__unit_id=unit_id)
    history = history.select_related("by", "entry__node", "entry__assessment__unit").order_by("-at", "-pk")
    events = events.select_related("by", "assessment__unit").order_by("-at", "-pk")
    rows = _item_rows(history[:limit]) + _event_rows(events[:limit])
    return sorted(rows, key=lambda r: r.at, reverse=True)[:limit]


# -- setup pages ---------------------------------------------------------------------------------------------


def council_roles_for_period(period: Period) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.filter(period=period, role__in=[*COUNCIL_ROLE_NAMES, roles.SECRETARIAT])
        .select_related("user", "unit")
        .order_by("role", "user__username")
    )


def council_members_for_period(period: Period) -> list[Any]:
    """People holding a council role in the period (or in every period), for the assignment form."""
    from django.contrib.auth import get_user_model

    ids = (
        RoleAssignment.objects.filter(role__in=COUNCIL_ROLE_NAMES)
        .filter(Q(period=period) | Q(period__isnull=True))
        .values("user_id")
    )
    return list(get_user_model().objects.filter(pk__in=ids).order_by("username"))


def council_candidates(period: Period) -> list[tuple[Any, str]]:
    """People who can be put on the period's council, each with a label for the picker: «Họ và tên — đơn vị
    (vai trò)». Eligible: an active named person (not the system administrator, not a nameless technical
    account) who is not yet on this period's council. Three queries."""
    from django.contrib.auth import get_user_model

    on_council = set(
        RoleAssignment.objects.filter(role__in=[*COUNCIL_ROLE_NAMES, roles.SECRETARIAT])
        .filter(Q(period=period) | Q(period__isnull=True))
        .values_list("user_id", flat=True)
    )
    users = [
        u
        for u in get_user_model()
        .objects.filter(is_active=True, is_superuser=False)
        .exclude(first_name="", last_name="")
        .order_by("first_name", "last_name", "username")
        if u.pk not in on_council
    ]
    role_labels = dict(RoleAssignment._meta.get_field("role").choices or [])
    units: dict[int, list[str]] = defaultdict(list)
    held: dict[int, list[str]] = defaultdict(list)
    for user_id, role, unit_name in (
        RoleAssignment.objects.filter(user_id__in=[u.pk for u in users])
        .filter(Q(period=period) | Q(period__isnull=True))
        .order_by("pk")
        .values_list("user_id", "role", "unit__name")
    ):
        if unit_name and unit_name not in units[user_id]:
            units[user_id].append(unit_name)
        label = str(role_labels.get(role, role))
        if label not in held[user_id]:
            held[user_id].append(label)
    out = []
    for u in users:
        text = u.get_full_name()
        if units[u.pk]:
            text += " — " + ", ".join(units[u.pk])
        if held[u.pk]:
            text += " (" + ", ".join(held[u.pk]) + ")"
        out.append((u, text))
    return out


def assignments_for_period(period: Period) -> QuerySet[Assignment]:
    return Assignment.objects.filter(period=period).select_related("member", "group", "created_by")


def field_choices(period: Period) -> list[tuple[str, str]]:
    """Top-level codes of the period's index sets with their titles, numeric codes first. A code can name
    different fields in different groups' sets: then each title is shown with the groups it belongs to
    («3. Cải cách thủ tục hành chính (Các sở, ban, ngành) · Cải cách tổ chức bộ máy (Cơ quan Trung ương)»), never
    merged into one name."""
    titles: dict[str, dict[str, list[str]]] = {}
    for code, title, group_name in (
        IndexNode.objects.filter(index_set__period=period, depth=0)
        .order_by("index_set__group__order", "position")
        .values_list("code", "title", "index_set__group__name")
    ):
        groups = titles.setdefault(code, {}).setdefault(title, [])
        if group_name not in groups:
            groups.append(group_name)

    def label(by_title: dict[str, list[str]]) -> str:
        if len(by_title) == 1:
            return next(iter(by_title))
        return " · ".join(f"{title} ({', '.join(groups)})" for title, groups in by_title.items())

    return sorted(
        ((code, label(t)) for code, t in titles.items()),
        key=lambda kv: (not kv[0].isdigit(), int(kv[0]) if kv[0].isdigit() else 0, kv[0]),
    )


def groups_of_period(period: Period) -> QuerySet[Group]:
    return Group.objects.filter(index_sets__period=period).distinct().order_by("order", "code")


def survey_imports(period: Period) -> QuerySet[SurveyImport]:
    return SurveyImport.objects.filter(period=period).select_related("by")


def outbox(period: Period) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(period=period).select_related("unit", "member")


def unit_group_ids(period: Period) -> dict[int, int]:
    return dict(UnitMembership.objects.filter(period=period).values_list("unit_id", "group_id"))


def period_for_year(year: int) -> Period:
    period = Period.objects.filter(year=year).first()
    if period is None:
        raise Http404("Không có kỳ đánh giá năm này.")
    return period


def units_of(ids: Iterable[int]) -> dict[int, Unit]:
    return Unit.objects.in_bulk(list(ids))


# -- notice --------------------------------------------------------------------------------------------------

ZERO = Decimal(0)


def points_lost(entry: ItemEntry) -> Decimal:
    """How much round 1 took from the unit's claim (a penalty loses when its deduction grows)."""
    claimed = entry.self_points or ZERO
    appraised = entry.round1_points or ZERO
    return appraised - claimed if entry.node.method == Method.PENALTY else claimed - appraised


def unit_can_explain(user: Any, assessment: Assessment) -> bool:
    """The unit's editor or head may write explanations now (window open, round 1 closed, not yet sent)."""
    from .lifecycle import explanation_refusal  # the unit's own clock lives with the period's life

    return roles.can_edit_unit(user, assessment.unit_id) and not explanation_refusal(assessment)


def unit_can_submit_explanation(user: Any, assessment: Assessment) -> bool:
    return unit_can_explain(user, assessment) and roles.is_unit_head(user, assessment.unit_id)


def explanation_due_local(assessment: Assessment) -> datetime | None:
    """The end of the unit's explanation window (its own, else the period's) in local time
    (Asia/Ho_Chi_Minh), None when not set."""
    from .lifecycle import explanation_due_shown  # the unit's own clock lives with the period's life

    due = explanation_due_shown(assessment)
    return timezone.localtime(due) if due is not None else None


def notice_export(assessment: Assessment) -> ExportFile:
    """The preliminary notice as a .docx (Decree 30 layout), from the one notice builder."""
    from .notice import notice_data  # the builder reads these selectors

    return build_unit_notice(notice_data(assessment=assessment), notice_org(Organisation.current()), kind="notice")
