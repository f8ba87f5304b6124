"""Engine inputs: an index set, the units' entries and the period's settings (SPEC §4, §8).

Plain frozen dataclasses; ``appraisal.scoring.adapters`` builds them from the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, localcontext

from .errors import EngineError
from .rounding import ENGINE_CONTEXT
from .rules import DEFAULT_SURVEY_WEIGHTS, Rule, survey_weights_key

__all__ = [
    "ADJUSTMENT_METHODS",
    "AdjustmentGroup",
    "TREE_METHODS",
    "Field",
    "GroupInput",
    "IndexSet",
    "ItemValues",
    "Leaf",
    "PeriodInput",
    "Settings",
    "UnitInput",
]

# Methods of leaves inside the 100-point tree, and of the bonus/penalty adjustments outside it.
TREE_METHODS = frozenset({"appraisal", "survey"})
ADJUSTMENT_METHODS = frozenset({"bonus", "penalty"})


def _vn(x: Decimal) -> str:
    text = format(x.normalize(), "f") if not x.is_zero() else "0"
    return text.replace(".", ",")


@dataclass(frozen=True, slots=True)
class Leaf:
    """A leaf of the index set: the node that is scored.

    Bonus and penalty leaves (codes such as ``T1``, ``P1``) have ``field_code == code`` and stay outside the
    100-point tree. ``excluded_tags``: units carrying any of these tags do not have this item.
    """

    code: str
    field_code: str
    title: str
    max_points: Decimal
    method: str
    rule: Rule
    excluded_tags: frozenset[str] = frozenset()
    # The adjustment group directly holding a bonus/penalty leaf ('9.1' for '9.1.2'); None for T1/P1.
    group: str | None = None

    @property
    def in_tree(self) -> bool:
        """True for appraisal and survey leaves, which count in the unit's maximum."""
        return self.method in TREE_METHODS


@dataclass(frozen=True, slots=True)
class Field:
    """A top-level node (lĩnh vực) of the 100-point tree; bonus and penalty are not fields."""

    code: str
    title: str
    max_points: Decimal


@dataclass(frozen=True, slots=True)
class AdjustmentGroup:
    """A node of an adjustment content (SPEC §4, §10), outside the scale: '9' Điểm thưởng, điểm trừ, '9.1'
    Điểm thưởng (max 3), '9.2' Điểm trừ (max 5), or an older set's block 'Điểm trừ' over its penalty items.

    ``max_points`` caps the sum of its children (which may add up to more); None: no cap (a content holding
    both bonus and penalty groups has none). ``method`` is 'bonus' or 'penalty' when every leaf under it is
    of that method, None for a content holding both. ``parent``: the enclosing group's code.
    """

    code: str
    title: str
    method: str | None
    max_points: Decimal | None
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class IndexSet:
    """One group's index set (Bộ chỉ số) for one period: its fields and its leaves, in display order.

    Construction checks what the engine relies on: unique codes, every tree leaf in an existing field, each
    field's max equal to the sum of its leaves' max, and each leaf's rule parsed for that leaf.
    """

    group_code: str
    version: str
    fields: tuple[Field, ...]
    leaves: tuple[Leaf, ...]
    adjustments: tuple[AdjustmentGroup, ...] = ()
    # Pre-parsed computation plans, built once per survey weighting (see compute.py).
    _plans: dict[object, object] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        field_codes = {f.code for f in self.fields}
        if len(field_codes) != len(self.fields):
            raise EngineError("Mã lĩnh vực bị lặp lại trong bộ chỉ số.")
        leaf_sums: dict[str, Decimal] = dict.fromkeys(field_codes, Decimal(0))
        groups = {g.code: g for g in self.adjustments}
        if len(groups) != len(self.adjustments) or field_codes & groups.keys():
            raise EngineError("Mã nhóm điểm thưởng/trừ bị lặp lại hoặc trùng mã lĩnh vực.")
        for g in self.adjustments:
            if g.parent is not None and g.parent not in groups:
                raise EngineError(f"Nhóm điểm thưởng/trừ «{g.code}»: không có nhóm cha «{g.parent}».")
            if g.max_points is not None and (g.method is None or g.max_points <= 0):
                raise EngineError(
                    f"Nhóm «{g.code}»: chỉ nhóm toàn điểm thưởng hoặc toàn điểm trừ mới có điểm tối đa (> 0)."
                )
        seen: set[str] = set(groups)
        for leaf in self.leaves:
            if leaf.code in seen:
                raise EngineError(f"Mã tiêu chí «{leaf.code}» bị lặp lại.")
            seen.add(leaf.code)
            if leaf.rule.method != leaf.method or leaf.rule.max_points != leaf.max_points:
                raise EngineError(
                    f"Tiêu chí «{leaf.code}»: cách chấm được đọc cho phương pháp hoặc điểm tối đa khác."
                )
            if leaf.in_tree:
                if leaf.field_code not in field_codes:
                    raise EngineError(
                        f"Tiêu chí «{leaf.code}» thuộc lĩnh vực «{leaf.field_code}» không có trong bộ chỉ số."
                    )
                leaf_sums[leaf.field_code] = ENGINE_CONTEXT.add(leaf_sums[leaf.field_code], leaf.max_points)
            elif leaf.group is not None:
                group = groups.get(leaf.group)
                if group is None or group.method not in (None, leaf.method):
                    raise EngineError(
                        f"Điểm thưởng/trừ «{leaf.code}» thuộc nhóm «{leaf.group}» không có hoặc khác loại."
                    )
            elif leaf.field_code != leaf.code or leaf.code in field_codes:
                raise EngineError(
                    f"Điểm thưởng/trừ «{leaf.code}» phải là mục riêng, ngoài các lĩnh vực của bộ chỉ số."
                )
        for f in self.fields:
            if leaf_sums[f.code] != f.max_points:
                raise EngineError(
                    f"Lĩnh vực «{f.code}»: điểm tối đa {_vn(f.max_points)} khác tổng điểm tối đa "
                    f"các tiêu chí {_vn(leaf_sums[f.code])}."
                )

    @property
    def scale(self) -> Decimal:
        """The set's scale: the sum of its fields' max (usually 100; 60 for a 40 + 20 set)."""
        with localcontext(ENGINE_CONTEXT):
            return sum((f.max_points for f in self.fields), Decimal(0))


