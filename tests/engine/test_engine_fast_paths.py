"""The engine's short ways (issue 14, point 6) give exactly what the item-by-item way gives.

A unit's appraisal and survey sums are exact ints of ten-thousandths of a point turned into Decimals once;
item results of applicable leaves come without per-layer error handling and are shared between units with the
same inputs. Each is compared here, figure by figure and exponent by exponent, with the slow path it replaces.
"""

from __future__ import annotations

from decimal import Decimal, localcontext

import pytest

from appraisal.engine import InputError, ItemValues, PeriodInput, Settings, UnitInput, compute_period
from appraisal.engine import compute as C
from appraisal.engine.rounding import ENGINE_CONTEXT
from appraisal.engine.rules import survey_weights_key
from bench import synthetic
from tests.engine.builders import Make


@pytest.fixture(scope="module")
def period() -> PeriodInput:
    return synthetic.period(units_count=300, items=40, seed=7)


def _decimal_sums(group, unit, weights) -> tuple[str, ...]:
    """The unit's sums as the engine made them before: Decimals from 0.0000, item by item, field by field."""
    plan = C._plan(group.index_set, weights)
    applicable = plan.applicable(plan.excluded_codes(unit))
    self_points = appraisal = surveyed = Decimal("0.0000")
    fields = []
    for field_plan in applicable.fields:
        field_appraisal = field_survey = Decimal("0.0000")
        for code, memo in field_plan.appraisal:
            values = unit.values.get(code)
            if values is not None:
                field_appraisal += memo[values.round2 or values.round1]
                self_points += memo[values.self_value]
        for code, memo in field_plan.survey:
            values = unit.values.get(code)
            if values is not None:
                field_survey += memo[values.survey]
        appraisal += field_appraisal
        surveyed += field_survey
        fields.append(str(field_appraisal + field_survey))
    return (str(self_points), str(appraisal), str(surveyed), *fields)


def test_sums_in_ten_thousandths_equal_the_decimal_sums_digit_for_digit(period):
    weights = survey_weights_key(period.settings.survey_weights)
    result = compute_period(period)
    with localcontext(ENGINE_CONTEXT):
        for group, computed in zip(period.groups, result.groups, strict=True):
            units = {u.code: u for u in group.units}
            for r in computed.units:
                engine = (str(r.self_points), str(r.appraisal_points), str(r.survey_points))
                engine += tuple(str(f.points) for f in r.fields)
                assert engine == _decimal_sums(group, units[r.code], weights), r.code


def test_ten_thousandths_come_back_as_the_same_four_place_decimals():
    assert [str(C._points(n)) for n in (0, 5, 12345, 1000000)] == ["0.0000", "0.0005", "1.2345", "100.0000"]


def test_shared_item_results_equal_the_item_by_item_results(period):
    result = compute_period(period)
    for group, computed in zip(period.groups, result.groups, strict=True):
        plan = C._plan(group.index_set, survey_weights_key(period.settings.survey_weights))
        for unit_result in computed.units:
            details = unit_result.details
            slow = tuple(details._item(leaf) for leaf in plan.index_set.leaves)
            assert unit_result.items == slow, unit_result.code
            assert [str(i.points) for i in unit_result.items] == [str(i.points) for i in slow]


INDEX_SET = Make.index_set(
    Make.leaf("1.1", 2, "boolean"),
    Make.leaf("1.2", 3, "tiers: >=100%=3; >=80%=1.5; else=0"),
    Make.leaf("2.1", 5, "survey", "survey"),
)


def _unit(values: dict[str, ItemValues]) -> UnitInput:
    return UnitInput(code="DV1", name="Đơn vị 1", values=values)


def test_a_unit_without_an_entry_for_an_item_takes_the_item_by_item_way():
    unit = _unit({"1.1": ItemValues(self_value="Có", round1="Có")})
    figures = C.compute_unit(INDEX_SET, unit, Settings())
    assert (str(figures.appraisal_points), str(figures.self_points), str(figures.total_points)) == (
        "2.0000",
        "2.0000",
        "2.0000",
    )


def test_an_invalid_round_one_under_a_valid_round_two_is_not_an_error():
    """As before: the final points come from round 2; round 1 is not what counts."""
    unit = _unit(
        {
            "1.1": ItemValues(self_value="Có", round1="Có"),
            "1.2": ItemValues(self_value="90%", round1="chín mươi", round2="85%"),
            "2.1": ItemValues(survey="80%"),
        }
    )
    figures = C.compute_unit(INDEX_SET, unit, Settings())
    assert (str(figures.appraisal_points), str(figures.survey_points)) == ("3.5000", "4.0000")


def test_an_invalid_input_still_names_the_unit_item_and_layer():
    unit = _unit(
        {"1.1": ItemValues(self_value="Có", round1="có lẽ"), "1.2": ItemValues(), "2.1": ItemValues()}
    )
    with pytest.raises(InputError) as caught:
        C.compute_unit(INDEX_SET, unit, Settings())
    assert (caught.value.unit_code, caught.value.item_code, caught.value.layer) == ("DV1", "1.1", "round1")
