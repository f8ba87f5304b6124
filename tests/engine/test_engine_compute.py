from decimal import Decimal, localcontext

import pytest

from appraisal.engine import (
    ENGINE_VERSION,
    EngineError,
    Field,
    IndexSet,
    InputError,
    Settings,
    compute_period,
    compute_unit,
    explain_item,
    inputs_hash,
)

D = Decimal


def hundred_point_set(make):
    """60 appraised + 20 survey + 16 not for no_tthc units + 4, and a bonus and a penalty outside."""
    return make.index_set(
        make.leaf("1.1", 30),
        make.leaf("1.2", 30),
        make.leaf("2.1", 20, "survey", "survey"),
        make.leaf("3.1", 8, "boolean", tags={"no_tthc"}),
        make.leaf("3.2", 8, "levels: Tốt=8; Đạt=4; Chưa đạt=0", tags={"no_tthc"}),
        make.leaf("4.1", 4, "manual: step=0.5"),
        make.leaf("T1", 3, "manual: step=0.5", "bonus"),
        make.leaf("P1", 2, "penalty: per=0.5", "penalty"),
    )


def test_compute_unit_takes_the_index_over_what_the_unit_can_attain(make):
    unit = make.unit(
        "VP",
        {
            "1.1": "30",
            "1.2": "26,32",
            "2.1": make.values(survey="40%"),
            "3.1": "Có",
            "4.1": "4",
        },
        name="Văn phòng UBND tỉnh",
        tags={"no_tthc"},
    )

    result = compute_unit(hundred_point_set(make), unit, Settings())

    assert result.max_points == D(84)
    assert result.appraisal_points == D("60.32")
    assert result.survey_points == D(8)
    assert result.total_points == D("68.32")
    assert result.index_display == D("81.33")
    assert str(result.index).startswith("81.33333333")
    assert result.band == "tot"
    assert result.head_rating == "htt"
    assert result.rank is None
    assert result.trace[0] == "Điểm tối đa = 100 − 16 (không áp dụng: 3.1, 3.2) = 84"
    assert "Tổng điểm = 60,32 (thẩm định) + 8 (XHH) + 0 (thưởng) − 0 (trừ) = 68,32" in result.trace
    assert "Chỉ số = 68,32 / 84 × 100 = 81,333333… → 81,33" in result.trace
    assert "Xếp loại: Tốt (≥ 80)" in result.trace
    assert "Mức độ hoàn thành nhiệm vụ của người đứng đầu: Hoàn thành tốt nhiệm vụ (≥ 80)" in result.trace


def test_excluded_items_leave_points_and_max_and_say_why(make):
    unit = make.unit(
        "VP", {"3.1": "Có", "1.1": "30"}, tags={"no_tthc"}, excluded={"4": "Không có nhiệm vụ này"}
    )

    result = compute_unit(hundred_point_set(make), unit, Settings())

    items = {item.code: item for item in result.items}
    assert result.max_points == D(80)
    assert result.appraisal_points == D(30)
    assert items["3.1"].applicable is False
    assert items["3.1"].points == 0
    assert items["3.1"].excluded_reason == "Không áp dụng cho đơn vị có nhãn «no_tthc»."
    assert items["4.1"].excluded_reason == "Không có nhiệm vụ này"
    assert items["1.1"].applicable is True
    fields = {f.code: f for f in result.fields}
    assert fields["3"].max_points == 0
    assert fields["3"].index is None
    assert fields["4"].index is None
    assert fields["1"].index == D(50)


def test_excluding_an_unknown_code_is_refused(make):
    unit = make.unit("VP", excluded={"9.9": "Nhầm mã"})

    with pytest.raises(InputError, match="«9.9» được loại trừ nhưng không có trong bộ chỉ số"):
        compute_unit(hundred_point_set(make), unit, Settings())


