"""A unit's own page (issue 12): its index and rank when visible, component indices against the group
average, points lost by field and by criterion with the council's reasons, and its own trend over the years.
The row comes redacted by the access policy (``scoring.selectors.redact_row``) before anything is drawn."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from appraisal import engine
from appraisal.core.numbers import format_total
from appraisal.council import access
from appraisal.registry.models import Period, Unit
from appraisal.scoring.models import PublishedResult, UnitResultRow
from appraisal.scoring.selectors import UnitView, live_dicts, results_view
from appraisal.scoring.services import final_run

from .analytics import field_averages, idx
from .charts import Chart, bar_svg, value


@dataclass
class UnitPage:
    """What a unit's page reads of the period's results (what the cache keeps): the unit's row with its items,
    its group's name and size and the group's average component index per field."""

    row: UnitView
    group_code: str
    group_name: str
    group_size: int
    averages: dict[str, Decimal]


def unit_page_build(*, period: Period, code: str) -> UnitPage | None:
    """The unit's row and its group's averages; None when the unit has no result in the period. The official
    snapshot: every row without items, and the unit's own with them; while the period runs: one computation,
    the items of this unit only as dicts, and its row cut loose from the computation (its fields and
    adjustments given outright: what the cache keeps is this row, not the period's engine)."""
    official = final_run(period) is not None
    view = results_view(period=period)
    for g in view.groups:
        for r in g.rows:
            if r.result.code != code:
                continue
            if official:
                detailed = results_view(period=period, with_details=True, unit_code=code)
                r = detailed.groups[0].rows[0]
            else:
                assert view.data is not None
                details = engine.StoredDetails(
                    field_results=r.result.fields, adjustment_results=r.result.adjustments
                )
                r = replace(
                    r,
                    result=replace(r.result, details=details),
                    items=live_dicts(view.data, g.code, r.result),
                )
            return UnitPage(r, g.code, g.name, len(g.rows), field_averages(g.rows))
    return None


@dataclass
class Shortfall:
    field_code: str
    code: str
    title: str
    max_points: Decimal
    points: Decimal
    lost: Decimal
    reason: str


def shortfalls(row: UnitView) -> list[Shortfall]:
    """Every applicable appraised or surveyed criterion that did not reach its maximum, in the set's order."""
    out = []
    for it in row.items:
        if not it["applicable"] or it["method"] not in ("appraisal", "survey") or it["points"] is None:
            continue
        max_points, points = Decimal(it["max_points"]), Decimal(it["points"])
        if points < max_points:
            out.append(
                Shortfall(
                    it["field_code"],
                    it["code"],
                    it["title"],
                    max_points,
                    points,
                    max_points - points,
                    it.get("reason") or "",
                )
            )
    return out


def fields_chart(period: Period, row: UnitView, averages: dict[str, Decimal]) -> Chart:
    """Component index of each field, beside the group's average (``averages``: empty when the person may not
    see other units)."""
    fields = row.result.fields
    series = [
        (
            "Đơn vị",
            [value(f.index, idx(period, f.index)) if f.index is not None else None for f in fields],
        )
    ]
    columns = ["Lĩnh vực", "Chỉ số thành phần của đơn vị (%)"]
    if averages:
        series.append(
            (
                "Bình quân khối",
                [
                    value(averages[f.code], idx(period, averages[f.code])) if f.code in averages else None
                    for f in fields
                ],
            )
        )
        columns.append("Bình quân của khối (%)")
    svg = bar_svg(
        f"Chỉ số thành phần — {row.result.name}",
        [f"{f.code}. {f.title}" for f in fields],
        series,
        range_=(0, 100),
        colours=["#2f6fb5", "#adb5bd"],
    )
    rows: list[list[Any]] = []
    for f in fields:
        line: list[Any] = [f"{f.code}. {f.title}", idx(period, f.index)]
        if averages:
            line.append(idx(period, averages.get(f.code)))
        rows.append(line)
    return Chart(
        slug="chi-so-thanh-phan",
        title="Chỉ số thành phần theo lĩnh vực" + (" so với bình quân của khối" if averages else ""),
        alt=f"Biểu đồ thanh: chỉ số thành phần của {len(fields)} lĩnh vực"
        + (", mỗi lĩnh vực kèm bình quân của khối." if averages else "."),
        columns=columns,
        rows=rows,
        drawing=svg,
    )


def lost_chart(period: Period, row: UnitView) -> Chart:
    fields = [f for f in row.result.fields if f.max_points > f.points]
    svg = bar_svg(
        f"Điểm bị mất theo lĩnh vực — {row.result.name}",
        [f"{f.code}. {f.title}" for f in fields],
        [
            (
                "Điểm bị mất",
                [
                    value(f.max_points - f.points, format_total(f.max_points - f.points), "#b02a37")
                    for f in fields
                ],
            )
        ],
    )
    return Chart(
        slug="diem-bi-mat",
        title="Điểm bị mất theo lĩnh vực",
        alt=(
            f"Biểu đồ thanh: điểm bị mất ở {len(fields)} lĩnh vực; tổng "
            f"{format_total(sum((f.max_points - f.points for f in fields), Decimal(0)))} điểm."
        ),
        columns=["Lĩnh vực", "Điểm tối đa", "Điểm đạt", "Điểm bị mất"],
        rows=[
            [
                f"{f.code}. {f.title}",
                format_total(f.max_points),
                format_total(f.points),
                format_total(f.max_points - f.points),
            ]
            for f in fields
        ],
        drawing=svg,
    )


@dataclass
class TrendPoint:
    year: int
    index_display: Decimal
    rank: int | None
    published: bool = False


def unit_trend(*, user: Any, unit: Unit, period: Period, row: UnitView, show_rank: bool) -> list[TrendPoint]:
    """The unit's index over the years the person may see: each earlier year's final run, else that year's
    published table (recorded with ``import_results``), and this year's figure."""
    runs = (
        UnitResultRow.objects.filter(
            unit_code=unit.code, run__is_final=True, run__period__year__lt=period.year
        )
        .select_related("run__period")
        .order_by("run__period__year", "run__created_at", "run__pk")
    )
    latest: dict[int, tuple[Period, UnitResultRow]] = {}
    for r in runs:
        latest[r.run.period.year] = (r.run.period, r)
    points = []
    for year, (p, r) in sorted(latest.items()):
        subject = access.subject_for(p, unit)
        if not access.can_see(user, "total", subject):
            continue
        rank = r.rank if access.can_see(user, "ranks", access.Subject(p)) else None
        points.append(TrendPoint(year, r.index_display, rank))
    # years before the province used ParIndex: their published tables (public by nature)
    published = PublishedResult.objects.filter(unit=unit, published__year__lt=period.year).values_list(
        "published__year", "index", "rank"
    )
    for year, index, rank in published:
        if year not in latest:
            points.append(TrendPoint(year, index, rank, published=True))
    points.sort(key=lambda t: t.year)
    points.append(TrendPoint(period.year, row.result.index_display, row.result.rank if show_rank else None))
    return points


def trend_chart(period: Period, unit: Unit, trend: list[TrendPoint]) -> Chart:
    svg = bar_svg(
        f"Chỉ số CCHC qua các năm — {unit.name}",
        [str(t.year) for t in trend],
        [
            (
                "Chỉ số CCHC (%)",
                [value(t.index_display, idx(period, t.index_display), "#2f6fb5") for t in trend],
            )
        ],
        horizontal=False,
        range_=(0, 100),
    )
    return Chart(
        slug="qua-cac-nam",
        title="Chỉ số CCHC của đơn vị qua các năm",
        alt="Biểu đồ cột: "
        + "; ".join(f"năm {t.year}: {idx(period, t.index_display)}%" for t in trend)
        + ".",
        columns=["Năm", "Chỉ số CCHC (%)", "Xếp hạng"],
        rows=[[str(t.year), idx(period, t.index_display), t.rank if t.rank else "–"] for t in trend],
        drawing=svg,
    )
