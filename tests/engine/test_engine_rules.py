import unicodedata
from decimal import Decimal

import pytest

from appraisal.engine import InputError, RuleError, Tier, parse_rule, validate_rule_text

D = Decimal


# -- parsing ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "method", "canonical"),
    [
        ("boolean", "appraisal", "boolean"),
        ("  BOOLEAN ", "appraisal", "boolean"),
        ("levels: Tốt=1; Đạt=0.5; Chưa đạt=0", "appraisal", "levels: Tốt=1; Đạt=0.5; Chưa đạt=0"),
        ("Levels :  Tốt = 1 ;Đạt=0,50;  Chưa   đạt=0;", "appraisal", "levels: Tốt=1; Đạt=0.5; Chưa đạt=0"),
        ("tiers: >=100%=1; >=80%=0.5; else=0", "appraisal", "tiers: >=100%=1; >=80%=0.5; else=0"),
        ("TIERS: >= 100 = 1; > 80 % = 0,5", "appraisal", "tiers: >=100%=1; >80%=0.5; else=0"),
        ("proportional", "appraisal", "proportional"),
        ("proportional: min=50%", "bonus", "proportional: min=50%"),
        ("Proportional: MIN = 50", "appraisal", "proportional: min=50%"),
        ("manual", "appraisal", "manual"),
        ("manual: step=0,25", "appraisal", "manual: step=0.25"),
        ("penalty: per=0.5", "penalty", "penalty: per=0.5"),
        ("manual: step=0.5", "penalty", "manual: step=0.5"),
        ("boolean", "penalty", "boolean"),
        ("survey", "survey", "survey"),
    ],
)
def test_parse_rule_reads_every_rule_type_into_canonical_text(text, method, canonical):
    rule = parse_rule(text, D(1), method)

    assert rule.text == canonical
    assert rule.kind == canonical.split(":")[0]
    assert parse_rule(rule.text, D(1), method) == rule


def test_parse_rule_exposes_what_the_form_needs():
    levels = parse_rule("levels: Tốt=2; Đạt=1; Chưa đạt=0", D(2), "appraisal")
    tiers = parse_rule("tiers: >=100%=1; >80%=0.5", D(1), "appraisal")
    manual = parse_rule("manual: step=0.25", D(2), "appraisal")
    penalty = parse_rule("penalty: per=0.5", D(2), "penalty")
    proportional = parse_rule("proportional: min=50%", D(2), "appraisal")

    assert parse_rule("boolean", D(1), "appraisal").choices == ("Có", "Không")
    assert levels.choices == ("Tốt", "Đạt", "Chưa đạt")
    assert levels.levels == (("Tốt", D(2)), ("Đạt", D(1)), ("Chưa đạt", D(0)))
    assert tiers.tiers == (Tier(">=", D(100), D(1)), Tier(">", D(80), D("0.5")))
    assert tiers.else_points == 0
    assert tiers.choices == ()
    assert manual.step == D("0.25")
    assert penalty.per == D("0.5")
    assert proportional.min_ratio == D("0.5")
    assert "0,25" in manual.input_hint


def test_parse_rule_returns_the_same_object_for_the_same_rule():
    assert parse_rule("levels: A=1; B=0", D(1), "appraisal") is parse_rule(
        "levels: A=1; B=0", D(1), "appraisal"
    )


