"""``compute_results --json``: the period's results as one JSON-ready object (SPEC §10)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .results import FieldResult, PeriodResult, UnitResult
from .rounding import ENGINE_CONTEXT

__all__ = ["result_to_json"]

_INDEX_QUANTUM = Decimal("1E-10")


def _number(x: Decimal) -> str:
    return format(x, "f")


def _index(x: Decimal) -> str:
    """An unrounded index to 10 decimal places (the spec asks for at least 6)."""
    return format(x.quantize(_INDEX_QUANTUM, rounding=ROUND_HALF_UP, context=ENGINE_CONTEXT), "f")


def _field(f: FieldResult) -> dict[str, Any]:
    return {
        "code": f.code,
        "points": _number(f.points),
        "max_points": _number(f.max_points),
        "index": None if f.index is None else _index(f.index),
    }


def _unit(u: UnitResult) -> dict[str, Any]:
    data = {
        "code": u.code,
        "name": u.name,
        "max_points": _number(u.max_points),
        "self_points": _number(u.self_points),
        "appraisal_points": _number(u.appraisal_points),
        "survey_points": _number(u.survey_points),
        "bonus_points": _number(u.bonus_points),
        "penalty_points": _number(u.penalty_points),
        "total_points": _number(u.total_points),
        "index": _index(u.index),
        "index_display": _number(u.index_display),
        "rank": u.rank,
        "rank_change": u.rank_change,
        "band": u.band,
        "head_rating": u.head_rating,
        "fields": [_field(f) for f in u.fields],
    }
    if u.adjustments:  # only sets with adjustment contents ('9' → '9.1', '9.2') have them
        data["adjustments"] = [
            {
                "code": a.code,
                "title": a.title,
                "method": a.method,
                "max_points": None if a.max_points is None else _number(a.max_points),
                "claimed": _number(a.claimed),
                "points": _number(a.points),
            }
            for a in u.adjustments
        ]
    return data


def result_to_json(result: PeriodResult) -> dict[str, Any]:
    """Numbers as decimal strings without exponent; every index unrounded, ``index_display`` rounded.
    ``rank_change`` is previous rank − rank (positive: up), null when last year's rank is unknown."""
    return {
        "year": result.year,
        "groups": [
            {"code": g.code, "name": g.name, "units": [_unit(u) for u in g.units]} for g in result.groups
        ],
    }
