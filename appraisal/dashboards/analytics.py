"""Results analytics (issue 12): every chart built from one read of the period's results
(``scoring.selectors.results_view``: the official snapshot, else a live computation — the numbers of
``compute_results``). What a person may see is decided before (``views``): ``detail`` adds the charts that
show claims, council reasons and lost points (SPEC §6a: the unit's inputs and round-1/round-2 layers), which
the published table never carries.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import reverse

from appraisal import engine
from appraisal.assessments.models import Assessment, AssessmentState
from appraisal.core.numbers import format_index, format_total
from appraisal.registry.models import Period
from appraisal.scoring.selectors import GroupView, ResultsView, UnitView, points_lost, results_view

from .charts import BAND_COLOURS, RATING_COLOURS, Chart, bar_svg, value

BAND_ORDER = ("xuat_sac", "tot", "kha", "trung_binh", "yeu")
RATING_ORDER = ("htxs", "htt", "ht", "kht")
# Distribution bins of the published index: [low, high) except the last, which holds 100.
BINS = ((Decimal(0), Decimal(60)),) + tuple((Decimal(x), Decimal(x + 5)) for x in range(60, 100, 5))
WEAKEST = 10
APPRAISED_STATES = (
    AssessmentState.APPRAISED,
    AssessmentState.EXPLAINED,
    AssessmentState.REAPPRAISED,
    AssessmentState.FINALISED,
)


@dataclass
class GroupCharts:
    code: str
    name: str
    charts: list[Chart] = field(default_factory=list)


@dataclass
class Analytics:
    """The results page: its charts (the numbers only, and what to draw; what the cache keeps, never the period's
    items)."""

    period: Period
    is_official: bool
    detail: bool
    groups: list[GroupCharts]
    province: list[Chart]  # charts over every group

    def chart(self, slug: str) -> Chart | None:
        for c in self.province:
            if c.slug == slug:
                return c
        for g in self.groups:
            for c in g.charts:
                if c.slug == slug:
                    return c
        return None


@dataclass
class Summary:
    """The Chairman's page: the few figures it prints, from one read of the results."""

    period: Period
    is_official: bool
    leaders: list[tuple[str, list[tuple[str, Decimal]]]]  # group name → (unit name, index) of ranks 1–3
    headline: dict[str, Any]
    weakest: list[Weak]
    ratings_chart: Chart


def idx(period: Period, x: Decimal | None) -> str:
    return format_index(x, period.decimals)


def sign(n: int | None) -> str:
    if n is None:
        return "–"
    return f"+{n}" if n > 0 else str(n)


def signed_index(period: Period, x: Decimal) -> str:
    text = idx(period, x)
    return "+" + text if x > 0 else text


def analytics_build(*, period: Period, detail: bool, view: ResultsView | None = None) -> Analytics:
    """Every chart of the results page for ``period``; ``detail``: also self-claimed versus appraised and the
    weakest criteria with the council's reasons."""
    view = view or results_view(period=period)  # the weakest criteria read the items' points (points_lost)
    appraised = appraised_units(period) if detail and not view.is_official else None
    groups = []
    for g in view.groups:
        gc = GroupCharts(g.code, g.name)
        gc.charts.append(index_chart(period, g))
        gc.charts.append(heat_chart(period, g))
        gc.charts.append(distribution_chart(period, g))
        if detail:
            gc.charts.append(claims_chart(period, g, appraised))
        gc.charts.append(change_chart(period, g))
        groups.append(gc)
    province = [ratings_chart(period, view)]
    if detail:
        province.append(weakest_chart(period, weakest_criteria(view)))
    return Analytics(period, view.is_official, detail, groups, province)


def summary_build(*, period: Period, detail: bool) -> Summary:
    """The Chairman's page for ``period``: one read of the results (the items' points only when the person
    sees the weakest criteria), one chart drawn."""
    view = results_view(period=period)
    chart = ratings_chart(period, view)
    _ = chart.svg
    return Summary(
        period,
        view.is_official,
        [(g.name, [(r.result.name, r.result.index_display) for r in top]) for g, top in group_leaders(view)],
        headline(view),
        weakest_criteria(view, limit=5) if detail else [],
        chart,
    )


def _unit_url(period: Period, code: str) -> str:
    return reverse("dashboards:unit", kwargs={"year": period.year, "code": code})


