"""Totals, index, ranking, bands and head ratings of a period (SPEC §8).

- Item final points: appraisal, bonus and penalty items take round 2, else round 1 (else 0); survey items
  take the survey value.
- Unit max: the sum of the max of the unit's applicable leaves in the 100-point tree. A leaf does not apply
  when the unit carries one of its ``excluded_tags`` or the secretariat excluded it for the unit.
- Total: appraisal + survey + bonus − penalty, kept within [0, unit max].
- Index: total / unit max × 100, unrounded (28 significant digits); published rounded half up to the
  period's decimals. Bands and head ratings compare the published figure.
- Ranking inside each group by the unrounded index: exactly equal indices share a rank (1, 2, 2, 4).

Speed (a national period is 3,300 units × 100 items): rules are interned and memoise their points per distinct
input; each index set becomes a plan once (per survey weighting and per distinct set of exclusions) that lists,
field by field, each applicable leaf's code and memo; scoring a unit is then one pass of lookups and additions
of exact ints of ten-thousandths of a point, each total made a 4-place Decimal once. A unit's field breakdown,
item results and trace are derived when first read; item results are shared by units with the same inputs.
Where the time goes: docs/performance.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext

from . import explain
from .applicability import LeafScope, excluded_leaves, leaves_under
from .errors import EngineError, InputError
from .fingerprint import inputs_hash
from .labels import LAYER_LABELS
from .model import AdjustmentGroup, GroupInput, IndexSet, ItemValues, Leaf, PeriodInput, Settings, UnitInput
from .results import AdjustmentResult, FieldResult, GroupResult, ItemResult, PeriodResult, UnitResult
from .rounding import ENGINE_CONTEXT, format_vn, index_display
from .rules import PointsMemo, SurveyWeightsKey, TenThousandthsMemo, survey_weights_key

__all__ = [
    "ENGINE_VERSION",
    "FieldResult",
    "GroupResult",
    "ItemResult",
    "PeriodResult",
    "UnitResult",
    "AdjustmentTotals",
    "adjustment_totals",
    "compute_period",
    "compute_unit",
    "inputs_hash",
]

ENGINE_VERSION = "1.0"

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_NO_POINTS = Decimal("0.0000")  # sums of 4-place points start here, so that they print with 4 places
_NO_VALUES = ItemValues()
_NO_CODES: frozenset[str] = frozenset()
_MAX_SHARED_ITEMS = 500_000
_TEN_THOUSANDTH = Decimal("0.0001")  # an int of ten-thousandths × this = the 4-place Decimal, exactly


# (leaf code, the memo of its rule): what the hot loop needs of a leaf.
_Entry = tuple[str, PointsMemo]


# (leaf code, its points in ten-thousandths of a point): what the hot loop sums.
_UnitsEntry = tuple[str, TenThousandthsMemo]


@dataclass(frozen=True, slots=True)
class _FieldPlan:
    code: str
    max_points: Decimal  # of the applicable leaves
    appraisal: tuple[_Entry, ...]
    survey: tuple[_Entry, ...]
    appraisal_units: tuple[_UnitsEntry, ...] = ()
    survey_units: tuple[_UnitsEntry, ...] = ()

    @classmethod
    def of(cls, code: str, max_points: Decimal, appraisal: list[_Entry], survey: list[_Entry]) -> _FieldPlan:
        return cls(
            code=code,
            max_points=max_points,
            appraisal=tuple(appraisal),
            survey=tuple(survey),
            appraisal_units=tuple((c, memo.ten_thousandths()) for c, memo in appraisal),
            survey_units=tuple((c, memo.ten_thousandths()) for c, memo in survey),
        )


@dataclass(frozen=True, slots=True)
class _GroupPlan:
    """An adjustment group: its own leaves, its child groups and its cap."""

    group: AdjustmentGroup
    bonus: tuple[_Entry, ...]
    penalty: tuple[_Entry, ...]
    children: tuple[_GroupPlan, ...]


@dataclass(frozen=True, slots=True)
class _Applicable:
    """The leaves that apply to the units sharing one set of excluded leaves, ready for the hot loop.

    ``bonus`` and ``penalty`` are the stand-alone adjustment leaves (T1, P1); ``groups`` the top-level
    adjustment contents ('9') with their capped groups inside.
    """

    excluded: frozenset[str]
    max_points: Decimal
    fields: tuple[_FieldPlan, ...]
    bonus: tuple[_Entry, ...]
    penalty: tuple[_Entry, ...]
    groups: tuple[_GroupPlan, ...] = ()
    # head_min_field_index → per field, the points (in ten-thousandths) under which its component index is
    # below that minimum: points × 100 < minimum × field max  ⇔  ten-thousandths < minimum × field max × 100.
    _field_floors: dict[Decimal, tuple[Decimal, ...]] = field(default_factory=dict, compare=False)

    def field_floors(self, minimum: Decimal) -> tuple[Decimal, ...]:
        found = self._field_floors.get(minimum)
        if found is None:
            found = self._field_floors[minimum] = tuple(
                minimum * f.max_points * _HUNDRED for f in self.fields
            )
        return found


class _Plan:
    """An index set prepared for computing under one survey weighting."""

    __slots__ = (
        "_excluded",
        "_leaf_memos",
        "_variants",
        "exclusion_tags",
        "index_set",
        "item_results",
        "scopes",
        "weights",
    )

    def __init__(self, index_set: IndexSet, weights: SurveyWeightsKey) -> None:
        self.index_set = index_set
        self.weights = weights
        self.scopes = tuple(
            LeafScope(leaf.code, leaf.field_code, leaf.excluded_tags) for leaf in index_set.leaves
        )
        self.exclusion_tags = frozenset(tag for leaf in index_set.leaves for tag in leaf.excluded_tags)
        # (the unit's tags that exclude something, the codes the secretariat excluded) → excluded leaf codes
        self._excluded: dict[tuple[frozenset[str], frozenset[str]], frozenset[str]] = {}
        self._variants: dict[frozenset[str], _Applicable] = {}
        self._leaf_memos: tuple[tuple[Leaf, PointsMemo], ...] | None = None
        # (leaf code, inputs) → the applicable item's result: results are immutable and inputs repeat (every
        # «Có», every «100%»), so units with the same inputs on an item share one ItemResult.
        self.item_results: dict[tuple[str, ItemValues], ItemResult] = {}

    def leaf_memos(self) -> tuple[tuple[Leaf, PointsMemo], ...]:
        """Every leaf with the memo of its rule under this plan's weighting, in the set's order."""
        if self._leaf_memos is None:
            self._leaf_memos = tuple((leaf, leaf.rule.memo(self.weights)) for leaf in self.index_set.leaves)
        return self._leaf_memos

    def applicable(self, excluded: frozenset[str]) -> _Applicable:
        found = self._variants.get(excluded)
        if found is None:
            found = self._variants[excluded] = self._build(excluded)
        return found

    def _build(self, excluded: frozenset[str]) -> _Applicable:
        """One pass over the leaves: each applicable leaf's (code, memo) under its field and method, or under
        its adjustment group; built once per distinct set of excluded leaves, so it must stay cheap."""
        weights = self.weights
        fields = self.index_set.fields
        appraisal: dict[str, list[_Entry]] = {f.code: [] for f in fields}
        survey: dict[str, list[_Entry]] = {f.code: [] for f in fields}
        field_max = dict.fromkeys(appraisal, _ZERO)
        adjustments: dict[str, list[_Entry]] = {"bonus": [], "penalty": []}
        grouped: dict[tuple[str, str], list[_Entry]] = {}
        for leaf in self.index_set.leaves:
            if leaf.code in excluded:
                continue
            method = leaf.method
            entry = (leaf.code, leaf.rule.memo(weights))
            if method == "appraisal" or method == "survey":
                if leaf.field_code in field_max:
                    field_max[leaf.field_code] += leaf.max_points
                    (appraisal if method == "appraisal" else survey)[leaf.field_code].append(entry)
            elif leaf.group is None:
                adjustments[method].append(entry)
            else:
                grouped.setdefault((method, leaf.group), []).append(entry)

        def group_plan(group: AdjustmentGroup) -> _GroupPlan:
            return _GroupPlan(
                group=group,
                bonus=tuple(grouped.get(("bonus", group.code), ())),
                penalty=tuple(grouped.get(("penalty", group.code), ())),
                children=tuple(
                    group_plan(child) for child in self.index_set.adjustments if child.parent == group.code
                ),
            )

        field_plans = tuple(
            _FieldPlan.of(f.code, field_max[f.code], appraisal[f.code], survey[f.code]) for f in fields
        )
        return _Applicable(
            excluded=excluded,
            max_points=sum((f.max_points for f in field_plans), _ZERO),
            fields=field_plans,
            bonus=tuple(adjustments["bonus"]),
            penalty=tuple(adjustments["penalty"]),
            groups=tuple(group_plan(g) for g in self.index_set.adjustments if g.parent is None),
        )

    def excluded_codes(self, unit: UnitInput) -> frozenset[str]:
        """Codes of the leaves that do not apply to the unit (:func:`applicability.excluded_leaves`)."""
        if not unit.excluded and self.exclusion_tags.isdisjoint(unit.tags):
            return _NO_CODES
        key = (self.exclusion_tags & unit.tags, frozenset(unit.excluded))
        found = self._excluded.get(key)
        if found is None:
            for code in unit.excluded:
                if not leaves_under(code, self.scopes):
                    raise InputError(
                        f"Đơn vị «{unit.code}»: mã «{code}» được loại trừ nhưng không có trong bộ chỉ số.",
                        unit_code=unit.code,
                        item_code=code,
                    )
            found = self._excluded[key] = frozenset(
                excluded_leaves(leaves=self.scopes, tags=unit.tags, excluded=unit.excluded)
            )
        return found

    def excluded_reason(self, unit: UnitInput, leaf: Leaf) -> str | None:
        """Why a leaf does not apply to the unit, or None when it applies."""
        scope = LeafScope(leaf.code, leaf.field_code, leaf.excluded_tags)
        return excluded_leaves(leaves=(scope,), tags=unit.tags, excluded=unit.excluded).get(leaf.code)


def _plan(index_set: IndexSet, weights: SurveyWeightsKey) -> _Plan:
    plan = index_set._plans.get(weights)
    if not isinstance(plan, _Plan):
        plan = index_set._plans[weights] = _Plan(index_set, weights)
    return plan


def _layer_points(plan: _Plan, unit: UnitInput, leaf: Leaf, raw: str | None, layer: str) -> Decimal | None:
    """Points of one layer's input (None when there is none), naming the unit, item and layer on error."""
    if not raw:
        return None
    try:
        return leaf.rule.memo(plan.weights)[raw]
    except InputError as error:
        raise InputError(
            f"Đơn vị «{unit.code}», tiêu chí {leaf.code} ({LAYER_LABELS[layer]}): {error.message}",
            unit_code=unit.code,
            item_code=leaf.code,
            layer=layer,
        )


