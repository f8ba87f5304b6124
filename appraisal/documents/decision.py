"""The approval decision (Quyết định phê duyệt Chỉ số CCHC) as a .docx, in the layout of Decree 30/2020/NĐ-CP.

Appendix I of Decree 30/2020/NĐ-CP ("Thể thức, kỹ thuật trình bày văn bản hành chính") fixes the page,
the fonts and the place of every element; the numbers below cite it. The first part of this module holds
the letterhead, signature and page helpers that the per-unit notices (unit_docs.py) share; the second
part writes the decision and its annexes (the same tables as the annex workbook).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass
from decimal import Decimal

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from appraisal.engine.rounding import plain

from .annex import (
    FIELD_SUBCOLUMNS,
    GROUP_COLUMNS,
    HEAD_COLUMNS,
    adjustment_label,
    annex_reference,
    annex_title,
    decision_year,
    heads_title,
    rank_change_text,
    roman,
)
from .data import DOCX_CONTENT_TYPE, DecisionData, ExportFile, GroupTable, Org, naive_utc, stable_zip
from .safe import safe_text

__all__ = [
    "FONT_NAME",
    "build_decision",
    "long_date",
    "number_line",
]

FONT_NAME = "Times New Roman"
DRAFT_MARK = "DỰ THẢO"
DRAFT_BOX_MM = 28

# Decree 30, Appendix I §I.5: A4, top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGIN_TOP_MM = 20
MARGIN_BOTTOM_MM = 20
MARGIN_LEFT_MM = 30
MARGIN_RIGHT_MM = 15
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM
# Annexes are landscape; same top/bottom, narrower sides so that the wide tables fit.
ANNEX_MARGIN_SIDE_MM = 15
ANNEX_TEXT_WIDTH_MM = PAGE_HEIGHT_MM - 2 * ANNEX_MARGIN_SIDE_MM

# The letterhead table: issuer on the left, national title on the right (≈ 37 % / 63 %).
LETTERHEAD_LEFT_MM = 62
LETTERHEAD_RIGHT_MM = TEXT_WIDTH_MM - LETTERHEAD_LEFT_MM
CELL_PADDING_MM = 1.9  # Word's default left + right cell margin is 0.19 cm each

BODY_PT = 14
FIRST_LINE_INDENT_MM = 12.7
SPACE_AFTER_PT = 6
CELL_SPACE_PT = 1.5

MOTTO = "Độc lập - Tự do - Hạnh phúc"
NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
# Width of MOTTO in Times New Roman bold, in ems (measured on the metric-compatible Liberation Serif):
# the rule under it must be exactly as long as the line (Decree 30, Appendix I §II.1).
MOTTO_WIDTH_EM = 12.25
# Mean advance of a bold capital in ems, to size the short rules under the issuer and the subject.
CAPITAL_EM = 0.62
MIXED_EM = 0.47


def pt_to_mm(points: float) -> float:
    return points * 25.4 / 72


# --- text helpers ----------------------------------------------------------------------------------------


def long_date(place: str, date: dt.date | None, fallback_year: int) -> str:
    """'Hà Tĩnh, ngày 05 tháng 02 năm 2024': Decree 30 §II.4 writes days 1–9 and months 1–2 with a zero.

    Without a date the blanks are left for the secretary: 'Hà Tĩnh, ngày      tháng      năm 2024'.
    """
    place = safe_text(place)
    if date is None:
        return f"{place}, ngày      tháng      năm {fallback_year}"
    month = f"{date.month:02d}" if date.month <= 2 else str(date.month)
    return f"{place}, ngày {date.day:02d} tháng {month} năm {date.year}"


def number_line(number: str | None, symbol: str) -> str:
    """'Số: 519/QĐ-UBND', or 'Số:      /QĐ-UBND' while the number is not given."""
    return f"Số: {safe_text(number)}" if number else f"Số:      /{safe_text(symbol)}"


def vn_points(value: Decimal) -> str:
    """Points as printed: at least 2 and at most 4 decimals, decimal comma ('12,50', '9,9165')."""
    text = plain(value)
    whole, _, frac = text.partition(".")
    return f"{whole},{frac.ljust(2, '0')}"


def vn_index(value: Decimal) -> str:
    """A published index as the engine rounded it, with a decimal comma ('86,35'): printed, never rounded."""
    return format(value, "f").replace(".", ",")


def vn_count(n: int) -> str:
    """Counts in administrative prose carry a leading zero below ten ('06 người')."""
    return f"{n:02d}"


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


# The body an issuer's name begins with: the first line of a two-line letterhead ends after it.
ISSUER_BODIES = (
    "ỦY BAN NHÂN DÂN",
    "HỘI ĐỒNG NHÂN DÂN",
    "HỘI ĐỒNG THẨM ĐỊNH",
    "BAN CHỈ ĐẠO",
    "TỔ THƯ KÝ",
)
# Words that begin the place an issuer belongs to: otherwise the second line begins with the last of them.
PLACE_WORDS = (("TỈNH",), ("THÀNH", "PHỐ"), ("HUYỆN",), ("THỊ", "XÃ"), ("THỊ", "TRẤN"), ("XÃ",), ("PHƯỜNG",))
# Two-syllable words of issuers' names that a balanced break never cuts.
COMPOUNDS = frozenset(
    {
        ("HỘI", "ĐỒNG"), ("THẨM", "ĐỊNH"), ("CHỈ", "SỐ"), ("CHỈ", "ĐẠO"), ("ỦY", "BAN"), ("NHÂN", "DÂN"),
        ("CẢI", "CÁCH"), ("HÀNH", "CHÍNH"), ("THÀNH", "PHỐ"), ("THỊ", "XÃ"), ("THỊ", "TRẤN"), ("THƯ", "KÝ"),
        ("NỘI", "VỤ"), ("TƯ", "PHÁP"), ("TÀI", "CHÍNH"), ("KHOA", "HỌC"), ("CÔNG", "NGHỆ"), ("VĂN", "PHÒNG"),
        ("THANH", "TRA"), ("GIÁO", "DỤC"), ("ĐÀO", "TẠO"), ("Y", "TẾ"), ("KẾ", "HOẠCH"), ("ĐẦU", "TƯ"),
        ("XÂY", "DỰNG"), ("GIAO", "THÔNG"), ("VẬN", "TẢI"), ("CÔNG", "THƯƠNG"), ("NÔNG", "NGHIỆP"),
        ("HÀ", "TĨNH"),
    }
)  # fmt: skip


def _issuer_lines(name: str) -> list[str]:
    """The issuer on one or two lines ('ỦY BAN NHÂN DÂN' / 'TỈNH HÀ TĨNH'); '\n' typed in the name forces the
    break. A name of 20 characters or fewer stays on one line. Otherwise the break falls, in this order:
    after the body the name begins with (:data:`ISSUER_BODIES`: «HỘI ĐỒNG THẨM ĐỊNH» / «CHỈ SỐ CCHC»), before
    its place («SỞ TƯ PHÁP» / «TỈNH HÀ TĨNH»), or where the two lines are most balanced without cutting a
    two-syllable word (:data:`COMPOUNDS`); Vietnamese writes a word's syllables apart, so balancing on spaces
    alone printed «HỘI ĐỒNG THẨM» / «ĐỊNH CHỈ SỐ CCHC»."""
    name = safe_text(name).upper()
    if "\n" in name:
        return [line.strip() for line in name.split("\n") if line.strip()]
    words = name.split()
    if len(name) <= 20 or len(words) < 2:
        return [name]
    for body in ISSUER_BODIES:
        size = len(body.split())
        if words[:size] == body.split() and len(words) > size:
            return [" ".join(words[:size]), " ".join(words[size:])]
    breaks = [k for k in range(1, len(words)) if (words[k - 1], words[k]) not in COMPOUNDS]
    places = [k for k in breaks for place in PLACE_WORDS if tuple(words[k : k + len(place)]) == place]
    if places:
        k = max(places)
        return [" ".join(words[:k]), " ".join(words[k:])]
    if not breaks:
        return [name]
    best = min(breaks, key=lambda k: max(len(" ".join(words[:k])), len(" ".join(words[k:]))))
    return [" ".join(words[:best]), " ".join(words[best:])]


# --- low-level docx helpers ------------------------------------------------------------------------------


def _set_fonts(rpr: object, size: float | None = None) -> None:
    """Times New Roman for every script slot, so that Vietnamese never falls back to another face."""
    fonts = rpr.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT_NAME)
    # A theme font (the template's Calibri/Cambria) would win over the names above.
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    if size is not None:
        half_points = str(int(size * 2))
        for tag in ("w:sz", "w:szCs"):
            el = rpr.find(qn(tag))
            if el is None:
                el = OxmlElement(tag)
                rpr.insert_element_before(
                    el, "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign",
                    "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath",
                )  # fmt: skip
            el.set(qn("w:val"), half_points)


def add_run(p: Paragraph, text: str, *, size: float = BODY_PT, bold: bool = False, italic: bool = False):
    run = p.add_run(safe_text(text))
    run.bold = bold or None
    run.italic = italic or None
    _set_fonts(run._r.get_or_add_rPr(), size)
    return run


def _mark_size(p: Paragraph, size: float) -> None:
    """Size of the paragraph mark: the height of an empty paragraph (the rules) depends on it."""
    ppr = p._p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        ppr.insert_element_before(rpr, "w:sectPr", "w:pPrChange")
    rfonts = OxmlElement("w:rFonts")
    rpr.append(rfonts)
    for tag in ("w:sz", "w:szCs"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), str(int(size * 2)))
        rpr.append(el)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(slot), FONT_NAME)


def add_paragraph(
    container: object,
    text: str = "",
    *,
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    first_line_mm: float | None = None,
    space_after: float = 0,
    space_before: float = 0,
    keep_with_next: bool = False,
    first: bool = False,
) -> Paragraph:
    """A paragraph with one run; ``first`` reuses the empty paragraph a new table cell already holds."""
    p = container.paragraphs[0] if first else container.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = align
    fmt.space_after = Pt(space_after)
    fmt.space_before = Pt(space_before)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.widow_control = True
    if first_line_mm is not None:
        fmt.first_line_indent = Mm(first_line_mm)
    if keep_with_next:
        fmt.keep_with_next = True
    if text:
        add_run(p, text, size=size, bold=bold, italic=italic)
    _mark_size(p, size)
    return p


def _border(tag: str, size_eighths: int = 6, space: int = 1) -> object:
    el = OxmlElement(tag)
    el.set(qn("w:val"), "single")
    el.set(qn("w:sz"), str(size_eighths))
    el.set(qn("w:space"), str(space))
    el.set(qn("w:color"), "auto")
    return el


def add_rule(container: object, length_mm: float, width_mm: float, *, first: bool = False) -> Paragraph:
    """A centred horizontal rule ``length_mm`` long: the bottom border of an empty, very low paragraph."""
    p = add_paragraph(container, first=first, size=2)
    side = max(0.0, (width_mm - length_mm) / 2)
    p.paragraph_format.left_indent = Mm(side)
    p.paragraph_format.right_indent = Mm(side)
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    p.paragraph_format.line_spacing = Pt(2)
    pbdr = OxmlElement("w:pBdr")
    pbdr.append(_border("w:bottom"))
    p._p.get_or_add_pPr().insert_element_before(
        pbdr, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
        "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
        "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
        "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
        "w:rPr", "w:sectPr", "w:pPrChange",
    )  # fmt: skip
    return p


def _table_property(table: Table, element: object, *successors: str) -> None:
    table._tbl.tblPr.insert_element_before(element, *successors)


def no_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("w:top", "w:left", "w:bottom", "w:right", "w:insideH", "w:insideV"):
        el = OxmlElement(edge)
        el.set(qn("w:val"), "nil")
        borders.append(el)
    _table_property(
        table,
        borders,
        "w:shd",
        "w:tblLayout",
        "w:tblCellMar",
        "w:tblLook",
        "w:tblCaption",
        "w:tblDescription",
    )


def grid_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("w:top", "w:left", "w:bottom", "w:right", "w:insideH", "w:insideV"):
        borders.append(_border(edge, size_eighths=4, space=0))
    _table_property(
        table,
        borders,
        "w:shd",
        "w:tblLayout",
        "w:tblCellMar",
        "w:tblLook",
        "w:tblCaption",
        "w:tblDescription",
    )


def cell_margins(table: Table, side_mm: float) -> None:
    margins = OxmlElement("w:tblCellMar")
    for edge in ("w:left", "w:right"):
        el = OxmlElement(edge)
        el.set(qn("w:w"), str(round(side_mm / 25.4 * 1440)))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    _table_property(table, margins, "w:tblLook", "w:tblCaption", "w:tblDescription")


def fixed_table(container: object, rows: int, widths_mm: Sequence[float]) -> Table:
    """A table with a fixed layout and the given column widths (both the grid and every cell, for Word)."""
    table = container.add_table(rows=rows, cols=len(widths_mm))
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for col, width in zip(table.columns, widths_mm, strict=True):
        col.width = Mm(width)
    for cells in row_cells(table):
        for cell, width in zip(cells, widths_mm, strict=True):
            cell.width = Mm(width)
    return table


def row_cells(table: Table) -> list[list[_Cell]]:
    """Every row's cells, in one pass.

    python-docx's ``table.cell(r, c)`` and ``row.cells`` walk the whole table on each call (quadratic: 8 s
    for the 38-unit province); the rows built here have no merged cells, so each ``w:tc`` is one column.
    """
    return [[_Cell(tc, table) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]


def repeat_header(row: object) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))


def cant_split(row: object) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))


def _page_field(p: Paragraph, size: float) -> None:
    """A PAGE field, so that each page prints its own number."""
    for kind, text in (
        ("begin", None),
        ("instr", " PAGE "),
        ("separate", None),
        ("text", "1"),
        ("end", None),
    ):
        run = p.add_run()
        _set_fonts(run._r.get_or_add_rPr(), size)
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        elif kind == "text":
            run.text = text
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)


def _set_page(section: Section, *, landscape: bool) -> None:
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(PAGE_HEIGHT_MM), Mm(PAGE_WIDTH_MM)
        section.left_margin = section.right_margin = Mm(ANNEX_MARGIN_SIDE_MM)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
        section.left_margin = Mm(MARGIN_LEFT_MM)
        section.right_margin = Mm(MARGIN_RIGHT_MM)
    section.top_margin = Mm(MARGIN_TOP_MM)
    section.bottom_margin = Mm(MARGIN_BOTTOM_MM)
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)


def _restart_numbering(section: Section) -> None:
    """Decree 30 §II.11: each annex is numbered on its own, from 1."""
    num = section._sectPr.find(qn("w:pgNumType"))
    if num is not None:  # inherited from the previous annex's section
        num.set(qn("w:start"), "1")
        return
    num = OxmlElement("w:pgNumType")
    num.set(qn("w:start"), "1")
    section._sectPr.insert_element_before(
        num, "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi",
        "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange",
    )  # fmt: skip


def set_headers(section: Section, *, draft: bool, width_mm: float, first_page_mark: bool) -> None:
    """Page numbers centred at the top from page 2 on (Decree 30 §II.11) and 'DỰ THẢO' top right on drafts.

    ``first_page_mark`` puts the draft mark in the first page's header too; the decision's first page
    carries it in the body instead, above the letterhead.
    """
    section.different_first_page_header_footer = True
    for part in (section.header, section.first_page_header, section.footer, section.first_page_footer):
        part.is_linked_to_previous = False

    header = section.header.paragraphs[0]
    header.style = None  # the template's 'Header' style brings Letter-size tab stops
    header.paragraph_format.tab_stops.add_tab_stop(Mm(width_mm / 2), WD_TAB_ALIGNMENT.CENTER)
    header.paragraph_format.tab_stops.add_tab_stop(Mm(width_mm), WD_TAB_ALIGNMENT.RIGHT)
    add_run(header, "\t", size=13)
    _page_field(header, 13)
    if draft:
        add_run(header, "\t", size=13)
        add_run(header, DRAFT_MARK, size=12, bold=True)

    first = section.first_page_header.paragraphs[0]
    first.style = None
    first.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if draft and first_page_mark:
        add_run(first, DRAFT_MARK, size=12, bold=True)


def new_document(*, title: str, subject: str, comments: str, when: dt.datetime, draft: bool) -> DocxDocument:
    """An A4 portrait document in Times New Roman 14 with the core properties pinned to ``when``."""
    doc = Document()
    styles = doc.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr_default, BODY_PT)
    normal = styles["Normal"]
    _set_fonts(normal.element.get_or_add_rPr(), BODY_PT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    normal.element.get_or_add_rPr().append(lang)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE

    _set_page(doc.sections[0], landscape=False)

    props = doc.core_properties
    stamp = naive_utc(when)
    props.title = title
    props.subject = subject
    props.comments = comments
    props.author = "ParIndex"
    props.last_modified_by = "ParIndex"
    props.keywords = DRAFT_MARK if draft else ""
    props.category = "Quyết định" if title.startswith("Quyết định") else "Văn bản"
    props.revision = 1
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp
    return doc


def save(doc: DocxDocument, filename: str, when: dt.datetime) -> ExportFile:
    buffer = io.BytesIO()
    doc.save(buffer)
    return ExportFile(
        filename=filename, content_type=DOCX_CONTENT_TYPE, content=stable_zip(buffer.getvalue(), when)
    )


def add_draft_mark(doc: DocxDocument) -> None:
    """A boxed 'DỰ THẢO' at the top right of the first page."""
    p = add_paragraph(doc, DRAFT_MARK, size=12, bold=True, space_after=6)
    pbdr = OxmlElement("w:pBdr")
    for edge in ("w:top", "w:left", "w:bottom", "w:right"):
        pbdr.append(_border(edge, size_eighths=8, space=2))
    p._p.get_or_add_pPr().insert_element_before(
        pbdr, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr", "w:sectPr", "w:pPrChange"
    )
    # The box spans the paragraph: indent it so that it hugs the two words at the right margin.
    p.paragraph_format.left_indent = Mm(TEXT_WIDTH_MM - DRAFT_BOX_MM)


def add_letterhead(doc: DocxDocument, org: Org, number: str, date_line: str) -> Table:
    """Decree 30 §II.1–4: the issuer | national title table, then the number | place and date line."""
    table = fixed_table(doc, 2, (LETTERHEAD_LEFT_MM, LETTERHEAD_RIGHT_MM))
    no_borders(table)
    left, right = table.cell(0, 0), table.cell(0, 1)
    left_text = LETTERHEAD_LEFT_MM - CELL_PADDING_MM
    right_text = LETTERHEAD_RIGHT_MM - CELL_PADDING_MM

    lines = _issuer_lines(org.name)
    first = True
    if org.parent_name:
        for line in _issuer_lines(org.parent_name):
            add_paragraph(left, line, size=13, first=first)
            first = False
    for line in lines:
        add_paragraph(left, line, size=13, bold=True, first=first)
        first = False
    longest = max(len(line) for line in lines) * CAPITAL_EM * pt_to_mm(13)
    add_rule(left, min(left_text, 0.4 * longest), left_text)

    add_paragraph(right, NATIONAL_TITLE, size=13, bold=True, first=True)
    add_paragraph(right, MOTTO, size=14, bold=True)
    add_rule(right, MOTTO_WIDTH_EM * pt_to_mm(14), right_text)

    add_paragraph(table.cell(1, 0), number, size=13, first=True, space_before=6)
    add_paragraph(table.cell(1, 1), date_line, size=14, italic=True, first=True, space_before=6)
    return table


def add_signature(doc: DocxDocument, org: Org, recipients: Sequence[str]) -> Table:
    """Decree 30 §II.7–8: 'Nơi nhận' (bold italic 12, list 11) on the left, the signature block on the right."""
    table = fixed_table(doc, 1, (TEXT_WIDTH_MM * 0.5, TEXT_WIDTH_MM * 0.5))
    no_borders(table)
    left, right = table.cell(0, 0), table.cell(0, 1)
    add_paragraph(
        left, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, first=True
    )
    for line in recipients:
        add_paragraph(left, line, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)

    first = True
    if org.signer_for:
        add_paragraph(right, org.signer_for.upper(), size=14, bold=True, first=True)
        first = False
    add_paragraph(right, org.signer_title.upper(), size=14, bold=True, first=first)
    # Room for the signature and the seal.
    add_paragraph(right, "", size=14, space_before=64)
    add_paragraph(right, org.signer_name, size=14, bold=True)
    return table


def add_body(doc: DocxDocument, *parts: tuple[str, dict[str, bool]] | str, italic: bool = False) -> Paragraph:
    """A body paragraph: 14 pt, justified, first line indented 1.27 cm, 6 pt after (Decree 30 §II.6)."""
    p = add_paragraph(
        doc,
        align=WD_ALIGN_PARAGRAPH.JUSTIFY,
        first_line_mm=FIRST_LINE_INDENT_MM,
        space_after=SPACE_AFTER_PT,
    )
    for part in parts:
        text, style = (part, {}) if isinstance(part, str) else part
        add_run(p, text, italic=italic or style.get("italic", False), bold=style.get("bold", False))
    return p


@dataclass(frozen=True)
class Column:
    """How a table column's body cells print."""

    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER
    bold: bool = False
    italic: bool = False


