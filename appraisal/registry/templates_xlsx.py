"""Blank template workbooks for the two registry imports (SPEC §10): the header row in Vietnamese labels, one
example row, and a second sheet explaining each column. Times New Roman, like every document of the office.
The same writer fills the units export and the survey template: every value is written as text (never a
formula, see ``documents.safe.put_xlsx_text``)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from appraisal.documents.safe import put_xlsx_text

from .importing import INDEX_SET_COLUMNS, UNIT_COLUMNS, Column

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT = "Times New Roman"


@dataclass(frozen=True)
class TemplateFile:
    filename: str
    content_type: str
    content: bytes


UNIT_EXAMPLE = {
    "code": "skhcn",
    "name": "Sở Khoa học và Công nghệ",
    "group": "so",
    "group_name": "Các sở, ban, ngành",
    "short_name": "Sở KH&CN",
    "head_name": "Nguyễn Văn A",
    "head_title": "Giám đốc",
    "tags": "",
}

UNIT_HELP = {
    "code": "Bắt buộc. Mã ngắn, chữ không dấu, không khoảng trắng (ví dụ skhcn, tphatinh). Không trùng.",
    "name": "Bắt buộc. Tên đầy đủ của cơ quan, đơn vị.",
    "group": "Bắt buộc. Mã khối (ví dụ so, huyen, tw).",
    "group_name": "Tên khối; chỉ cần khi khối chưa có trong danh mục (sẽ tạo khối mới).",
    "short_name": "Tên viết tắt (tùy chọn).",
    "head_name": "Họ và tên người đứng đầu (dùng cho bảng đánh giá người đứng đầu).",
    "head_title": "Chức vụ người đứng đầu, ví dụ Giám đốc, Chủ tịch UBND, Cục trưởng.",
    "tags": "Nhãn, cách nhau bởi dấu phẩy, ví dụ no_tthc (đơn vị không có thủ tục hành chính).",
}

INDEX_SET_EXAMPLES: list[dict[str, str]] = [
    {
        "code": "1",
        "title": "Công tác chỉ đạo, điều hành cải cách hành chính",
        "max_points": "2",
        "method": "",
        "rule": "",
        "guidance": "",
        "evidence": "",
        "excluded_tags": "",
    },
    {
        "code": "1.1",
        "title": "Ban hành kế hoạch cải cách hành chính năm đúng thời hạn",
        "max_points": "1",
        "method": "TĐ",
        "rule": "boolean",
        "guidance": "Ban hành trước ngày 31/12 năm trước: 1 điểm; ban hành muộn hoặc không ban hành: 0 điểm.",
        "evidence": "Kế hoạch CCHC năm của đơn vị.",
        "excluded_tags": "",
    },
    {
        "code": "1.2",
        "title": "Mức độ hoàn thành kế hoạch cải cách hành chính",
        "max_points": "1",
        "method": "TĐ",
        "rule": "tiers: >=100%=1; >=80%=0.5; else=0",
        "guidance": "Tỷ lệ nhiệm vụ hoàn thành trên tổng số nhiệm vụ trong kế hoạch.",
        "evidence": "Báo cáo CCHC năm; danh mục nhiệm vụ đã hoàn thành.",
        "excluded_tags": "",
    },
]

INDEX_SET_HELP = {
    "code": "Bắt buộc. Lĩnh vực 1, tiêu chí 1.2, tiêu chí thành phần 1.2.3; điểm thưởng T1, điểm trừ P1, hoặc "
    "nhóm điểm thưởng, điểm trừ có số thứ tự như bộ chỉ số từ năm 2025: 9, 9.1, 9.1.1, 9.2, 9.2.1 (xem Lưu ý). "
    "Định dạng ô là Văn bản (Text) để Excel không đổi 1.10 thành 1.1. Mục cha đứng trước mục con.",
    "title": "Bắt buộc. Nội dung lĩnh vực, tiêu chí.",
    "max_points": "Bắt buộc. Số ≥ 0, tối đa 2 chữ số thập phân; điểm của mục cha bằng tổng điểm các mục con. "
    "Riêng nhóm điểm thưởng hoặc điểm trừ: điểm tối đa của nhóm là mức trần, tổng các mục con có thể lớn hơn; "
    "để trống ở mục gồm cả điểm thưởng và điểm trừ (ví dụ mục 9).",
    "method": "Chỉ ghi ở tiêu chí cuối cùng (không có mục con): TĐ (appraisal), XHH (survey), Thưởng (bonus), "
    "Trừ (penalty). Để trống ở lĩnh vực, tiêu chí có mục con.",
    "rule": "Chỉ ghi ở tiêu chí cuối cùng: boolean; levels: Tốt=1; Đạt=0.5; Chưa đạt=0; "
    "tiers: >=100%=1; >=80%=0.5; else=0; proportional hoặc proportional: min=50%; manual hoặc "
    "manual: step=0.25; penalty: per=0.5; survey.",
    "guidance": "Hướng dẫn chấm điểm (tùy chọn).",
    "evidence": "Tài liệu kiểm chứng cần có (tùy chọn).",
    "excluded_tags": "Nhãn đơn vị không áp dụng tiêu chí này, cách nhau bởi dấu phẩy, ví dụ no_tthc. "
    "Ghi ở lĩnh vực thì áp dụng cho mọi tiêu chí bên trong.",
}


def _workbook(
    title: str,
    columns: Sequence[Column],
    examples: list[dict[str, str]],
    help_text: dict[str, str],
    extra_notes: Sequence[str] = (),
) -> bytes:
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold = Font(name=FONT, size=12, bold=True)
    plain = Font(name=FONT, size=12)
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index, value=column.label)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        width = 14 if column.key in ("code", "group", "max_points", "method") else 40
        ws.column_dimensions[get_column_letter(index)].width = width
        for row_number, example in enumerate(examples, start=2):
            value = example.get(column.key, "")
            cell = ws.cell(row=row_number, column=index)
            if value:  # user text (unit names, titles): never a formula
                put_xlsx_text(cell, value)
            cell.font = plain
            cell.border = border
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.number_format = "@"  # text: '1.10' stays '1.10', '0.5' stays as written
    ws.freeze_panes = "A2"

    notes = wb.create_sheet("Hướng dẫn")
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["B"].width = 100
    for cell_ref, text in (("A1", "Cột (tiếng Việt)"), ("B1", "Cách ghi")):
        notes[cell_ref] = text
        notes[cell_ref].font = bold
    for row_number, column in enumerate(columns, start=2):
        notes.cell(row=row_number, column=1, value=column.display).font = bold if column.required else plain
        help_cell = notes.cell(row=row_number, column=2, value=help_text.get(column.key, ""))
        help_cell.font = plain
        help_cell.alignment = Alignment(wrap_text=True, vertical="top")
    last = len(columns) + 3
    notes.cell(row=last, column=1, value="Lưu ý").font = bold
    notes.cell(
        row=last,
        column=2,
        value="Chỉ trang tính đầu tiên được nhập. Có thể ghi tên cột bằng tiếng Việt (như tệp mẫu) hoặc tiếng "
        "Anh (tên trong ngoặc). Cột khác được bỏ qua. Tệp có lỗi sẽ không được nhập; mọi lỗi được liệt kê "
        "kèm số dòng.",
    ).font = plain
    for offset, note in enumerate(extra_notes, start=1):
        cell = notes.cell(row=last + offset, column=2)
        put_xlsx_text(cell, note)  # names the units left out
        cell.font = plain
        cell.alignment = Alignment(wrap_text=True, vertical="top")

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


template_workbook = _workbook  # for the other apps' import templates (the survey import in council)


def units_template() -> TemplateFile:
    content = _workbook("Đơn vị", UNIT_COLUMNS, [UNIT_EXAMPLE], UNIT_HELP)
    return TemplateFile("mau-don-vi.xlsx", XLSX_CONTENT_TYPE, content)


def units_workbook(rows: list[dict[str, str]], notes: Sequence[str] = ()) -> bytes:
    """The units import workbook filled with ``rows`` (one dict per unit, keyed like UNIT_COLUMNS): what the
    unit export writes, so that it reads back through the same import."""
    return _workbook("Đơn vị", UNIT_COLUMNS, rows, UNIT_HELP, notes)


INDEX_SET_NOTES = (
    "Nhóm điểm thưởng, điểm trừ (ngoài thang điểm): có thể ghi T1, P1 ở cấp cao nhất, hoặc một mục có số thứ tự "
    "như các bộ chỉ số từ năm 2025: «9. Điểm thưởng, điểm trừ» (để trống Điểm tối đa và Phương pháp), "
    "«9.1. Điểm thưởng» (Điểm tối đa 3) với các mục 9.1.1, 9.1.2… (Phương pháp: Thưởng), «9.2. Điểm trừ» "
    "(Điểm tối đa 5) với các mục 9.2.1, 9.2.2… (Phương pháp: Trừ). Điểm tối đa của nhóm là mức trần: đơn vị "
    "khai 4 điểm thưởng trong nhóm tối đa 3 thì chỉ được tính 3 điểm. Một khối «Điểm trừ» gồm các tiêu chí "
    "trừ điểm bên trong cũng được chấp nhận.",
)


def index_set_template() -> TemplateFile:
    content = _workbook("Bộ chỉ số", INDEX_SET_COLUMNS, INDEX_SET_EXAMPLES, INDEX_SET_HELP, INDEX_SET_NOTES)
    return TemplateFile("mau-bo-chi-so.xlsx", XLSX_CONTENT_TYPE, content)