def _locate_input_error(plan: _Plan, applicable: _Applicable, unit: UnitInput) -> None:
    """Evaluate the unit's inputs one by one, so that the invalid one raises an error naming it."""
    for leaf in plan.index_set.leaves:
        if leaf.code in applicable.excluded:
            continue
        values = unit.values.get(leaf.code, _NO_VALUES)
        layers = (
            (("survey", values.survey),)
            if leaf.method == "survey"
            else (("self", values.self_value), ("round1", values.round1), ("round2", values.round2))
        )
        for layer, raw in layers:
            _layer_points(plan, unit, leaf, raw, layer)


@dataclass(slots=True)
class _Score:
    """A unit's numbers before ranking."""

    unit: UnitInput
    applicable: _Applicable
    self_points: Decimal
    appraisal_points: Decimal
    survey_points: Decimal
    bonus_points: Decimal
    penalty_points: Decimal
    total_points: Decimal
    index: Decimal
    field_points: tuple[int, ...]  # in ten-thousandths of a point (see TenThousandthsMemo)


def _points(ten_thousandths: int) -> Decimal:
    """The 4-place Decimal of an int of ten-thousandths (exact: the same value and exponent as the sum of the
    4-place Decimals it counts, started from 0.0000)."""
    return Decimal(ten_thousandths) * _TEN_THOUSANDTH


