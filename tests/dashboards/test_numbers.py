"""Each chart says the numbers of ``compute_results`` for the same period: the values drawn on its bars, its
table and its CSV (issue 12, Done when). The demo: 2022 approved (the official snapshot), 2023 running (results
computed live), 2023's previous year 2022."""

from __future__ import annotations

import html as htmllib
import json
from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from appraisal.assessments.models import Assessment
from appraisal.core.numbers import format_index, format_total
from appraisal.engine import BAND_LABELS, HEAD_RATING_LABELS
from appraisal.scoring.services import results_compute

from .conftest import chart_svg, csv_rows, page_table, svg_values

pytestmark = pytest.mark.django_db


def computed(year: int) -> dict:
    out = StringIO()
    call_command("compute_results", "--year", str(year), "--json", stdout=out)
    return json.loads(out.getvalue())


def idx(x: str) -> str:
    return format_index(Decimal(x), 2)


def _get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return htmllib.unescape(response.content.decode())


@pytest.mark.parametrize("year", [2022, 2023])
def test_index_chart_bars_table_and_csv_equal_compute_results(demo, as_user, year):
    client = as_user("secretariat")
    page = _get(client, f"/bang-dieu-khien/{year}/ket-qua/")
    for group in computed(year)["groups"]:
        units = sorted(group["units"], key=lambda u: (-Decimal(u["index"]), u["code"]))
        want = [[str(u["rank"]), u["name"], idx(u["index_display"]), BAND_LABELS[u["band"]]] for u in units]
        slug = f"chi-so-{group['code']}"
        bars = svg_values(chart_svg(page, slug, client))[::-1]  # drawn bottom-up: the leader is the top bar
        assert bars == [f"{idx(u['index_display'])} – {BAND_LABELS[u['band']]}" for u in units]
        assert page_table(page, slug)[1:] == want
        csv = csv_rows(client.get(f"/bang-dieu-khien/{year}/ket-qua/{slug}.csv").content)
        assert csv[0] == ["Xếp hạng", "Đơn vị", "Chỉ số CCHC (%)", "Xếp loại"]
        assert csv[1:] == want


def test_heat_map_table_and_csv_equal_component_indices(demo, as_user):
    client = as_user("secretariat")
    page = _get(client, "/bang-dieu-khien/2023/ket-qua/")
    for group in computed(2023)["groups"]:
        want = [
            [u["name"]] + [idx(f["index"]) if f["index"] is not None else "–" for f in u["fields"]]
            for u in group["units"]
        ]
        slug = f"ban-do-nhiet-{group['code']}"
        assert page_table(page, slug)[1:] == want
        assert csv_rows(client.get(f"/bang-dieu-khien/2023/ket-qua/{slug}.csv").content)[1:] == want


def test_self_claimed_versus_appraised_equals_compute_results(demo, as_user):
    client = as_user("secretariat")
    page = _get(client, "/bang-dieu-khien/2023/ket-qua/")
    done = set(
        Assessment.objects.filter(
            period=demo[2023], state__in=["appraised", "explained", "reappraised", "finalised"]
        ).values_list("unit__code", flat=True)
    )
    assert {"skhcn", "sgtvt", "sngv"}.isdisjoint(done)  # still drafting, or half-way through round 1
    for group in computed(2023)["groups"]:
        units = sorted(
            [u for u in group["units"] if u["code"] in done],
            key=lambda u: (-(Decimal(u["self_points"]) - Decimal(u["appraisal_points"])), u["code"]),
        )
        want = [
            [
                u["name"],
                format_total(Decimal(u["self_points"])),
                format_total(Decimal(u["appraisal_points"])),
                format_total(Decimal(u["self_points"]) - Decimal(u["appraisal_points"])),
            ]
            for u in units
        ]
        slug = f"tu-cham-tham-dinh-{group['code']}"
        bars = svg_values(chart_svg(page, slug, client))
        # pygal draws the first series (claims), then the second (appraised)
        assert sorted(bars) == sorted([w[1] for w in want] + [w[2] for w in want])
        assert page_table(page, slug)[1:] == want
        assert csv_rows(client.get(f"/bang-dieu-khien/2023/ket-qua/{slug}.csv").content)[1:] == want
    over = [
        u
        for g in computed(2023)["groups"]
        for u in g["units"]
        if Decimal(u["self_points"]) > Decimal(u["appraisal_points"])
    ]
    assert over  # the demo's council lowered claims: someone over-claimed


