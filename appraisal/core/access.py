"""Who sees what, and when (SPEC §6a): the visibility table as data, read by one policy.

The table below is SPEC §6a, once. Each row is something about a unit in a period (its inputs, its round-1
values, its total…), each column a persona, each cell the first moment from which that persona sees it.
:func:`visible` answers a question from the table; ``appraisal.council.access`` works out a person's persona and
the unit's moment (roles read in the object's period) and registers the table as django-rules permissions, so
views ask ``user.has_perm("parindex.view_round1", subject)`` and templates ``{% has_perm %}``.

Moments, in order: S self-assessment running · A round 1 running, notice not issued · N notice issued
(explanation open) · R round 2 · F unit or period finalised · P decision approved (published).
"""

from __future__ import annotations

from enum import IntEnum


class Moment(IntEnum):
    S = 1
    A = 2
    N = 3
    R = 4
    F = 5
    P = 6


class Persona:
    UNIT = "unit"  # the unit's own people (editor, head)
    ASSIGNED = "assigned"  # a council member assigned to the unit's items, no conflict
    CONFLICTED = "conflicted"  # a council member who belongs to the unit
    LEADER = "leader"  # chair, secretariat (and the administrator)
    OBSERVER = "observer"  # the Provincial People's Committee's leaders
    OTHER = "other"  # anyone else logged in: other units' people

    ALL = ("unit", "assigned", "conflicted", "leader", "observer", "other")


ALWAYS = Moment.S
NEVER = None
SUBMITTED = "submitted"  # from the unit's submission (moment A, or a «không nộp» closure)
EXPLAINED = "explained"  # from the unit's explanation being sent
AS_UNIT = "as_unit"  # exactly as the unit's own people see it

# SPEC §6a. Values: a Moment (visible from it on), NEVER, or one of the markers above.
TABLE: dict[str, dict[str, object]] = {
    "inputs": {
        "unit": ALWAYS, "assigned": SUBMITTED, "conflicted": AS_UNIT,
        "leader": ALWAYS, "observer": SUBMITTED, "other": NEVER,
    },
    "round1": {
        "unit": Moment.N, "assigned": ALWAYS, "conflicted": Moment.N,
        "leader": ALWAYS, "observer": Moment.F, "other": NEVER,
    },
    "explanation": {
        "unit": ALWAYS, "assigned": EXPLAINED, "conflicted": AS_UNIT,
        "leader": ALWAYS, "observer": Moment.F, "other": NEVER,
    },
    "round2": {
        "unit": Moment.F, "assigned": ALWAYS, "conflicted": Moment.F,
        "leader": ALWAYS, "observer": Moment.F, "other": NEVER,
    },
    "survey": {
        "unit": Moment.F, "assigned": Moment.F, "conflicted": Moment.F,
        "leader": ALWAYS, "observer": Moment.F, "other": NEVER,
    },
    "total": {
        "unit": Moment.F, "assigned": Moment.F, "conflicted": Moment.F,
        "leader": ALWAYS, "observer": Moment.F, "other": Moment.P,
    },
    "ranks": {
        "unit": Moment.P, "assigned": Moment.F, "conflicted": Moment.P,
        "leader": ALWAYS, "observer": Moment.F, "other": Moment.P,
    },
    "notice": {
        "unit": Moment.N, "assigned": ALWAYS, "conflicted": Moment.N,
        "leader": ALWAYS, "observer": Moment.F, "other": NEVER,
    },
    "decision": {
        "unit": Moment.P, "assigned": Moment.F, "conflicted": Moment.F,
        "leader": ALWAYS, "observer": Moment.F, "other": Moment.P,
    },
}  # fmt: skip

WHATS = tuple(TABLE)
# What the unit's people see of a layer is what a conflicted member sees of it (AS_UNIT).


def visible(
    what: str, persona: str, moment: Moment, *, submitted: bool = False, explained: bool = False
) -> bool:
    """Whether ``persona`` sees ``what`` of a unit at ``moment`` (SPEC §6a). ``submitted``/``explained``: the
    unit's self-assessment was submitted (or closed «không nộp») / its explanation sent."""
    rule = TABLE[what][persona]
    if rule is AS_UNIT:
        rule = TABLE[what][Persona.UNIT]
    if rule is NEVER:
        return False
    if rule == SUBMITTED:
        return submitted
    if rule == EXPLAINED:
        return explained
    assert isinstance(rule, Moment)
    return moment >= rule


def first_moment(what: str, persona: str) -> Moment | None:
    """The moment from which ``persona`` sees ``what`` whatever the unit did (None: never, or from the unit's
    own submission or explanation)."""
    rule = TABLE[what][persona]
    if rule is AS_UNIT:
        rule = TABLE[what][Persona.UNIT]
    return rule if isinstance(rule, Moment) else None


def visible_set(persona: str, moment: Moment, *, submitted: bool, explained: bool) -> frozenset[str]:
    """Every ``what`` the persona sees at that moment."""
    return frozenset(
        w for w in WHATS if visible(w, persona, moment, submitted=submitted, explained=explained)
    )
