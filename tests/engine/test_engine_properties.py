"""Invariants of the engine over generated units (hypothesis)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal.engine import (
    ItemValues,
    Settings,
    UnitInput,
    compute_period,
    inputs_hash,
    result_to_json,
)
from tests.engine.builders import Make

INDEX_SET = Make.index_set(
    Make.leaf("1.1", 2, "boolean"),
    Make.leaf("1.2", 2, "levels: Tốt=2; Đạt=1; Chưa đạt=0"),
    Make.leaf("1.3", 3, "tiers: >=100%=3; >=80%=1.5; else=0"),
    Make.leaf("2.1", 3, "proportional: min=50%"),
    Make.leaf("2.2", 4, "manual: step=0.25"),
    Make.leaf("3.1", 3, "manual", tags={"no_tthc"}),
    Make.leaf("3.2", 3, "boolean", tags={"no_tthc"}),
    Make.leaf("4.1", 5, "survey", "survey"),
    Make.leaf("T1", 2, "manual: step=0.5", "bonus"),
    Make.leaf("P1", 3, "penalty: per=0.5", "penalty"),
)
SETTINGS = Settings(head_min_field_index=Decimal(30))

_ratio = st.one_of(
    st.integers(0, 120).map(lambda n: f"{n}%"),
    st.tuples(st.integers(0, 25), st.integers(1, 25)).map(lambda nd: f"{nd[0]}/{nd[1]}"),
)
_INPUTS = {
    "1.1": st.sampled_from(["Có", "Không", "có", "no"]),
    "1.2": st.sampled_from(["Tốt", "Đạt", "Chưa đạt", "đạt"]),
    "1.3": _ratio,
    "2.1": _ratio,
    "2.2": st.integers(0, 16).map(lambda n: str(Decimal(n) / 4)),
    "3.1": st.integers(0, 300).map(lambda n: str(Decimal(n) / 100)),
    "3.2": st.sampled_from(["Có", "Không"]),
    "T1": st.integers(0, 4).map(lambda n: str(Decimal(n) / 2)),
    "P1": st.integers(0, 8).map(str),
}
_SURVEY = st.one_of(
    st.integers(0, 100).map(lambda n: f"{n}%"),
    st.tuples(*[st.integers(0, 30)] * 4)
    .filter(lambda counts: sum(counts) > 0)
    .map(lambda c: f"A={c[0]};B={c[1]};C={c[2]};D={c[3]}"),
)


_ITEM_VALUES = {
    code: st.builds(
        ItemValues,
        self_value=st.none() | strategy,
        round1=st.none() | strategy,
        round2=st.none() | strategy,
    )
    for code, strategy in _INPUTS.items()
}
_ITEM_VALUES["4.1"] = st.builds(ItemValues, survey=st.none() | _SURVEY)
_UNIT_PARTS = st.tuples(
    st.fixed_dictionaries({}, optional=_ITEM_VALUES),
    st.sampled_from([frozenset(), frozenset({"no_tthc"})]),
    st.sets(st.sampled_from(["1.1", "2.2", "3", "4.1", "T1"]), max_size=2),
    st.none() | st.integers(1, 9),
)


def _unit(number, parts):
    values, tags, excluded_codes, previous_rank = parts
    return UnitInput(
        code=f"U{number:02d}",
        name=f"Đơn vị {number}",
        tags=tags,
        values=values,
        excluded=dict.fromkeys(sorted(excluded_codes), "Không có nhiệm vụ này"),
        previous_rank=previous_rank,
    )


def units(count):
    """``count`` units with random inputs on random items, some tagged no_tthc, some with exclusions."""
    parts = st.lists(_UNIT_PARTS, min_size=count, max_size=count)
    return parts.map(lambda drawn: tuple(_unit(number, unit) for number, unit in enumerate(drawn)))


def _numbers(unit):
    """Everything in a unit's result except its rank, which depends on the other units."""
    return (
        unit.code,
        unit.max_points,
        unit.self_points,
        unit.appraisal_points,
        unit.survey_points,
        unit.bonus_points,
        unit.penalty_points,
        unit.total_points,
        unit.index,
        unit.index_display,
        unit.band,
        unit.head_rating,
        unit.head_rating_reason,
        unit.fields,
        unit.items,
    )


@settings(max_examples=25, deadline=None)
@given(units(6))
def test_index_stays_within_zero_and_a_hundred(generated):
    result = compute_period(Make.period(INDEX_SET, *generated, settings=SETTINGS))

    for unit in result.groups[0].units:
        assert 0 <= unit.total_points <= unit.max_points
        assert 0 <= unit.index <= 100
        assert 0 <= unit.index_display <= 100
        assert all(f.index is None or 0 <= f.index <= 100 for f in unit.fields)


@settings(max_examples=25, deadline=None)
@given(units(6))
def test_ranks_follow_the_unrounded_index(generated):
    units_ = compute_period(Make.period(INDEX_SET, *generated, settings=SETTINGS)).groups[0].units

    for unit in units_:
        assert unit.rank == 1 + sum(1 for other in units_ if other.index > unit.index)
    assert [u.index for u in units_] == sorted((u.index for u in units_), reverse=True)
    assert [u.rank for u in units_] == sorted(u.rank for u in units_)


@settings(max_examples=20, deadline=None)
@given(units(5), st.data())
def test_excluding_an_item_of_one_unit_never_changes_another_unit(generated, data):
    chosen = data.draw(st.sampled_from(generated))
    code = data.draw(st.sampled_from([leaf.code for leaf in INDEX_SET.leaves]))
    changed = tuple(
        UnitInput(
            unit.code,
            unit.name,
            unit.tags,
            unit.values,
            {**unit.excluded, code: "Tổ thư ký loại trừ"},
            unit.head_veto,
            unit.head_override,
            unit.previous_rank,
        )
        if unit is chosen
        else unit
        for unit in generated
    )

    before = {u.code: _numbers(u) for u in compute_period(Make.period(INDEX_SET, *generated)).groups[0].units}
    after = {u.code: _numbers(u) for u in compute_period(Make.period(INDEX_SET, *changed)).groups[0].units}

    assert {k: v for k, v in before.items() if k != chosen.code} == {
        k: v for k, v in after.items() if k != chosen.code
    }


@settings(max_examples=20, deadline=None)
@given(units(5))
def test_recomputing_gives_identical_results_and_hash(generated):
    period = Make.period(INDEX_SET, *generated, settings=SETTINGS)
    rebuilt = Make.period(
        INDEX_SET,
        *(
            UnitInput(
                u.code,
                u.name,
                frozenset(sorted(u.tags)),
                dict(reversed(list(u.values.items()))),
                dict(reversed(list(u.excluded.items()))),
                u.head_veto,
                u.head_override,
                u.previous_rank,
            )
            for u in reversed(generated)
        ),
        settings=SETTINGS,
    )

    first, second, third = compute_period(period), compute_period(period), compute_period(rebuilt)

    assert first == second == third
    assert result_to_json(first) == result_to_json(second) == result_to_json(third)
    assert [_numbers(u) + (u.trace,) for u in first.groups[0].units] == [
        _numbers(u) + (u.trace,) for u in third.groups[0].units
    ]
    assert inputs_hash(period) == inputs_hash(rebuilt)
