"""The audit trail as CSV for Excel set to Vietnamese: ';' separator, UTF-8 with a BOM, CRLF line ends, the
same dialect as the results CSV (csvexport.VN); text a spreadsheet could run as a formula is made safe."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from .data import CSV_CONTENT_TYPE, ExportFile
from .safe import csv_text

__all__ = ["AUDIT_CSV_COLUMNS", "build_audit_csv"]

AUDIT_CSV_COLUMNS = (
    "Thời điểm",
    "Người thực hiện",
    "Thao tác",
    "Kỳ đánh giá",
    "Loại đối tượng",
    "Đối tượng",
    "Thay đổi (cũ → mới)",
    "Lý do",
    "Chi tiết",
    "Tệp kèm theo",
)


def build_audit_csv(rows: Iterable[Sequence[str]], *, stamp: str) -> ExportFile:
    """One line per audit row, as given by ``registry.audit.audit_rows``; ``stamp`` names the file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(AUDIT_CSV_COLUMNS)
    for row in rows:
        writer.writerow([csv_text(cell) for cell in row])
    return ExportFile(
        filename=f"nhat-ky-kiem-tra-{stamp}.csv",
        content_type=CSV_CONTENT_TYPE,
        content=buffer.getvalue().encode("utf-8-sig"),
    )
