"""Per-unit documents: the appraisal notice and the shortcomings report (.docx, Decree 30 layout).

- ``notice`` (Thông báo kết quả thẩm định, SPEC §6): the items whose points the council lowered below the
  unit's own claim, with the council's reasons, so that the unit can explain (giải trình).
- ``shortcomings`` (Báo cáo tồn tại, hạn chế, SPEC §9): every item that lost points against its maximum,
  grouped by field, with the reasons: what the decision's Điều 3 orders the unit to fix.

Both reuse the letterhead, body and signature helpers of decision.py.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from decimal import Decimal

from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH

from .data import ExportFile, Org, Shortfall, UnitDocData
from .decision import (
    CENTRE,
    LEFT,
    TEXT_WIDTH_MM,
    Column,
    RowWriter,
    add_body,
    add_letterhead,
    add_paragraph,
    add_rule,
    add_signature,
    data_table,
    header_table,
    long_date,
    lower_first,
    new_document,
    number_line,
    save,
    set_headers,
    vn_count,
    vn_points,
)
from .safe import safe_text

__all__ = ["KINDS", "build_unit_notice", "final_sentence"]

KINDS = ("notice", "shortcomings", "result")

NOTICE_COLUMNS = ("STT", "Mã", "Tiêu chí, tiêu chí thành phần", "Điểm tối đa", "Điểm tự đánh giá",
                  "Điểm thẩm định", "Lý do của Hội đồng thẩm định")  # fmt: skip
NOTICE_WIDTHS = (9, 13, 46, 15, 16, 16, 50)
RESULT_COLUMNS = ("STT", "Mã", "Tiêu chí, tiêu chí thành phần", "Điểm tối đa", "Điểm tự đánh giá",
                  "Điểm thẩm định vòng 1", "Điểm cuối cùng", "Kết luận của Hội đồng thẩm định")  # fmt: skip
RESULT_WIDTHS = (9, 13, 42, 14, 15, 15, 15, 42)
RESULT_ALIGN = (CENTRE, CENTRE, LEFT, CENTRE, CENTRE, CENTRE, CENTRE, LEFT)
SHORTFALL_COLUMNS = ("STT", "Mã", "Tiêu chí, tiêu chí thành phần", "Điểm tối đa", "Điểm đạt",
                     "Điểm bị trừ", "Kết luận của Hội đồng thẩm định")  # fmt: skip
SHORTFALL_WIDTHS = (9, 13, 50, 15, 15, 15, 48)
ITEM_COLUMNS = (CENTRE, CENTRE, LEFT, CENTRE, CENTRE, CENTRE, LEFT)


def _symbol(org: Org, prefix: str) -> str:
    """'TB-HĐTĐ' from the notice issuer's symbol, else 'TB-UBND' from the decision symbol 'QĐ-UBND'."""
    if org.issuer_symbol:
        return f"{prefix}-{org.issuer_symbol}"
    _, _, issuer = org.decision_symbol.partition("-")
    return f"{prefix}-{issuer}" if issuer else prefix


def _slug(name: str) -> str:
    """An ASCII file-name part for a unit ('Sở Ngoại vụ' → 'so-ngoai-vu')."""
    text = unicodedata.normalize("NFKD", safe_text(name).replace("đ", "d").replace("Đ", "D"))
    ascii_text = text.encode("ascii", "ignore").decode().lower()
    words = "".join(ch if ch.isalnum() else " " for ch in ascii_text).split()
    return "-".join(words)[:60] or "don-vi"


