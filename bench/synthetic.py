"""A synthetic period for benchmarks and property tests: N units × M items, every rule type, seeded.

Shaped like a real one: 7 appraised fields and a survey field, two bonus and two penalty items; field 3
(administrative procedures) does not apply to units tagged ``no_tthc``; a few units have an item excluded by
the secretariat, a round-2 value on some items, a veto or an override. Inputs are mostly canonical, as the
web forms store them, with some n/d and decimal-comma forms; survey figures are nearly unique per unit. As in
``appraisal.scoring.adapters``, equal ItemValues are one shared object.
"""

from __future__ import annotations

import random
from decimal import Decimal

from appraisal.engine import (
    Field,
    GroupInput,
    IndexSet,
    ItemValues,
    Leaf,
    PeriodInput,
    Settings,
    UnitInput,
    parse_rule,
)

__all__ = ["index_set", "period", "units"]

_APPRAISAL_FIELDS = 7
_ADJUSTMENTS = (("T1", "bonus", "manual: step=0.25", 2), ("T2", "bonus", "boolean", 1))
_PENALTIES = (("P1", "penalty", "penalty: per=0.5", 2), ("P2", "penalty", "manual: step=0.5", 1))
_LEAF_MAXES = (Decimal("0.5"), Decimal(1), Decimal("1.5"), Decimal(2))


def _appraisal_rule(kind: int, max_points: Decimal) -> str:
    half = max_points / 2
    return (
        "boolean",
        f"levels: Tốt={max_points}; Đạt={half}; Chưa đạt=0",
        f"tiers: >=100%={max_points}; >=80%={half}; else=0",
        "proportional",
        "manual: step=0.25",
        "proportional: min=50%",
    )[kind % 6]


def index_set(items: int = 100, seed: int = 0, group_code: str = "G1") -> IndexSet:
    """An index set of ``items`` leaves (at least 8): appraisal leaves over 7 fields, survey leaves in
    field 8 (about one in twelve), two bonus and two penalty items."""
    if items < 8:
        raise ValueError("items must be >= 8")
    rng = random.Random(seed)
    tree = items - len(_ADJUSTMENTS) - len(_PENALTIES)
    survey_count = max(1, tree // 12)
    leaves: list[Leaf] = []
    sums: dict[str, Decimal] = {}
    for position in range(tree - survey_count):
        field_code = str(position % _APPRAISAL_FIELDS + 1)
        code = f"{field_code}.{position // _APPRAISAL_FIELDS + 1}"
        max_points = rng.choice(_LEAF_MAXES)
        rule = parse_rule(_appraisal_rule(rng.randrange(6), max_points), max_points, "appraisal")
        tags = frozenset({"no_tthc"}) if field_code == "3" else frozenset()
        leaves.append(Leaf(code, field_code, f"Tiêu chí {code}", max_points, "appraisal", rule, tags))
        sums[field_code] = sums.get(field_code, Decimal(0)) + max_points
    for position in range(survey_count):
        code = f"8.{position + 1}"
        max_points = Decimal(2)
        leaves.append(
            Leaf(
                code,
                "8",
                f"Khảo sát {code}",
                max_points,
                "survey",
                parse_rule("survey", max_points, "survey"),
            )
        )
        sums["8"] = sums.get("8", Decimal(0)) + max_points
    for code, method, text, points in _ADJUSTMENTS + _PENALTIES:
        max_points = Decimal(points)
        leaves.append(
            Leaf(code, code, f"Mục {code}", max_points, method, parse_rule(text, max_points, method))
        )
    fields = tuple(Field(code, f"Lĩnh vực {code}", sums[code]) for code in sorted(sums))
    return IndexSet(group_code=group_code, version="synthetic", fields=fields, leaves=tuple(leaves))


def _ratio(rng: random.Random) -> str:
    if rng.random() < 0.2:
        denominator = rng.choice((10, 20, 25, 40))
        return f"{rng.randint(0, denominator)}/{denominator}"
    percent = min(100, int(rng.triangular(30, 101, 95)))
    return f"{percent}%" if rng.random() < 0.9 else f"{percent},5 %"


def _value(leaf: Leaf, rng: random.Random) -> str:
    rule = leaf.rule
    if rule.kind in ("boolean", "levels"):
        return rng.choice(rule.choices[:2]) if rng.random() < 0.85 else rule.choices[-1]
    if rule.kind in ("tiers", "proportional"):
        return _ratio(rng)
    if rule.kind == "manual":
        step = rule.step or Decimal("0.25")
        return str(step * rng.randint(0, int(leaf.max_points / step)))
    if rule.kind == "penalty":
        return str(rng.choice((0, 0, 0, 1, 2, 5)))
    if rng.random() < 0.5:
        return f"{rng.randint(5000, 10000) / 100:.2f}%".replace(".00%", "%")
    a, b, c = rng.randint(50, 400), rng.randint(0, 120), rng.randint(0, 40)
    return f"A={a};B={b};C={c};D={rng.randint(0, 20)}"


def units(index: IndexSet, count: int, seed: int = 0, prefix: str = "DV") -> tuple[UnitInput, ...]:
    """``count`` units with inputs on every leaf of ``index``."""
    rng = random.Random(seed)
    result = []
    # Like appraisal.scoring.adapters: one ItemValues per distinct combination of inputs, shared by units.
    shared: dict[ItemValues, ItemValues] = {}
    appraised = [leaf for leaf in index.leaves if leaf.method != "survey"]
    surveyed = [leaf for leaf in index.leaves if leaf.method == "survey"]
    for number in range(count):
        values: dict[str, ItemValues] = {}
        for leaf in appraised:
            claim = _value(leaf, rng)
            round1 = claim if rng.random() < 0.7 else _value(leaf, rng)
            round2 = _value(leaf, rng) if rng.random() < 0.1 else None
            item = ItemValues(self_value=claim, round1=round1, round2=round2)
            values[leaf.code] = shared.setdefault(item, item)
        for leaf in surveyed:
            item = ItemValues(survey=_value(leaf, rng))
            values[leaf.code] = shared.setdefault(item, item)
        roll = rng.random()
        tags = frozenset({"no_tthc"}) if roll < 0.03 else frozenset()
        excluded = {rng.choice(appraised).code: "Đơn vị không có nhiệm vụ này"} if 0.03 <= roll < 0.05 else {}
        result.append(
            UnitInput(
                code=f"{prefix}{number + 1:05d}",
                name=f"Đơn vị {prefix} {number + 1}",
                tags=tags,
                values=values,
                excluded=excluded,
                head_veto="Người đứng đầu bị kỷ luật" if number % 500 == 7 else None,
                head_override=("htt", "Quyết định của Chủ tịch UBND tỉnh") if number % 700 == 11 else None,
                previous_rank=rng.randint(1, count),
            )
        )
    return tuple(result)


def period(units_count: int = 3300, items: int = 100, seed: int = 2023, groups: int = 3) -> PeriodInput:
    """A period of ``units_count`` units split over ``groups`` groups, each group with its own index set."""
    group_inputs = []
    for number in range(groups):
        code = f"G{number + 1}"
        index = index_set(items, seed=seed * 31 + number, group_code=code)
        size = units_count // groups + (1 if number < units_count % groups else 0)
        group_inputs.append(
            GroupInput(
                code, f"Khối {number + 1}", index, units(index, size, seed=seed * 97 + number, prefix=code)
            )
        )
    return PeriodInput(
        year=2023, settings=Settings(head_min_field_index=Decimal(40)), groups=tuple(group_inputs)
    )
