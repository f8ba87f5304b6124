"""Short builders of engine inputs for the engine's tests (pure Python, no Django)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from appraisal.engine import (
    Field,
    GroupInput,
    IndexSet,
    ItemValues,
    Leaf,
    PeriodInput,
    Settings,
    UnitInput,
    parse_rule,
)


class Make:
    """Short builders for engine inputs; numbers may be given as strings or ints."""

    @staticmethod
    def leaf(
        code: str,
        max_points: str | int,
        rule: str = "manual",
        method: str = "appraisal",
        tags: Iterable[str] = (),
        title: str | None = None,
    ) -> Leaf:
        points = Decimal(max_points)
        field_code = code.split(".")[0] if method in ("appraisal", "survey") else code
        return Leaf(
            code=code,
            field_code=field_code,
            title=title or f"Tiêu chí {code}",
            max_points=points,
            method=method,
            rule=parse_rule(rule, points, method),
            excluded_tags=frozenset(tags),
        )

    @staticmethod
    def index_set(*leaves: Leaf, group_code: str = "SO", version: str = "2023") -> IndexSet:
        """An index set whose fields are the tree leaves' field codes, each worth the sum of its leaves."""
        sums: dict[str, Decimal] = {}
        for leaf in leaves:
            if leaf.in_tree:
                sums[leaf.field_code] = sums.get(leaf.field_code, Decimal(0)) + leaf.max_points
        fields = tuple(Field(code, f"Lĩnh vực {code}", total) for code, total in sums.items())
        return IndexSet(group_code=group_code, version=version, fields=fields, leaves=tuple(leaves))

    @staticmethod
    def values(
        self_value: str | None = None,
        round1: str | None = None,
        round2: str | None = None,
        survey: str | None = None,
    ) -> ItemValues:
        return ItemValues(self_value=self_value, round1=round1, round2=round2, survey=survey)

    @staticmethod
    def unit(
        code: str,
        values: Mapping[str, ItemValues | str] | None = None,
        *,
        name: str | None = None,
        tags: Iterable[str] = (),
        excluded: Mapping[str, str] | None = None,
        head_veto: str | None = None,
        head_override: tuple[str, str] | None = None,
        previous_rank: int | None = None,
    ) -> UnitInput:
        """A plain string value is both the unit's claim and the round-1 appraisal."""
        items = {
            item: value if isinstance(value, ItemValues) else ItemValues(self_value=value, round1=value)
            for item, value in (values or {}).items()
        }
        return UnitInput(
            code=code,
            name=name or f"Đơn vị {code}",
            tags=frozenset(tags),
            values=items,
            excluded=dict(excluded or {}),
            head_veto=head_veto,
            head_override=head_override,
            previous_rank=previous_rank,
        )

    @staticmethod
    def period(
        index_set: IndexSet,
        *units: UnitInput,
        settings: Settings | None = None,
        group_code: str = "SO",
        year: int = 2023,
    ) -> PeriodInput:
        group = GroupInput(code=group_code, name="Các sở, ban, ngành", index_set=index_set, units=units)
        return PeriodInput(year=year, settings=settings or Settings(), groups=(group,))