def test_final_points_come_from_round2_else_round1_and_self_claims_are_kept_apart(make):
    index_set = make.index_set(
        make.leaf("1.1", 2, "levels: Tốt=2; Đạt=1; Chưa đạt=0"),
        make.leaf("1.2", 2, "levels: Tốt=2; Đạt=1; Chưa đạt=0"),
        make.leaf("1.3", 2, "levels: Tốt=2; Đạt=1; Chưa đạt=0"),
        make.leaf("2.1", 4, "survey", "survey"),
    )
    unit = make.unit(
        "SNV",
        {
            "1.1": make.values(self_value="Tốt", round1="Chưa đạt", round2="đạt"),
            "1.2": make.values(self_value="Tốt", round1="Đạt"),
            "1.3": make.values(self_value="Tốt"),
            "2.1": make.values(survey="A=3;B=1"),
        },
    )

    result = compute_unit(index_set, unit, Settings())

    items = {item.code: item for item in result.items}
    assert (items["1.1"].layer, items["1.1"].value, items["1.1"].points) == ("round2", "Đạt", D(1))
    assert (items["1.1"].self_points, items["1.1"].round1_points, items["1.1"].round2_points) == (2, 0, 1)
    assert (items["1.2"].layer, items["1.2"].points) == ("round1", D(1))
    assert (items["1.3"].layer, items["1.3"].value, items["1.3"].points) == (None, None, 0)
    assert (items["2.1"].layer, items["2.1"].value, items["2.1"].points) == (
        "survey",
        "A=3;B=1;C=0;D=0",
        D("3.6"),
    )
    assert items["2.1"].self_points is None
    assert result.self_points == D(6)
    assert result.appraisal_points == D(2)
    assert result.survey_points == D("3.6")
    assert explain_item(items["1.1"]) == (
        "1.1 (thẩm định vòng 2): «Đạt» theo cách chấm «levels: Tốt=2; Đạt=1; Chưa đạt=0» → 1/2 điểm"
    )
    assert explain_item(items["1.3"]) == "1.3: chưa có giá trị → 0 điểm"


def test_bonus_adds_and_penalty_deducts_outside_the_max(make):
    unit = make.unit(
        "STP",
        {"1.1": "20", "1.2": "20", "T1": "2,5", "P1": make.values(self_value="0", round1="3")},
    )

    result = compute_unit(hundred_point_set(make), unit, Settings())

    assert result.max_points == D(100)
    assert result.bonus_points == D("2.5")
    assert result.penalty_points == D("1.5")
    assert result.total_points == D(41)
    assert result.self_points == D(40)
    assert "Tổng điểm = 40 (thẩm định) + 0 (XHH) + 2,5 (thưởng) − 1,5 (trừ) = 41" in result.trace


def test_total_is_kept_within_zero_and_the_unit_max(make):
    index_set = make.index_set(
        make.leaf("1.1", 10),
        make.leaf("T1", 5, "manual", "bonus"),
        make.leaf("P1", 5, "penalty: per=1", "penalty"),
    )
    top = make.unit("A", {"1.1": "9", "T1": "5"})
    bottom = make.unit("B", {"1.1": "1", "P1": "7"})

    results = {u.code: u for u in compute_period(make.period(index_set, top, bottom)).groups[0].units}

    assert results["A"].total_points == D(10)
    assert results["A"].index == D(100)
    total_line = next(line for line in results["A"].trace if line.startswith("Tổng điểm"))
    assert total_line.endswith("= 14 → giữ trong khoảng [0; 10] = 10")
    assert results["B"].penalty_points == D(5)
    assert results["B"].total_points == 0
    assert results["B"].index == 0
    assert results["B"].band == "yeu"
    assert results["B"].head_rating == "kht"


def single_leaf_period(make, *scores, settings=None):
    """One 100-point manual leaf; units U1, U2… score the given points."""
    index_set = make.index_set(make.leaf("1.1", 100))
    units = [make.unit(f"U{n}", {"1.1": points}) for n, points in enumerate(scores, start=1)]
    return make.period(index_set, *units, settings=settings)


