"""Issue 11, behaviour 2: last year's published results (a year before ParIndex) give the rank change; the
chair's finalisation from the command line."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from appraisal.documents.annex import build_annex
from appraisal.registry.models import Period, Phase
from appraisal.scoring.adapters import decision_data_from_run
from appraisal.scoring.models import PublishedResult, PublishedYear, ScoreRun
from appraisal.scoring.published import published_results_import
from tests.registry.helpers import xlsx_bytes
from tests.scoring.conftest import finalise_all

# As in a decision's annex: title rows, then the header; ranks 2022: stp first, skhcn second.
TABLE_2022 = [
    ["PHỤ LỤC I"],
    ["KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2022 CỦA CÁC SỞ, BAN, NGÀNH"],
    [],
    ["STT", "Mã đơn vị", "Tên cơ quan, đơn vị", "Chỉ số CCHC (%)", "Xếp hạng", "Xếp loại"],
    [1, "stp", "Sở Tư pháp", "91,20", 1, "Xuất sắc"],
    [2, "SKHCN", "Sở Khoa học và Công nghệ", 88.5, 2, "Tốt"],
]


def test_import_results_records_last_years_table_and_fills_the_annex_rank_change(scored, secretariat, chair):
    period = scored[0].period
    report = published_results_import(
        year=2022, file_name="qd-2022.xlsx", content=xlsx_bytes(TABLE_2022), by=secretariat
    )
    assert report.ok, report.problems
    assert report.summary == "Đã ghi kết quả đã công bố năm 2022: 2 đơn vị từ «qd-2022.xlsx»."
    rows = list(
        PublishedResult.objects.order_by("rank").values_list(
            "unit__code", "group_code", "index", "rank", "band"
        )
    )
    assert rows == [
        ("stp", "so", Decimal("91.2000"), 1, "xuat_sac"),
        ("skhcn", "so", Decimal("88.5000"), 2, "tot"),
    ]

    Period.objects.filter(pk=period.pk).update(phase=Phase.REAPPRAISAL)
    finalise_all(period)
    call_command("finalise_results", "--year", "2023", "--user", chair.username)
    run = ScoreRun.objects.get(period=period, is_final=True)
    period.refresh_from_db()
    assert period.phase == Phase.FINALISED
    ws = openpyxl.load_workbook(io.BytesIO(build_annex(decision_data_from_run(run)).content))["Phụ lục I"]
    body = {
        ws.cell(row=r, column=2).value: (ws.cell(row=r, column=10).value, ws.cell(row=r, column=11).value)
        for r in (8, 9)
    }
    assert body == {"Sở Khoa học và Công nghệ": (1, "↑1"), "Sở Tư pháp": (2, "↓1")}


def test_compute_results_json_has_rank_change_from_the_published_year(scored, secretariat, capsys):
    published_results_import(year=2022, file_name="qd.xlsx", content=xlsx_bytes(TABLE_2022), by=secretariat)
    call_command("compute_results", "--year", "2023", "--json")
    data = json.loads(capsys.readouterr().out)
    changes = {u["code"]: u["rank_change"] for u in data["groups"][0]["units"]}
    assert changes == {"skhcn": 1, "stp": -1}


def test_import_results_lists_every_bad_row_and_writes_nothing(scored, secretariat, tmp_path):
    bad = [
        ["Mã đơn vị", "Chỉ số CCHC (%)", "Xếp hạng", "Xếp loại"],
        ["khongco", "80", "1", ""],
        ["stp", "180", "0", "Giỏi"],
        ["stp", "80", "2", ""],
    ]
    path = tmp_path / "sai.xlsx"
    path.write_bytes(xlsx_bytes(bad))
    with pytest.raises(CommandError) as error:
        call_command("import_results", str(path), "--year", "2022", "--user", secretariat.username)
    assert str(error.value) == "Tệp «sai.xlsx»: 4 lỗi, không nhập dòng nào."
    assert PublishedYear.objects.count() == 0 and PublishedResult.objects.count() == 0


def test_import_results_command_prints_one_summary_line(scored, secretariat, tmp_path, capsys):
    path = tmp_path / "qd.csv"
    path.write_bytes("\ufeffMã đơn vị;Chỉ số CCHC (%);Xếp hạng\nstp;91,2;1\nskhcn;88,5;2\n".encode())
    call_command("import_results", str(path), "--year", "2022", "--user", secretariat.username)
    assert capsys.readouterr().out == "Đã ghi kết quả đã công bố năm 2022: 2 đơn vị từ «qd.csv».\n"


def test_finalise_results_command_refuses_someone_who_is_not_the_chair(scored, secretariat):
    with pytest.raises(CommandError) as error:
        call_command("finalise_results", "--year", "2023", "--user", secretariat.username)
    assert str(error.value) == "Chỉ Chủ tịch Hội đồng kỳ 2023 được phê duyệt chốt kết quả kỳ đánh giá."
    assert ScoreRun.objects.filter(is_final=True).count() == 0


def test_published_results_page_uploads_for_the_secretariat(scored, secretariat, client_for):
    client = client_for(secretariat)
    page = client.get(reverse("scoring:published", args=[2022])).content.decode()
    assert "Tải tệp mẫu" in page and "Chưa ghi kết quả nào cho năm 2022." in page
    response = client.post(
        reverse("scoring:published", args=[2022]),
        {"file": SimpleUploadedFile("qd.xlsx", xlsx_bytes(TABLE_2022))},
        follow=True,
    )
    body = response.content.decode()
    assert "Đã ghi kết quả đã công bố năm 2022: 2 đơn vị từ «qd.xlsx»." in body
    assert "Đã ghi 2 đơn vị" in body
    template = client.get(reverse("scoring:published_template"))
    wb = openpyxl.load_workbook(io.BytesIO(template.content))
    assert [c.value for c in wb["Kết quả đã công bố"][1]][:5] == [
        "Mã đơn vị", "Khối", "Tên cơ quan, đơn vị", "Chỉ số CCHC (%)", "Xếp hạng",
    ]  # fmt: skip
    assert wb["Ví dụ"]["A2"].value == "skhcn"


def test_published_results_page_is_refused_to_others(scored, observer, editor, client_for):
    for user in (observer, editor):
        client = client_for(user)
        assert client.get(reverse("scoring:published", args=[2022])).status_code == 403
        assert client.get(reverse("scoring:published_template")).status_code == 403
    assert PublishedYear.objects.count() == 0


def test_results_page_shows_last_years_index_and_rank_from_the_published_table(
    scored, secretariat, client_for
):
    published_results_import(year=2022, file_name="qd.xlsx", content=xlsx_bytes(TABLE_2022), by=secretariat)
    body = client_for(secretariat).get(reverse("scoring:period", args=[2023])).content.decode()
    assert '<th scope="col" class="num">Năm 2022: chỉ số (xếp hạng)</th>' in body
    assert '<td class="num" data-previous="skhcn">88,50 (2)</td>' in body
    assert '<td class="num" data-previous="stp">91,20 (1)</td>' in body


def test_unit_result_page_shows_last_years_published_index_and_rank(scored, secretariat, client_for):
    published_results_import(year=2022, file_name="qd.xlsx", content=xlsx_bytes(TABLE_2022), by=secretariat)
    body = client_for(secretariat).get(reverse("scoring:unit_detail", args=[2023, "skhcn"])).content.decode()
    assert (
        '<div class="small" id="unit-previous">Năm 2022: chỉ số 88,50%, xếp hạng 2 (theo kết quả đã công bố)</div>'
    ) in body


def test_results_pages_show_no_previous_year_when_none_was_recorded(scored, secretariat, client_for):
    body = client_for(secretariat).get(reverse("scoring:period", args=[2023])).content.decode()
    assert '<td class="num" data-previous="skhcn">–</td>' in body
    unit_page = (
        client_for(secretariat).get(reverse("scoring:unit_detail", args=[2023, "skhcn"])).content.decode()
    )
    assert 'id="unit-previous"' not in unit_page


def test_published_results_page_refuses_an_empty_file_with_the_message_of_every_import(
    scored, secretariat, client_for
):
    response = client_for(secretariat).post(
        reverse("scoring:published", args=[2022]), {"file": SimpleUploadedFile("qd.xlsx", b"")}, follow=True
    )

    body = response.content.decode()
    assert "Tệp «qd.xlsx» trống (0 byte). Hãy chọn đúng tệp cần nhập." in body
    assert "Tập tin được gửi là rỗng" not in body


def _csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_last_years_table_recorded_after_finalising_gives_the_same_rank_change_everywhere(
    scored, secretariat, chair, client_for
):
    """QA item 8: the demo records 2021's published table after 2022 was finalised. The results page, its CSV,
    the annex and the dashboards all take the previous rank from one function and say the same (+1 for
    skhcn, which moved from 2 to 1)."""
    period = scored[0].period
    Period.objects.filter(pk=period.pk).update(phase=Phase.REAPPRAISAL)
    finalise_all(period)
    call_command("finalise_results", "--year", "2023", "--user", chair.username)
    published_results_import(year=2022, file_name="qd.xlsx", content=xlsx_bytes(TABLE_2022), by=secretariat)
    client = client_for(secretariat)

    page = client.get(reverse("scoring:period", args=[2023])).content.decode()
    assert '<td class="num" data-previous="skhcn">88,50 (2)</td>\n        <td>Tăng 1 bậc</td>' in page
    results_csv = _csv(client.get(reverse("scoring:csv", args=[2023])).content)
    column = results_csv[0].index("Tăng/giảm bậc")
    assert {row[-1]: row[column] for row in results_csv[1:]} == {"skhcn": "1", "stp": "-1"}
    run = ScoreRun.objects.get(period=period, is_final=True)
    ws = openpyxl.load_workbook(io.BytesIO(build_annex(decision_data_from_run(run)).content))["Phụ lục I"]
    assert {ws.cell(row=r, column=2).value: ws.cell(row=r, column=11).value for r in (8, 9)} == {
        "Sở Khoa học và Công nghệ": "↑1",
        "Sở Tư pháp": "↓1",
    }
    dashboard = _csv(client.get("/bang-dieu-khien/2023/ket-qua/thay-doi-so.csv").content)
    assert {row[0]: row[-1] for row in dashboard[1:]} == {
        "Sở Khoa học và Công nghệ": "+1",
        "Sở Tư pháp": "-1",
    }


# Ranks 2022 the other way round: skhcn first, stp second (skhcn then moves 1 → 1, stp 2 → 2).
TABLE_2022_OTHER = [row[:] for row in TABLE_2022]
TABLE_2022_OTHER[4][4], TABLE_2022_OTHER[5][4] = 2, 1


def _annex_changes(run: ScoreRun) -> dict[str, str]:
    ws = openpyxl.load_workbook(io.BytesIO(build_annex(decision_data_from_run(run)).content))["Phụ lục I"]
    return {ws.cell(row=r, column=2).value: ws.cell(row=r, column=11).value for r in (8, 9)}


def test_approval_fixes_the_rank_change_the_signed_decision_shows(scored, secretariat, chair, client_for):
    """A signed decision does not change afterwards: approval writes into the snapshot the rank change known
    then (here from the table recorded after finalising), and a table of the year before recorded again after
    approval changes neither the annex, nor the results page, nor its CSV."""
    import datetime as dt

    from appraisal.scoring.models import UnitResultRow
    from appraisal.scoring.services import period_approve
    from tests.scoring.conftest import complete_decision

    period = scored[0].period
    Period.objects.filter(pk=period.pk).update(phase=Phase.REAPPRAISAL)
    finalise_all(period)
    call_command("finalise_results", "--year", "2023", "--user", chair.username)
    run = ScoreRun.objects.get(period=period, is_final=True)
    assert set(run.unit_rows.values_list("rank_change", flat=True)) == {None}
    published_results_import(year=2022, file_name="qd.xlsx", content=xlsx_bytes(TABLE_2022), by=secretariat)
    period.refresh_from_db()
    complete_decision(period)
    period_approve(period=period, number="519/QĐ-UBND", date=dt.date(2024, 2, 1), by=secretariat)

    stored = dict(UnitResultRow.objects.filter(run=run).values_list("unit_code", "rank_change"))
    assert stored == {"skhcn": 1, "stp": -1}
    report = published_results_import(
        year=2022, file_name="qd-sua.xlsx", content=xlsx_bytes(TABLE_2022_OTHER), by=secretariat
    )
    assert [p.message for p in report.problems] == [
        "Kết quả năm 2022 là căn cứ tăng/giảm bậc của Quyết định số 519/QĐ-UBND phê duyệt Chỉ số CCHC năm "
        "2023: không ghi lại được sau khi quyết định đã ký."
    ]
    assert dict(PublishedResult.objects.values_list("unit__code", "rank")) == {"stp": 1, "skhcn": 2}
    # Even a table changed behind the application's back leaves the signed figures as they were.
    PublishedResult.objects.filter(unit__code="stp").update(rank=2)
    PublishedResult.objects.filter(unit__code="skhcn").update(rank=1)

    assert _annex_changes(run) == {"Sở Khoa học và Công nghệ": "↑1", "Sở Tư pháp": "↓1"}
    client = client_for(secretariat)
    results_csv = _csv(client.get(reverse("scoring:csv", args=[2023])).content)
    column = results_csv[0].index("Tăng/giảm bậc")
    assert {row[-1]: row[column] for row in results_csv[1:]} == {"skhcn": "1", "stp": "-1"}
    page = client.get(reverse("scoring:period", args=[2023])).content.decode()
    assert "Tăng 1 bậc" in page and "Giảm 1 bậc" in page


def test_published_table_is_refused_for_a_year_run_in_parindex_or_still_to_come(scored, secretariat):
    """QA2: a «published table» for 2023, a period still running in ParIndex, was accepted and then gave 2024 its
    rank changes; so was 2030. A year run in ParIndex takes its results from its own official run."""
    report = published_results_import(
        year=2023, file_name="qd-2023.xlsx", content=xlsx_bytes(TABLE_2022), by=secretariat
    )
    assert [p.message for p in report.problems] == [
        "Năm 2023 là kỳ đánh giá thực hiện trên ParIndex (Chỉ số CCHC năm 2023): kết quả của năm này lấy "
        "từ lần tính chính thức khi Hội đồng chốt, không nhập từ tệp."
    ]
    future = published_results_import(
        year=2099, file_name="qd-2099.xlsx", content=xlsx_bytes(TABLE_2022), by=secretariat
    )
    assert [p.message for p in future.problems] == ["Năm 2099 chưa đến: chỉ nhập kết quả của năm đã công bố."]
    assert not PublishedResult.objects.exists()
