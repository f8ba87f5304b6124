from decimal import Decimal

import pytest

from appraisal.engine import EngineError, InputError, format_vn, parse_decimal, q4, round_half_up


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0.00005", "0.0001"), ("1.23445", "1.2345"), ("2.00004", "2.0000"), ("-1.00005", "-1.0001")],
)
def test_q4_rounds_half_up_to_four_places(value, expected):
    result = q4(Decimal(value))

    assert str(result) == expected


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        ("89.995", 2, "90.00"),
        ("89.9949", 2, "89.99"),
        ("2.5", 0, "3"),
        ("0.125", 2, "0.13"),
        ("81.3333", 1, "81.3"),
    ],
)
def test_round_half_up_rounds_halves_away_from_zero(value, places, expected):
    assert str(round_half_up(Decimal(value), places)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0.5", "0.5"), ("0,5", "0.5"), (" 12 ", "12"), ("-1,25", "-1.25"), (".5", "0.5"), ("3.", "3")],
)
def test_parse_decimal_accepts_point_or_comma(text, expected):
    assert parse_decimal(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text", ["abc", "NaN", "Infinity", "-inf", "1e5", "", "  ", "1.2.3", "1,234.5", "1 000"]
)
def test_parse_decimal_refuses_garbage(text):
    with pytest.raises(InputError) as caught:
        parse_decimal(text)

    assert caught.value.message.endswith("không phải là số.")
    assert str(caught.value) == caught.value.message


def test_engine_errors_are_value_errors():
    assert issubclass(InputError, EngineError)
    assert issubclass(EngineError, ValueError)


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        ("81.333333", 2, "81,33"),
        ("89.995", 2, "90,00"),
        ("1234567.5", 2, "1234567,50"),
        ("-0.001", 2, "0,00"),
        ("7", 0, "7"),
    ],
)
def test_format_vn_uses_a_decimal_comma_without_grouping(value, places, expected):
    assert format_vn(Decimal(value), places) == expected
