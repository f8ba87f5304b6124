"""Read side of the council: its vocabulary (which items the council scores, what counts as lowered, final
points), the setup pages' lists (council roles, members, candidates, assignments, fields, groups) and the
notice's items. Who may see what lives in :mod:`.access`; the appraisers' queues, workload and progress in
:mod:`.queues`; item and unit timelines in :mod:`.history`; files in :mod:`.exports`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from appraisal.assessments.models import Assessment, AssessmentState, ItemEntry
from appraisal.core import roles
from appraisal.engine.explain import number
from appraisal.engine.notice import is_lowered as engine_is_lowered
from appraisal.registry.models import Group, IndexNode, Method, Period, RoleAssignment, Unit, UnitMembership

from .models import Assignment

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


def field_q(field_code: str, prefix: str = "node__") -> Q:
    return Q(**{f"{prefix}code": field_code}) | Q(**{f"{prefix}code__startswith": field_code + "."})


def is_lowered(*, method: str, self_points: Decimal | None, new_points: Decimal | None) -> bool:
    """Whether a council score is worse for the unit than its own claim. A penalty's points are a deduction,
    so a penalty is "lowered" when the deduction grows."""
    return engine_is_lowered(method=method, claimed=self_points, points=new_points)


class Round2Basis(Protocol):
    """What a round-2 «accept in part» is measured against: an ItemEntry, or the import's row read of one."""

    explanation: str
    self_value: str
    round1_value: str
    self_points: Decimal | None
    round1_points: Decimal | None


def partial_range(entry: Round2Basis) -> tuple[Decimal, Decimal] | None:
    """The points a round-2 «accept in part» may give (SPEC §6, round 2): between round 1's and the unit's
    claim, either order (a penalty's deduction works the same). Outside it the council would give more than the
    unit asked or less than round 1 decided, which no explanation can lead to. The range is that of an
    explanation: an item the chair reopened for a correction without one, or without a claim or a round-1 value,
    has none (None: any value stands)."""
    if not (entry.explanation and entry.self_value and entry.round1_value):
        return None
    round1, claim = entry.round1_points or Decimal(0), entry.self_points or Decimal(0)
    return min(round1, claim), max(round1, claim)


def partial_out_of_range(entry: Round2Basis, value: str, points: Decimal) -> str:
    """Why ``value`` (worth ``points``) cannot be a round-2 «accept in part» of ``entry``, or "": the one rule of
    the web form (``services.round2_record``) and the round-2 import (``importing``), each adding what to do."""
    bounds = partial_range(entry)
    if bounds is None or bounds[0] <= points <= bounds[1]:
        return ""
    return (
        "giá trị «{v}» cho {p} điểm, ngoài khoảng từ {r1} điểm (vòng 1) đến {c} điểm (đơn vị tự chấm)".format(
            v=value,
            p=number(points),
            r1=number(entry.round1_points or Decimal(0)),
            c=number(entry.self_points or Decimal(0)),
        )
    )


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


def lowered_q(prefix: str = "") -> Q:
    """:func:`entry_is_lowered` in SQL, for the items of ``prefix`` (``""``: ItemEntry itself): scored in round 1
    by the council, worse for the unit than its claim (no claim counts as 0; a penalty: a larger deduction)."""
    claimed = Coalesce(F(f"{prefix}self_points"), Value(Decimal(0)))
    method, points = f"{prefix}node__method", f"{prefix}round1_points"
    return (
        Q(**{f"{method}__in": APPRAISED_METHODS, f"{points}__isnull": False})
        & ~Q(**{f"{prefix}round1_value": ""})
        & (
            (Q(**{method: Method.PENALTY}) & Q(**{f"{points}__gt": claimed}))
            | (~Q(**{method: Method.PENALTY}) & Q(**{f"{points}__lt": claimed}))
        )
    )


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


def explanation_due_local(assessment: Assessment) -> datetime | None:
    """The end of the unit's explanation window (its own, else the period's) in local time
    (Asia/Ho_Chi_Minh), None when not set."""
    from .lifecycle import explanation_due_shown  # the unit's own clock lives with the period's life

    due = explanation_due_shown(assessment)
    return timezone.localtime(due) if due is not None else None
