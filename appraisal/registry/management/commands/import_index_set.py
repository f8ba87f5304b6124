"""python manage.py import_index_set FILE --year Y --group G [--group-name N] [--scale S] (SPEC §10)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from appraisal.core.exceptions import ServiceError
from appraisal.registry.services import index_set_import

from ._importcli import read_file, report_problems


class Command(BaseCommand):
    help = "Nhập bộ chỉ số (.xlsx hoặc .csv) của một khối cho một năm; tạo kỳ đánh giá và khối nếu chưa có."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="tệp .xlsx hoặc .csv")
        parser.add_argument("--year", type=int, required=True, help="năm đánh giá, ví dụ 2024")
        parser.add_argument("--group", required=True, help="mã khối, ví dụ so")
        parser.add_argument("--group-name", default=None, help="tên khối, khi tạo khối mới")
        parser.add_argument("--scale", default=None, help="thang điểm phải có, ví dụ 100")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        scale = None
        if options["scale"] is not None:
            try:
                scale = Decimal(options["scale"].replace(",", "."))
            except InvalidOperation:
                raise CommandError(f"--scale «{options['scale']}» không phải là số.")
        try:
            result = index_set_import(
                year=options["year"],
                group_code=options["group"],
                group_name=options["group_name"],
                file_name=path.name,
                content=read_file(path),
                scale=scale,
                by=None,
            )
        except ServiceError as error:
            raise CommandError(error.message)
        if not result.ok:
            report_problems(self, result)
        self.stdout.write(result.summary)
