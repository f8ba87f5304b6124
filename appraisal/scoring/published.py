"""Last year's published results (issue 11): a year approved outside ParIndex, recorded from its table.

``published_results_import`` reads the table through the shared cell reader: ``unit`` (Mã đơn vị), ``index``
(Chỉ số CCHC (%)), ``rank`` (Xếp hạng), optionally ``group`` (Khối), ``total`` (Tổng điểm), ``max`` (Điểm tối
đa), ``band`` (Xếp loại), ``head_rating`` (Mức độ hoàn thành nhiệm vụ). Units are joined by code, never by
name. Every row is checked and every problem listed; nothing is written unless all rows are right, and a new
import of the same year replaces the earlier one. Rank changes use it when the previous year has no final run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from appraisal import engine
from appraisal.core.cells import Column, FileRejected, Problem, parse_number, read_table
from appraisal.core.exceptions import ServiceError
from appraisal.registry.codes import by_code_key, code_key
from appraisal.registry.models import Period, Phase, Unit, UnitMembership
from appraisal.registry.selectors import year_require

from .models import PublishedResult, PublishedYear

PUBLISHED_COLUMNS: tuple[Column, ...] = (
    Column("unit", "Mã đơn vị", required=True),
    Column("index", "Chỉ số CCHC (%)", required=True, numeric=True, aliases=("Chỉ số CCHC", "Chỉ số")),
    Column("rank", "Xếp hạng", required=True, numeric=True, aliases=("Thứ hạng",)),
    Column("group", "Khối", aliases=("Mã khối",)),
    Column("name", "Tên cơ quan, đơn vị", aliases=("Tên đơn vị",)),
    Column("total", "Tổng điểm", numeric=True),
    Column("max", "Điểm tối đa", numeric=True),
    Column("band", "Xếp loại"),
    Column(
        "head_rating",
        "Mức độ hoàn thành nhiệm vụ",
        aliases=("Mức độ hoàn thành nhiệm vụ của người đứng đầu",),
    ),
)

# An example for the template: the layout of a decision's annex (Hà Tĩnh-style).
EXAMPLE_ROWS: tuple[tuple[str, ...], ...] = (
    ("skhcn", "so", "Sở Khoa học và Công nghệ", "92,35", "1", "Xuất sắc", "Hoàn thành xuất sắc nhiệm vụ"),
    ("stp", "so", "Sở Tư pháp", "88,10", "2", "Tốt", "Hoàn thành tốt nhiệm vụ"),
)


def _choices(labels: dict[str, str]) -> dict[str, str]:
    out = {code.casefold(): code for code in labels}
    out.update({label.casefold(): code for code, label in labels.items()})
    return out


_BANDS = _choices(engine.BAND_LABELS)
_HEAD_RATINGS = _choices(engine.HEAD_RATING_LABELS)


@dataclass
class PublishedReport:
    file_name: str
    year: int
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def summary(self) -> str:
        if not self.ok:
            return f"Tệp «{self.file_name}»: {len(self.problems)} lỗi, không nhập dòng nào."
        return f"Đã ghi kết quả đã công bố năm {self.year}: {self.rows} đơn vị từ «{self.file_name}»."


def _group_of_units(year: int) -> dict[int, str]:
    """Unit id → group code: the unit's group that year, else its latest group."""
    memberships = UnitMembership.objects.order_by("period__year").values_list("unit_id", "group__code")
    groups = dict(memberships)  # the latest year wins
    groups.update(memberships.filter(period__year=year))
    return groups


# The secretariat of the year's period (``year_require``: any secretariat for a year ParIndex has no period of).
PUBLISHING = "được nhập kết quả đã công bố"