LEFT = Column(align=WD_ALIGN_PARAGRAPH.LEFT)
CENTRE = Column()


class RowWriter:
    """Appends rows to a table by copying one prototype row built through python-docx.

    Building every cell through the python-docx API costs about a millisecond a cell (widths, alignment,
    fonts, spacing each walk the XML); a copied ``w:tr`` with its texts replaced costs a few microseconds.
    ``span`` makes a row of one cell across all columns (a field's heading row).
    """

    def __init__(self, table: Table, columns: Sequence[Column], *, size: float, span: bool = False) -> None:
        self._tbl = table._tbl
        row = table.add_row()  # python-docx gives each cell its grid column's width
        cant_split(row)
        cells = [_Cell(tc, table) for tc in row._tr.tc_lst]
        if span:
            cells = [cells[0].merge(cells[-1])]
        for cell, column in zip(cells, columns, strict=False):
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            add_paragraph(
                cell, "\u200b", size=size, bold=column.bold, italic=column.italic, align=column.align,
                first=True, space_before=CELL_SPACE_PT, space_after=CELL_SPACE_PT,
            )  # fmt: skip
        self._prototype = row._tr
        self._tbl.remove(row._tr)
        self._width = len(cells)

    def add(self, values: Sequence[str]) -> None:
        if len(values) != self._width:
            raise ValueError(f"{len(values)} values for a row of {self._width} cells")
        tr = deepcopy(self._prototype)
        for t, value in zip(tr.iter(qn("w:t")), values, strict=True):
            t.text = safe_text(value)
            t.set(qn("xml:space"), "preserve")
        self._tbl.append(tr)