@pytest.mark.parametrize(
    ("text", "max_points", "method", "message"),
    [
        ("xếp hạng", "1", "appraisal", "Cách chấm «xếp hạng» không hợp lệ"),
        ("", "1", "appraisal", "Chưa nhập cách chấm."),
        ("boolean", "0", "appraisal", "Điểm tối đa của tiêu chí được chấm phải lớn hơn 0."),
        ("boolean", "1", "khac", "Phương pháp «khac» không hợp lệ"),
        ("boolean: x=1", "1", "appraisal", "Cách chấm boolean không có tham số."),
        ("levels:", "1", "appraisal", "Cách chấm levels cần ít nhất một mức"),
        ("levels: Tốt=1.5; Đạt=1", "1", "appraisal", "Mức «Tốt»: 1,5 điểm vượt quá điểm tối đa 1."),
        ("levels: Tốt=1; Kém=-0.5", "1", "appraisal", "Mức «Kém»: giá trị âm không hợp lệ."),
        ("levels: Tốt=1; tốt=0.5", "1", "appraisal", "Mức «tốt» bị lặp lại."),
        ("levels: Tốt", "1", "appraisal", "Mức «Tốt» không đúng dạng «Tên mức=điểm»."),
        ("levels: =1", "1", "appraisal", "Mức «=1» thiếu tên."),
        ("levels: Tốt=một", "1", "appraisal", "Mức «Tốt»: «một» không phải là số."),
        ("tiers: >=100%=2; else=0", "1", "appraisal", "vượt quá điểm tối đa 1."),
        ("tiers: >=100%=1; else=-1", "1", "appraisal", "Bậc «else»: giá trị âm không hợp lệ."),
        ("tiers: else=0", "1", "appraisal", "Cách chấm tiers cần ít nhất một bậc"),
        ("tiers: >=80%=0.5; else=0; >=100%=1", "1", "appraisal", "«else» phải là bậc cuối cùng."),
        ("tiers: >=80%=0.5; >=100%=1", "1", "appraisal", "Bậc «>=100%» không bao giờ được áp dụng"),
        ("tiers: about 80%=1", "1", "appraisal", "Bậc «about 80%=1» không đúng dạng"),
        ("manual: step=0", "1", "appraisal", "Bước điểm (step) phải lớn hơn 0."),
        ("manual: step=-0.25", "1", "appraisal", "Bước điểm (step) phải lớn hơn 0."),
        ("manual: step=0.3", "1", "appraisal", "Điểm tối đa 1 không phải là bội số của bước 0,3."),
        ("manual: per=1", "1", "appraisal", "Tham số «per» không dùng được với cách chấm manual."),
        ("penalty: per=0", "1", "penalty", "Mức trừ mỗi lần (per) phải lớn hơn 0."),
        ("penalty", "1", "penalty", "Cách chấm penalty cần mức trừ mỗi lần"),
        ("proportional: min=120%", "1", "appraisal", "Tham số min phải nằm trong khoảng 0–100%."),
        ("proportional: min=-5", "1", "appraisal", "Tham số min phải nằm trong khoảng 0–100%."),
        ("survey", "1", "appraisal", "Cách chấm survey chỉ dùng cho tiêu chí điều tra XHH."),
        ("boolean", "1", "survey", "Tiêu chí điều tra XHH phải dùng cách chấm survey."),
        ("levels: A=1; B=0", "1", "penalty", "Điểm trừ chỉ dùng cách chấm penalty, manual hoặc boolean."),
        ("penalty: per=1", "1", "bonus", "Cách chấm penalty chỉ dùng cho điểm trừ."),
    ],
)
def test_parse_rule_refuses_a_rule_that_does_not_fit(text, max_points, method, message):
    with pytest.raises(RuleError) as caught:
        parse_rule(text, D(max_points), method)

    assert message in caught.value.message
    assert validate_rule_text(text, D(max_points), method) == caught.value.message


def test_validate_rule_text_returns_none_for_a_good_rule():
    assert validate_rule_text("levels: Tốt=1; Đạt=0,5; Chưa đạt=0", D(1), "appraisal") is None


# -- inputs -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["Có", "có", "CO", "yes", "Y", "true", "1", " có "])
def test_boolean_yes_earns_max(raw):
    rule = parse_rule("boolean", D("1.5"), "appraisal")

    assert rule.normalize_input(raw) == "Có"
    assert rule.points(raw) == D("1.5")


@pytest.mark.parametrize("raw", ["Không", "không", "KHONG", "no", "n", "False", "0"])
def test_boolean_no_earns_nothing(raw):
    rule = parse_rule("boolean", D("1.5"), "appraisal")

    assert rule.normalize_input(raw) == "Không"
    assert rule.points(raw) == 0


def test_boolean_refuses_other_words():
    with pytest.raises(InputError, match="«có lẽ» không phải là Có hoặc Không."):
        parse_rule("boolean", D(1), "appraisal").points("có lẽ")


def test_levels_match_labels_without_regard_to_case_accents_form_or_spaces():
    rule = parse_rule("levels: Tốt=1; Đạt=0.5; Chưa đạt=0", D(1), "appraisal")
    decomposed = unicodedata.normalize("NFD", "chưa  ĐẠT")

    assert rule.normalize_input(decomposed) == "Chưa đạt"
    assert rule.normalize_input(" đạt ") == "Đạt"
    assert rule.points("TỐT") == D(1)
    assert rule.points("đạt") == D("0.5")