def test_units_printing_the_same_index_keep_distinct_ranks(make):
    period = single_leaf_period(make, "95", "90.0249", "90.0151", "80")

    units = compute_period(period).groups[0].units

    assert [(u.code, u.index_display, u.rank) for u in units] == [
        ("U1", D("95.00"), 1),
        ("U2", D("90.02"), 2),
        ("U3", D("90.02"), 3),
        ("U4", D("80.00"), 4),
    ]


def test_exactly_equal_indices_share_a_rank_and_skip_the_next(make):
    period = single_leaf_period(make, "70", "90", "80", "80")

    units = compute_period(period).groups[0].units

    assert [(u.code, u.rank) for u in units] == [("U2", 1), ("U3", 2), ("U4", 2), ("U1", 4)]


def test_equal_indices_over_different_maxima_share_a_rank(make):
    index_set = make.index_set(make.leaf("1.1", 50), make.leaf("2.1", 50, tags={"no_2"}))
    half = make.unit("HALF", {"1.1": "40"}, tags={"no_2"})
    full = make.unit("FULL", {"1.1": "40", "2.1": "40"})

    units = compute_period(make.period(index_set, half, full)).groups[0].units

    assert [(u.code, u.index, u.rank) for u in units] == [("FULL", D(80), 1), ("HALF", D(80), 1)]


def test_bands_and_head_ratings_use_the_published_index(make):
    period = single_leaf_period(make, "89.995", "89.9949", "70", "50", "49.999")

    units = {u.code: u for u in compute_period(period).groups[0].units}

    assert (units["U1"].index_display, units["U1"].band, units["U1"].head_rating) == (
        D("90.00"),
        "xuat_sac",
        "htxs",
    )
    assert (units["U2"].index_display, units["U2"].band, units["U2"].head_rating) == (
        D("89.99"),
        "tot",
        "htt",
    )
    assert (units["U3"].band, units["U3"].head_rating) == ("kha", "ht")
    assert (units["U4"].band, units["U4"].head_rating) == ("trung_binh", "kht")
    assert (units["U5"].index_display, units["U5"].band) == (D("50.00"), "trung_binh")
    assert units["U1"].trace[-3:-1] == (
        "Xếp loại: Xuất sắc (≥ 90)",
        "Mức độ hoàn thành nhiệm vụ của người đứng đầu: Hoàn thành xuất sắc nhiệm vụ (≥ 90)",
    )


def test_decimals_setting_changes_the_published_index(make):
    period = single_leaf_period(make, "89.95", settings=Settings(decimals=1))

    unit = compute_period(period).groups[0].units[0]

    assert unit.index_display == D("90.0")
    assert unit.band == "xuat_sac"


def test_head_veto_and_override_carry_their_reasons(make):
    index_set = make.index_set(make.leaf("1.1", 100))
    vetoed = make.unit("V", {"1.1": "95"}, head_veto="Người đứng đầu bị kỷ luật khiển trách")
    overridden = make.unit(
        "O", {"1.1": "60"}, head_override=("ht", "Hoàn thành nhiệm vụ trong điều kiện sáp nhập")
    )
    both = make.unit("B", {"1.1": "95"}, head_veto="Bị kỷ luật", head_override=("htt", "Chủ tịch quyết định"))

    units = {
        u.code: u for u in compute_period(make.period(index_set, vetoed, overridden, both)).groups[0].units
    }

    assert units["V"].head_rating == "kht"
    assert units["V"].band == "xuat_sac"
    assert units["V"].head_rating_reason == "Hội đồng phủ quyết: Người đứng đầu bị kỷ luật khiển trách"
    assert units["O"].head_rating == "ht"
    assert units["O"].head_rating_reason == "Điều chỉnh: Hoàn thành nhiệm vụ trong điều kiện sáp nhập"
    assert (units["B"].head_rating, units["B"].head_rating_reason) == (
        "htt",
        "Điều chỉnh: Chủ tịch quyết định",
    )
    assert units["V"].trace[-2] == (
        "Mức độ hoàn thành nhiệm vụ của người đứng đầu: Không hoàn thành nhiệm vụ — "
        "Hội đồng phủ quyết: Người đứng đầu bị kỷ luật khiển trách"
    )