def index_chart(period: Period, g: GroupView) -> Chart:
    rows = sorted(g.rows, key=lambda r: (-r.result.index, r.result.code))
    texts = [f"{idx(period, r.result.index_display)} – {r.band_label}" for r in rows]
    svg = bar_svg(
        f"Chỉ số CCHC năm {period.year} — {g.name}",
        [r.result.name for r in rows],
        [
            (
                "Chỉ số CCHC (%)",
                [
                    value(r.result.index_display, t, BAND_COLOURS.get(r.result.band))
                    for r, t in zip(rows, texts, strict=True)
                ],
            )
        ],
        range_=(0, 100),
    )
    leader = rows[0].result.name if rows else ""
    return Chart(
        slug=f"chi-so-{g.code}",
        title=f"Chỉ số CCHC theo đơn vị — {g.name}",
        alt=(
            f"Biểu đồ thanh ngang, {len(rows)} đơn vị xếp từ cao xuống thấp; dẫn đầu {leader} "
            f"({idx(period, rows[0].result.index_display)}%)."
            if rows
            else "Chưa có đơn vị nào."
        ),
        columns=["Xếp hạng", "Đơn vị", "Chỉ số CCHC (%)", "Xếp loại"],
        rows=[
            [r.result.rank, r.result.name, idx(period, r.result.index_display), r.band_label] for r in rows
        ],
        drawing=svg,
        links=[_unit_url(period, r.result.code) for r in rows],
    )


def heat_level(x: Decimal | None) -> str:
    """The CSS class of a heat-map cell: ten steps of 10 points (hm-0 … hm-9), hm-na when nothing applies."""
    if x is None:
        return "hm-na"
    return f"hm-{min(9, int(x // 10))}"


def heat_chart(period: Period, g: GroupView) -> Chart:
    fields = g.rows[0].result.fields if g.rows else []
    columns = ["Đơn vị"] + [f"{f.code}. {f.title}" for f in fields]
    rows, heat = [], []
    for r in g.rows:
        rows.append([r.result.name] + [idx(period, f.index) for f in r.result.fields])
        heat.append([heat_level(f.index) for f in r.result.fields])
    return Chart(
        slug=f"ban-do-nhiet-{g.code}",
        title=f"Chỉ số thành phần theo lĩnh vực (bản đồ nhiệt) — {g.name}",
        alt=(
            f"Bảng {len(rows)} đơn vị × {len(fields)} lĩnh vực; mỗi ô ghi chỉ số thành phần (%), màu càng đậm "
            "chỉ số càng cao."
        ),
        columns=columns,
        rows=rows,
        links=[_unit_url(period, r.result.code) for r in g.rows],
        heat=heat,
    )


def _bin_label(low: Decimal, high: Decimal) -> str:
    if low == 0:
        return "Dưới 60"
    if high == 100:
        return "95 – 100"
    return f"{low} – dưới {high}"


def distribution_chart(period: Period, g: GroupView) -> Chart:
    counts = []
    for low, high in BINS:
        top = high == 100
        counts.append(
            sum(1 for r in g.rows if low <= r.result.index_display and (r.result.index_display < high or top))
        )
    labels = [_bin_label(low, high) for low, high in BINS]
    svg = bar_svg(
        f"Phân bố Chỉ số CCHC — {g.name}",
        labels,
        [("Số đơn vị", [value(Decimal(c), str(c)) if c else None for c in counts])],
        horizontal=False,
    )
    return Chart(
        slug=f"phan-bo-{g.code}",
        title=f"Phân bố Chỉ số CCHC — {g.name}",
        alt="Biểu đồ cột: số đơn vị theo từng khoảng chỉ số; "
        + "; ".join(f"{lab}: {c}" for lab, c in zip(labels, counts, strict=True) if c)
        + ".",
        columns=["Khoảng chỉ số (%)", "Số đơn vị"],
        rows=[[lab, c] for lab, c in zip(labels, counts, strict=True)],
        drawing=svg,
    )


def appraised_units(period: Period) -> set[str]:
    """Codes of the units whose round 1 is complete: before it, a unit's «appraised» points are only the items
    the council has reached, and comparing them with its claims would show an over-claim that is not one."""
    return set(
        Assessment.objects.filter(period=period, state__in=APPRAISED_STATES).values_list(
            "unit__code", flat=True
        )
    )


