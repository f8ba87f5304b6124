"""scores_import and the import_scores command (SPEC §7, §10)."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from appraisal.assessments.models import Assessment, ItemEntry, ItemHistory
from appraisal.council.importing import scores_import
from appraisal.council.models import SurveyImport
from tests.council.conftest import entry_of
from tests.factories import UnitFactory, member_of


def csv_bytes(text: str) -> bytes:
    return ("\ufeff" + text).encode("utf-8")


def xlsx_bytes(rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_survey_import_vietnamese_headers_stores_points_file_and_history(world, secretariat):
    content = csv_bytes(
        'Mã đơn vị;Mã tiêu chí;Giá trị;Ghi chú\nskhcn;3.1;85,5%;Phiếu 2023\nSTP;3.1;"A=10;B=5;C=1;D=0";\n'
    )
    report = scores_import(
        period=world["period"], layer="survey", file_name="xhh.csv", content=content, by=secretariat
    )
    assert report.ok, report.problems
    assert (report.rows, report.written, report.unchanged) == (2, 2, 0)
    a = entry_of(world["skhcn"], "3.1")
    b = entry_of(world["stp"], "3.1")
    assert (a.survey_value, a.survey_points) == ("85.5%", Decimal("2.5650"))
    # (10×100 + 5×60 + 1×20) / 16 = 82.5 % of 3 points
    assert (b.survey_value, b.survey_points) == ("A=10;B=5;C=1;D=0", Decimal("2.4750"))
    h = ItemHistory.objects.get(entry=a, layer="survey")
    assert (h.source, h.by, h.reason) == ("import", secretariat, "Phiếu 2023")
    record = SurveyImport.objects.get()
    assert (record.file_name, record.rows, record.by) == ("xhh.csv", 2, secretariat)
    assert record.file.read() == content


def test_import_reports_every_bad_row_and_writes_nothing(world, secretariat):
    UnitFactory(code="lonely", name="Đơn vị chưa thuộc khối")
    content = xlsx_bytes(
        [
            ["unit", "item", "value", "note"],
            ["skhcn", "1.1", "Có", ""],
            ["khongco", "1.1", "Có", ""],
            ["skhcn", "9.9", "Có", ""],
            ["skhcn", "1", "Có", ""],
            ["skhcn", "3.1", "80%", ""],
            ["skhcn", "1.3", "Xuất sắc", ""],
            ["skhcn", "1.2", "", ""],
            ["lonely", "1.1", "Có", ""],
            ["skhcn", "1.1", "Không", ""],
        ]
    )
    report = scores_import(
        period=world["period"], layer="round1", file_name="v1.xlsx", content=content, by=secretariat
    )
    assert [str(p) for p in report.problems] == [
        "Dòng 3: không có đơn vị mã «khongco».",
        "Dòng 4: tiêu chí «9.9» không có trong Bộ chỉ số Các sở, ban, ngành năm 2023 (bộ chỉ số của đơn vị «skhcn»).",
        "Dòng 5: «1» là nhóm tiêu chí: chỉ nhập điểm cho tiêu chí không có mục con.",
        "Dòng 6: tiêu chí «3.1» chấm qua điều tra XHH: hãy nhập kết quả điều tra (lớp survey), không nhập vào lớp "
        "thẩm định vòng 1.",
        "Dòng 7: tiêu chí «1.3»: «Xuất sắc» không có trong danh sách mức: Tốt, Đạt, Chưa đạt.",
        "Dòng 8: thiếu giá trị cho tiêu chí «1.2» (cột Giá trị).",
        "Dòng 9: đơn vị «lonely» không thuộc khối nào trong kỳ năm 2023.",
        "Dòng 10: trùng với dòng 2 (đơn vị «skhcn», tiêu chí «1.1»).",
    ]
    assert report.summary == "Tệp «v1.xlsx»: 8 lỗi, không nhập dòng nào."
    assert not ItemEntry.objects.exclude(round1_value="").exists()
    assert not ItemHistory.objects.filter(layer="round1").exists()


def test_survey_layer_refuses_non_survey_items_and_finalised_units(world, secretariat):
    Assessment.objects.filter(pk=world["stp"].pk).update(state="finalised")
    content = csv_bytes("unit,item,value\nskhcn,1.1,80%\nstp,3.1,80%\n")
    report = scores_import(
        period=world["period"], layer="survey", file_name="x.csv", content=content, by=secretariat
    )
    assert [str(p) for p in report.problems] == [
        "Dòng 2: tiêu chí «1.1» không chấm qua điều tra XHH: không nhập được vào lớp điều tra XHH.",
        "Dòng 3: kết quả của đơn vị «stp» đã chốt: không nhập được (cần mở lại trước).",
    ]
    assert not SurveyImport.objects.exists()


def test_import_creates_missing_assessment_and_round2_decisions(world, secretariat, group, period):
    fresh_unit = UnitFactory(code="snv", name="Sở Nội vụ")
    member_of(period, fresh_unit, group)
    self_file = csv_bytes("unit,item,value\nsnv,1.1,Có\nsnv,2.1;1.5\n".replace(";", ","))
    report = scores_import(
        period=period, layer="self", file_name="self.csv", content=self_file, by=secretariat
    )
    assert report.ok and report.assessments_created == 1
    assert Assessment.objects.get(unit=fresh_unit).entries.count() == 9
    scores_import(
        period=period,
        layer="round1",
        file_name="r1.csv",
        content=csv_bytes('unit,item,value,lý do\nsnv,1.1,Không,Chưa ban hành\nsnv,2.1,"1,0",Thiếu\n'),
        by=secretariat,
    )
    # Round 2 takes the items the unit explained, once it sent its explanation (as the web form).
    assessment = Assessment.objects.get(unit=fresh_unit)
    assessment.entries.filter(node__code__in=["1.1", "2.1"]).update(explanation="Đã bổ sung.")
    Assessment.objects.filter(pk=assessment.pk).update(state="explained")
    report = scores_import(
        period=period,
        layer="round2",
        file_name="r2.csv",
        content=csv_bytes("unit,item,value,note\nsnv,1.1,có,Giải trình hợp lý\nsnv,2.1,1,Giữ\n"),
        by=secretariat,
    )
    assert report.ok
    e11 = ItemEntry.objects.get(assessment__unit=fresh_unit, node__code="1.1")
    e21 = ItemEntry.objects.get(assessment__unit=fresh_unit, node__code="2.1")
    assert (e11.round1_reason, e11.round2_decision, e11.round2_points) == (
        "Chưa ban hành",
        "accept",
        Decimal("1.0000"),
    )
    assert (e21.round2_decision, e21.round2_points) == ("keep", Decimal("1.0000"))


def test_reimporting_the_same_file_changes_nothing(world, secretariat):
    content = csv_bytes("unit,item,value\nskhcn,3.1,80%\n")
    scores_import(period=world["period"], layer="survey", file_name="a.csv", content=content, by=secretariat)
    report = scores_import(
        period=world["period"], layer="survey", file_name="a.csv", content=content, by=secretariat
    )
    assert (report.written, report.unchanged) == (0, 1)
    assert ItemHistory.objects.filter(layer="survey").count() == 1


def test_unreadable_file_is_one_problem(world, secretariat):
    report = scores_import(
        period=world["period"], layer="survey", file_name="x.xlsx", content=b"not a workbook", by=secretariat
    )
    assert len(report.problems) == 1 and "không phải là bảng tính Excel" in str(report.problems[0])


def test_import_scores_command_prints_one_line_and_attributes_history(
    world, secretariat, admin_user, tmp_path, capsys
):
    path = tmp_path / "xhh.csv"
    path.write_bytes(csv_bytes("unit,item,value\nskhcn,3.1,80%\n"))
    call_command("import_scores", str(path), "--year", "2023", "--layer", "survey")
    out = capsys.readouterr().out.strip().splitlines()
    assert out == ["Đã nhập 1 dòng điều tra XHH từ «xhh.csv»: 1 thay đổi, 0 giữ nguyên, 0 bản đánh giá mới."]
    assert ItemHistory.objects.get(layer="survey").by == admin_user  # the first superuser
    call_command("import_scores", str(path), "--year", "2023", "--layer", "survey", "--user", "secretariat")
    assert SurveyImport.objects.order_by("-pk").first().by == secretariat


def test_import_scores_command_fails_with_every_error(world, admin_user, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes("unit,item,value\nx,1.1,Có\nskhcn,1.1,Có lẽ\n"))
    with pytest.raises(CommandError) as exc:
        call_command("import_scores", str(path), "--year", "2023", "--layer", "round1")
    assert str(exc.value).splitlines() == [
        "Tệp «bad.csv»: 2 lỗi, không nhập dòng nào.",
        "Dòng 2: không có đơn vị mã «x».",
        "Dòng 3: tiêu chí «1.1»: «Có lẽ» không phải là Có hoặc Không.",
    ]
    with pytest.raises(CommandError, match="Không có kỳ đánh giá năm 1999"):
        call_command("import_scores", str(path), "--year", "1999", "--layer", "round1")


def test_survey_page_uploads_and_lists_imports(client_for, world, secretariat):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client_for(secretariat)
    bad = c.post(
        reverse("council:survey", args=[2023]),
        {"file": SimpleUploadedFile("bad.csv", csv_bytes("unit,item,value\nskhcn,1.1,80%\n"))},
    )
    assert "không nhập được vào lớp điều tra XHH" in bad.content.decode()
    c.post(
        reverse("council:survey", args=[2023]),
        {"file": SimpleUploadedFile("xhh.csv", csv_bytes("unit,item,value\nskhcn,3.1,80%\n"))},
    )
    record = SurveyImport.objects.get()
    page = c.get(reverse("council:survey", args=[2023])).content.decode()
    assert reverse("council:survey_download", args=[record.pk]) in page and "xhh.csv" in page
    response = c.get(reverse("council:survey_download", args=[record.pk]))
    assert b"".join(response.streaming_content) == csv_bytes("unit,item,value\nskhcn,3.1,80%\n")


def test_survey_page_offers_its_template_with_vietnamese_columns_and_examples(client_for, world, secretariat):
    c = client_for(secretariat)
    url = reverse("council:survey_template", args=[2023])
    page = c.get(reverse("council:survey", args=[2023])).content.decode()
    assert f'<a href="{url}">Tải tệp mẫu kèm ví dụ (mau-dieu-tra-xhh.xlsx)</a>' in page

    response = c.get(url)
    assert response["Content-Disposition"] == 'attachment; filename="mau-dieu-tra-xhh.xlsx"'
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = wb["Điều tra XHH"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Mã đơn vị", "Mã tiêu chí", "Giá trị", "Ghi chú"],
        ["skhcn", "3.1", "85%", "Ví dụ: tỷ lệ hài lòng theo báo cáo điều tra"],
        ["stp", "3.1", "A=10;B=5;C=1;D=0", "Ví dụ: số phiếu theo từng phương án"],
    ]
    help_rows = [[c.value for c in row] for row in wb["Hướng dẫn"].iter_rows(min_row=2, max_row=5)]
    assert [r[0] for r in help_rows] == [
        "Mã đơn vị (unit)",
        "Mã tiêu chí (item)",
        "Giá trị (value)",
        "Ghi chú (note)",
    ]


@pytest.mark.parametrize("who", ["member", "chair", "editor", "outsider"])
def test_survey_template_is_refused_to_everyone_but_the_secretariat(client_for, world, request, who):
    response = client_for(request.getfixturevalue(who)).get(reverse("council:survey_template", args=[2023]))
    assert response.status_code == 403
    assert b"PK" not in response.content[:2]


def test_survey_page_refuses_an_empty_file_with_the_message_of_every_import(client_for, world, secretariat):
    """QA 21: Django's «Tập tin được gửi là rỗng.» here, «Tệp đã chọn trống (0 byte).» on the units page."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(secretariat).post(
        reverse("council:survey", args=[2023]), {"file": SimpleUploadedFile("xhh.csv", b"")}
    )

    body = response.content.decode()
    assert "Tệp «xhh.csv» trống (0 byte). Hãy chọn đúng tệp cần nhập." in body
    assert "Tập tin được gửi là rỗng" not in body
    assert not SurveyImport.objects.exists()