@pytest.mark.parametrize(
    ("override", "message"),
    [(("xuat_sac", "Lý do"), "mức «xuat_sac» không có"), (("htt", "  "), "phải có lý do")],
)
def test_head_override_needs_a_known_rating_and_a_reason(make, override, message):
    period = single_leaf_period(make, "80")
    unit = period.groups[0].units[0]
    index_set = period.groups[0].index_set

    with pytest.raises(EngineError, match=message):
        compute_unit(index_set, make.unit(unit.code, {"1.1": "80"}, head_override=override), Settings())


def test_a_low_component_index_demotes_the_head_one_level(make):
    index_set = make.index_set(
        make.leaf("1.1", 50), make.leaf("2.1", 40), make.leaf("3.1", 10), make.leaf("4.1", 5, tags={"small"})
    )
    settings = Settings(head_min_field_index=D(50))
    strong = make.unit("S", {"1.1": "50", "2.1": "40", "3.1": "4", "4.1": "5"})
    weak = make.unit("W", {"1.1": "40", "2.1": "24", "3.1": "1"}, tags={"small"})
    fine = make.unit("F", {"1.1": "50", "2.1": "40", "3.1": "5", "4.1": "0"}, tags={"small"})

    units = {
        u.code: u
        for u in compute_period(make.period(index_set, strong, weak, fine, settings=settings)).groups[0].units
    }

    assert (units["S"].index_display, units["S"].head_rating) == (D("94.29"), "htt")
    assert (
        units["S"].head_rating_reason == "Hạ một mức vì chỉ số thành phần thấp hơn 50%: lĩnh vực 3 (40,00%)."
    )
    assert units["S"].band == "xuat_sac"
    assert (units["W"].head_rating, units["W"].head_rating_reason) == ("kht", None)
    assert (units["F"].head_rating, units["F"].head_rating_reason) == ("htxs", None)


def test_rank_change_compares_with_last_year(make):
    index_set = make.index_set(make.leaf("1.1", 100))
    units = (
        make.unit("A", {"1.1": "90"}, previous_rank=3),
        make.unit("B", {"1.1": "80"}, previous_rank=1),
        make.unit("C", {"1.1": "70"}),
    )

    result = {u.code: u for u in compute_period(make.period(index_set, *units)).groups[0].units}

    assert (result["A"].rank, result["A"].rank_change) == (1, 2)
    assert (result["B"].rank, result["B"].rank_change) == (2, -1)
    assert result["C"].rank_change is None
    assert result["A"].trace[-1] == "Xếp hạng trong khối: 1 (năm trước: 3, tăng 2 bậc)"
    assert result["B"].trace[-1] == "Xếp hạng trong khối: 2 (năm trước: 1, giảm 1 bậc)"


def test_a_unit_with_nothing_applicable_has_index_zero(make):
    index_set = make.index_set(make.leaf("1.1", 10, tags={"no_tthc"}))

    result = compute_unit(index_set, make.unit("X", tags={"no_tthc"}), Settings())

    assert (result.max_points, result.index, result.index_display, result.band) == (0, 0, D("0.00"), "yeu")
    assert "Chỉ số = 0 (không có tiêu chí nào áp dụng cho đơn vị)" in result.trace


def test_an_invalid_input_names_the_unit_item_and_layer(make):
    index_set = make.index_set(make.leaf("1.1", 1, "boolean"), make.leaf("1.2", 1, "levels: Tốt=1; Đạt=0.5"))
    unit = make.unit("SYT", {"1.1": "Có", "1.2": make.values(self_value="Tốt", round1="Xuất sắc")})

    with pytest.raises(InputError) as caught:
        compute_period(make.period(index_set, unit))

    assert caught.value.message == (
        "Đơn vị «SYT», tiêu chí 1.2 (thẩm định vòng 1): «Xuất sắc» không có trong danh sách mức: Tốt, Đạt."
    )
    assert (caught.value.unit_code, caught.value.item_code, caught.value.layer) == ("SYT", "1.2", "round1")