def test_levels_refuse_a_label_not_in_the_list():
    rule = parse_rule("levels: Tốt=1; Đạt=0.5; Chưa đạt=0", D(1), "appraisal")

    with pytest.raises(InputError) as caught:
        rule.points("Xuất sắc")

    assert str(caught.value) == "«Xuất sắc» không có trong danh sách mức: Tốt, Đạt, Chưa đạt."


@pytest.mark.parametrize(
    ("raw", "canonical", "points"),
    [
        ("100%", "100%", "1"),
        ("100", "100%", "1"),
        ("80", "80%", "0.5"),
        ("79,99%", "79.99%", "0"),
        ("79.99", "79.99%", "0"),
        ("17/20", "17/20", "0.5"),
        ("20/20", "20/20", "1"),
        ("7,5/10", "7.5/10", "0"),
        ("0.85", "0.85%", "0"),
    ],
)
def test_tiers_take_the_first_tier_that_matches(raw, canonical, points):
    rule = parse_rule("tiers: >=100%=1; >=80%=0.5; else=0", D(1), "appraisal")

    assert rule.normalize_input(raw) == canonical
    assert rule.points(raw) == D(points)


@pytest.mark.parametrize(
    ("rule_text", "raw", "message"),
    [
        (
            "tiers: >=100%=1; >=80%=0.5; else=0",
            "120 %",
            "Tỷ lệ 120% vượt quá 100%: hãy kiểm tra lại số liệu.",
        ),
        (
            "tiers: >=100%=1; >=80%=0.5; else=0",
            "21/20",
            "Tỷ lệ 21/20 vượt quá 100%: hãy kiểm tra lại số liệu.",
        ),
        ("proportional", "100,5%", "Tỷ lệ 100,5% vượt quá 100%: hãy kiểm tra lại số liệu."),
        ("proportional: min=50%; max=120%", "121%", "Tỷ lệ 121% vượt quá 120%: hãy kiểm tra lại số liệu."),
    ],
)
def test_rate_over_a_hundred_percent_is_refused_when_entered(rule_text, raw, message):
    rule = parse_rule(rule_text, D(1), "appraisal")

    with pytest.raises(InputError) as caught:
        rule.check_entry(raw)

    assert str(caught.value) == message


def test_rate_over_a_hundred_percent_is_taken_when_the_rule_allows_it():
    tiers = parse_rule("tiers: >=100%=1; else=0; max=150%", D(1), "appraisal")
    proportional = parse_rule("proportional: max=120%", D(2), "appraisal")

    assert (tiers.text, tiers.check_entry("120%"), tiers.points("120%")) == (
        "tiers: >=100%=1; else=0; max=150%",
        "120%",
        D("1.0000"),
    )
    assert (proportional.text, proportional.check_entry("12/10"), proportional.points("12/10")) == (
        "proportional: max=120%",
        "12/10",
        D("2.0000"),
    )


def test_stored_rate_over_a_hundred_percent_still_computes_capped():
    """Results of earlier years stay computable: only entering such a rate is refused."""
    rule = parse_rule("tiers: >=100%=1; >=80%=0.5; else=0", D(1), "appraisal")

    assert (rule.normalize_input("120%"), rule.points("120%")) == ("120%", D("1"))


def test_tiers_strict_threshold_and_missing_else():
    rule = parse_rule("tiers: >80%=1", D(1), "appraisal")

    assert rule.points("80%") == 0
    assert rule.points("80.01%") == 1


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("17/0", "Mẫu số bằng 0: không chia được."),
        ("-5%", "Giá trị âm không hợp lệ."),
        ("-1/20", "Giá trị âm không hợp lệ."),
        ("1/-20", "Giá trị âm không hợp lệ."),
        ("nhiều", "«nhiều» không phải là tỷ lệ phần trăm (ví dụ 85%) hoặc phân số (ví dụ 17/20)."),
        ("1/2/3", "«1/2/3» không phải là tỷ lệ phần trăm"),
        ("   ", "Chưa nhập giá trị."),
    ],
)
def test_tiers_refuse_bad_ratios(raw, message):
    rule = parse_rule("tiers: >=100%=1; >=80%=0.5; else=0", D(1), "appraisal")

    with pytest.raises(InputError) as caught:
        rule.points(raw)

    assert message in caught.value.message


