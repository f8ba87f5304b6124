"""restore --input DIR: verify a backup's sums, then restore it into an empty, migrated database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from appraisal.core.operations import OperationError, backup_verify, restore_run


class Command(BaseCommand):
    help = "Khôi phục một bản sao lưu vào cơ sở dữ liệu mới (đã migrate, chưa có dữ liệu) và kho tệp."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, type=Path, help="thư mục bản sao lưu")
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="chỉ kiểm tra tổng kiểm của bản sao lưu, không khôi phục",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["verify_only"]:
                manifest = backup_verify(folder=options["input"])
                self.stdout.write(
                    f"Bản sao lưu nguyên vẹn: {len(manifest['files'])} tệp khớp tổng kiểm SHA-256 "
                    f"({manifest['created_at']})."
                )
                return
            report = restore_run(folder=options["input"])
        except OperationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(report.summary)