def test_blank_values_count_as_no_value(make):
    index_set = make.index_set(make.leaf("1.1", 1, "boolean"))

    result = compute_unit(
        index_set, make.unit("A", {"1.1": make.values(self_value="", round1="")}), Settings()
    )

    assert (result.total_points, result.self_points, result.items[0].layer) == (0, 0, None)


def test_duplicate_unit_codes_in_a_group_are_refused(make):
    index_set = make.index_set(make.leaf("1.1", 100))
    period = make.period(index_set, make.unit("U1", {"1.1": "1"}), make.unit("U1", {"1.1": "2"}))

    with pytest.raises(EngineError, match="mã đơn vị bị lặp lại"):
        compute_period(period)


def test_the_result_does_not_depend_on_the_callers_decimal_context(make):
    index_set = make.index_set(
        make.leaf("1.1", "37.25", "proportional: min=10%"),
        make.leaf("1.2", "62.75", "manual"),
        make.leaf("2.1", "13.13", "survey", "survey"),
    )
    units = (
        make.unit("A", {"1.1": "2/3", "1.2": "61.1234", "2.1": make.values(survey="A=7;B=3;C=1")}),
        make.unit("B", {"1.1": "99.99%", "1.2": "33.3333", "2.1": make.values(survey="83.47%")}),
    )
    period = make.period(index_set, *units)

    with localcontext() as context:
        context.prec = 3
        coarse = compute_period(period)
        coarse_details = [(u.fields, u.items, u.trace) for u in coarse.groups[0].units]
    expected = compute_period(period)

    assert coarse == expected
    assert coarse_details == [(u.fields, u.items, u.trace) for u in expected.groups[0].units]
    by_code = {u.code: u for u in expected.groups[0].units}
    assert by_code["A"].items[0].points == D("24.8333")
    assert by_code["B"].items[0].points == D("37.2463")


@pytest.mark.parametrize(
    ("fields", "leaves", "message"),
    [
        (
            [("1", "10")],
            [("1.1", "1", 5), ("1.2", "1", 4)],
            "Lĩnh vực «1»: điểm tối đa 10 khác tổng điểm tối đa các tiêu chí 9.",
        ),
        ([("1", "10")], [("1.1", "1", 5), ("1.1", "1", 5)], "Mã tiêu chí «1.1» bị lặp lại."),
        ([("1", "10")], [("1.1", "1", 5), ("2.1", "2", 5)], "thuộc lĩnh vực «2» không có trong bộ chỉ số"),
    ],
)
def test_index_set_checks_its_structure(make, fields, leaves, message):
    built = []
    for code, field_code, points in leaves:
        leaf = make.leaf(code, points)
        built.append(leaf.__class__(code, field_code, leaf.title, leaf.max_points, leaf.method, leaf.rule))

    with pytest.raises(EngineError) as caught:
        IndexSet(
            "SO", "2023", tuple(Field(code, "Lĩnh vực", D(points)) for code, points in fields), tuple(built)
        )

    assert message in caught.value.message


def test_index_set_scale_is_the_sum_of_its_fields(make):
    assert hundred_point_set(make).scale == D(100)


def test_settings_refuse_thresholds_out_of_order():
    with pytest.raises(EngineError, match="giảm dần"):
        Settings(bands=(("tot", D(80)), ("xuat_sac", D(90))))


def test_inputs_hash_ignores_mapping_order_and_follows_every_input(make):
    index_set = hundred_point_set(make)
    values = {"1.1": "30", "1.2": "20", "3.1": "Có"}
    forward = make.period(index_set, make.unit("A", values), make.unit("B", {"1.1": "1"}))
    backward = make.period(
        index_set, make.unit("B", {"1.1": "1"}), make.unit("A", dict(reversed(values.items())))
    )
    changed = make.period(index_set, make.unit("A", {**values, "1.2": "21"}), make.unit("B", {"1.1": "1"}))

    assert inputs_hash(forward) == inputs_hash(backward)
    assert inputs_hash(forward) != inputs_hash(changed)
    assert len(inputs_hash(forward)) == 64
    assert ENGINE_VERSION == "1.0"