def set_cell(
    cell: _Cell,
    text: str,
    *,
    size: float,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
) -> None:
    """Fill an empty cell with one paragraph (a header cell)."""
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    add_paragraph(
        cell, text, size=size, bold=bold, italic=italic, align=align, first=True,
        space_before=CELL_SPACE_PT, space_after=CELL_SPACE_PT,
    )  # fmt: skip


def header_table(
    container: object, widths_mm: Sequence[float], header: Sequence[str], *, size: float
) -> Table:
    """A bordered table holding only its one-row header, repeated on every page."""
    table = fixed_table(container, 1, widths_mm)
    grid_borders(table)
    cell_margins(table, 0.8)
    for cell, label in zip(row_cells(table)[0], header, strict=True):
        set_cell(cell, label, size=size, bold=True)
    repeat_header(table.rows[0])
    return table


def data_table(
    container: object,
    widths_mm: Sequence[float],
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    size: float,
    columns: Sequence[Column],
) -> Table:
    """A bordered table with a repeated one-row header and one row per ``rows`` item."""
    table = header_table(container, widths_mm, header, size=size)
    writer = RowWriter(table, columns, size=size)
    for values in rows:
        writer.add(values)
    return table


# --- the decision ----------------------------------------------------------------------------------------


def _subject(data: DecisionData) -> str:
    names = [safe_text(group.name) for group in data.groups]
    if len(names) > 1:
        joined = "; ".join(names[:-1]) + " và " + names[-1]
    else:
        joined = names[0] if names else "các cơ quan, đơn vị"
    return f"Phê duyệt Chỉ số cải cách hành chính năm {data.year} của {joined}"