def claims_chart(period: Period, g: GroupView, appraised: set[str] | None = None) -> Chart:
    """Self-claimed versus appraised points of the appraised items (SPEC §10 ``self_points`` and
    ``appraisal_points``), units that over-claim most first; while the period runs only the units whose round 1
    is complete (``appraised``; None: every unit, the official results)."""
    rows = [r for r in g.rows if appraised is None or r.result.code in appraised]
    rows.sort(key=lambda r: (-(r.result.self_points - r.result.appraisal_points), r.result.code))
    svg = bar_svg(
        f"Điểm tự đánh giá và điểm thẩm định — {g.name}",
        [r.result.name for r in rows],
        [
            ("Tự đánh giá", [value(r.result.self_points, format_total(r.result.self_points)) for r in rows]),
            (
                "Thẩm định",
                [value(r.result.appraisal_points, format_total(r.result.appraisal_points)) for r in rows],
            ),
        ],
        colours=["#c98a00", "#2f6fb5"],
    )
    over = [r for r in rows if r.result.self_points > r.result.appraisal_points]
    return Chart(
        slug=f"tu-cham-tham-dinh-{g.code}",
        title=f"Tự đánh giá so với thẩm định — {g.name}",
        alt=(
            f"Biểu đồ thanh đôi: {len(over)}/{len(rows)} đơn vị tự chấm cao hơn điểm thẩm định"
            + (
                f"; cao nhất {over[0].result.name} (+{format_total(over[0].result.self_points - over[0].result.appraisal_points)} điểm)."
                if over
                else "."
            )
        ),
        columns=["Đơn vị", "Điểm tự đánh giá", "Điểm thẩm định", "Chênh lệch"],
        rows=[
            [
                r.result.name,
                format_total(r.result.self_points),
                format_total(r.result.appraisal_points),
                format_total(r.result.self_points - r.result.appraisal_points),
            ]
            for r in rows
        ],
        drawing=svg,
        links=[_unit_url(period, r.result.code) for r in rows],
        note=(
            f"Kết quả tạm tính: chỉ gồm {len(rows)}/{len(g.rows)} đơn vị đã được thẩm định xong vòng 1."
            if appraised is not None
            else ""
        ),
    )


def change_chart(period: Period, g: GroupView) -> Chart:
    rows = [r for r in g.rows if r.previous is not None]
    rows.sort(key=lambda r: (-(r.result.index_display - r.previous.index_display), r.result.code))  # type: ignore[union-attr]
    table = []
    values = []
    for r in rows:
        prev = r.previous
        assert prev is not None
        delta = r.result.index_display - prev.index_display
        table.append(
            [
                r.result.name,
                idx(period, prev.index_display),
                idx(period, r.result.index_display),
                signed_index(period, delta),
                prev.rank,
                r.result.rank,
                sign(prev.rank - r.result.rank if r.result.rank else None),
            ]
        )
        values.append(value(delta, signed_index(period, delta), "#1b7f3b" if delta >= 0 else "#b02a37"))
    svg = bar_svg(
        f"Thay đổi chỉ số so với năm {period.year - 1} — {g.name}",
        [r.result.name for r in rows],
        [("Thay đổi (điểm %)", values)],
    )
    source = ""
    if rows and rows[0].previous is not None and rows[0].previous.published:
        source = f"Năm {period.year - 1} lấy từ bảng kết quả đã công bố."
    return Chart(
        slug=f"thay-doi-{g.code}",
        title=f"Thay đổi so với năm {period.year - 1} — {g.name}",
        alt=(
            f"Biểu đồ thanh: mức tăng, giảm chỉ số của {len(rows)} đơn vị so với năm {period.year - 1}."
            if rows
            else f"Chưa có kết quả năm {period.year - 1} để so sánh."
        ),
        columns=[
            "Đơn vị",
            f"Chỉ số {period.year - 1}",
            f"Chỉ số {period.year}",
            "Thay đổi",
            f"Hạng {period.year - 1}",
            f"Hạng {period.year}",
            "Tăng/giảm bậc",
        ],
        rows=table,
        drawing=svg,
        links=[_unit_url(period, r.result.code) for r in rows],
        note=source,
    )


def ratings_chart(period: Period, view: ResultsView) -> Chart:
    groups = view.groups
    counts = {g.code: Counter(r.result.head_rating for r in g.rows) for g in groups}
    series = []
    for code in RATING_ORDER:
        label = engine.HEAD_RATING_LABELS[code]
        series.append(
            (
                label,
                [
                    value(Decimal(counts[g.code][code]), str(counts[g.code][code]))
                    if counts[g.code][code]
                    else None
                    for g in groups
                ],
            )
        )
    svg = bar_svg(
        f"Mức độ hoàn thành nhiệm vụ của người đứng đầu năm {period.year}",
        [g.name for g in groups],
        series,
        stacked=True,
        colours=[RATING_COLOURS[c] for c in RATING_ORDER],
    )
    return Chart(
        slug="xep-loai-nguoi-dung-dau",
        title="Mức độ hoàn thành nhiệm vụ của người đứng đầu theo khối",
        alt="Biểu đồ thanh chồng: "
        + "; ".join(
            f"{g.name}: "
            + ", ".join(
                f"{counts[g.code][c]} {engine.HEAD_RATING_LABELS[c].lower()}"
                for c in RATING_ORDER
                if counts[g.code][c]
            )
            for g in groups
        )
        + ".",
        columns=["Khối"] + [engine.HEAD_RATING_LABELS[c] for c in RATING_ORDER] + ["Tổng số"],
        rows=[[g.name] + [counts[g.code][c] for c in RATING_ORDER] + [len(g.rows)] for g in groups],
        drawing=svg,
    )