def test_distribution_counts_equal_compute_results(demo, as_user):
    client = as_user("secretariat")
    page = _get(client, "/bang-dieu-khien/2022/ket-qua/")
    for group in computed(2022)["groups"]:
        indices = [Decimal(u["index_display"]) for u in group["units"]]
        edges = [Decimal(0), *[Decimal(x) for x in range(60, 101, 5)]]
        want = []
        for low, high in zip(edges, edges[1:], strict=False):
            want.append(sum(1 for x in indices if low <= x and (x < high or high == 100)))
        slug = f"phan-bo-{group['code']}"
        table = page_table(page, slug)[1:]
        assert [int(r[1]) for r in table] == want
        assert sum(want) == len(indices)
        assert svg_values(chart_svg(page, slug, client)) == [str(n) for n in want if n]
        assert [
            int(r[1]) for r in csv_rows(client.get(f"/bang-dieu-khien/2022/ket-qua/{slug}.csv").content)[1:]
        ] == want


def test_heads_ratings_per_group_equal_compute_results(demo, as_user):
    client = as_user("secretariat")
    page = _get(client, "/bang-dieu-khien/2023/ket-qua/")
    order = ("htxs", "htt", "ht", "kht")
    want = []
    for group in computed(2023)["groups"]:
        counts = Counter(u["head_rating"] for u in group["units"])
        want.append([group["name"]] + [str(counts[c]) for c in order] + [str(len(group["units"]))])
    assert page_table(page, "xep-loai-nguoi-dung-dau")[1:] == want
    assert page_table(page, "xep-loai-nguoi-dung-dau")[0][1:5] == [HEAD_RATING_LABELS[c] for c in order]
    csv = csv_rows(client.get("/bang-dieu-khien/2023/ket-qua/xep-loai-nguoi-dung-dau.csv").content)
    assert csv[1:] == want


def test_year_on_year_change_equals_both_years_of_compute_results(demo, as_user):
    client = as_user("secretariat")
    page = _get(client, "/bang-dieu-khien/2023/ket-qua/")
    before = {u["code"]: u for g in computed(2022)["groups"] for u in g["units"]}
    for group in computed(2023)["groups"]:
        units = [u for u in group["units"] if u["code"] in before]
        assert units
        delta = {
            u["code"]: Decimal(u["index_display"]) - Decimal(before[u["code"]]["index_display"])
            for u in units
        }
        units.sort(key=lambda u: (-delta[u["code"]], u["code"]))
        want = []
        for u in units:
            d = delta[u["code"]]
            moved = before[u["code"]]["rank"] - u["rank"]
            want.append(
                [
                    u["name"],
                    idx(before[u["code"]]["index_display"]),
                    idx(u["index_display"]),
                    ("+" if d > 0 else "") + format_index(d, 2),
                    str(before[u["code"]]["rank"]),
                    str(u["rank"]),
                    f"+{moved}" if moved > 0 else str(moved),
                ]
            )
        slug = f"thay-doi-{group['code']}"
        assert page_table(page, slug)[1:] == want
        assert svg_values(chart_svg(page, slug, client))[::-1] == [w[3] for w in want]
        assert csv_rows(client.get(f"/bang-dieu-khien/2023/ket-qua/{slug}.csv").content)[1:] == want


