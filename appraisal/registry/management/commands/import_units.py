"""python manage.py import_units FILE --year Y — units and their groups for a year (SPEC §10)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from appraisal.core.exceptions import ServiceError
from appraisal.registry.services import units_import

from ._importcli import read_file, report_problems


class Command(BaseCommand):
    help = "Nhập danh sách đơn vị (.xlsx hoặc .csv) và khối của từng đơn vị cho một năm."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="tệp .xlsx hoặc .csv")
        parser.add_argument("--year", type=int, required=True, help="năm đánh giá, ví dụ 2024")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            result = units_import(year=options["year"], file_name=path.name, content=read_file(path), by=None)
        except ServiceError as error:
            raise CommandError(error.message)
        if not result.ok:
            report_problems(self, result)
        self.stdout.write(result.summary)