def test_survey_template_examples_use_the_periods_own_survey_items_and_units(
    client_for, world, secretariat, period
):
    """QA 25: the examples used items 3.1/3.2 whatever the period's survey items were (8.x, 9.x, 5.x)."""
    from appraisal.registry.models import IndexNode
    from tests.factories import GroupFactory, build_index_set

    IndexNode.objects.filter(index_set__period=period, code="3.1").update(code="8.1")
    huyen = GroupFactory(code="huyen", name="UBND cấp huyện", order=2)
    build_index_set(
        period,
        huyen,
        rows=[
            ("9", "Tác động của CCHC", "4", "", "", ""),
            ("9.1", "Sự hài lòng về thủ tục hành chính", "2", "survey", "survey", ""),
            ("9.2", "Sự hài lòng về dịch vụ công", "2", "survey", "survey", ""),
        ],
    )
    member_of(period, UnitFactory(code="canloc", name="UBND huyện Can Lộc"), huyen)

    response = client_for(secretariat).get(reverse("council:survey_template", args=[2023]))

    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [[c.value for c in row] for row in wb["Điều tra XHH"].iter_rows()] == [
        ["Mã đơn vị", "Mã tiêu chí", "Giá trị", "Ghi chú"],
        ["skhcn", "8.1", "85%", "Ví dụ: tỷ lệ hài lòng theo báo cáo điều tra"],
        ["stp", "8.1", "A=10;B=5;C=1;D=0", "Ví dụ: số phiếu theo từng phương án"],
        ["canloc", "9.1", "88,5%", "Ví dụ"],
        ["canloc", "9.2", "90%", "Ví dụ"],
    ]
    help_rows = {row[0].value: row[1].value for row in wb["Hướng dẫn"].iter_rows(min_row=2, max_row=5)}
    assert help_rows["Mã tiêu chí (item)"] == (
        "Bắt buộc. Mã tiêu chí điều tra xã hội học (phương pháp XHH) trong bộ chỉ số của khối đơn vị, năm 2023: "
        "8.1 (Các sở, ban, ngành); 9.1, 9.2 (UBND cấp huyện)."
    )


def test_survey_template_without_survey_items_says_its_rows_are_examples(
    client_for, world, secretariat, period
):
    from appraisal.registry.models import IndexNode

    IndexNode.objects.filter(index_set__period=period, code="3.1").update(
        method="appraisal", rule="proportional"
    )

    response = client_for(secretariat).get(reverse("council:survey_template", args=[2023]))

    rows = [
        [c.value for c in row]
        for row in openpyxl.load_workbook(io.BytesIO(response.content))["Điều tra XHH"].iter_rows()
    ]
    assert rows[1:] == [
        [
            "skhcn",
            "8.1",
            "85%",
            "Ví dụ (năm 2023 chưa có tiêu chí điều tra XHH): thay bằng mã đơn vị, mã tiêu chí thật",
        ],
        ["skhcn", "8.2", "A=10;B=5;C=1;D=0", "Ví dụ: số phiếu theo từng phương án"],
    ]