def _adjustment(entries: tuple[_Entry, ...], unit: UnitInput) -> Decimal:
    """Sum of the final (round 2, else round 1) points of bonus or penalty leaves."""
    total = _NO_POINTS
    get = unit.values.get
    for code, memo in entries:
        values = get(code)
        if values is not None:
            total += memo[values.round2 or values.round1]
    return total


def _group_points(
    node: _GroupPlan, unit: UnitInput, out: list[AdjustmentResult] | None = None
) -> tuple[Decimal, Decimal]:
    """(bonus, penalty) of an adjustment group: its leaves plus its child groups, each capped by its max.

    A group's max caps the sum of its children (SPEC §10: 'a node's max is a cap on the sum of its
    children'); ``out`` collects every group's claimed and capped points, children first.
    """
    bonus = _adjustment(node.bonus, unit)
    penalty = _adjustment(node.penalty, unit)
    for child in node.children:
        child_bonus, child_penalty = _group_points(child, unit, out)
        bonus += child_bonus
        penalty += child_penalty
    return _cap(node.group, bonus, penalty, out)


def _cap(
    group: AdjustmentGroup, bonus: Decimal, penalty: Decimal, out: list[AdjustmentResult] | None
) -> tuple[Decimal, Decimal]:
    """Apply a group's cap to the (bonus, penalty) summed under it; record the group's figures in ``out``."""
    claimed = bonus if group.method == "bonus" else penalty
    if group.max_points is not None:
        if group.method == "bonus" and bonus > group.max_points:
            bonus = group.max_points
        elif group.method == "penalty" and penalty > group.max_points:
            penalty = group.max_points
    if out is not None:
        out.append(
            AdjustmentResult(
                code=group.code,
                title=group.title,
                method=group.method,
                max_points=group.max_points,
                claimed=claimed if group.method is not None else bonus - penalty,
                points=(bonus if group.method == "bonus" else penalty) if group.method else bonus - penalty,
            )
        )
    return bonus, penalty


