"""Template filters for numbers as Vietnamese officials write them (decimal comma, ROUND_HALF_UP)."""

from decimal import Decimal, InvalidOperation

from django import template

from appraisal.scoring.engine.rounding import format_vn

register = template.Library()


@register.filter
def vn(value: object, places: int = 2) -> str:
    """81.3333 → '81,33'; None/'' → '–'. Never float, never banker's rounding."""
    if value is None or value == "":
        return "–"
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return format_vn(number, int(places))


@register.filter
def vn_points(value: object) -> str:
    """Points: up to 4 decimals, trailing zeros trimmed ('0,5', '1', '0,3333')."""
    if value is None or value == "":
        return "–"
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    text = format_vn(number, 4)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text


@register.filter
def absval(value: int | None) -> int | None:
    return None if value is None else abs(value)
