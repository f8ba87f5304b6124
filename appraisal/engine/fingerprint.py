"""A stable fingerprint of a period's inputs, stored with each result snapshot (SPEC §8, "Snapshots")."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from .model import GroupInput, IndexSet, PeriodInput, Settings, UnitInput
from .rounding import plain

__all__ = ["canonical_inputs", "inputs_hash"]


def _number(x: Decimal) -> str:
    return plain(x)


def _settings(settings: Settings) -> dict[str, Any]:
    return {
        "decimals": settings.decimals,
        "bands": [[code, _number(t)] for code, t in settings.bands],
        "band_below": settings.band_below,
        "head_ratings": [[code, _number(t)] for code, t in settings.head_ratings],
        "head_rating_below": settings.head_rating_below,
        "survey_weights": {k.strip().upper(): _number(v) for k, v in settings.survey_weights.items()},
        "head_min_field_index": None
        if settings.head_min_field_index is None
        else _number(settings.head_min_field_index),
    }


def _index_set(index_set: IndexSet) -> dict[str, Any]:
    data: dict[str, Any] = {
        "group_code": index_set.group_code,
        "version": index_set.version,
        "fields": [[f.code, f.title, _number(f.max_points)] for f in index_set.fields],
        "leaves": [
            [
                leaf.code,
                leaf.field_code,
                leaf.title,
                _number(leaf.max_points),
                leaf.method,
                leaf.rule.text,
                sorted(leaf.excluded_tags),
                *([leaf.group] if leaf.group is not None else []),
            ]
            for leaf in index_set.leaves
        ],
    }
    if index_set.adjustments:  # absent for T1/P1-only sets, so their hashes stay as they were
        data["adjustments"] = [
            [g.code, g.title, g.method, None if g.max_points is None else _number(g.max_points), g.parent]
            for g in index_set.adjustments
        ]
    return data


def _unit(unit: UnitInput) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name": unit.name,
        "tags": sorted(unit.tags),
        "values": {code: [v.self_value, v.round1, v.round2, v.survey] for code, v in unit.values.items()},
        "excluded": dict(unit.excluded),
        "head_veto": unit.head_veto,
        "head_override": list(unit.head_override) if unit.head_override is not None else None,
        "previous_rank": unit.previous_rank,
    }


def _group(group: GroupInput) -> dict[str, Any]:
    return {
        "code": group.code,
        "name": group.name,
        "index_set": _index_set(group.index_set),
        # Results do not depend on the order units are given in, so neither does the hash.
        "units": [_unit(unit) for unit in sorted(group.units, key=lambda unit: unit.code)],
    }


def canonical_inputs(period: PeriodInput) -> bytes:
    """Every input of the period as canonical JSON: keys sorted, numbers as plain decimal strings."""
    data = {
        "year": period.year,
        "settings": _settings(period.settings),
        "groups": [_group(g) for g in period.groups],
    }
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def inputs_hash(period: PeriodInput) -> str:
    """SHA-256 (hex) of :func:`canonical_inputs`: equal for equal inputs, whatever the order of mappings."""
    return hashlib.sha256(canonical_inputs(period)).hexdigest()
