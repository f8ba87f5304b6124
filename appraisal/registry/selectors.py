"""Read-side queries for reference data. Registry pages fetch through the ``*_for_user`` functions, which
authorise where they fetch (403 for anyone who may not manage the registry, 404 for what does not exist)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from appraisal import engine
from appraisal.core.roles import (
    SECRETARIAT,
    UNIT_EDITOR,
    UNIT_HEAD,
    can_manage_registry,
    holds_in_period,
    is_province_secretariat,
    is_secretariat,
    roles_of,
    unit_ids_held,
)

from .models import (
    Group,
    IndexNode,
    IndexSet,
    Method,
    Organisation,
    Period,
    PeriodEvent,
    Phase,
    PhaseWindow,
    Unit,
    UnitMembership,
)

ADJUSTMENTS = (Method.BONUS, Method.PENALTY)
UNIT_ROLE_NAMES = frozenset({UNIT_EDITOR, UNIT_HEAD})


def period_current() -> Period | None:
    """The province's current period (SPEC §3a): the one the secretariat chose, else the latest period past
    preparation, else the latest. Creating or preparing next year's period changes nothing here."""
    org = Organisation.objects.select_related("current_period").order_by("pk").first()
    if org is not None and org.current_period is not None and org.current_period.archived_at is None:
        return org.current_period
    live = Period.objects.filter(archived_at__isnull=True)
    return live.exclude(phase=Phase.PREPARING).order_by("-year").first() or live.order_by("-year").first()


def period_list_for_user(user: Any, *, include_archived: bool = False) -> list[Period]:
    """The periods a person has something in, newest first (the period switcher; one query after the roles).

    The secretariat and the administrator: every period. Others: periods named by their roles; a role without a
    period holds in every period, for a unit's people only where their unit takes part; council and observers
    without a period see every period past preparation."""
    r = roles_of(user)
    qs = Period.objects.all()
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    if not r.roles and not r.superuser:
        return []
    if not (r.superuser or SECRETARIAT in r.roles):
        rows = r.assignments
        scoped = {p for _, _, p in rows if p is not None}
        global_units = {u for role, u, p in rows if p is None and u is not None and role in UNIT_ROLE_NAMES}
        wide = any(p is None and role not in UNIT_ROLE_NAMES for role, _, p in rows)
        condition = Q(pk__in=scoped) | Q(memberships__unit_id__in=global_units)
        if wide:
            condition |= ~Q(phase=Phase.PREPARING)
        qs = qs.filter(condition).distinct()
    return list(qs.order_by("-year"))


def period_list_for_request(request: Any) -> list[Period]:
    """:func:`period_list_for_user` of the request's user, read once per request: the page's own period and
    the period switcher both take it from here (issue 14: a page reads the period at most once)."""
    cached = getattr(request, "_parindex_periods", None)
    if cached is None:
        cached = request._parindex_periods = period_list_for_user(request.user)
    return cached


def period_for_request(request: Any, year: int) -> Period:
    """The period of a URL's year: from the request's period list when the person has it there (no query of
    its own), else read by its year; 404 when there is no such period."""
    for period in period_list_for_request(request):
        if period.year == year:
            return period
    return get_object_or_404(Period, year=year)


def period_default_for_user(user: Any, periods: list[Period] | None = None) -> Period | None:
    """The period a person lands on: the province's current period when they have something in it, else the
    latest of their own periods past preparation, else their latest (one query after ``periods``)."""
    periods = period_list_for_user(user) if periods is None else periods
    if not periods:
        return None
    chosen = Organisation.objects.order_by("pk").values_list("current_period_id", flat=True).first()
    for p in periods:
        if p.pk == chosen:
            return p
    return next((p for p in periods if p.phase != Phase.PREPARING), periods[0])


def period_by_year(year: int) -> Period | None:
    return Period.objects.filter(year=year).first()


def registry_require(user: Any) -> None:
    """Registry pages are for the secretariat and the administrator only."""
    if not can_manage_registry(user):
        raise PermissionDenied("Chỉ Tổ thư ký và quản trị hệ thống được quản lý danh mục.")


UNITS_IMPORT = "được nhập danh sách đơn vị (đơn vị, khối dùng chung cho mọi năm)"


def province_require(user: Any, action: str = "được tạo kỳ đánh giá mới và sửa danh mục dùng chung") -> None:
    """What every year shares (a new period, units, groups, the organisation): the secretariat of every period
    (a role without a period, or the administrator). A role given for some periods only changes those periods'
    objects (SPEC §6a), never what the other years read too (QA: a role for 2022 created 2025 and renamed a unit
    in every year)."""
    registry_require(user)
    if is_province_secretariat(user):
        return
    raise PermissionDenied(
        "Vai trò Tổ thư ký của bạn chỉ áp dụng cho một số kỳ đánh giá: chỉ Tổ thư ký của mọi kỳ "
        + action
        + "."
    )