@dataclass(frozen=True, slots=True)
class AdjustmentTotals:
    """Bonus and penalty of one layer after every group's cap, and each group's claimed and counted points
    in the index set's order."""

    bonus: Decimal
    penalty: Decimal
    groups: tuple[AdjustmentResult, ...]


def adjustment_totals(
    groups: Sequence[AdjustmentGroup], leaves: Iterable[tuple[str, str | None, Decimal]]
) -> AdjustmentTotals:
    """Bonus and penalty of any one layer (the unit's own claims, round 1, …) with the groups' caps applied,
    by the same rule as the final result (SPEC §10: a node's max caps the sum of its children).

    ``leaves``: (method, code of the group directly holding the leaf or None for T1/P1, points) of each
    applicable bonus or penalty leaf, its points already within its own max.
    """
    by_group: dict[str | None, tuple[Decimal, Decimal]] = {}
    for method, group, points in leaves:
        b, p = by_group.get(group, (_NO_POINTS, _NO_POINTS))
        by_group[group] = (b + points, p) if method == "bonus" else (b, p + points)
    children: dict[str | None, list[AdjustmentGroup]] = {}
    for g in groups:
        children.setdefault(g.parent, []).append(g)
    out: list[AdjustmentResult] = []

    def walk(group: AdjustmentGroup) -> tuple[Decimal, Decimal]:
        b, p = by_group.get(group.code, (_NO_POINTS, _NO_POINTS))
        for child in children.get(group.code, ()):
            cb, cp = walk(child)
            b, p = b + cb, p + cp
        return _cap(group, b, p, out)

    with localcontext(ENGINE_CONTEXT):
        bonus, penalty = by_group.get(None, (_NO_POINTS, _NO_POINTS))
        for top in children.get(None, ()):
            b, p = walk(top)
            bonus, penalty = bonus + b, penalty + p
    order = {g.code: i for i, g in enumerate(groups)}
    return AdjustmentTotals(bonus, penalty, tuple(sorted(out, key=lambda a: order[a.code])))