@dataclass
class Weak:
    group: str
    code: str
    title: str
    max_points: Decimal
    units: int = 0
    lost: Decimal = Decimal(0)
    reasons: Counter[str] = field(default_factory=Counter)

    @property
    def reasons_text(self) -> str:
        """The council's two most frequent reasons with their counts."""
        return "; ".join(f"{text} ({n})" for text, n in self.reasons.most_common(2))


def weakest_criteria(view: ResultsView, *, limit: int = WEAKEST) -> list[Weak]:
    """Points lost (max − final) on each criterion summed over the units, most first; with how many units
    lost points on it and the council's reasons by frequency."""
    names = {g.code: g.name for g in view.groups}
    found: dict[tuple[str, str], Weak] = {}
    for p in points_lost(view):
        w = found.get((p.group_code, p.code))
        if w is None:
            w = found[(p.group_code, p.code)] = Weak(names[p.group_code], p.code, p.title, p.max_points)
        w.units += 1
        w.lost += p.lost
        if p.reason:
            w.reasons[p.reason.strip()] += 1
    return sorted(found.values(), key=lambda w: (-w.lost, w.group, w.code))[:limit]


def weakest_chart(period: Period, weak: list[Weak]) -> Chart:
    labels = [f"{w.code} {w.title}" for w in weak]
    svg = bar_svg(
        f"Các tiêu chí bị mất nhiều điểm nhất năm {period.year}",
        labels,
        [("Tổng điểm bị mất", [value(w.lost, format_total(w.lost), "#b02a37") for w in weak])],
    )
    return Chart(
        slug="tieu-chi-yeu",
        title="Các tiêu chí bị mất nhiều điểm nhất (cộng trên các đơn vị)",
        alt=(
            f"Biểu đồ thanh: {len(weak)} tiêu chí mất nhiều điểm nhất; nhiều nhất «{weak[0].title}» "
            f"({format_total(weak[0].lost)} điểm, {weak[0].units} đơn vị)."
            if weak
            else "Chưa có tiêu chí nào bị mất điểm."
        ),
        columns=[
            "Khối",
            "Mã",
            "Tiêu chí",
            "Điểm tối đa",
            "Số đơn vị mất điểm",
            "Tổng điểm bị mất",
            "Lý do thường gặp",
        ],
        rows=[
            [
                w.group,
                w.code,
                w.title,
                format_total(w.max_points),
                w.units,
                format_total(w.lost),
                w.reasons_text,
            ]
            for w in weak
        ],
        drawing=svg,
    )


def group_leaders(view: ResultsView, n: int = 3) -> list[tuple[GroupView, list[UnitView]]]:
    return [(g, [r for r in g.rows if r.result.rank and r.result.rank <= n][:n]) for g in view.groups]


def field_averages(rows: list[UnitView]) -> dict[str, Decimal]:
    """Each field's average component index over a group's units where it applies."""
    sums: dict[str, list[Decimal]] = defaultdict(list)
    for r in rows:
        for f in r.result.fields:
            if f.index is not None:
                sums[f.code].append(f.index)
    return {code: sum(v, Decimal(0)) / len(v) for code, v in sums.items()}


def previous_average(view: ResultsView) -> Decimal | None:
    prev = [r.previous.index_display for g in view.groups for r in g.rows if r.previous is not None]
    return sum(prev, Decimal(0)) / len(prev) if prev else None


def headline(view: ResultsView) -> dict[str, Any]:
    """The figures the province publishes: heads by rating, the province average and its change."""
    ratings = Counter(r.result.head_rating for g in view.groups for r in g.rows)
    rows = [r for g in view.groups for r in g.rows]
    avg = sum((r.result.index_display for r in rows), Decimal(0)) / len(rows) if rows else None
    prev = previous_average(view)
    return {
        "units": len(rows),
        "average": avg,
        "previous_average": prev,
        "change": None if avg is None or prev is None else avg - prev,
        "change_abs": None if avg is None or prev is None else abs(avg - prev),
        "ratings": [(engine.HEAD_RATING_LABELS[c], ratings[c]) for c in RATING_ORDER],
    }
