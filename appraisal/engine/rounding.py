"""The one place where scores are parsed, rounded and shown.

Every rounding in scoring is ROUND_HALF_UP, as administrative tables are rounded by hand ("làm tròn
lên từ 5"). Python's ``round()`` rounds half to even and is never used for scores.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from .errors import InputError

__all__ = [
    "ENGINE_CONTEXT",
    "FOUR_PLACES",
    "format_vn",
    "index_display",
    "parse_decimal",
    "plain",
    "q4",
    "round_half_up",
]

# Arithmetic context of the engine: 28 significant digits, like the default context, but pinned so that a
# caller who changed the thread's context cannot change a score.
ENGINE_CONTEXT = Context(prec=28, rounding=ROUND_HALF_UP)

FOUR_PLACES = Decimal("0.0001")
_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(0, 11)}

# A point or a comma as decimal separator; no exponent, no thousands separator, no NaN or Infinity.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")
_MAX_NUMBER_LENGTH = 40


def q4(x: Decimal) -> Decimal:
    """Round to 4 decimal places, half up: the precision of every rule-derived item score."""
    return x.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP, context=ENGINE_CONTEXT)


def round_half_up(x: Decimal, places: int) -> Decimal:
    """Round to ``places`` decimal places, half up (89.995 → 90.00)."""
    quantum = _QUANTA.get(places)
    if quantum is None:
        if places < 0:
            raise ValueError("places must be >= 0")
        quantum = Decimal(1).scaleb(-places)
    return x.quantize(quantum, rounding=ROUND_HALF_UP, context=ENGINE_CONTEXT)


def index_display(index: Decimal, decimals: int) -> Decimal:
    """The published figure of an index (a unit's or a field's): half up to the period's ``decimals``.

    The one place where an index is rounded: the engine fills ``UnitResult.index_display`` and
    ``FieldResult.index_display`` with it, and pages, CSV, annex, decision and notices print those figures
    without rounding again. Bands and head ratings compare this figure (SPEC §8)."""
    return round_half_up(index, decimals)


def parse_decimal(text: str) -> Decimal:
    """Parse a number written with a decimal point or a decimal comma ('0.5', '0,5', ' 12 ').

    Raises InputError on anything else, including NaN, Infinity and exponents.
    """
    stripped = text.strip().replace("\u00a0", "")
    if len(stripped) > _MAX_NUMBER_LENGTH or not _NUMBER.fullmatch(stripped):
        raise InputError(f"«{text.strip()}» không phải là số.")
    try:
        return Decimal(stripped.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern only lets valid literals through
        raise InputError(f"«{text.strip()}» không phải là số.")


def format_vn(x: Decimal, places: int) -> str:
    """Show a number rounded half up to ``places`` with a decimal comma and no grouping ('81,33')."""
    rounded = round_half_up(x, places)
    if rounded.is_zero():
        rounded = abs(rounded)
    return format(rounded, "f").replace(".", ",")


def plain(x: Decimal) -> str:
    """A number without exponent or trailing zeros, with a decimal point ('0.5', '100', '0')."""
    if x.is_zero():
        return "0"
    text = format(x, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