def _score(plan: _Plan, unit: UnitInput) -> _Score:
    """Sum a unit's points by field and method. Runs inside ``localcontext(ENGINE_CONTEXT)``.

    The appraisal and survey leaves (nearly all of a unit's items) are summed as exact ints of ten-thousandths
    of a point (``TenThousandthsMemo``): adding ints is several times cheaper than adding Decimals, and each
    total becomes a 4-place Decimal once. A memo gives 0 for a layer without input and raises InputError for
    an invalid one; the error is then located item by item so that its message names the unit, the item and
    the layer.
    """
    applicable = plan.applicable(plan.excluded_codes(unit))
    get = unit.values.get
    self_units = appraisal_units = survey_units = 0
    field_units = []
    try:
        for field_plan in applicable.fields:
            field_appraisal = 0
            for code, memo in field_plan.appraisal_units:
                values = get(code)
                if values is not None:
                    field_appraisal += memo[values.round2 or values.round1]
                    self_units += memo[values.self_value]
            field_survey = 0
            for code, memo in field_plan.survey_units:
                values = get(code)
                if values is not None:
                    field_survey += memo[values.survey]
            appraisal_units += field_appraisal
            survey_units += field_survey
            field_units.append(field_appraisal + field_survey)
        bonus = _adjustment(applicable.bonus, unit)
        penalty = _adjustment(applicable.penalty, unit)
        for node in applicable.groups:
            group_bonus, group_penalty = _group_points(node, unit)
            bonus += group_bonus
            penalty += group_penalty
    except InputError:
        _locate_input_error(plan, applicable, unit)
        raise
    appraisal = _points(appraisal_units)
    surveyed = _points(survey_units)
    max_points = applicable.max_points
    total = appraisal + surveyed + bonus - penalty
    if total < _ZERO:
        total = _NO_POINTS
    elif total > max_points:
        total = max_points
    index = total * _HUNDRED / max_points if max_points else _ZERO
    return _Score(
        unit,
        applicable,
        _points(self_units),
        appraisal,
        surveyed,
        bonus,
        penalty,
        total,
        index,
        tuple(field_units),
    )


def _band(index_display: Decimal, settings: Settings) -> str:
    for code, threshold in settings.bands:
        if index_display >= threshold:
            return code
    return settings.band_below


def _head_rating(index_display: Decimal, score: _Score, settings: Settings) -> tuple[str, str | None]:
    """The head of unit's rating and, when it is not the plain threshold one, why.

    Thresholds on the published index; then one level down when an applicable field's component index
    (unrounded) is below the period's minimum; then the council's veto (không hoàn thành); then a manual
    override, which always carries its reason.
    """
    rating = settings.head_rating_below
    for code, threshold in settings.head_ratings:
        if index_display >= threshold:
            rating = code
            break
    reason: str | None = None
    unit = score.unit
    minimum = settings.head_min_field_index
    if minimum is not None and rating != settings.head_rating_below:
        applicable = score.applicable
        low = [
            (field_plan.code, _points(units) * _HUNDRED / field_plan.max_points)
            for field_plan, units, floor in zip(
                applicable.fields, score.field_points, applicable.field_floors(minimum), strict=True
            )
            if field_plan.max_points and units < floor
        ]
        if low:
            ladder = settings.head_rating_ladder
            rating = ladder[ladder.index(rating) + 1]
            listed = ", ".join(
                f"lĩnh vực {code} ({format_vn(index, settings.decimals)}%)" for code, index in low
            )
            reason = f"Hạ một mức vì chỉ số thành phần thấp hơn {explain.number(minimum)}%: {listed}."
    if unit.head_veto is not None:
        if not unit.head_veto.strip():
            raise EngineError(f"Đơn vị «{unit.code}»: phủ quyết mức độ hoàn thành nhiệm vụ phải có lý do.")
        rating = settings.head_rating_below
        reason = f"Hội đồng phủ quyết: {unit.head_veto.strip()}"
    if unit.head_override is not None:
        code, why = unit.head_override
        ladder = settings.head_rating_ladder
        if code not in ladder:
            raise EngineError(f"Đơn vị «{unit.code}»: mức «{code}» không có; chọn {', '.join(ladder)}.")
        if not why.strip():
            raise EngineError(f"Đơn vị «{unit.code}»: điều chỉnh mức độ hoàn thành nhiệm vụ phải có lý do.")
        rating = code
        reason = f"Điều chỉnh: {why.strip()}"
    return rating, reason