def build_unit_notice(data: UnitDocData, org: Org, kind: str) -> ExportFile:
    """Build a unit's appraisal notice (``kind='notice'``) or shortcomings report (``'shortcomings'``)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    notice = kind == "notice"
    unit = safe_text(data.unit_name)
    if notice:
        doc_type = "THÔNG BÁO"
        subject = f"Kết quả thẩm định Chỉ số cải cách hành chính năm {data.year} của {unit}"
        prefix = "TB"
        filename = f"thong-bao-tham-dinh-{data.year}-{_slug(unit)}.docx"
    elif kind == "result":
        doc_type = "THÔNG BÁO"
        subject = f"Kết quả cuối cùng Chỉ số cải cách hành chính năm {data.year} của {unit}"
        prefix = "TB"
        filename = f"thong-bao-ket-qua-cuoi-cung-{data.year}-{_slug(unit)}.docx"
    else:
        doc_type = "BÁO CÁO"
        subject = f"Tồn tại, hạn chế trong thực hiện nhiệm vụ cải cách hành chính năm {data.year} của {unit}"
        prefix = "BC"
        filename = f"bao-cao-ton-tai-han-che-{data.year}-{_slug(unit)}.docx"

    when = _stamp(data)
    doc = new_document(title=f"{doc_type.capitalize()} {subject}", subject=subject, comments="", when=when,
                       draft=False)  # fmt: skip
    set_headers(doc.sections[0], draft=False, width_mm=TEXT_WIDTH_MM, first_page_mark=False)
    add_letterhead(
        doc, org, number_line(None, _symbol(org, prefix)), long_date(org.place, data.date, data.year + 1)
    )
    add_paragraph(doc, doc_type, size=14, bold=True, space_before=18, keep_with_next=True)
    add_paragraph(doc, subject, size=14, bold=True, keep_with_next=True)
    add_rule(doc, 50, TEXT_WIDTH_MM)
    add_paragraph(doc, "", size=8)

    if notice:
        _notice_body(doc, data)
    elif kind == "result":
        _result_body(doc, data)
    else:
        _shortcomings_body(doc, data)

    add_paragraph(doc, "", size=6)
    recipients = (f"- {unit};", "- Thành viên Hội đồng thẩm định;", "- Lưu: VT, Sở Nội vụ.")
    add_signature(doc, org, recipients)
    return save(doc, filename, when)


def _stamp(data: UnitDocData) -> dt.datetime:
    """Files carry the notice's date (or 1 January of the following year) rather than the time of building."""
    day = data.date or dt.date(data.year + 1, 1, 1)
    return dt.datetime(day.year, day.month, day.day)


def _lowered(items: Sequence[Shortfall]) -> list[Shortfall]:
    return [item for item in items if item.self_points is not None and item.final_points < item.self_points]


def _notice_body(doc: DocxDocument, data: UnitDocData) -> None:
    items = _lowered(data.items)
    unit = safe_text(data.unit_name)
    add_paragraph(doc, f"Kính gửi: {unit}", size=14, space_after=12)
    if not items:
        add_body(
            doc,
            f"Hội đồng thẩm định Chỉ số cải cách hành chính năm {data.year} thông báo: kết quả thẩm định của "
            f"{unit} giữ nguyên điểm tự đánh giá ở tất cả các tiêu chí, tiêu chí thành phần.",
        )
        return
    lost = sum((item.self_points - item.final_points for item in items), Decimal(0))
    if data.total_lost is not None:
        lost = data.total_lost
    add_body(
        doc,
        f"Hội đồng thẩm định Chỉ số cải cách hành chính năm {data.year} thông báo kết quả thẩm định của {unit}: "
        f"có {vn_count(len(items))} tiêu chí, tiêu chí thành phần có điểm thẩm định thấp hơn điểm tự đánh giá "
        f"(giảm tổng cộng {vn_points(lost)} điểm), cụ thể như sau:",
    )
    rows = [
        [
            str(n),
            item.item_code,
            item.item_title,
            vn_points(item.max_points),
            vn_points(item.self_points),
            vn_points(item.final_points),
            item.reason,
        ]
        for n, item in enumerate(items, start=1)
    ]
    data_table(doc, NOTICE_WIDTHS, NOTICE_COLUMNS, rows, size=11, columns=ITEM_COLUMNS)
    add_paragraph(doc, "", size=6)
    add_body(
        doc,
        f"{explanation_window(data)}, đề nghị {unit} rà soát, giải trình và bổ sung tài liệu kiểm chứng (nếu "
        "có) đối với các nội dung trên để Hội đồng thẩm định xem xét, quyết định.",
    )


def explanation_window(data: UnitDocData) -> str:
    """«Trước 17:00 ngày 20/02/2024» when the deadline is known (the unit must know it), else the window."""
    if data.explanation_due is None:
        return "Trong thời hạn giải trình"
    return "Trước {t} ngày {d}".format(
        t=data.explanation_due.strftime("%H:%M"), d=data.explanation_due.strftime("%d/%m/%Y")
    )