def _leaders(data: DecisionData, group: GroupTable, limit: int = 3) -> str:
    """The units ranked 1 to ``limit`` (ties included), with their published index: 'Sở X (92,15%)'."""
    top = sorted(
        (line for line in group.rows if (line.result.rank or 0) <= limit),
        key=lambda line: (line.result.rank or 0, line.stt),
    )
    return ", ".join(
        f"{safe_text(line.result.name)} ({vn_index(line.result.index_display)}%)" for line in top
    )


def _article_1(doc: DocxDocument, data: DecisionData) -> None:
    groups = data.groups
    if len(groups) == 1:
        group = groups[0]
        leaders = _leaders(data, group)
        tail = f", dẫn đầu là: {leaders}." if leaders else "."
        add_body(
            doc,
            ("Điều 1. ", {"bold": True}),
            f"Phê duyệt Chỉ số cải cách hành chính năm {data.year} của {safe_text(group.name)} "
            f"(chi tiết tại Phụ lục I kèm theo){tail}",
        )
        return
    add_body(
        doc,
        ("Điều 1. ", {"bold": True}),
        f"Phê duyệt Chỉ số cải cách hành chính năm {data.year} của các cơ quan, đơn vị như sau:",
    )
    for number, group in enumerate(groups, start=1):
        leaders = _leaders(data, group)
        tail = f", dẫn đầu khối {safe_text(group.name)} là: {leaders}." if leaders else "."
        add_body(
            doc,
            f"{number}. Chỉ số cải cách hành chính năm {data.year} của {safe_text(group.name)} "
            f"(chi tiết tại Phụ lục {roman(number)} kèm theo){tail}",
        )


