"""check_integrity [--hashes]: evidence rows without files, files without rows; non-zero exit if any."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from appraisal.core.operations import integrity_check


class Command(BaseCommand):
    help = "Đối chiếu cơ sở dữ liệu với kho tệp: bản ghi thiếu tệp, tệp không có bản ghi."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hashes",
            action="store_true",
            help="đọc lại mọi tệp kiểm chứng và so tổng kiểm SHA-256 (chậm hơn)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = integrity_check(hashes=options["hashes"])
        for title, names in (
            ("Bản ghi thiếu tệp", report.missing),
            ("Tệp sai dung lượng", report.wrong_size),
            ("Tệp sai tổng kiểm SHA-256", report.wrong_hash),
            ("Tệp không có bản ghi", report.orphans),
        ):
            for name in names:
                self.stdout.write(f"{title}: {name}")
        self.stdout.write(report.summary)
        if not report.ok:
            raise CommandError("Cơ sở dữ liệu và kho tệp không khớp (xem danh sách ở trên).")