@pytest.mark.parametrize("year", [2022, 2023])  # from the stored snapshot; live, from the engine's items
def test_weakest_criteria_sum_the_points_each_unit_lost(demo, as_user, year):
    client = as_user("secretariat")
    page = _get(client, f"/bang-dieu-khien/{year}/ket-qua/")
    data, result = results_compute(period=demo[year])
    lost: dict[tuple[str, str], Decimal] = {}
    units: Counter = Counter()
    reasons: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for g in result.groups:
        for u in g.units:
            for it in u.items:
                if it.applicable and it.method in ("appraisal", "survey") and it.points < it.max_points:
                    lost[(g.code, it.code)] = (
                        lost.get((g.code, it.code), Decimal(0)) + it.max_points - it.points
                    )
                    units[(g.code, it.code)] += 1
                    if data.reasons.get((u.code, it.code)):
                        reasons[(g.code, it.code)][data.reasons[(u.code, it.code)].strip()] += 1
    top = sorted(lost.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    table = page_table(page, "tieu-chi-yeu")[1:]
    assert [(r[1], r[5], r[4]) for r in table] == [
        (code, format_total(v), str(units[(g, code)])) for (g, code), v in top
    ]
    said = ["; ".join(f"{text} ({n})" for text, n in reasons[key].most_common(2)) for key, _ in top]
    assert [r[6] for r in table] == said
    assert any(said)  # the council gave reasons on some of them
    assert svg_values(chart_svg(page, "tieu-chi-yeu", client))[::-1] == [format_total(v) for _, v in top]
    assert csv_rows(client.get(f"/bang-dieu-khien/{year}/ket-qua/tieu-chi-yeu.csv").content)[1:] == table


def test_unit_page_component_indices_equal_compute_results(demo, as_user):
    client = as_user("stp.head")
    page = _get(client, "/bang-dieu-khien/2022/don-vi/stp/")
    unit = next(u for g in computed(2022)["groups"] for u in g["units"] if u["code"] == "stp")
    table = page_table(page, "chi-so-thanh-phan")[1:]
    assert [r[1] for r in table] == [idx(f["index"]) for f in unit["fields"]]
    # the unit's bars and the group's average beside each
    assert sorted(svg_values(chart_svg(page, "chi-so-thanh-phan"))) == sorted(
        [r[1] for r in table] + [r[2] for r in table]
    )
    assert f'id="unit-index">{idx(unit["index_display"])}%' in page
    assert f'id="unit-rank">{unit["rank"]}/' in page  # 2022 is published: the rank is out


def test_progress_counts_equal_the_assessments_states(demo, as_user):
    client = as_user("secretariat")
    page = _get(client, "/bang-dieu-khien/2023/tien-do/")
    table = page_table(page, "trang-thai")
    totals = {row[0]: int(row[-1]) for row in table[1:]}
    from appraisal.registry.models import UnitMembership

    want = Counter(
        UnitMembership.objects.filter(period=demo[2023], tracked=True).values_list("group__name", flat=True)
    )
    assert totals == dict(want)
    finalised = table[0].index("Đã hoàn tất")
    from appraisal.assessments.models import Assessment

    assert (
        sum(int(r[finalised]) for r in table[1:])
        == Assessment.objects.filter(period=demo[2023], state="finalised").count()
    )
    csv = csv_rows(client.get("/bang-dieu-khien/2023/tien-do/trang-thai.csv").content)
    assert csv[1:] == table[1:]


def test_2022_compares_with_the_2021_table_the_demo_records_as_published(demo, as_user):
    from appraisal.scoring.published import published_results_of

    before = published_results_of(2021)
    assert len(before) == 38  # every demo unit, recorded with import_results' service
    client = as_user("secretariat")
    page = _get(client, "/bang-dieu-khien/2022/ket-qua/")
    now = {(g["code"], u["code"]): u for g in computed(2022)["groups"] for u in g["units"]}
    for group in computed(2022)["groups"]:
        rows = page_table(page, f"thay-doi-{group['code']}")[1:]
        assert len(rows) == len(group["units"])
        by_name = {r[0]: r for r in rows}
        for u in group["units"]:
            index, rank = before[(group["code"], u["code"])]
            row = by_name[u["name"]]
            assert row[1] == format_index(index, 2) and row[4] == str(rank)
            assert row[2] == idx(now[(group["code"], u["code"])]["index_display"])
    assert "Năm 2021 lấy từ bảng kết quả đã công bố." in page
    # and each unit's own trend runs over three years
    trend = page_table(_get(as_user("stp.head"), "/bang-dieu-khien/2023/don-vi/stp/"), "qua-cac-nam")[1:]
    assert [r[0] for r in trend] == ["2021", "2022", "2023"]