def published_results_import(*, year: int, file_name: str, content: bytes, by: Any) -> PublishedReport:
    """Record a year's published table (all or nothing, every bad row listed)."""
    year_require(by, year, PUBLISHING, error=ServiceError)
    report = PublishedReport(file_name=file_name, year=year)
    if not 2000 <= year <= 2100:
        report.problems.append(Problem(None, f"Năm {year} không hợp lệ."))
        return report
    if year > timezone.localdate().year:
        report.problems.append(Problem(None, f"Năm {year} chưa đến: chỉ nhập kết quả của năm đã công bố."))
        return report
    own = Period.objects.filter(year=year).exclude(phase=Phase.PREPARING).first()
    if own is not None:  # a final run inside ParIndex is that year's table (adapters.previous_results)
        report.problems.append(
            Problem(
                None,
                f"Năm {year} là kỳ đánh giá thực hiện trên ParIndex ({own.name}): kết quả của năm này lấy từ "
                "lần tính chính thức khi Hội đồng chốt, không nhập từ tệp.",
            )
        )
        return report
    signed = Period.objects.filter(year=year + 1, phase=Phase.APPROVED).first()
    if signed is not None:  # its decision states rank changes against this table (adapters.rank_changes_sign)
        report.problems.append(
            Problem(
                None,
                f"Kết quả năm {year} là căn cứ tăng/giảm bậc của Quyết định số {signed.decision_number} phê "
                f"duyệt {signed.name}: không ghi lại được sau khi quyết định đã ký.",
            )
        )
        return report
    try:
        rows = read_table(file_name, content, PUBLISHED_COLUMNS)
    except FileRejected as rejected:
        report.problems.extend(rejected.problems)
        return report
    units = by_code_key(Unit.objects.all())
    group_of = _group_of_units(year)
    planned: list[PublishedResult] = []
    seen: dict[int, int] = {}
    for number, values in rows:
        problems: list[str] = []
        code = values.get("unit", "")
        unit = units.get(code_key(code)) if code else None
        if not code:
            problems.append("thiếu Mã đơn vị.")
        elif unit is None:
            problems.append(f"không có đơn vị mã «{code}».")
        elif unit.pk in seen:
            problems.append(f"đơn vị «{unit.code}» trùng với dòng {seen[unit.pk]}.")
        index = parse_number(values.get("index", ""))
        if index is None or not 0 <= index <= 100:
            problems.append(f"Chỉ số CCHC «{values.get('index', '')}» phải là số từ 0 đến 100.")
        rank_number = parse_number(values.get("rank", ""))
        if rank_number is None or rank_number < 1 or rank_number != rank_number.to_integral_value():
            problems.append(f"Xếp hạng «{values.get('rank', '')}» phải là số nguyên từ 1.")
        optional: dict[str, Decimal | None] = {}
        for key, label in (("total", "Tổng điểm"), ("max", "Điểm tối đa")):
            text = values.get(key, "")
            optional[key] = parse_number(text) if text else None
            if text and (optional[key] is None or optional[key] < 0):  # type: ignore[operator]
                problems.append(f"{label} «{text}» không phải là số không âm.")
        band = ""
        if values.get("band"):
            band = _BANDS.get(values["band"].casefold(), "")
            if not band:
                problems.append(
                    f"Xếp loại «{values['band']}» không có; dùng {', '.join(engine.BAND_LABELS.values())}."
                )
        head = ""
        if values.get("head_rating"):
            head = _HEAD_RATINGS.get(values["head_rating"].casefold(), "")
            if not head:
                problems.append(
                    f"Mức độ hoàn thành nhiệm vụ «{values['head_rating']}» không có; dùng "
                    f"{', '.join(engine.HEAD_RATING_LABELS.values())}."
                )
        group = values.get("group", "") or (group_of.get(unit.pk, "") if unit is not None else "")
        if unit is not None and not group:
            problems.append(f"đơn vị «{unit.code}» chưa thuộc khối nào: hãy ghi cột Khối.")
        if problems:
            report.problems.extend(Problem(number, p) for p in problems)
            continue
        assert unit is not None and index is not None and rank_number is not None
        seen[unit.pk] = number
        planned.append(
            PublishedResult(
                unit=unit,
                group_code=group,
                index=index,
                rank=int(rank_number),
                total_points=optional["total"],
                max_points=optional["max"],
                band=band,
                head_rating=head,
                row=number,
            )
        )
    report.rows = len(rows)
    if report.problems:
        return report
    with transaction.atomic():
        published, _ = PublishedYear.objects.update_or_create(
            year=year, defaults={"source_name": file_name[:255], "imported_by": by}
        )
        published.rows.all().delete()
        for row in planned:
            row.published = published
        PublishedResult.objects.bulk_create(planned)
    return report


def published_ranks(year: int) -> dict[tuple[str, str], int]:
    """(group code, unit code) → rank in the published table of ``year`` (empty when none was recorded)."""
    return {key: rank for key, (_, rank) in published_results_of(year).items()}


def published_results_of(year: int) -> dict[tuple[str, str], tuple[Decimal, int]]:
    """(group code, unit code) → (index, rank) in the published table of ``year`` (empty when none)."""
    rows = PublishedResult.objects.filter(published__year=year).values_list(
        "group_code", "unit__code", "index", "rank"
    )
    return {(g, u): (index, rank) for g, u, index, rank in rows}


def published_rows(year: int) -> list[PublishedResult]:
    return list(
        PublishedResult.objects.filter(published__year=year)
        .select_related("unit")
        .order_by("group_code", "rank", "unit__code")
    )


def published_template_file() -> Any:
    """The blank template: the header in Vietnamese, an example sheet, and what each column means."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from appraisal.documents.data import XLSX_CONTENT_TYPE, ExportFile

    wb = Workbook()
    ws = wb.active
    ws.title = "Kết quả đã công bố"
    labels = ["Mã đơn vị", "Khối", "Tên cơ quan, đơn vị", "Chỉ số CCHC (%)", "Xếp hạng", "Xếp loại"]
    labels.append("Mức độ hoàn thành nhiệm vụ")
    ws.append(labels)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    example = wb.create_sheet("Ví dụ")
    example.append(labels)
    for row in EXAMPLE_ROWS:
        example.append(list(row))
    help_sheet = wb.create_sheet("Hướng dẫn")
    for line in (
        "Bắt buộc: Mã đơn vị (như trong danh mục đơn vị), Chỉ số CCHC (%) (số, dấu thập phân «,» hoặc «.»), "
        "Xếp hạng (trong khối).",
        "Tùy chọn: Khối (mã khối năm đó; để trống thì lấy khối hiện tại của đơn vị), Tên cơ quan, đơn vị "
        "(chỉ để đọc, không dùng để ghép), Tổng điểm, Điểm tối đa, Xếp loại, Mức độ hoàn thành nhiệm vụ.",
        "Có thể để các dòng tiêu đề của phụ lục quyết định phía trên dòng tên cột.",
    ):
        help_sheet.append([line])
    buffer = io.BytesIO()
    wb.save(buffer)
    return ExportFile(
        filename="mau-ket-qua-da-cong-bo.xlsx", content_type=XLSX_CONTENT_TYPE, content=buffer.getvalue()
    )
