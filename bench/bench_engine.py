"""Engine speed against a floor: ``python -m bench.bench_engine [units] [items]``.

``engine_seconds``: :func:`compute_period` on a synthetic period (``bench.synthetic``), best of 3; each run
gets freshly built inputs, untimed. ``parse_rule`` interns rules, so the first run fills the rule memos and the
later ones find them warm, as a long-running server does when it recomputes a period; the cold first run of a
fresh process is printed to stderr as ``engine_first_run_seconds``.
``floor_seconds``: the least any implementation must do on the same data, best of 3: per unit a bare loop of
Decimal additions over its already computed item points, the index division, and the sort of each group.
Item results, field breakdowns and traces are built lazily by the engine and are not part of either figure.
``lookup_floor_seconds`` (informative, not a target): the floor plus what any implementation reading these
inputs must also do per item — fetch the unit's inputs for the item, pick the final layer and look its points
up in the rule's memo (already warm) — with no self-assessment sum, no fields, no ranking; ``engine_lookup_ratio``
compares the engine with it. See docs/performance.md for where the engine's time goes.
"""

from __future__ import annotations

import json
import sys
import time
from decimal import Decimal, localcontext

from appraisal.engine import ItemValues, PeriodInput, compute_period, rules
from appraisal.engine.rounding import ENGINE_CONTEXT
from appraisal.engine.rules import PointsMemo
from bench import synthetic

_HUNDRED = Decimal(100)

# Per group: (unit code, final points of its applicable items with penalties negated, unit max).
FloorData = list[list[tuple[str, list[Decimal], Decimal]]]


def floor_data(period: PeriodInput) -> FloorData:
    """Each unit's final item points, computed once outside the timing."""
    data: FloorData = []
    for group in period.groups:
        rows = []
        for unit in group.units:
            points: list[Decimal] = []
            max_points = Decimal(0)
            excluded = set(unit.excluded)
            for leaf in group.index_set.leaves:
                if leaf.code in excluded or leaf.excluded_tags & unit.tags:
                    continue
                if leaf.in_tree:
                    max_points += leaf.max_points
                values = unit.values.get(leaf.code)
                raw = (
                    None
                    if values is None
                    else values.survey
                    if leaf.method == "survey"
                    else values.round2 or values.round1
                )
                if raw:
                    value = leaf.rule.points(raw)
                    points.append(-value if leaf.method == "penalty" else value)
            rows.append((unit.code, points, max_points))
        data.append(rows)
    return data


def floor(data: FloorData) -> None:
    for rows in data:
        indexed = []
        for code, points, max_points in rows:
            total = Decimal(0)
            for value in points:
                total += value
            indexed.append((total * _HUNDRED / max_points if max_points else total, code))
        indexed.sort(key=lambda row: row[0], reverse=True)


LookupData = list[tuple[dict[str, ItemValues], list[tuple[str, PointsMemo]], Decimal]]


def lookup_data(period: PeriodInput) -> LookupData:
    """Per unit: its inputs, (code, points memo) of each applicable appraisal/survey leaf, and its max."""
    data: LookupData = []
    for group in period.groups:
        for unit in group.units:
            excluded = set(unit.excluded)
            entries = []
            max_points = Decimal(0)
            for leaf in group.index_set.leaves:
                if leaf.in_tree and leaf.code not in excluded and not leaf.excluded_tags & unit.tags:
                    entries.append((leaf.code, leaf.rule.memo(None)))
                    max_points += leaf.max_points
            data.append((dict(unit.values), entries, max_points))
    return data


def lookup_floor(data: LookupData) -> None:
    for values, entries, max_points in data:
        get = values.get
        total = Decimal(0)
        for code, memo in entries:
            item = get(code)
            if item is not None:
                total += memo[item.survey or item.round2 or item.round1]
        total * _HUNDRED / max_points


def first_run_seconds(units: int = 3300, items: int = 100) -> float:
    """One computation with every rule parsed anew and every memo empty (a fresh process)."""
    rules._parse_rule_interned.cache_clear()
    period = synthetic.period(units, items)
    started = time.perf_counter()
    compute_period(period)
    return time.perf_counter() - started


def run(units: int = 3300, items: int = 100) -> dict[str, float | int]:
    """Best-of-3 seconds of the engine and of the floor on ``units`` × ``items``, and their ratio.

    Engine and floor runs alternate, so that a busy machine slows both alike.
    """
    engine = bare = lookups = float("inf")
    for _ in range(3):
        period = synthetic.period(units, items)
        data = floor_data(period)
        started = time.perf_counter()
        compute_period(period)
        engine = min(engine, time.perf_counter() - started)
        with localcontext(ENGINE_CONTEXT):
            started = time.perf_counter()
            floor(data)
            bare = min(bare, time.perf_counter() - started)
        fetched = lookup_data(synthetic.period(units, items))
        with localcontext(ENGINE_CONTEXT):
            started = time.perf_counter()
            lookup_floor(fetched)
            lookups = min(lookups, time.perf_counter() - started)
    return {
        "engine_units": units,
        "engine_items": items,
        "engine_seconds": float(f"{engine:.4f}"),
        "floor_seconds": float(f"{bare:.4f}"),
        "engine_ratio": float(f"{engine / bare:.2f}"),
        "lookup_floor_seconds": float(f"{lookups:.4f}"),
        "engine_lookup_ratio": float(f"{engine / lookups:.2f}"),
    }


if __name__ == "__main__":
    arguments = [int(argument) for argument in sys.argv[1:3]]
    cold = first_run_seconds(*arguments)
    print(json.dumps(run(*arguments)))
    print(json.dumps({"engine_first_run_seconds": float(f"{cold:.4f}")}), file=sys.stderr)
