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
field by field, each applicable leaf's code and memo; scoring a unit is then one pass of lookups and Decimal
additions. A unit's field breakdown, item results and trace are derived when first read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

from . import explain
from .applicability import LeafScope, excluded_leaves, leaves_under
from .errors import EngineError, InputError
from .fingerprint import inputs_hash
from .labels import LAYER_LABELS
from .model import AdjustmentGroup, GroupInput, IndexSet, ItemValues, Leaf, PeriodInput, Settings, UnitInput
from .results import AdjustmentResult, FieldResult, GroupResult, ItemResult, PeriodResult, UnitResult
from .rounding import ENGINE_CONTEXT, format_vn, index_display
from .rules import PointsMemo, SurveyWeightsKey, survey_weights_key

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


# (leaf code, the memo of its rule): what the hot loop needs of a leaf.
_Entry = tuple[str, PointsMemo]


@dataclass(frozen=True, slots=True)
class _FieldPlan:
    code: str
    max_points: Decimal  # of the applicable leaves
    appraisal: tuple[_Entry, ...]
    survey: tuple[_Entry, ...]


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


class _Plan:
    """An index set prepared for computing under one survey weighting."""

    __slots__ = ("_excluded", "_variants", "exclusion_tags", "index_set", "scopes", "weights")

    def __init__(self, index_set: IndexSet, weights: SurveyWeightsKey) -> None:
        self.index_set = index_set
        self.weights = weights
        self.scopes = tuple(
            LeafScope(leaf.code, leaf.field_code, leaf.excluded_tags) for leaf in index_set.leaves
        )
        self.exclusion_tags = frozenset(tag for leaf in index_set.leaves for tag in leaf.excluded_tags)
        self._variants: dict[frozenset[str], _Applicable] = {}
        # (the unit's tags that exclude something, the codes the secretariat excluded) → excluded leaf codes
        self._excluded: dict[tuple[frozenset[str], frozenset[str]], frozenset[str]] = {}

    def applicable(self, excluded: frozenset[str]) -> _Applicable:
        found = self._variants.get(excluded)
        if found is None:
            found = self._variants[excluded] = self._build(excluded)
        return found

    def _build(self, excluded: frozenset[str]) -> _Applicable:
        leaves = [leaf for leaf in self.index_set.leaves if leaf.code not in excluded]

        def entries(method: str, field_code: str | None = None) -> tuple[_Entry, ...]:
            return tuple(
                (leaf.code, leaf.rule.memo(self.weights))
                for leaf in leaves
                if leaf.method == method
                and (field_code is None or leaf.field_code == field_code)
                and (leaf.in_tree or leaf.group is None)
            )

        def grouped(method: str, group: str) -> tuple[_Entry, ...]:
            return tuple(
                (leaf.code, leaf.rule.memo(self.weights))
                for leaf in leaves
                if leaf.method == method and leaf.group == group
            )

        def group_plan(group: AdjustmentGroup) -> _GroupPlan:
            return _GroupPlan(
                group=group,
                bonus=grouped("bonus", group.code),
                penalty=grouped("penalty", group.code),
                children=tuple(
                    group_plan(child) for child in self.index_set.adjustments if child.parent == group.code
                ),
            )

        fields = tuple(
            _FieldPlan(
                code=f.code,
                max_points=sum(
                    (leaf.max_points for leaf in leaves if leaf.in_tree and leaf.field_code == f.code), _ZERO
                ),
                appraisal=entries("appraisal", f.code),
                survey=entries("survey", f.code),
            )
            for f in self.index_set.fields
        )
        return _Applicable(
            excluded=excluded,
            max_points=sum((f.max_points for f in fields), _ZERO),
            fields=fields,
            bonus=entries("bonus"),
            penalty=entries("penalty"),
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
    field_points: tuple[Decimal, ...]


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

    A memo gives 0 for a layer without input and raises InputError for an invalid one; the error is then
    located item by item so that its message names the unit, the item and the layer.
    """
    applicable = plan.applicable(plan.excluded_codes(unit))
    get = unit.values.get
    self_points = appraisal = surveyed = _NO_POINTS
    field_points = []
    try:
        for field_plan in applicable.fields:
            field_appraisal = _NO_POINTS
            for code, memo in field_plan.appraisal:
                values = get(code)
                if values is not None:
                    field_appraisal += memo[values.round2 or values.round1]
                    self_points += memo[values.self_value]
            field_survey = _NO_POINTS
            for code, memo in field_plan.survey:
                values = get(code)
                if values is not None:
                    field_survey += memo[values.survey]
            appraisal += field_appraisal
            surveyed += field_survey
            field_points.append(field_appraisal + field_survey)
        bonus = _adjustment(applicable.bonus, unit)
        penalty = _adjustment(applicable.penalty, unit)
        for node in applicable.groups:
            group_bonus, group_penalty = _group_points(node, unit)
            bonus += group_bonus
            penalty += group_penalty
    except InputError:
        _locate_input_error(plan, applicable, unit)
        raise
    max_points = applicable.max_points
    total = appraisal + surveyed + bonus - penalty
    if total < _ZERO:
        total = _NO_POINTS
    elif total > max_points:
        total = max_points
    index = total * _HUNDRED / max_points if max_points else _ZERO
    return _Score(
        unit, applicable, self_points, appraisal, surveyed, bonus, penalty, total, index, tuple(field_points)
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
        low = [
            (field_plan.code, points * _HUNDRED / field_plan.max_points)
            for field_plan, points in zip(score.applicable.fields, score.field_points, strict=True)
            if field_plan.max_points and points * _HUNDRED < minimum * field_plan.max_points
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
        field_points: tuple[Decimal, ...] = (),
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
                for f, plan, points in zip(
                    self._plan.index_set.fields, self._applicable.fields, self._field_points, strict=True
                ):
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
        if self._items is None:
            with localcontext(ENGINE_CONTEXT):
                self._items = tuple(self._item(leaf) for leaf in self._plan.index_set.leaves)
        return self._items

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
        rank_change=None if rank is None or unit.previous_rank is None else unit.previous_rank - rank,
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
