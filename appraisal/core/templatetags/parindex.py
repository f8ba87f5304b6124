"""Template filters for numbers as Vietnamese officials write them (decimal comma, ROUND_HALF_UP)."""

from decimal import Decimal, InvalidOperation

from django import template

from appraisal.core.labels import change_label
from appraisal.core.numbers import format_index, format_input, format_points, format_total
from appraisal.engine import RuleError, parse_rule
from appraisal.engine.labels import BAND_LABELS, HEAD_RATING_LABELS
from appraisal.engine.rounding import format_vn
from appraisal.engine.rules import Rule

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
def vn_points(value: object, step: object = None) -> str:
    """An item's points: at most 2 decimals (more if the rule's step needs them), trailing zeros trimmed
    ('0,5', '1', '0,33'); ``{{ x|vn_points:rule.step }}``."""
    return format_points(value, step if isinstance(step, Decimal) else None)


@register.filter
def vn_total(value: object) -> str:
    """A sum of points: always 2 decimals ('71,46', '6,80')."""
    return format_total(value)


@register.filter
def vn_index(value: object, decimals: object = 2) -> str:
    """An index in % to the period's decimals: ``{{ row.index|vn_index:period.decimals }}``."""
    return format_index(
        value, int(decimals) if isinstance(decimals, int | str) and str(decimals).isdigit() else 2
    )


@register.filter
def absval(value: int | None) -> int | None:
    return None if value is None else abs(value)


@register.filter
def rule_sentence(value: object) -> str:
    """How an item is scored, as a Vietnamese sentence, from a parsed rule or from anything carrying ``rule``
    (text), ``max_points`` and ``method`` (an index node, a result item). A broken rule shows its text."""
    if isinstance(value, Rule):
        return value.sentence
    if isinstance(value, dict):
        text, max_points, method = value.get("rule"), value.get("max_points"), value.get("method")
    else:
        text = getattr(value, "rule", None)
        max_points, method = getattr(value, "max_points", None), getattr(value, "method", None)
    if not text or max_points is None or not method:
        return ""
    try:
        return parse_rule(str(text), Decimal(str(max_points)), str(method)).sentence
    except (RuleError, InvalidOperation):
        return str(text)


@register.filter
def band_label(code: object) -> str:
    """'xuat_sac' → 'Xuất sắc' (a unit's band, xếp loại); unknown codes unchanged."""
    return BAND_LABELS.get(str(code), str(code))


@register.filter
def head_rating_label(code: object) -> str:
    """'htxs' → 'Hoàn thành xuất sắc nhiệm vụ'; unknown codes unchanged."""
    return HEAD_RATING_LABELS.get(str(code), str(code))


@register.filter
def vn_input(value: object) -> str:
    """A stored canonical input ('1.25', '85.5%', '7.5/10') as a Vietnamese user writes it ('1,25'); labels
    (Có, Tốt, …) unchanged."""
    return format_input(value)


# Where a layer's value came from (ItemEntry history ``source``): stored as a short code, shown in words.
SOURCE_LABELS = {
    "web": "trên trang",
    "excel": "từ tệp Excel",
    "import": "nhập từ tệp",
    "command": "bằng lệnh quản trị",
    "demo": "dữ liệu mẫu",
    "bulk": "chấp nhận hàng loạt",
}


@register.filter
def source_label(code: object) -> str:
    """'excel' → 'từ tệp Excel'; an unknown source prints as 'nguồn khác' rather than its code."""
    return SOURCE_LABELS.get(str(code), "nguồn khác")


@register.filter(name="change_label")
def change_label_filter(key: object) -> str:
    """An audit row's changed field in words ('phase' → 'giai đoạn')."""
    return change_label(str(key))
