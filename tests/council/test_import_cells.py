"""Issue 11, behaviours 3, 7 and 8: the bulk imports read cells as the person typed them, through the one cell
reader (appraisal/core/cells.py), and refuse hostile workbooks with a message."""

from __future__ import annotations

import datetime
import io
import time
import zipfile
from decimal import Decimal

import openpyxl
from django.urls import reverse

from appraisal.assessments.models import ItemEntry
from appraisal.council.importing import scores_import
from appraisal.council.models import SurveyImport
from tests.council.conftest import entry_of


def workbook(rows, formats=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    for coordinate, number_format in (formats or {}).items():
        ws[coordinate].number_format = number_format
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rewrite_sheet(content: bytes, change) -> bytes:
    """The same workbook with xl/worksheets/sheet1.xml passed through ``change``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            dst.writestr(info.filename, data)
    return out.getvalue()


HEADER = ["Mã đơn vị", "Mã tiêu chí", "Giá trị", "Ghi chú"]


def test_import_scores_percent_formatted_cell_is_stored_as_that_percent(world, secretariat):
    content = workbook(
        [HEADER, ["skhcn", "3.1", 0.85, ""], ["stp", "3.1", 0.885, ""]], {"C2": "0%", "C3": "0.0%"}
    )
    report = scores_import(
        period=world["period"], layer="survey", file_name="xhh.xlsx", content=content, by=secretariat
    )
    assert report.ok, report.problems
    a = entry_of(world["skhcn"], "3.1")
    b = entry_of(world["stp"], "3.1")
    assert (a.survey_value, a.survey_points) == ("85%", Decimal("2.5500"))
    assert (b.survey_value, b.survey_points) == ("88.5%", Decimal("2.6550"))


def test_import_scores_date_cell_says_excel_turned_it_into_a_date(world, secretariat):
    content = workbook([HEADER, ["skhcn", "1.2", datetime.datetime(2026, 4, 3), ""]])
    report = scores_import(
        period=world["period"], layer="round1", file_name="v1.xlsx", content=content, by=secretariat
    )
    assert [str(p) for p in report.problems] == [
        "Dòng 2: cột Giá trị, ô «03/04/2026»: Excel đã đổi ô này thành ngày tháng — hãy nhập lại dưới dạng "
        "văn bản."
    ]
    assert entry_of(world["skhcn"], "1.2").round1_value == ""


def test_import_scores_finds_the_header_under_title_rows_and_merged_cells(world, secretariat):
    content = workbook(
        [
            ["KẾT QUẢ ĐIỀU TRA XÃ HỘI HỌC NĂM 2023"],
            ["(Kèm theo Báo cáo số 12/BC-SNV)"],
            [],
            ["Mã đơn vị", "Mã tiêu chí", "Kết quả", None],
            [None, None, None, "Ghi chú"],
            ["(1)", "(2)", "(3)", "(4)"],
            ["SKHCN", "3.1", "88,5 %", ""],
        ]
    )
    report = scores_import(
        period=world["period"], layer="survey", file_name="xhh.xlsx", content=content, by=secretariat
    )
    assert report.ok, report.problems
    assert entry_of(world["skhcn"], "3.1").survey_value == "88.5%"


def test_workbook_that_unpacks_past_the_limit_is_refused_before_parsing(world, secretariat):
    padding = b" " * (60 * 1024 * 1024)
    content = rewrite_sheet(
        workbook([HEADER, ["skhcn", "3.1", "80%", ""]]),
        lambda xml: xml.replace(b"</worksheet>", padding + b"</worksheet>"),
    )
    assert len(content) < 200_000
    started = time.monotonic()
    report = scores_import(
        period=world["period"], layer="survey", file_name="bom.xlsx", content=content, by=secretariat
    )
    assert time.monotonic() - started < 1.0
    assert [str(p) for p in report.problems] == [
        "Tệp «bom.xlsx» khi giải nén lớn 60 MB, vượt giới hạn 40 MB; không đọc. Hãy xóa các trang tính, "
        "định dạng hoặc dòng thừa rồi lưu lại."
    ]
    assert SurveyImport.objects.count() == 0


def test_workbook_declaring_the_whole_sheet_with_one_far_cell_is_refused_within_a_second(world, secretariat):
    def far(xml: bytes) -> bytes:
        xml = xml.replace(b'<dimension ref="A1:D2"/>', b'<dimension ref="A1:XFD1048576"/>')
        return xml.replace(
            b"</sheetData>",
            b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
        )

    content = rewrite_sheet(workbook([HEADER, ["skhcn", "3.1", "80%", ""]]), far)
    assert b"XFD1048576" in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    started = time.monotonic()
    report = scores_import(
        period=world["period"], layer="survey", file_name="xa.xlsx", content=content, by=secretariat
    )
    assert time.monotonic() - started < 1.0
    assert [str(p) for p in report.problems] == [
        "Tệp «xa.xlsx» có quá nhiều dòng (trên 20.000); không đọc. Hãy xóa các dòng thừa (kể cả dòng trống "
        "đã định dạng ở cuối trang tính)."
    ]


def test_workbook_with_a_cell_in_a_far_column_is_refused(world, secretariat):
    content = rewrite_sheet(
        workbook([HEADER, ["skhcn", "3.1", "80%", ""]]),
        lambda xml: xml.replace(
            b"</row></sheetData>", b'<c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
        ),
    )
    report = scores_import(
        period=world["period"], layer="survey", file_name="xa.xlsx", content=content, by=secretariat
    )
    assert [str(p) for p in report.problems] == [
        "Tệp «xa.xlsx» có ô ở cột thứ 101 trở đi (dòng 2); bảng nhập chỉ đọc tối đa 100 cột. Hãy xóa các cột thừa."
    ]


XXE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
)
LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>"
)


def test_xxe_and_billion_laughs_workbooks_get_a_message_not_a_500(client_for, world, secretariat):
    client = client_for(secretariat)
    for name, prolog in (("xxe.xlsx", XXE), ("cuoi.xlsx", LAUGHS)):
        content = rewrite_sheet(
            workbook([HEADER, ["skhcn", "3.1", "80%", ""]]),
            lambda xml, prolog=prolog: prolog + xml.split(b"?>", 1)[-1],
        )
        from django.core.files.uploadedfile import SimpleUploadedFile

        response = client.post(
            reverse("council:survey", args=[2023]), {"file": SimpleUploadedFile(name, content)}
        )
        body = response.content.decode()
        assert response.status_code == 400  # the form again, with the reason
        assert (
            f"Tệp «{name}» chứa khai báo DTD/thực thể XML (phần xl/worksheets/sheet1.xml), điều mà Excel không "
            "bao giờ ghi; tệp bị từ chối." in body
        )
    assert SurveyImport.objects.count() == 0
    assert ItemEntry.objects.exclude(survey_value="").count() == 0


def test_malformed_sheet_xml_gets_a_message(world, secretariat):
    content = rewrite_sheet(workbook([HEADER, ["skhcn", "3.1", "80%", ""]]), lambda xml: xml[:-40])
    report = scores_import(
        period=world["period"], layer="survey", file_name="hong.xlsx", content=content, by=secretariat
    )
    assert [str(p) for p in report.problems] == [
        "Tệp «hong.xlsx» bị hỏng (nội dung trang tính không đọc được). Hãy mở tệp trong Excel, lưu lại rồi tải "
        "lên lại."
    ]


def test_survey_typed_88_5_percent_is_shown_88_5_on_the_layers_page(client_for, world, secretariat):
    content = workbook([HEADER, ["skhcn", "3.1", "88,5%", ""]])
    report = scores_import(
        period=world["period"], layer="survey", file_name="xhh.xlsx", content=content, by=secretariat
    )
    assert report.ok, report.problems
    body = client_for(secretariat).get(reverse("council:layers", args=[world["skhcn"].pk])).content.decode()
    assert '<td colspan="4">Điều tra XHH: 88,5%</td>' in body
    assert "88.5%" not in body


def test_survey_import_refuses_rates_outside_0_to_100_percent_and_bare_fractions(world, secretariat):
    """QA 6: impossible rates are refused with their row (all or nothing, every bad row listed), as the
    self-assessment form refuses them; a bare number in 0–1 (Excel's General cell 0.85) is not guessed."""
    content = workbook(
        [
            HEADER,
            ["skhcn", "3.1", "120%", ""],
            ["skhcn", "3.1", "1.234,5%", ""],
            ["skhcn", "3.1", "99999999999999999999999999999999%", ""],
            ["skhcn", "3.1", 0.85, ""],
            ["skhcn", "3.1", "21/20", ""],
            ["skhcn", "3.1", 1, ""],
            ["skhcn", "3.1", "0,5", ""],
            ["stp", "3.1", "0,85%", ""],
        ]
    )

    report = scores_import(
        period=world["period"], layer="survey", file_name="xhh.xlsx", content=content, by=secretariat
    )

    assert [str(p) for p in report.problems] == [
        "Dòng 2: tiêu chí «3.1»: Tỷ lệ 120% vượt quá 100%: hãy kiểm tra lại số liệu.",
        "Dòng 3: tiêu chí «3.1»: Tỷ lệ 1234,5% vượt quá 100%: hãy kiểm tra lại số liệu.",
        "Dòng 4: tiêu chí «3.1»: Tỷ lệ 99999999999999999999999999999999% vượt quá 100%: hãy kiểm tra lại số liệu.",
        "Dòng 5: tiêu chí «3.1»: 0,85 có phải là 85%? Hãy ghi rõ dạng phần trăm: 85% hoặc 0,85%.",
        "Dòng 6: tiêu chí «3.1»: Tỷ lệ 21/20 vượt quá 100%: hãy kiểm tra lại số liệu.",
        "Dòng 7: tiêu chí «3.1»: 1 có phải là 100%? Hãy ghi rõ dạng phần trăm: 100% hoặc 1%.",
        "Dòng 8: tiêu chí «3.1»: 0,5 có phải là 50%? Hãy ghi rõ dạng phần trăm: 50% hoặc 0,5%.",
    ]
    assert report.summary == "Tệp «xhh.xlsx»: 7 lỗi, không nhập dòng nào."
    assert not ItemEntry.objects.exclude(survey_value="").exists()
    assert not SurveyImport.objects.exists()


def test_survey_import_takes_0_and_100_percent_and_a_bare_whole_number(world, secretariat):
    content = workbook([HEADER, ["skhcn", "3.1", "100%", ""], ["stp", "3.1", 0, ""]])
    report = scores_import(
        period=world["period"], layer="survey", file_name="xhh.xlsx", content=content, by=secretariat
    )
    assert report.ok, report.problems
    assert (entry_of(world["skhcn"], "3.1").survey_points, entry_of(world["stp"], "3.1").survey_value) == (
        Decimal("3.0000"),
        "0%",
    )
