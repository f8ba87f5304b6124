"""Numbers the Vietnamese way: one parser for what people type, one set of formats for what they read.

People type decimals with a comma ("1,25") or a point ("1.25"); officials print them with a decimal comma,
indices to the period's decimals, points to 2 decimals unless a rule's step needs more ("0,125"). Everything
rounds half up (``engine.rounding``); Python's ``round()`` is never used for scores.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from appraisal.engine.errors import InputError
from appraisal.engine.rounding import format_vn, parse_decimal

__all__ = [
    "POINT_PLACES",
    "format_index",
    "format_input",
    "format_number",
    "format_points",
    "format_total",
    "parse_number",
    "places_of",
    "to_decimal",
]

_NUMERIC_INPUT = re.compile(r"[0-9.,/% ]+")


def format_input(value: object) -> str:
    """A stored canonical input ('1.25', '88.5%', '7.5/10') as a Vietnamese user writes it ('88,5%');
    labels (Có, Tốt, …) unchanged."""
    text = str(value or "")
    return text.replace(".", ",") if _NUMERIC_INPUT.fullmatch(text) else text


# Points are printed with 2 decimals unless the rule's step needs more (step 0.125 → 3).
POINT_PLACES = 2


def parse_number(text: str) -> Decimal:
    """A number as a person typed it: '1,25', '1.25', ' 12 ' (no-break spaces allowed). Raises ValueError with
    a Vietnamese message for anything else (letters, two separators, exponents, NaN)."""
    try:
        return parse_decimal(text or "")
    except InputError as exc:
        raise ValueError(exc.message) from exc


def to_decimal(value: object) -> Decimal | None:
    """Decimal of a stored or computed value (Decimal, int, str with a point); None for None or ''."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        raise TypeError("float is never used for scores")
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return parse_number(str(value))


def places_of(step: Decimal | None) -> int:
    """How many decimals a step needs ('0.25' → 2, '0.125' → 3, '1' → 0)."""
    if step is None:
        return 0
    exponent = step.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _point_places(step: Decimal | None) -> int:
    return max(POINT_PLACES, places_of(step))


def format_number(value: object, places: int) -> str:
    """'81,33' for (81.3333, 2); '–' for nothing."""
    number = to_decimal(value)
    return "–" if number is None else format_vn(number, places)


def format_points(value: object, step: Decimal | None = None) -> str:
    """An item's points or max as people read them: at most 2 decimals (more when the rule's step needs
    them), trailing zeros trimmed: '1,5', '1', '0,33', '0,125'. '–' for nothing."""
    number = to_decimal(value)
    if number is None:
        return "–"
    text = format_vn(number, _point_places(step))
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


def format_total(value: object, step: Decimal | None = None) -> str:
    """A sum of points in a table or a total line: always 2 decimals ('71,46', '6,80')."""
    number = to_decimal(value)
    return "–" if number is None else format_vn(number, _point_places(step))


def format_index(value: object, decimals: int = 2) -> str:
    """An index in %, to the period's decimals ('90,02')."""
    return format_number(value, decimals)
