"""The results as CSV: one row per unit, for spreadsheets and other programs.

UTF-8 with a byte-order mark, so that Excel opens the Vietnamese names correctly (SPEC §9), CRLF line ends.
Numbers stay typed for programs: a decimal point, no thousands separator, points as the engine kept them
(up to 4 places) and the published index rounded to the period's decimals. The Vietnamese decimal comma
belongs to the UI and the printed documents, not to data files. Text cells that a spreadsheet could run as
a formula get a leading apostrophe (see safe.csv_text).
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from appraisal.engine.rounding import plain

from .data import CSV_CONTENT_TYPE, DecisionData, ExportFile
from .safe import csv_text

__all__ = ["CSV_COLUMNS", "PLAIN", "VN", "build_results_csv"]

VN = "vn"
PLAIN = "plain"

CSV_COLUMNS = (
    "Mã khối",
    "Khối",
    "STT",
    "Tên cơ quan, đơn vị",
    "Điểm tối đa",
    "Điểm tự đánh giá",
    "Điểm thẩm định",
    "Điểm điều tra XHH",
    "Điểm thưởng",
    "Điểm trừ",
    "Tổng điểm",
    "Chỉ số CCHC (%)",
    "Xếp hạng",
    "Tăng/giảm bậc",
    "Xếp loại",
    "Người đứng đầu",
    "Mức độ hoàn thành nhiệm vụ của người đứng đầu",
    "Mã đơn vị",
)


def build_results_csv(data: DecisionData, dialect: str = VN) -> ExportFile:
    """One row per unit, groups in order; the head's rating is joined by unit code."""
    if dialect not in (VN, PLAIN):
        raise ValueError(f"unknown CSV dialect {dialect!r}")
    comma = dialect == VN

    def _number(value: Decimal) -> str:
        text = plain(value)
        return text.replace(".", ",") if comma else text

    def _fixed(value: Decimal) -> str:
        """The engine's published figure as it is (already rounded to the period's decimals)."""
        text = format(value, "f")
        return text.replace(".", ",") if comma else text

    heads = {head.unit_code: head for head in data.heads}
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if comma else ",", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for group in data.groups:
        for line in group.rows:
            row = line.result
            head = heads.get(row.code)
            writer.writerow(
                [
                    csv_text(group.code),
                    csv_text(group.name),
                    line.stt,
                    csv_text(row.name),
                    _number(row.max_points),
                    _number(row.self_points),
                    _number(row.appraisal_points),
                    _number(row.survey_points),
                    _number(row.bonus_points),
                    _number(row.penalty_points),
                    _number(row.total_points),
                    _fixed(row.index_display),
                    row.rank,
                    "" if row.rank_change is None else row.rank_change,
                    csv_text(line.band_label),
                    csv_text(head.name) if head else "",
                    csv_text(head.rating_label) if head else "",
                    csv_text(row.code),
                ]
            )
    prefix = "du-thao-" if data.decision.draft else ""
    suffix = "" if comma else "-dau-phay"
    return ExportFile(
        filename=f"{prefix}ket-qua-chi-so-cchc-{data.year}{suffix}.csv",
        content_type=CSV_CONTENT_TYPE,
        content=buffer.getvalue().encode("utf-8-sig"),
    )
