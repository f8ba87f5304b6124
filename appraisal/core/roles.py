"""Role predicates: the one place that says who may do what (SPEC §1). Views, selectors and templates ask
these; nothing else looks at role rows directly.

Roles are read once per request and cached on the user object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SECRETARIAT = "secretariat"
CHAIR = "chair"
VICE_CHAIR = "vice_chair"
MEMBER = "member"
UNIT_EDITOR = "unit_editor"
UNIT_HEAD = "unit_head"
OBSERVER = "observer"
COUNCIL = frozenset({CHAIR, VICE_CHAIR, MEMBER})


@dataclass(frozen=True)
class Roles:
    roles: frozenset[str] = frozenset()
    own_units: frozenset[int] = field(default_factory=frozenset)  # every unit the person belongs to
    superuser: bool = False
    # (role, unit id, period id) of every assignment, for period-scoped questions (the period switcher).
    assignments: tuple[tuple[str, int | None, int | None], ...] = ()


def roles_of(user: Any) -> Roles:
    if user is None or not getattr(user, "is_authenticated", False):
        return Roles()
    cached = getattr(user, "_parindex_roles", None)
    if cached is not None:
        return cached
    rows = tuple(user.role_assignments.values_list("role", "unit_id", "period_id"))
    result = Roles(
        frozenset(role for role, _unit, _period in rows),
        frozenset(unit for _role, unit, _period in rows if unit is not None),
        bool(user.is_superuser),
        rows,
    )
    user._parindex_roles = result
    return result


def forget_roles(user: Any) -> None:
    if hasattr(user, "_parindex_roles"):
        del user._parindex_roles


def is_admin(user: Any) -> bool:
    return roles_of(user).superuser


def is_secretariat(user: Any) -> bool:
    r = roles_of(user)
    return r.superuser or SECRETARIAT in r.roles


def holds_in_period(user: Any, role: str, period_id: int) -> bool:
    """The person holds ``role`` in that period (a role without a period counts for every period; the
    administrator holds the secretariat's). Period-scoped questions ask this, never :func:`is_secretariat`."""
    r = roles_of(user)
    if role == SECRETARIAT and r.superuser:
        return True
    return any(name == role and p in (None, period_id) for name, _unit, p in r.assignments)


def unit_ids_held(user: Any, period_id: int | None, *, head: bool = False) -> frozenset[int]:
    """The units whose editor or head (with ``head``: whose head) the person is in that period, a role without
    a period counting for every period (SPEC §6a). ``period_id`` None asks "in some period": only for what
    does not belong to one period (the menu's «Đơn vị», a refusal saying the role is of another period);
    every question about one period's objects names that period."""
    names = (UNIT_HEAD,) if head else (UNIT_EDITOR, UNIT_HEAD)
    return frozenset(
        unit
        for name, unit, p in roles_of(user).assignments
        if name in names and unit is not None and (period_id is None or p in (None, period_id))
    )


def can_edit_unit(user: Any, unit_id: int, period_id: int | None) -> bool:
    """The unit's people (its editor or head) in that period: who writes its self-assessment, evidence and
    explanation, and who reads the unit's pages as its own (:func:`unit_ids_held`)."""
    return unit_id in unit_ids_held(user, period_id)


def is_unit_head(user: Any, unit_id: int, period_id: int | None) -> bool:
    """The unit's head in that period: who submits the self-assessment, sends or waives the explanation."""
    return unit_id in unit_ids_held(user, period_id, head=True)


def is_province_secretariat(user: Any) -> bool:
    """The secretariat of every period (a role without a period, or the administrator): who changes what every
    year shares — a new period, units, groups, the organisation (``registry.selectors.province_require``)."""
    return is_secretariat(user) and periods_held(user, SECRETARIAT) is None


def periods_held(user: Any, role: str) -> frozenset[int] | None:
    """The periods in which the person holds ``role``: None for every period (a role without a period, or the
    administrator for the secretariat), else the ids of the periods it was given for (empty: none)."""
    r = roles_of(user)
    if role == SECRETARIAT and r.superuser:
        return None
    held: set[int] = set()
    for name, _unit, p in r.assignments:
        if name == role:
            if p is None:
                return None
            held.add(p)
    return frozenset(held)


def is_chair(user: Any) -> bool:
    return CHAIR in roles_of(user).roles


def is_council(user: Any) -> bool:
    return bool(COUNCIL & roles_of(user).roles)


def is_observer(user: Any) -> bool:
    return OBSERVER in roles_of(user).roles


def can_manage_registry(user: Any) -> bool:
    """Units, groups, index sets, imports: the secretariat and the administrator."""
    return is_secretariat(user)


def can_view_all_results(user: Any) -> bool:
    """Province-wide results and documents: secretariat, council, observers."""
    return is_secretariat(user) or is_council(user) or is_observer(user)


def can_view_unit(user: Any, unit_id: int, period_id: int) -> bool:
    """A unit's own assessment in a period: its people, the secretariat, observers (read-only), each holding
    the role in that period (SPEC §6a). Council access goes through assignments and conflict checks in the
    council selectors, not here."""
    return (
        can_edit_unit(user, unit_id, period_id)
        or holds_in_period(user, SECRETARIAT, period_id)
        or holds_in_period(user, OBSERVER, period_id)
    )


def own_unit_ids(user: Any) -> frozenset[int]:
    """Units a person belongs to: a council member never appraises these (conflict of interest)."""
    return roles_of(user).own_units