def secretariat_require(
    user: Any, period: Period, action: str, *, error: Callable[[str], Exception] = PermissionDenied
) -> None:
    """An action about one period's objects (SPEC §6a: a role given for 2022 means nothing in 2023; a role
    without a period holds in every period; the administrator always): the secretariat holding its role in
    ``period``. ``action`` ends the refusal («được lập Hội đồng»): «Chỉ Tổ thư ký <action>.» for anyone else,
    and for a secretariat of other periods only, that its role does not apply to this one. ``error``: the
    exception the calling service raises for a refusal (PermissionDenied, or ServiceError)."""
    if holds_in_period(user, SECRETARIAT, period.pk):
        return
    if not is_secretariat(user):
        raise error(f"Chỉ Tổ thư ký {action}.")
    raise error(
        f"Vai trò Tổ thư ký của bạn không áp dụng cho {period.name}: chỉ Tổ thư ký của kỳ này {action}."
    )


def unit_role_require(
    user: Any,
    unit: Unit,
    period: Period,
    refusal: str,
    *,
    head: bool = False,
    error: Callable[[str], Exception] = PermissionDenied,
) -> None:
    """An action of the unit's own people on one period's objects (SPEC §6a, as :func:`secretariat_require`):
    its editor or head (with ``head``: its head) holding the role in ``period``, a role without a period
    holding in every period. ``refusal`` for anyone else; a person holding that role at the unit in other
    periods only is told that it does not apply to this one, and what to do."""
    if unit.pk not in unit_ids_held(user, period.pk, head=head):
        raise error(unit_role_elsewhere(user, unit, period, head=head) or refusal)


def unit_role_elsewhere(user: Any, unit: Unit, period: Period, *, head: bool = False) -> str:
    """Why the person's role at ``unit`` (editor or head; with ``head``, head) does not let them act in
    ``period``: it was given for other periods only. '' when they hold it in ``period`` or nowhere."""
    if unit.pk in unit_ids_held(user, period.pk, head=head) or unit.pk not in unit_ids_held(
        user, None, head=head
    ):
        return ""
    role = "Vai trò lãnh đạo đơn vị" if head else "Vai trò"
    return (
        f"{role} của bạn tại {unit.name} không áp dụng cho {period.name}: "
        "hãy đề nghị Tổ thư ký phân quyền cho bạn trong kỳ này."
    )


def year_require(
    user: Any, year: int, action: str, *, error: Callable[[str], Exception] = PermissionDenied
) -> None:
    """:func:`secretariat_require` for something filed by year (an import, a published table): the period of
    that year when ParIndex has one; a year without a period (published before ParIndex) holds no period, so
    any secretariat."""
    period = Period.objects.filter(year=year).first()
    if period is not None:
        secretariat_require(user, period, action, error=error)
    elif not is_secretariat(user):
        raise error(f"Chỉ Tổ thư ký {action}.")


PERIOD_PAGES = "được xem và thao tác trên kỳ"


def period_require(user: Any, period: Period) -> None:
    """A registry page or action about one period: the secretariat holding its role in that period
    (:func:`secretariat_require`)."""
    registry_require(user)
    secretariat_require(user, period, PERIOD_PAGES)


def group_get_for_user(user: Any, pk: int) -> Group:
    registry_require(user)
    return get_object_or_404(Group, pk=pk)


def unit_get_for_user(user: Any, pk: int) -> Unit:
    registry_require(user)
    return get_object_or_404(Unit, pk=pk)


def period_get_for_user(user: Any, pk: int) -> Period:
    registry_require(user)
    period = get_object_or_404(Period, pk=pk)
    period_require(user, period)
    return period


def index_set_get_for_user(user: Any, pk: int) -> IndexSet:
    registry_require(user)
    index_set = get_object_or_404(
        IndexSet.objects.select_related("period", "group", "copied_from__period"), pk=pk
    )
    period_require(user, index_set.period)
    return index_set


def index_node_get_for_user(user: Any, pk: int) -> IndexNode:
    registry_require(user)
    node = get_object_or_404(IndexNode.objects.select_related("index_set__period", "index_set__group"), pk=pk)
    period_require(user, node.index_set.period)
    return node


def period_list() -> QuerySet[Period]:
    return Period.objects.annotate(
        set_count=Count("index_sets", distinct=True), unit_count=Count("memberships", distinct=True)
    ).order_by("-year")


def group_list() -> QuerySet[Group]:
    return Group.objects.annotate(set_count=Count("index_sets", distinct=True)).order_by("order", "code")


def group_list_with_units(period: Period | None) -> QuerySet[Group]:
    groups = group_list()
    if period is None:
        return groups.annotate(unit_count=Value(0))
    return groups.annotate(
        unit_count=Count("memberships", filter=Q(memberships__period=period), distinct=True)
    )


def unit_list(
    *, period: Period | None, group: Group | None = None, include_inactive: bool = True
) -> QuerySet[Unit]:
    """Units with their group in ``period`` (``member_group_name``/``member_group_code``, None when not
    placed that year); ``group`` keeps only that group's units for the period."""
    units = Unit.objects.all()
    if not include_inactive:
        units = units.filter(active=True)
    if period is not None:
        membership = UnitMembership.objects.filter(period=period, unit=OuterRef("pk"))
        units = units.annotate(
            member_group_name=Subquery(membership.values("group__name")[:1]),
            member_group_code=Subquery(membership.values("group__code")[:1]),
            member_group_order=Subquery(membership.values("group__order")[:1]),
            member_tracked=Subquery(membership.values("tracked")[:1]),
            member_untracked_reason=Subquery(membership.values("untracked_reason")[:1]),
        )
        if group is not None:
            units = units.filter(memberships__period=period, memberships__group=group)
        return units.order_by("member_group_order", "name")
    return units.order_by("name")