@dataclass(frozen=True, slots=True)
class ItemValues:
    """A unit's raw inputs for one item, per layer (canonical text as the rule accepts it; None = none)."""

    self_value: str | None = None
    round1: str | None = None
    round2: str | None = None
    survey: str | None = None


@dataclass(frozen=True, slots=True)
class UnitInput:
    """A unit's entries for the period.

    ``values``: item code → inputs (codes outside the index set are ignored). ``excluded``: item code → the
    secretariat's reason for not applying it to this unit; the code of an inner node (a field or criterion)
    excludes every leaf under it. ``head_veto``: the council's veto reason. ``head_override``: (rating code,
    reason), applied last. ``previous_rank``: last year's rank in the group, for the rank change.
    """

    code: str
    name: str
    tags: frozenset[str] = frozenset()
    values: Mapping[str, ItemValues] = field(default_factory=dict)
    excluded: Mapping[str, str] = field(default_factory=dict)
    head_veto: str | None = None
    head_override: tuple[str, str] | None = None
    previous_rank: int | None = None


def _decimals(*pairs: tuple[str, int]) -> tuple[tuple[str, Decimal], ...]:
    return tuple((code, Decimal(threshold)) for code, threshold in pairs)


@dataclass(frozen=True, slots=True)
class Settings:
    """A period's scoring settings (SPEC §8).

    ``bands`` and ``head_ratings`` are (code, threshold) from the highest down, compared with the published
    (rounded) index; below the last threshold a unit is ``band_below`` / ``head_rating_below``.
    ``head_min_field_index``: when set, a head whose unit has an applicable field with a component index
    below it drops one rating level.
    """

    decimals: int = 2
    bands: tuple[tuple[str, Decimal], ...] = _decimals(
        ("xuat_sac", 90), ("tot", 80), ("kha", 70), ("trung_binh", 50)
    )
    head_ratings: tuple[tuple[str, Decimal], ...] = _decimals(("htxs", 90), ("htt", 80), ("ht", 70))
    survey_weights: Mapping[str, Decimal] = field(default_factory=lambda: dict(DEFAULT_SURVEY_WEIGHTS))
    head_min_field_index: Decimal | None = None
    band_below: str = "yeu"
    head_rating_below: str = "kht"

    def __post_init__(self) -> None:
        if not 0 <= self.decimals <= 10:
            raise EngineError("Số chữ số thập phân của chỉ số phải từ 0 đến 10.")
        for name, ladder in (("xếp loại", self.bands), ("mức độ hoàn thành nhiệm vụ", self.head_ratings)):
            thresholds = [threshold for _, threshold in ladder]
            if thresholds != sorted(thresholds, reverse=True) or len(set(thresholds)) != len(thresholds):
                raise EngineError(f"Các ngưỡng {name} phải giảm dần và không trùng nhau.")
        survey_weights_key(self.survey_weights)  # raises on a bad weighting

    @property
    def head_rating_ladder(self) -> tuple[str, ...]:
        """Head ratings from the best down, ending with the rating below every threshold."""
        return (*(code for code, _ in self.head_ratings), self.head_rating_below)

    @property
    def band_ladder(self) -> tuple[str, ...]:
        return (*(code for code, _ in self.bands), self.band_below)


@dataclass(frozen=True, slots=True)
class GroupInput:
    """A group (khối) of the period with its index set and units."""

    code: str
    name: str
    index_set: IndexSet
    units: tuple[UnitInput, ...]


@dataclass(frozen=True, slots=True)
class PeriodInput:
    """Everything the engine needs to compute a period's results."""

    year: int
    settings: Settings
    groups: tuple[GroupInput, ...]