def _rating_counts(data: DecisionData) -> list[tuple[str, int]]:
    """(label, count) of the heads' ratings, the best rating first (by the highest index holding it)."""
    counts: dict[str, int] = {}
    best: dict[str, Decimal] = {}
    for head in data.heads:
        label = safe_text(head.rating_label)
        counts[label] = counts.get(label, 0) + 1
        best[label] = max(best.get(label, head.index_display), head.index_display)
    return sorted(counts.items(), key=lambda item: -best[item[0]])


def _article_2(doc: DocxDocument, data: DecisionData, numeral: str) -> None:
    counts = _rating_counts(data)
    detail = "; ".join(f"{vn_count(n)} người đứng đầu {lower_first(label)}" for label, n in counts)
    add_body(
        doc,
        ("Điều 2. ", {"bold": True}),
        "Phê duyệt kết quả đánh giá mức độ hoàn thành nhiệm vụ cải cách hành chính năm "
        f"{data.year} của người đứng đầu các cơ quan, đơn vị (chi tiết tại Phụ lục {numeral} kèm theo)"
        + (f", trong đó: {detail}." if detail else "."),
    )


def _article_3(doc: DocxDocument, data: DecisionData) -> None:
    add_body(
        doc,
        ("Điều 3. ", {"bold": True}),
        f"Căn cứ kết quả Chỉ số cải cách hành chính năm {data.year} được phê duyệt tại Điều 1, Điều 2 "
        "Quyết định này, các cơ quan, đơn vị có trách nhiệm nghiêm túc rà soát, khắc phục những tồn tại, "
        "hạn chế đã được Hội đồng thẩm định chỉ ra; xây dựng kế hoạch, giải pháp nâng cao hiệu quả công tác "
        f"cải cách hành chính năm {data.year + 1}.",
    )
    add_body(
        doc,
        f"Sở Nội vụ sử dụng kết quả Chỉ số cải cách hành chính năm {data.year} làm căn cứ để đánh giá, xếp "
        "loại và xét thi đua, khen thưởng đối với các cơ quan, đơn vị và người đứng đầu theo quy định.",
    )