class _Details:
    """Builds a unit's field results, item results and trace when first asked, from the inputs that gave its
    numbers; the hot loop leaves them out."""

    __slots__ = (
        "_adjustments",
        "_applicable",
        "_field_points",
        "_fields",
        "_items",
        "_plan",
        "_settings",
        "_trace",
        "_unit",
    )

    def __init__(
        self,
        plan: _Plan,
        applicable: _Applicable,
        unit: UnitInput,
        settings: Settings,
        field_points: tuple[int, ...] = (),
    ) -> None:
        self._plan = plan
        self._applicable = applicable
        self._unit = unit
        self._settings = settings
        self._field_points = field_points
        self._fields: tuple[FieldResult, ...] | None = None
        self._items: tuple[ItemResult, ...] | None = None
        self._trace: tuple[str, ...] | None = None
        self._adjustments: tuple[AdjustmentResult, ...] | None = None

    def adjustments(self) -> tuple[AdjustmentResult, ...]:
        if self._adjustments is None:
            out: list[AdjustmentResult] = []
            with localcontext(ENGINE_CONTEXT):
                for node in self._applicable.groups:
                    _group_points(node, self._unit, out)
            order = {g.code: i for i, g in enumerate(self._plan.index_set.adjustments)}
            self._adjustments = tuple(sorted(out, key=lambda a: order[a.code]))
        return self._adjustments

    def fields(self) -> tuple[FieldResult, ...]:
        if self._fields is None:
            with localcontext(ENGINE_CONTEXT):
                decimals = self._settings.decimals
                fields = []
                for f, plan, units in zip(
                    self._plan.index_set.fields, self._applicable.fields, self._field_points, strict=True
                ):
                    points = _points(units)
                    index = points * _HUNDRED / plan.max_points if plan.max_points else None
                    fields.append(
                        FieldResult(
                            code=f.code,
                            title=f.title,
                            points=points,
                            max_points=plan.max_points,
                            index=index,
                            index_display=None if index is None else index_display(index, decimals),
                        )
                    )
                self._fields = tuple(fields)
        return self._fields

    def items(self) -> tuple[ItemResult, ...]:
        """Every leaf's result. A snapshot asks this of every unit (330,000 items for a national period), so
        an applicable leaf takes the short way: its memo's points of each layer, no error handling per layer;
        an excluded leaf, or a unit with an invalid input, takes :meth:`_item`, which names the error."""
        if self._items is None:
            with localcontext(ENGINE_CONTEXT):
                try:
                    self._items = self._applicable_items()
                except InputError:
                    self._items = tuple(self._item(leaf) for leaf in self._plan.index_set.leaves)
        return self._items

    def _applicable_items(self) -> tuple[ItemResult, ...]:
        get = self._unit.values.get
        excluded = self._applicable.excluded
        shared = self._plan.item_results
        if len(shared) > _MAX_SHARED_ITEMS:
            shared.clear()
        out = []
        for leaf, memo in self._plan.leaf_memos():
            if leaf.code in excluded:
                out.append(self._item(leaf))
                continue
            values = get(leaf.code, _NO_VALUES)
            key = (leaf.code, values)
            found = shared.get(key)
            if found is not None:
                out.append(found)
                continue
            self_value = values.self_value
            self_points = round1 = round2 = None
            layer = raw = None
            if leaf.method == "survey":
                if values.survey:
                    layer, raw = "survey", values.survey
                    final = memo[raw]
            else:
                if self_value:
                    self_points = memo[self_value]
                if values.round1:
                    layer, raw = "round1", values.round1
                    final = round1 = memo[raw]
                if values.round2:
                    layer, raw = "round2", values.round2
                    final = round2 = memo[raw]
            found = shared[key] = ItemResult(
                leaf.code,
                leaf.field_code,
                leaf.method,
                leaf.max_points,
                True,
                None,
                layer,
                None if raw is None else leaf.rule.normalize_input(raw),
                _NO_POINTS if raw is None else final,
                self_value,
                self_points,
                round1,
                round2,
                leaf.rule.text,
            )
            out.append(found)
        return tuple(out)

    def _item(self, leaf: Leaf) -> ItemResult:
        plan, unit = self._plan, self._unit
        values = unit.values.get(leaf.code, _NO_VALUES)
        reason = plan.excluded_reason(unit, leaf) if leaf.code in self._applicable.excluded else None
        self_points = round1 = round2 = None
        layer: str | None = None
        raw: str | None = None
        if reason is None and leaf.method == "survey":
            if values.survey:
                layer, raw = "survey", values.survey
        elif reason is None:
            self_points = _layer_points(plan, unit, leaf, values.self_value, "self")
            round1 = _layer_points(plan, unit, leaf, values.round1, "round1")
            round2 = _layer_points(plan, unit, leaf, values.round2, "round2")
            if values.round2:
                layer, raw = "round2", values.round2
            elif values.round1:
                layer, raw = "round1", values.round1
        final = _layer_points(plan, unit, leaf, raw, layer) if layer is not None else None
        return ItemResult(
            code=leaf.code,
            field_code=leaf.field_code,
            method=leaf.method,
            max_points=leaf.max_points,
            applicable=reason is None,
            excluded_reason=reason,
            layer=layer,
            value=leaf.rule.normalize_input(raw) if raw else None,
            points=final if final is not None else _NO_POINTS,
            self_value=values.self_value,
            self_points=self_points,
            round1_points=round1,
            round2_points=round2,
            rule_text=leaf.rule.text,
        )

    def trace(self, result: UnitResult) -> tuple[str, ...]:
        if self._trace is None:
            index_set = self._plan.index_set
            excluded = tuple(
                leaf for leaf in index_set.leaves if leaf.in_tree and leaf.code in self._applicable.excluded
            )
            with localcontext(ENGINE_CONTEXT):
                self._trace = explain.unit_trace(
                    result, index_set.scale, excluded, self._unit, self._settings
                )
        return self._trace


