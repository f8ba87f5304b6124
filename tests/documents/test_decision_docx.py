"""The approval decision, reopened with python-docx."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from appraisal.documents import build_decision
from appraisal.documents.decision import long_date, number_line, vn_points

from .conftest import HYPERLINK, with_unit_names
from .samples import EXECUTORS, sample_data


def _texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def _paragraph(doc, start: str):
    return next(p for p in doc.paragraphs if p.text.startswith(start))


def _cell_texts(cell) -> list[str]:
    return [p.text for p in cell.paragraphs if p.text]


def _font(run) -> dict[str, str]:
    fonts = run._r.rPr.rFonts
    return {slot: fonts.get(qn(f"w:{slot}")) for slot in ("ascii", "hAnsi", "eastAsia", "cs")}


def test_decision_page_is_a4_portrait_with_decree_30_margins(approved_decision):
    section = approved_decision.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    assert section.page_width.mm == pytest.approx(210, abs=0.1)
    assert section.page_height.mm == pytest.approx(297, abs=0.1)
    assert section.top_margin.mm == pytest.approx(20, abs=0.1)
    assert section.bottom_margin.mm == pytest.approx(20, abs=0.1)
    assert section.left_margin.mm == pytest.approx(30, abs=0.1)
    assert section.right_margin.mm == pytest.approx(15, abs=0.1)


def test_decision_letterhead_table_holds_issuer_national_title_number_and_date(approved_decision):
    table = approved_decision.tables[0]
    assert _cell_texts(table.cell(0, 0)) == ["ỦY BAN NHÂN DÂN", "TỈNH HÀ TĨNH"]
    assert _cell_texts(table.cell(0, 1)) == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert _cell_texts(table.cell(1, 0)) == ["Số: 519/QĐ-UBND"]
    assert _cell_texts(table.cell(1, 1)) == ["Hà Tĩnh, ngày 05 tháng 02 năm 2024"]
    assert table._tbl.tblPr.find(qn("w:tblBorders")).find(qn("w:top")).get(qn("w:val")) == "nil"


def test_decision_letterhead_fonts_and_sizes_follow_decree_30(approved_decision):
    table = approved_decision.tables[0]
    issuer = table.cell(0, 0).paragraphs[0].runs[0]
    national = table.cell(0, 1).paragraphs[0].runs[0]
    motto = table.cell(0, 1).paragraphs[1].runs[0]
    number = table.cell(1, 0).paragraphs[0].runs[0]
    date = table.cell(1, 1).paragraphs[0].runs[0]
    assert (issuer.bold, issuer.font.size.pt) == (True, 13)
    assert (national.bold, national.font.size.pt) == (True, 13)
    assert (motto.bold, motto.font.size.pt) == (True, 14)
    assert (number.bold, number.italic, number.font.size.pt) == (None, None, 13)
    assert (date.italic, date.font.size.pt) == (True, 14)
    for run in (issuer, national, motto, number, date):
        assert _font(run) == dict.fromkeys(("ascii", "hAnsi", "eastAsia", "cs"), "Times New Roman")


def test_decision_letterhead_rules_sit_under_the_issuer_and_the_motto(approved_decision):
    table = approved_decision.tables[0]
    for cell in (table.cell(0, 0), table.cell(0, 1)):
        rule = cell.paragraphs[-1]
        assert rule.text == ""
        assert rule._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")).get(qn("w:val")) == "single"
    motto_rule = table.cell(0, 1).paragraphs[-1].paragraph_format
    line = 60.5  # 'Độc lập - Tự do - Hạnh phúc' in Times New Roman bold 14 pt, in mm
    assert 103 - 1.9 - motto_rule.left_indent.mm - motto_rule.right_indent.mm == pytest.approx(line, abs=0.5)


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (dt.date(2024, 2, 5), "Hà Tĩnh, ngày 05 tháng 02 năm 2024"),
        (dt.date(2024, 1, 31), "Hà Tĩnh, ngày 31 tháng 01 năm 2024"),
        (dt.date(2024, 3, 9), "Hà Tĩnh, ngày 09 tháng 3 năm 2024"),
        (dt.date(2024, 11, 20), "Hà Tĩnh, ngày 20 tháng 11 năm 2024"),
        (None, "Hà Tĩnh, ngày      tháng      năm 2024"),
    ],
)
def test_decision_long_date_pads_days_below_10_and_months_1_and_2(date, expected):
    assert long_date("Hà Tĩnh", date, 2024) == expected


def test_decision_number_line_leaves_a_blank_without_a_number():
    assert number_line("519/QĐ-UBND", "QĐ-UBND") == "Số: 519/QĐ-UBND"
    assert number_line(None, "QĐ-UBND") == "Số:      /QĐ-UBND"


def test_decision_points_print_with_two_to_four_decimals():
    from decimal import Decimal

    assert [vn_points(Decimal(v)) for v in ("100", "12.5", "9.9165", "0", "-0.25")] == [
        "100,00", "12,50", "9,9165", "0,00", "-0,25",
    ]  # fmt: skip


def test_decision_title_subject_and_issuer_title(approved_decision):
    texts = _texts(approved_decision)
    title = texts.index("QUYẾT ĐỊNH")
    assert texts[title + 1] == (
        "Phê duyệt Chỉ số cải cách hành chính năm 2023 của các sở, ban, ngành; Ủy ban nhân dân các huyện, thị "
        "xã, thành phố và các cơ quan Trung ương đóng trên địa bàn tỉnh"
    )
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH" in texts
    for text in ("QUYẾT ĐỊNH", texts[title + 1], "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH", "QUYẾT ĐỊNH:"):
        p = _paragraph(approved_decision, text)
        assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert all(run.bold for run in p.runs)
        assert p.runs[0].font.size.pt == 14


def test_decision_legal_bases_and_proposal_are_italic_body_paragraphs(approved_decision, approved_data):
    for basis in (*approved_data.decision.legal_bases, approved_data.decision.proposal):
        p = _paragraph(approved_decision, basis)
        assert p.text == basis
        assert all(run.italic for run in p.runs)
    assert sum(t.startswith("Căn cứ ") for t in _texts(approved_decision)) == 4


def test_decision_body_is_14pt_justified_indented_with_space_after(approved_decision):
    p = _paragraph(approved_decision, "Điều 1.")
    fmt = p.paragraph_format
    assert p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert fmt.first_line_indent.cm == pytest.approx(1.27, abs=0.01)
    assert fmt.space_after.pt == 6
    assert {run.font.size.pt for run in p.runs} == {14}


def test_decision_article_1_approves_each_group_and_names_its_leaders(approved_decision):
    article = _paragraph(approved_decision, "Điều 1.")
    assert article.runs[0].text == "Điều 1. " and article.runs[0].bold
    texts = _texts(approved_decision)
    first = texts[texts.index(article.text) + 1]
    assert first == (
        "1. Chỉ số cải cách hành chính năm 2023 của các sở, ban, ngành (chi tiết tại Phụ lục I kèm theo), dẫn "
        "đầu khối các sở, ban, ngành là: Sở Khoa học và Công nghệ (92,35%), Sở Thông tin và Truyền thông "
        "(90,97%), Sở Nội vụ (90,87%)."
    )
    assert texts[texts.index(article.text) + 2].startswith(
        "2. Chỉ số cải cách hành chính năm 2023 của Ủy ban nhân dân các huyện, thị xã, thành phố (chi tiết tại "
        "Phụ lục II kèm theo), dẫn đầu khối Ủy ban nhân dân các huyện, thị xã, thành phố là: Thị xã Kỳ Anh ("
    )
    assert "(chi tiết tại Phụ lục III kèm theo)" in texts[texts.index(article.text) + 3]


def test_decision_article_1_uses_the_published_index_of_each_leader(approved_decision, approved_data):
    text = "\n".join(_texts(approved_decision))
    for group in approved_data.groups:
        for row in group.rows[:3]:
            shown = f"{row.result.index_display:.2f}".replace(".", ",")
            assert f"{row.result.name} ({shown}%)" in text


def test_decision_article_2_counts_heads_by_rating(approved_decision, approved_data):
    article = _paragraph(approved_decision, "Điều 2.")
    assert article.runs[0].bold
    counts = {}
    for head in approved_data.heads:
        counts[head.rating_label] = counts.get(head.rating_label, 0) + 1
    assert "(chi tiết tại Phụ lục IV kèm theo)" in article.text
    assert (
        f"{counts['Hoàn thành xuất sắc nhiệm vụ']:02d} người đứng đầu hoàn thành xuất sắc nhiệm vụ"
        in article.text
    )
    assert f"{counts['Hoàn thành nhiệm vụ']:02d} người đứng đầu hoàn thành nhiệm vụ." in article.text
    assert article.text.index("xuất sắc") < article.text.index("hoàn thành tốt")


def test_decision_article_3_orders_fixes_and_emulation(approved_decision):
    article = _paragraph(approved_decision, "Điều 3.")
    assert "khắc phục những tồn tại, hạn chế đã được Hội đồng thẩm định chỉ ra" in article.text
    nxt = _texts(approved_decision)[_texts(approved_decision).index(article.text) + 1]
    assert nxt.startswith("Sở Nội vụ sử dụng kết quả Chỉ số cải cách hành chính năm 2023")
    assert "thi đua, khen thưởng" in nxt


def test_decision_article_4_gives_effect_and_executors(approved_decision):
    article = _paragraph(approved_decision, "Điều 4.")
    assert article.text == "Điều 4. Quyết định này có hiệu lực kể từ ngày ký ban hành."
    assert EXECUTORS in _texts(approved_decision)


def test_decision_signature_block_and_recipients(approved_decision, approved_data):
    table = approved_decision.tables[1]
    left, right = table.cell(0, 0), table.cell(0, 1)
    heading = left.paragraphs[0].runs[0]
    assert heading.text == "Nơi nhận:"
    assert (heading.bold, heading.italic, heading.font.size.pt) == (True, True, 12)
    assert _cell_texts(left)[1:] == list(approved_data.decision.recipients)
    assert {p.runs[0].font.size.pt for p in left.paragraphs[1:]} == {11}
    assert _cell_texts(right) == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Văn Minh"]
    for p in right.paragraphs:
        for run in p.runs:
            assert (run.bold, run.font.size.pt) == (True, 14)


def test_decision_chairman_signs_without_kt(approved_data):
    org = dataclasses.replace(approved_data.org, signer_for="", signer_title="CHỦ TỊCH")
    doc = docx.Document(io.BytesIO(build_decision(dataclasses.replace(approved_data, org=org)).content))
    assert _cell_texts(doc.tables[1].cell(0, 1)) == ["CHỦ TỊCH", "Trần Văn Minh"]


def test_decision_annexes_are_landscape_sections_with_the_workbooks_columns(approved_decision, approved_data):
    sections = approved_decision.sections
    assert len(sections) == 1 + len(approved_data.groups) + 1
    for section in sections[1:]:
        assert section.orientation == WD_ORIENT.LANDSCAPE
        assert section.page_width.mm == pytest.approx(297, abs=0.1)
        assert section._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    texts = _texts(approved_decision)
    for numeral in ("I", "II", "III", "IV"):
        assert f"Phụ lục {numeral}" in texts
    assert texts.count("(Kèm theo Quyết định số 519/QĐ-UBND ngày 05/02/2024 của Chủ tịch UBND tỉnh)") == 4

    tables = approved_decision.tables
    main, fields = tables[2], tables[3]
    assert [c.text for c in main.rows[0].cells] == [
        "STT", "Tên cơ quan, đơn vị", "Điểm tối đa", "Điểm tự đánh giá", "Điểm thẩm định", "Điểm điều tra XHH",
        "Điểm thưởng/trừ", "Tổng điểm", "Chỉ số CCHC (%)", "Xếp hạng", "Tăng/giảm bậc",
    ]  # fmt: skip
    assert main.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    unit = approved_data.groups[0].rows[0]
    assert [c.text for c in main.rows[1].cells] == [
        "1", unit.result.name, "100,00", vn_points(unit.result.self_points), vn_points(unit.result.appraisal_points),
        vn_points(unit.result.survey_points), "0,50", vn_points(unit.result.total_points), "92,35", "1", "↑3",
    ]  # fmt: skip
    assert len(main.rows) == 1 + len(approved_data.groups[0].rows)
    assert fields.rows[0].cells[2].text == "1. Công tác chỉ đạo, điều hành cải cách hành chính"
    assert [c.text for c in fields.rows[1].cells][2:4] == ["Điểm", "Chỉ số (%)"]
    assert [c.text for c in fields.rows[2].cells][:4] == ["1", unit.result.name, "9,9165", "90,15"]

    heads = tables[-1]
    assert [c.text for c in heads.rows[0].cells] == [
        "STT", "Họ và tên", "Chức vụ", "Cơ quan, đơn vị", "Chỉ số CCHC (%)", "Mức độ hoàn thành nhiệm vụ", "Ghi chú",
    ]  # fmt: skip
    head = approved_data.heads[0]
    assert [c.text for c in heads.rows[1].cells] == [
        "1", head.name, head.title, head.unit_name, "92,35", head.rating_label, "",
    ]  # fmt: skip
    assert len(heads.rows) == 1 + len(approved_data.heads)


def test_decision_annex_tables_use_a_smaller_font(approved_decision):
    main = approved_decision.tables[2]
    assert main.rows[1].cells[1].paragraphs[0].runs[0].font.size.pt == 10
    assert approved_decision.tables[-1].rows[1].cells[1].paragraphs[0].runs[0].font.size.pt == 11


def test_decision_every_run_is_times_new_roman(approved_decision):
    body = approved_decision.element.body
    runs = body.iter(qn("w:r"))
    for r in runs:
        fonts = r.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert fonts.get(qn("w:ascii")) == "Times New Roman"
        assert fonts.get(qn("w:eastAsia")) == "Times New Roman"
    normal = approved_decision.styles["Normal"].font
    assert normal.name == "Times New Roman"


def test_decision_draft_is_marked_on_the_first_page_and_in_every_header(draft_decision):
    first = draft_decision.paragraphs[0]
    assert first.text == "DỰ THẢO"
    assert first.runs[0].bold
    assert first._p.pPr.find(qn("w:pBdr")) is not None
    for n, section in enumerate(draft_decision.sections):
        assert "DỰ THẢO" in section.header.paragraphs[0].text
        if n > 0:  # the decision's first page has the mark in the body instead
            assert "DỰ THẢO" in section.first_page_header.paragraphs[0].text
    table = draft_decision.tables[0]
    assert _cell_texts(table.cell(1, 0)) == ["Số:      /QĐ-UBND"]
    assert _cell_texts(table.cell(1, 1)) == ["Hà Tĩnh, ngày      tháng      năm 2024"]
    assert draft_decision.core_properties.keywords == "DỰ THẢO"


def test_decision_approved_has_no_draft_mark(approved_decision):
    assert "DỰ THẢO" not in "\n".join(_texts(approved_decision))
    for section in approved_decision.sections:
        for part in (section.header, section.first_page_header):
            assert "DỰ THẢO" not in "".join(p.text for p in part.paragraphs)
    assert approved_decision.element.body[0].tag == qn("w:tbl")  # the letterhead comes first
    assert "519/QĐ-UBND" in approved_decision.tables[0].cell(1, 0).text


def test_decision_pages_are_numbered_from_page_two(approved_decision):
    section = approved_decision.sections[0]
    assert section.different_first_page_header_footer is True
    instr = section.header._element.xpath(".//w:instrText")
    assert [i.text.strip() for i in instr] == ["PAGE"]
    assert section.first_page_header._element.xpath(".//w:instrText") == []


def test_decision_core_properties_name_the_snapshot(approved_decision):
    props = approved_decision.core_properties
    assert props.comments == "Kết quả chốt: run 12 / sha256:ab12cd34ef56"
    assert props.author == "ParIndex"
    assert props.title == "Quyết định phê duyệt Chỉ số cải cách hành chính năm 2023"
    assert props.created == dt.datetime(2024, 1, 30, 2, 15, tzinfo=dt.UTC)
    assert props.modified == dt.datetime(2024, 1, 30, 2, 15, tzinfo=dt.UTC)


def test_decision_same_data_gives_the_same_bytes(approved_decision_file):
    first, second = approved_decision_file, build_decision(sample_data(draft=False))
    assert first.content == second.content
    assert first.filename == "quyet-dinh-chi-so-cchc-2023.docx"
    assert first.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_decision_writes_hostile_names_as_plain_text(approved_data):
    data = with_unit_names(approved_data, {0: HYPERLINK + "\x07\x1b"})
    doc = docx.Document(io.BytesIO(build_decision(data).content))
    assert doc.tables[2].rows[1].cells[1].text == HYPERLINK
    assert f"{HYPERLINK} (92,35%)" in _paragraph(doc, "1. Chỉ số").text


def test_decision_keeps_vietnamese_diacritics(approved_decision):
    text = "\n".join(_texts(approved_decision))
    for phrase in (
        "Hội đồng thẩm định",
        "người đứng đầu",
        "Ủy ban nhân dân",
        "Trung ương đóng trên địa bàn tỉnh",
    ):
        assert phrase in text


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        ("HỘI ĐỒNG THẨM ĐỊNH CHỈ SỐ CCHC", ["HỘI ĐỒNG THẨM ĐỊNH", "CHỈ SỐ CCHC"]),
        ("Hội đồng thẩm định Chỉ số CCHC tỉnh Hà Tĩnh", ["HỘI ĐỒNG THẨM ĐỊNH", "CHỈ SỐ CCHC TỈNH HÀ TĨNH"]),
        ("ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH", ["ỦY BAN NHÂN DÂN", "TỈNH HÀ TĨNH"]),
        ("ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ TĨNH", ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HÀ TĨNH"]),
        ("SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH HÀ TĨNH", ["SỞ KHOA HỌC VÀ CÔNG NGHỆ", "TỈNH HÀ TĨNH"]),
        ("BAN CHỈ ĐẠO CẢI CÁCH HÀNH CHÍNH", ["BAN CHỈ ĐẠO", "CẢI CÁCH HÀNH CHÍNH"]),
        ("SỞ NỘI VỤ HÀ TĨNH", ["SỞ NỘI VỤ HÀ TĨNH"]),
        ("ỦY BAN NHÂN DÂN THỊ XÃ HỒNG LĨNH", ["ỦY BAN NHÂN DÂN", "THỊ XÃ HỒNG LĨNH"]),
        ("PHÒNG NỘI VỤ THỊ XÃ HỒNG LĨNH", ["PHÒNG NỘI VỤ", "THỊ XÃ HỒNG LĨNH"]),
        ("HỘI ĐỒNG THI ĐUA KHEN THƯỞNG CẢI CÁCH", ["HỘI ĐỒNG THI ĐUA", "KHEN THƯỞNG CẢI CÁCH"]),
        ("HỘI ĐỒNG THẨM\nĐỊNH", ["HỘI ĐỒNG THẨM", "ĐỊNH"]),
    ],
)
def test_issuer_lines_break_between_phrases_never_inside_a_compound(name, lines):
    """A letterhead's issuer takes two lines; the break follows the body («ỦY BAN NHÂN DÂN», «HỘI ĐỒNG THẨM
    ĐỊNH», «BAN CHỈ ĐẠO»…) and otherwise balances the lines without cutting a two-syllable word; a typed line
    break is obeyed."""
    from appraisal.documents.decision import _issuer_lines

    assert _issuer_lines(name) == lines
