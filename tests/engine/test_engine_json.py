import json
import re
from decimal import Decimal

from appraisal.engine import compute_period, result_to_json

UNIT_KEYS = [
    "code",
    "name",
    "max_points",
    "self_points",
    "appraisal_points",
    "survey_points",
    "bonus_points",
    "penalty_points",
    "total_points",
    "index",
    "index_display",
    "rank",
    "rank_change",
    "band",
    "head_rating",
    "fields",
]


def test_result_to_json_has_the_spec_shape_with_decimal_strings(make):
    index_set = make.index_set(
        make.leaf("1.1", 30),
        make.leaf("2.1", 30, tags={"no_tthc"}),
        make.leaf("3.1", 40, "survey", "survey"),
        make.leaf("P1", 2, "penalty: per=0.5", "penalty"),
    )
    units = (
        make.unit("VP", {"1.1": "20", "3.1": make.values(survey="2/3")}, tags={"no_tthc"}),
        make.unit("STP", {"1.1": "30", "2.1": "30", "3.1": make.values(survey="100%"), "P1": "1"}),
    )

    data = result_to_json(compute_period(make.period(index_set, *units)))

    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["year"] == 2023
    assert [list(group) for group in data["groups"]] == [["code", "name", "units"]]
    first, second = data["groups"][0]["units"]
    assert list(first) == UNIT_KEYS
    assert first == {
        "code": "STP",
        "name": "Đơn vị STP",
        "max_points": "100",
        "self_points": "60.0000",
        "appraisal_points": "60.0000",
        "survey_points": "40.0000",
        "bonus_points": "0.0000",
        "penalty_points": "0.5000",
        "total_points": "99.5000",
        "index": "99.5000000000",
        "index_display": "99.50",
        "rank": 1,
        "rank_change": None,
        "band": "xuat_sac",
        "head_rating": "htxs",
        "fields": [
            {"code": "1", "points": "30.0000", "max_points": "30", "index": "100.0000000000"},
            {"code": "2", "points": "30.0000", "max_points": "30", "index": "100.0000000000"},
            {"code": "3", "points": "40.0000", "max_points": "40", "index": "100.0000000000"},
        ],
    }
    assert second["max_points"] == "70"
    assert second["total_points"] == "46.6667"
    assert second["index"] == "66.6667142857"
    assert second["index_display"] == "66.67"
    assert second["rank"] == 2
    assert second["fields"][1] == {"code": "2", "points": "0.0000", "max_points": "0", "index": None}


def test_result_to_json_never_writes_an_exponent(make):
    index_set = make.index_set(make.leaf("1.1", 100))
    period = make.period(index_set, make.unit("A", {"1.1": "0"}), make.unit("B", {"1.1": "0.0001"}))

    data = result_to_json(compute_period(period))

    numbers = [
        value
        for unit in data["groups"][0]["units"]
        for key, value in unit.items()
        if key not in ("code", "name", "rank", "rank_change", "band", "head_rating", "fields")
    ]
    assert all(re.fullmatch(r"\d+(\.\d+)?", number) for number in numbers)
    assert data["groups"][0]["units"][0]["index"] == "0.0001000000"
    assert Decimal(data["groups"][0]["units"][1]["index"]) == 0