@pytest.mark.parametrize(
    ("rule_text", "raw", "points"),
    [
        ("proportional", "50%", "1.0000"),
        ("proportional", "100%", "2.0000"),
        ("proportional", "130%", "2.0000"),
        ("proportional", "2/3", "1.3333"),
        ("proportional", "0%", "0.0000"),
        ("proportional: min=50%", "49.99%", "0"),
        ("proportional: min=50%", "50%", "1.0000"),
        ("proportional: min=50%", "1/3", "0"),
    ],
)
def test_proportional_gives_max_times_ratio(rule_text, raw, points):
    rule = parse_rule(rule_text, D(2), "appraisal")

    assert rule.points(raw) == D(points)


def test_points_keep_four_decimal_places_half_up():
    rule = parse_rule("proportional", D(1), "appraisal")

    assert str(rule.points("12.345%")) == "0.1235"
    assert str(rule.points("1/8")) == "0.1250"


@pytest.mark.parametrize(("raw", "canonical"), [("1,5", "1.5"), ("2", "2"), ("0", "0"), (" 0.75 ", "0.75")])
def test_manual_takes_the_number(raw, canonical):
    rule = parse_rule("manual: step=0.25", D(2), "appraisal")

    assert rule.normalize_input(raw) == canonical
    assert rule.points(raw) == Decimal(canonical)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("0.3", "Điểm phải là bội số của 0,25."),
        ("2.25", "Điểm 2,25 vượt quá điểm tối đa 2."),
        ("-0.25", "Giá trị âm không hợp lệ."),
        ("hai", "«hai» không phải là số điểm."),
    ],
)
def test_manual_refuses_what_the_rule_does_not_allow(raw, message):
    rule = parse_rule("manual: step=0.25", D(2), "appraisal")

    with pytest.raises(InputError) as caught:
        rule.points(raw)

    assert caught.value.message == message


def test_manual_without_step_refuses_more_than_four_decimals():
    rule = parse_rule("manual", D(2), "appraisal")

    assert rule.points("1.2345") == D("1.2345")
    with pytest.raises(InputError, match="tối đa 4 chữ số thập phân"):
        rule.points("1.23456")


@pytest.mark.parametrize(
    ("raw", "points"), [("0", "0"), ("1", "0.5"), ("3", "1.5"), ("4", "2"), ("10", "2"), ("03", "1.5")]
)
def test_penalty_deducts_per_event_up_to_the_cap(raw, points):
    rule = parse_rule("penalty: per=0.5", D(2), "penalty")

    assert rule.points(raw) == D(points)


@pytest.mark.parametrize(
    ("raw", "message"), [("1.5", "phải là số nguyên không âm"), ("-1", "Giá trị âm không hợp lệ.")]
)
def test_penalty_refuses_a_count_that_is_not_a_natural_number(raw, message):
    with pytest.raises(InputError, match=message):
        parse_rule("penalty: per=0.5", D(2), "penalty").points(raw)


@pytest.mark.parametrize(
    ("raw", "canonical", "points"),
    [
        ("85%", "85%", "4.2500"),
        ("85", "85%", "4.2500"),
        ("100%", "100%", "5.0000"),
        ("130%", "130%", "5.0000"),
        ("A=10;B=5;C=1;D=0", "A=10;B=5;C=1;D=0", "4.1250"),
        ("a = 10, b = 5, c = 1", "A=10;B=5;C=1;D=0", "4.1250"),
        ("C=3", "A=0;B=0;C=3;D=0", "1.0000"),
        ("D=4", "A=0;B=0;C=0;D=4", "0.0000"),
    ],
)
def test_survey_takes_a_percentage_or_weighted_answer_counts(raw, canonical, points):
    rule = parse_rule("survey", D(5), "survey")

    assert rule.normalize_input(raw) == canonical
    assert rule.points(raw) == D(points)