DEFAULT_EFFECT = "Quyết định này có hiệu lực kể từ ngày ký ban hành."
DEFAULT_EXECUTORS = (
    "Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nội vụ, Thủ trưởng các cơ quan, đơn vị có tên tại "
    "Điều 1 và các tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này./."
)


def _article_4(doc: DocxDocument, data: DecisionData) -> None:
    decision = data.decision
    add_body(doc, ("Điều 4. ", {"bold": True}), safe_text(decision.effect_text or DEFAULT_EFFECT))
    add_body(doc, safe_text(decision.executors_text or DEFAULT_EXECUTORS))


def _annex_heading(doc: DocxDocument, data: DecisionData, numeral: str, title: str) -> None:
    """Decree 30 §II.12: 'Phụ lục I' bold 14, the title in capitals bold, the decision it belongs to."""
    add_paragraph(doc, f"Phụ lục {numeral}", size=14, bold=True, keep_with_next=True)
    add_paragraph(doc, title, size=13, bold=True, keep_with_next=True)
    add_paragraph(doc, annex_reference(data), size=13, italic=True, keep_with_next=True)
    add_rule(doc, 40, ANNEX_TEXT_WIDTH_MM)
    add_paragraph(doc, "", size=6)


def _annex_section(doc: DocxDocument, data: DecisionData) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    _set_page(section, landscape=True)
    _restart_numbering(section)
    set_headers(section, draft=data.decision.draft, width_mm=ANNEX_TEXT_WIDTH_MM, first_page_mark=True)