def _scale_sum() -> Coalesce:
    return Coalesce(
        Sum("nodes__max_points", filter=Q(nodes__depth=0) & ~Q(nodes__method__in=ADJUSTMENTS)),
        Value(Decimal("0")),
        output_field=DecimalField(max_digits=9, decimal_places=2),
    )


def index_set_list(period: Period | None = None) -> QuerySet[IndexSet]:
    """Index sets with their scale and number of scored leaves."""
    sets = IndexSet.objects.select_related("period", "group")
    if period is not None:
        sets = sets.filter(period=period)
    return sets.annotate(
        scale=_scale_sum(), leaf_count=Count("nodes", filter=Q(nodes__is_leaf=True))
    ).order_by("-period__year", "group__order", "group__code")


def adjustment_groups(nodes: Sequence[IndexNode]) -> dict[int, frozenset[str]]:
    """Node id → methods of the leaves under it, for the inner nodes whose leaves are all bonus/penalty
    (the nodes of an adjustment content, SPEC §10)."""
    parent_of = {n.pk: n.parent_id for n in nodes}
    under: dict[int, set[str]] = defaultdict(set)
    for node in nodes:
        if node.is_leaf:
            cursor = node.parent_id
            while cursor is not None:
                under[cursor].add(node.method)
                cursor = parent_of.get(cursor)
    return {pk: frozenset(kinds) for pk, kinds in under.items() if kinds and kinds <= set(ADJUSTMENTS)}


def adjustment_groups_input(nodes: Sequence[IndexNode]) -> tuple[engine.AdjustmentGroup, ...]:
    """The engine's adjustment groups of a set, in order ('9', '9.1' capped 3, '9.2' capped 5): a group
    holding one method caps its children at its max; a content holding both has no cap."""
    groups = adjustment_groups(nodes)
    code_of = {n.pk: n.code for n in nodes}
    out: list[engine.AdjustmentGroup] = []
    for node in nodes:
        if node.pk not in groups:
            continue
        kinds = groups[node.pk]
        method = next(iter(kinds)) if len(kinds) == 1 else None
        out.append(
            engine.AdjustmentGroup(
                code=node.code,
                title=node.title,
                method=method,
                max_points=node.max_points if method is not None and node.max_points > 0 else None,
                parent=code_of.get(node.parent_id) if node.parent_id is not None else None,
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class IndexSetTree:
    index_set: IndexSet
    nodes: list[IndexNode]  # in file order, each with .depth and .is_leaf

    @property
    def fields(self) -> list[IndexNode]:
        groups = adjustment_groups(self.nodes)
        return [n for n in self.nodes if n.depth == 0 and n.method not in ADJUSTMENTS and n.pk not in groups]

    @property
    def adjustments(self) -> list[IndexNode]:
        """Top-level bonus/penalty items (T1, P1) and adjustment contents ('9. Điểm thưởng, điểm trừ')."""
        groups = adjustment_groups(self.nodes)
        return [n for n in self.nodes if n.depth == 0 and (n.method in ADJUSTMENTS or n.pk in groups)]

    @property
    def scale(self) -> Decimal:
        """The sum of the fields (usually 100; 60 for a 40 + 20 central-agency set)."""
        return sum((n.max_points for n in self.fields), Decimal("0"))

    def _leaf_sum(self, method: str) -> Decimal:
        return sum((n.max_points for n in self.nodes if n.is_leaf and n.method == method), Decimal("0"))

    @property
    def appraisal_points(self) -> Decimal:
        return self._leaf_sum(Method.APPRAISAL)

    @property
    def survey_points(self) -> Decimal:
        return self._leaf_sum(Method.SURVEY)

    @property
    def leaf_count(self) -> int:
        """Every scored leaf, bonus and penalty items included (as in the import's summary)."""
        return sum(1 for n in self.nodes if n.is_leaf)


def index_set_tree(index_set: IndexSet) -> IndexSetTree:
    return IndexSetTree(index_set, list(index_set.nodes.order_by("position")))


def index_set_text_fixes(index_set: IndexSet, limit: int = 20) -> list[Any]:
    from .models import TextFixLog

    return list(
        TextFixLog.objects.filter(node__index_set=index_set)
        .select_related("node", "by")
        .order_by("-at")[:limit]
    )


def period_windows(period: Period) -> list[PhaseWindow]:
    return list(period.windows.order_by("opens_at"))


def period_events(period: Period) -> list[PeriodEvent]:
    return list(period.events.select_related("by").order_by("-at", "-pk"))


def index_set_sources() -> QuerySet[IndexSet]:
    """Sets that can be copied to another year."""
    return IndexSet.objects.select_related("period", "group").order_by("-period__year", "group__order")