def test_survey_weights_can_be_set_by_the_period():
    rule = parse_rule("survey", D(5), "survey")

    weighted = rule.points("A=10;B=10", {"A": D(100), "B": D(50)})

    assert weighted == D("3.7500")
    assert rule.points("A=10;B=10") == D("4.0000")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("A=0;B=0;C=0;D=0", "Tổng số phiếu bằng 0: không tính được."),
        ("A=-3;B=5", "Giá trị âm không hợp lệ."),
        ("A=1;E=2", "Phương án «E» không có; chỉ có A, B, C, D."),
        ("A=1;a=2", "Phương án «A» bị lặp lại."),
        ("A=1.5", "Số phiếu «1.5» phải là số nguyên."),
        ("hài lòng", "Kết quả điều tra phải là tỷ lệ phần trăm"),
        ("-10%", "Giá trị âm không hợp lệ."),
    ],
)
def test_survey_refuses_bad_results(raw, message):
    with pytest.raises(InputError) as caught:
        parse_rule("survey", D(5), "survey").points(raw)

    assert message in caught.value.message


@pytest.mark.parametrize(
    ("text", "method"),
    [
        ("boolean", "appraisal"),
        ("levels: A=1", "appraisal"),
        ("tiers: >=1%=1", "appraisal"),
        ("proportional", "appraisal"),
        ("manual", "appraisal"),
        ("penalty: per=1", "penalty"),
        ("survey", "survey"),
    ],
)
def test_every_rule_refuses_an_empty_input(text, method):
    rule = parse_rule(text, D(1), method)

    for raw in ("", "  "):
        with pytest.raises(InputError) as caught:
            rule.normalize_input(raw)
        assert caught.value.message == "Chưa nhập giá trị."
        with pytest.raises(InputError):
            rule.points(raw)


def test_points_are_memoised_per_rule_and_input():
    rule = parse_rule("levels: Một=1; Hai=0.5", D(1), "appraisal")

    first = rule.points("hai")

    assert rule.memo(None)["hai"] is first
    assert rule.points("hai") is first


def test_huge_numbers_are_refused_or_capped_without_crashing():
    huge = "9" * 35

    assert "bội số" in validate_rule_text(f"manual: step={huge}", D(1), "appraisal")
    assert parse_rule(f"penalty: per={huge}", D(2), "penalty").points("1") == D(2)
    assert parse_rule("proportional", D(2), "appraisal").points(f"{huge}%") == D(2)
    with pytest.raises(InputError, match=f"Điểm {huge} vượt quá điểm tối đa 2."):
        parse_rule("manual", D(2), "appraisal").points(huge)


@pytest.mark.parametrize(
    ("rule_text", "kind", "raw", "message"),
    [
        ("tiers: >=100%=1; >=80%=0.5; else=0", "appraisal", "0,98",
         "0,98 có phải là 98%? Hãy ghi rõ dạng phần trăm: 98% hoặc 0,98%."),
        ("proportional", "appraisal", "0.5", "0,5 có phải là 50%? Hãy ghi rõ dạng phần trăm: 50% hoặc 0,5%."),
        ("proportional: min=50%", "appraisal", "1", "1 có phải là 100%? Hãy ghi rõ dạng phần trăm: 100% hoặc 1%."),
        ("survey", "survey", "0,85", "0,85 có phải là 85%? Hãy ghi rõ dạng phần trăm: 85% hoặc 0,85%."),
    ],
)  # fmt: skip
def test_a_bare_number_up_to_one_on_a_rate_is_refused_when_entered(rule_text, kind, raw, message):
    """QA: «0,98» on a percentage item was saved as 0,98 % (0 points) when 98 % was meant. A bare number in
    (0, 1] is refused at entry, as the survey import already did, so the person writes which one they meant;
    stored inputs still compute (an earlier year's «0,98» stays 0,98 %)."""
    rule = parse_rule(rule_text, D(1), kind)

    with pytest.raises(InputError) as caught:
        rule.check_entry(raw)

    assert str(caught.value) == message
    assert rule.points(raw) == rule.points(raw + "%")


@pytest.mark.parametrize("raw", ["0,98%", "98", "0", "17/20", "1/2", "1,5"])
def test_a_rate_written_as_a_percentage_or_a_fraction_is_taken_when_entered(raw):
    rule = parse_rule("tiers: >=100%=1; >=80%=0.5; else=0", D(1), "appraisal")

    assert rule.check_entry(raw) == rule.normalize_input(raw)
