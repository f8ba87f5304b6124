"""finalise_results --year Y --user U: the chair's finalisation of a period, as on the results page."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from appraisal.core.exceptions import ServiceError
from appraisal.registry.selectors import period_by_year
from appraisal.scoring.management.commands.import_results import user_or_admin
from appraisal.scoring.services import period_finalise


class Command(BaseCommand):
    help = "Chốt kết quả một kỳ đánh giá (Chủ tịch Hội đồng phê duyệt) và lưu lần tính chính thức."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--user", required=True, help="tài khoản Chủ tịch Hội đồng")

    def handle(self, *args: Any, **options: Any) -> None:
        period = period_by_year(options["year"])
        if period is None:
            raise CommandError(f"Không có kỳ đánh giá năm {options['year']}.")
        by = user_or_admin(options["user"])
        try:
            run = period_finalise(period=period, by=by)
        except ServiceError as error:
            raise CommandError(error.message)
        self.stdout.write(
            f"Đã chốt kết quả năm {period.year}: lần tính chính thức #{run.pk} ({run.inputs_hash[:19]}…)."
        )