def _fit(widths: Sequence[float], total: float) -> list[float]:
    scale = total / sum(widths)
    return [w * scale for w in widths]


def _group_annex(doc: DocxDocument, data: DecisionData, group: GroupTable, numeral: str) -> None:
    _annex_section(doc, data)
    _annex_heading(doc, data, numeral, annex_title(data, group))
    widths = _fit([10, 64, 19, 20, 20, 20, 19, 19, 19, 15, 16], ANNEX_TEXT_WIDTH_MM)
    rows = [
        [
            str(line.stt),
            row.name,
            vn_points(row.max_points),
            vn_points(row.self_points),
            vn_points(row.appraisal_points),
            vn_points(row.survey_points),
            vn_points(row.bonus_points - row.penalty_points),
            vn_points(row.total_points),
            vn_index(row.index_display),
            str(row.rank),
            rank_change_text(row.rank_change),
        ]
        for line in group.rows
        for row in (line.result,)
    ]
    data_table(
        doc,
        widths,
        [label for label, _ in GROUP_COLUMNS],
        rows,
        size=10,
        columns=[CENTRE, LEFT, *[CENTRE] * 6, Column(bold=True), CENTRE, CENTRE],
    )
    if group.field_cols:
        _field_table(doc, data, group)
    if group.adjustment_cols:
        _adjustment_table(doc, group)


def _adjustment_table(doc: DocxDocument, group: GroupTable) -> None:
    """The adjustment groups with their own numbers ('9.1. Điểm thưởng (tối đa 3)', '9.2. Điểm trừ …'): each
    unit's points within the group's cap, a deduction shown as a positive number as in the published tables."""
    add_paragraph(doc, "", size=6)
    add_paragraph(
        doc,
        "Điểm thưởng, điểm trừ",
        size=12,
        bold=True,
        italic=True,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        keep_with_next=True,
        space_after=4,
    )
    count = len(group.adjustment_cols)
    widths = [9, 64] + [(ANNEX_TEXT_WIDTH_MM - 73) / count] * count
    data_table(
        doc,
        widths,
        ["STT", "Tên cơ quan, đơn vị", *(adjustment_label(a) for a in group.adjustment_cols)],
        [
            [str(line.stt), line.result.name, *(vn_points(p) for p in line.adjustment_points)]
            for line in group.rows
        ],
        size=10,
        columns=[CENTRE, LEFT, *[CENTRE] * count],
    )


