"""Shared by export_annex and export_decision: find the period's snapshot and write the file."""

from pathlib import Path

from django.core.management.base import CommandError

from appraisal.registry.selectors import period_by_year
from appraisal.scoring.adapters import decision_data_from_run
from appraisal.scoring.services import final_run, score_run_create


def export(command, *, year: int, output: str, build) -> None:
    """Before finalisation a fresh (unofficial) snapshot is taken and the file says DỰ THẢO."""
    period = period_by_year(year)
    if period is None:
        raise CommandError(f"Không có kỳ đánh giá năm {year}.")
    path = Path(output)
    if not path.parent.is_dir():
        raise CommandError(f"Thư mục {path.parent} không tồn tại.")
    run = final_run(period)
    note = "kết quả chính thức"
    if run is None:
        run = score_run_create(period=period, by=None)
        note = "DỰ THẢO từ lần tính mới"
    exported = build(decision_data_from_run(run))
    path.write_bytes(exported.content)
    command.stdout.write(f"Đã ghi {path} ({len(exported.content)} byte, {note}, lần tính #{run.pk}).")
