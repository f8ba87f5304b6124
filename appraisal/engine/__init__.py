"""ParIndex scoring engine: pure Python, standard library only (no Django).

Rules turn a unit's facts into points; :func:`compute_period` turns a period's inputs into totals, indices,
ranks, bands and head ratings; :func:`result_to_json` renders them for ``compute_results --json``.
"""

from .applicability import LeafScope, excluded_leaves, leaves_under
from .compute import (
    ENGINE_VERSION,
    AdjustmentTotals,
    adjustment_totals,
    compute_period,
    compute_unit,
    rank_change,
)
from .errors import EngineError, InputError, RuleError
from .explain import RANK_LINE, explain_item
from .fingerprint import canonical_inputs, inputs_hash
from .jsonout import result_to_json
from .labels import BAND_LABELS, HEAD_RATING_LABELS, LAYER_LABELS, METHOD_LABELS
from .model import (
    AdjustmentGroup,
    Field,
    GroupInput,
    IndexSet,
    ItemValues,
    Leaf,
    PeriodInput,
    Settings,
    UnitInput,
)
from .notice import NOTICE_KINDS, Notice, NoticeItem, NoticeLine, is_lowered, notice_build
from .results import (
    AdjustmentResult,
    FieldResult,
    GroupResult,
    ItemResult,
    PeriodResult,
    StoredDetails,
    UnitResult,
)
from .rounding import format_vn, index_display, parse_decimal, q4, round_half_up
from .rules import DEFAULT_SURVEY_WEIGHTS, KINDS, METHODS, Rule, Tier, parse_rule, validate_rule_text

__all__ = [
    "RANK_LINE",
    "AdjustmentGroup",
    "AdjustmentResult",
    "AdjustmentTotals",
    "BAND_LABELS",
    "DEFAULT_SURVEY_WEIGHTS",
    "ENGINE_VERSION",
    "HEAD_RATING_LABELS",
    "KINDS",
    "LAYER_LABELS",
    "METHODS",
    "METHOD_LABELS",
    "NOTICE_KINDS",
    "Notice",
    "NoticeItem",
    "NoticeLine",
    "EngineError",
    "Field",
    "FieldResult",
    "GroupInput",
    "GroupResult",
    "IndexSet",
    "InputError",
    "ItemResult",
    "ItemValues",
    "Leaf",
    "LeafScope",
    "PeriodInput",
    "PeriodResult",
    "Rule",
    "RuleError",
    "Settings",
    "StoredDetails",
    "Tier",
    "UnitInput",
    "UnitResult",
    "adjustment_totals",
    "canonical_inputs",
    "compute_period",
    "compute_unit",
    "excluded_leaves",
    "explain_item",
    "format_vn",
    "index_display",
    "inputs_hash",
    "is_lowered",
    "leaves_under",
    "notice_build",
    "parse_decimal",
    "parse_rule",
    "q4",
    "rank_change",
    "result_to_json",
    "round_half_up",
    "validate_rule_text",
]