def _field_table(doc: DocxDocument, data: DecisionData, group: GroupTable) -> None:
    """Points and component index per field: the workbook's right-hand columns, as a second table."""
    add_paragraph(doc, "", size=6)
    add_paragraph(
        doc,
        "Điểm và chỉ số thành phần theo lĩnh vực",
        size=12,
        bold=True,
        italic=True,
        align=WD_ALIGN_PARAGRAPH.LEFT,
        keep_with_next=True,
        space_after=4,
    )
    nfields = len(group.field_cols)
    rest = ANNEX_TEXT_WIDTH_MM - 9 - 48
    widths = [9, 48] + [rest / (2 * nfields)] * (2 * nfields)
    size = 10 if nfields <= 6 else 9
    table = fixed_table(doc, 2, widths)
    grid_borders(table)
    cell_margins(table, 0.5)
    for col, label in enumerate(("STT", "Tên cơ quan, đơn vị")):
        top, bottom = table.cell(0, col), table.cell(1, col)
        set_cell(top.merge(bottom), label, size=size, bold=True)
    for number, field in enumerate(group.field_cols):
        col = 2 + 2 * number
        merged = table.cell(0, col).merge(table.cell(0, col + 1))
        set_cell(merged, f"{field.code}. {field.title}", size=size, bold=True)
        for offset, (label, _) in enumerate(FIELD_SUBCOLUMNS):
            set_cell(table.cell(1, col + offset), label, size=size, bold=True)
    header_rows = list(table.rows)
    repeat_header(header_rows[0])
    repeat_header(header_rows[1])
    writer = RowWriter(table, [CENTRE, LEFT, *[CENTRE] * (2 * nfields)], size=size)
    for line in group.rows:
        values = [str(line.stt), line.result.name]
        for field in line.result.fields:
            values.append(vn_points(field.points))
            values.append("" if field.index_display is None else vn_index(field.index_display))
        writer.add(values)


def _heads_annex(doc: DocxDocument, data: DecisionData, numeral: str) -> None:
    _annex_section(doc, data)
    _annex_heading(doc, data, numeral, heads_title(data))
    widths = _fit([10, 42, 42, 64, 20, 58, 26], ANNEX_TEXT_WIDTH_MM)
    rows = [
        [
            str(head.stt),
            head.name,
            head.title,
            head.unit_name,
            vn_index(head.index_display),
            head.rating_label,
            head.note,
        ]
        for head in data.heads
    ]
    data_table(
        doc,
        widths,
        [label for label, _ in HEAD_COLUMNS],
        rows,
        size=11,
        columns=[CENTRE, LEFT, LEFT, LEFT, Column(bold=True), LEFT, LEFT],
    )


def build_decision(data: DecisionData) -> ExportFile:
    """Build the approval decision and its annexes from a result snapshot."""
    decision = data.decision
    org = data.org
    year = decision_year(data)
    subject = _subject(data)
    doc = new_document(
        title=f"Quyết định phê duyệt Chỉ số cải cách hành chính năm {data.year}",
        subject=subject,
        comments=f"Kết quả chốt: {safe_text(data.snapshot_id)}",
        when=data.generated_at,
        draft=decision.draft,
    )
    set_headers(doc.sections[0], draft=decision.draft, width_mm=TEXT_WIDTH_MM, first_page_mark=False)
    if decision.draft:
        add_draft_mark(doc)
    add_letterhead(
        doc,
        org,
        number_line(decision.number, org.decision_symbol),
        long_date(org.place, decision.date, year),
    )

    # Decree 30 §II.5: the document type, its subject under it, a short rule under the subject.
    add_paragraph(doc, "QUYẾT ĐỊNH", size=14, bold=True, space_before=18, keep_with_next=True)
    add_paragraph(doc, subject, size=14, bold=True, keep_with_next=True)
    add_rule(doc, min(TEXT_WIDTH_MM, len(subject) * MIXED_EM * pt_to_mm(14)) / 3, TEXT_WIDTH_MM)
    add_paragraph(doc, "", size=8)
    add_paragraph(doc, org.chairman_title.upper(), size=14, bold=True, space_before=6, space_after=12)

    for basis in decision.legal_bases:
        add_body(doc, basis, italic=True)
    add_body(doc, decision.proposal, italic=True)

    add_paragraph(doc, "QUYẾT ĐỊNH:", size=14, bold=True, space_before=6, space_after=12)
    _article_1(doc, data)
    heads_numeral = roman(len(data.groups) + 1)
    _article_2(doc, data, heads_numeral)
    _article_3(doc, data)
    _article_4(doc, data)

    add_paragraph(doc, "", size=6)
    add_signature(doc, org, decision.recipients)

    for number, group in enumerate(data.groups, start=1):
        _group_annex(doc, data, group, roman(number))
    _heads_annex(doc, data, heads_numeral)

    prefix = "du-thao-" if decision.draft else ""
    return save(doc, f"{prefix}quyet-dinh-chi-so-cchc-{data.year}.docx", data.generated_at)
