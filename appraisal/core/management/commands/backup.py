"""backup --output DIR: database and media together, consistent, with a manifest of SHA-256 sums."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from appraisal.core.operations import OperationError, backup_create


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và mọi tệp kiểm chứng vào một thư mục mới, kèm tổng kiểm SHA-256."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", required=True, type=Path, help="thư mục mới (hoặc trống) cho bản sao lưu"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_create(output=options["output"])
        except OperationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(report.summary)