def rank_change(previous_rank: int | None, rank: int | None) -> int | None:
    """Tăng/giảm bậc: previous rank − rank (positive: moved up), None when either rank is unknown (SPEC §8:
    shown when the previous year exists)."""
    return None if rank is None or previous_rank is None else previous_rank - rank


def _result(plan: _Plan, score: _Score, settings: Settings, rank: int | None) -> UnitResult:
    unit = score.unit
    shown = index_display(score.index, settings.decimals)
    head_rating, head_rating_reason = _head_rating(shown, score, settings)
    return UnitResult(
        code=unit.code,
        name=unit.name,
        max_points=score.applicable.max_points,
        self_points=score.self_points,
        appraisal_points=score.appraisal_points,
        survey_points=score.survey_points,
        bonus_points=score.bonus_points,
        penalty_points=score.penalty_points,
        total_points=score.total_points,
        index=score.index,
        index_display=shown,
        rank=rank,
        rank_change=rank_change(unit.previous_rank, rank),
        band=_band(shown, settings),
        head_rating=head_rating,
        head_rating_reason=head_rating_reason,
        details=_Details(plan, score.applicable, unit, settings, score.field_points),
    )


def compute_unit(index_set: IndexSet, unit: UnitInput, settings: Settings) -> UnitResult:
    """One unit's result, without rank (ranking needs the whole group: see :func:`compute_period`)."""
    plan = _plan(index_set, survey_weights_key(settings.survey_weights))
    with localcontext(ENGINE_CONTEXT):
        return _result(plan, _score(plan, unit), settings, None)


def _compute_group(group: GroupInput, settings: Settings, weights: SurveyWeightsKey) -> GroupResult:
    plan = _plan(group.index_set, weights)
    scores = [_score(plan, unit) for unit in group.units]
    if len({score.unit.code for score in scores}) != len(scores):
        raise EngineError(f"Khối «{group.code}» có mã đơn vị bị lặp lại.")
    # Highest unrounded index first; equal indices share a rank (1, 2, 2, 4) and are listed by code.
    scores.sort(key=lambda score: score.unit.code)
    scores.sort(key=lambda score: score.index, reverse=True)
    units = []
    rank = 0
    previous: Decimal | None = None
    for position, score in enumerate(scores, start=1):
        if score.index != previous:
            rank, previous = position, score.index
        units.append(_result(plan, score, settings, rank))
    return GroupResult(code=group.code, name=group.name, scale=group.index_set.scale, units=tuple(units))


def compute_period(period: PeriodInput) -> PeriodResult:
    """Results of every group of the period: units' numbers, ranks, bands and head ratings."""
    weights = survey_weights_key(period.settings.survey_weights)
    if len({group.code for group in period.groups}) != len(period.groups):
        raise EngineError("Mã khối bị lặp lại trong kỳ đánh giá.")
    with localcontext(ENGINE_CONTEXT):
        groups = tuple(_compute_group(group, period.settings, weights) for group in period.groups)
    return PeriodResult(year=period.year, settings=period.settings, groups=groups)