def _shortcomings_body(doc: DocxDocument, data: UnitDocData) -> None:
    items = [item for item in data.items if item.lost > 0]
    unit = safe_text(data.unit_name)
    if not items:
        add_body(doc, f"Năm {data.year}, {unit} đạt điểm tối đa ở tất cả các tiêu chí, tiêu chí thành phần.")
        return
    total = sum((item.lost for item in items), Decimal(0)) if data.total_lost is None else data.total_lost
    add_body(
        doc,
        f"Qua thẩm định Chỉ số cải cách hành chính năm {data.year}, {unit} bị trừ điểm ở "
        f"{vn_count(len(items))} tiêu chí, tiêu chí thành phần (tổng cộng {vn_points(total)} điểm). Kết luận "
        "của Hội đồng thẩm định về các tồn tại, hạn chế theo từng lĩnh vực như sau:",
    )
    fields: dict[str, list[Shortfall]] = {}
    titles: dict[str, str] = {}
    for item in items:
        fields.setdefault(item.field_code, []).append(item)
        titles.setdefault(item.field_code, item.field_title)

    table = header_table(doc, SHORTFALL_WIDTHS, SHORTFALL_COLUMNS, size=11)
    field_row = RowWriter(table, [Column(align=WD_ALIGN_PARAGRAPH.LEFT, bold=True)], size=11, span=True)
    item_row = RowWriter(table, ITEM_COLUMNS, size=11)
    n = 0
    for code, field_items in fields.items():
        field_lost = sum((item.lost for item in field_items), Decimal(0))
        field_row.add([f"{safe_text(code)}. {safe_text(titles[code])} (bị trừ {vn_points(field_lost)} điểm)"])
        for item in field_items:
            n += 1
            item_row.add(
                [
                    str(n),
                    item.item_code,
                    item.item_title,
                    vn_points(item.max_points),
                    vn_points(item.final_points),
                    vn_points(item.lost),
                    item.reason,
                ]
            )
    add_paragraph(doc, "", size=6)
    add_body(
        doc,
        f"Đề nghị {unit} nghiêm túc rà soát, xây dựng kế hoạch khắc phục các tồn tại, hạn chế nêu trên và báo "
        f"cáo kết quả khắc phục cùng kết quả tự đánh giá Chỉ số cải cách hành chính năm {data.year + 1}.",
    )


def final_sentence(data: UnitDocData) -> str:
    """The one sentence of the final result: total, index, rank in its group and band."""
    unit = safe_text(data.unit_name)
    parts = [f"{unit} đạt tổng điểm {vn_points(data.total_points or Decimal(0))}"]
    if data.max_points is not None:
        parts[0] += f"/{vn_points(data.max_points)} điểm"
    if data.index_text:
        parts.append(f"Chỉ số cải cách hành chính {data.index_text}%")
    if data.rank is not None:
        group = safe_text(data.group_name)
        # 'Các sở, ban, ngành' reads 'các sở, ban, ngành' in a sentence; 'UBND các huyện…' keeps its capitals.
        if len(group) > 1 and group[1].islower():
            group = lower_first(group)
        parts.append(f"xếp thứ {data.rank} trong {group or 'khối'}")
    if data.band_label:
        parts.append(f"xếp loại «{data.band_label}»")
    return ", ".join(parts) + "."


def _result_body(doc: DocxDocument, data: UnitDocData) -> None:
    """The final-result notice (after round 2 and finalisation): the totals, then every item whose final
    points differ from the unit's claim, with every layer and the council's conclusion."""
    unit = safe_text(data.unit_name)
    add_paragraph(doc, f"Kính gửi: {unit}", size=14, space_after=12)
    state = "kết quả chính thức" if data.final else "kết quả tạm tính (chưa chốt)"
    add_body(
        doc,
        f"Sau thẩm định vòng 1, giải trình và thẩm định vòng 2, Hội đồng thẩm định Chỉ số cải cách hành chính "
        f"năm {data.year} thông báo {state} của {unit} như sau:",
    )
    add_body(doc, final_sentence(data))
    items = [it for it in data.items if it.self_points is not None and it.final_points != it.self_points]
    if not items:
        add_body(
            doc, "Hội đồng thẩm định giữ nguyên điểm tự đánh giá ở tất cả các tiêu chí, tiêu chí thành phần."
        )
        return
    add_body(
        doc,
        f"Các tiêu chí, tiêu chí thành phần có điểm cuối cùng khác điểm tự đánh giá ({vn_count(len(items))}):",
    )
    rows = [
        [
            str(n),
            item.item_code,
            item.item_title,
            vn_points(item.max_points),
            vn_points(item.self_points) if item.self_points is not None else "–",
            vn_points(item.round1_points) if item.round1_points is not None else "–",
            vn_points(item.final_points),
            item.reason,
        ]
        for n, item in enumerate(items, start=1)
    ]
    data_table(doc, RESULT_WIDTHS, RESULT_COLUMNS, rows, size=11, columns=RESULT_ALIGN)
