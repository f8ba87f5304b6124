"""Numbers the Vietnamese way (issue 15, points 3 and 4): decimal comma typed and shown, no number fields that a
Vietnamese browser misreads, a rate over 100 % refused."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from appraisal.core.numbers import format_index, format_input, format_points, format_total, parse_number
from tests.assessments.conftest import entry_of

HTMX = {"HX-Request": "true"}


def _save(client, entry, value):
    return client.post(
        reverse("assessments:entry_save", args=[entry.assessment_id, entry.pk]),
        {"value": value, "note": "", "version": entry.version},
        headers=HTMX,
    )


# -- What happens today 3: the manual-score box was a number field ("1,25" became 125) -----------------------


def test_manual_score_box_was_a_number_field_now_a_decimal_text_box(client_for, editor, assessment):
    entry = entry_of(assessment, "2.1")
    _save(client_for(editor), entry, "1,25")
    body = client_for(editor).get(reverse("assessments:form", args=[assessment.pk])).content.decode()

    assert (
        f'<input class="form-control" type="text" inputmode="decimal" name="value" id="entry-{entry.pk}-value" '
        'value="1,25" autocomplete="off"'
    ) in body
    assert 'type="number"' not in body


def test_manual_score_typed_with_a_decimal_comma_is_one_and_a_quarter(client_for, editor, assessment):
    entry = entry_of(assessment, "2.1")
    response = _save(client_for(editor), entry, "1,25")
    entry.refresh_from_db()

    assert response.status_code == 200
    assert (entry.self_value, entry.self_points) == ("1.25", Decimal("1.2500"))
    assert (
        f'<strong id="entry-{entry.pk}-points" hx-swap-oob="true">1,25</strong>' in response.content.decode()
    )


def test_totals_showed_four_decimals_now_two(client_for, editor, assessment):
    entry = entry_of(assessment, "2.2")
    _save(client_for(editor), entry, "33,33%")  # proportional, 1 point: 0.3333
    body = client_for(editor).get(reverse("assessments:form", args=[assessment.pk])).content.decode()

    assert "0,3333" not in body
    assert f'id="entry-{entry.pk}-points">0,33</' in body


# -- What happens today 4: a rate of 120 % was accepted and scored full points -------------------------------


@pytest.mark.parametrize(("code", "typed"), [("1.2", "120%"), ("1.4", "21/20"), ("2.2", "100,5")])
def test_rate_of_120_percent_was_accepted_now_refused(client_for, editor, assessment, code, typed):
    entry = entry_of(assessment, code)
    response = _save(client_for(editor), entry, typed)
    entry.refresh_from_db()

    assert response.status_code == 422
    assert "vượt quá 100%: hãy kiểm tra lại số liệu." in response.content.decode()
    assert (entry.self_value, entry.self_points, entry.version) == ("", None, 0)


# -- the one parser and the formats ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "number"), [("1,25", "1.25"), ("1.25", "1.25"), (" 12 ", "12"), ("0,5", "0.5")]
)
def test_parse_number_takes_a_decimal_comma_or_point(typed, number):
    assert parse_number(typed) == Decimal(number)


@pytest.mark.parametrize("typed", ["1,2,5", "1e3", "NaN", "", "một"])
def test_parse_number_refuses_anything_else(typed):
    with pytest.raises(ValueError):
        parse_number(typed)


def test_formats_points_totals_and_indices():
    assert [
        format_points(Decimal("1.5000")),
        format_points(Decimal("0.3333")),
        format_points(Decimal("0.1250"), Decimal("0.125")),
        format_points(Decimal("2")),
        format_total(Decimal("71.4599")),
        format_total(Decimal("6.8")),
        format_index(Decimal("90.0150"), 2),
        format_index(Decimal("90.0150"), 1),
        format_points(None),
    ] == ["1,5", "0,33", "0,125", "2", "71,46", "6,80", "90,02", "90,0", "–"]


def test_format_input_writes_stored_inputs_with_a_decimal_comma():
    assert [format_input(x) for x in ("88.5%", "1.25", "7.5/10", "Có", "Tốt", "", None)] == [
        "88,5%",
        "1,25",
        "7,5/10",
        "Có",
        "Tốt",
        "",
        "",
    ]


def test_conflict_echoes_88_5_percent_as_typed_not_88_point_5(editor, head, assessment):
    first, second = Client(), Client()
    first.force_login(editor)
    second.force_login(head)
    entry = entry_of(assessment, "1.2")
    assert _save(first, entry, "88,5%").status_code == 200
    body = _save(second, entry, "70,5%").content.decode()
    assert "với giá trị «88,5%»; giá trị của bạn: «70,5%»." in body
    assert "Giữ giá trị đã lưu «88,5%»" in body
    assert "Ghi đè bằng giá trị của tôi «70,5%»" in body
    assert "88.5%" not in body
