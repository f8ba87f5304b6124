"""send_reminders [--days 3,1] [--year Y]: e-mail reminders before and after deadlines; safe hourly."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from appraisal.council.notify import reminders_send
from appraisal.registry.models import Period


class Command(BaseCommand):
    help = "Gửi thư nhắc hạn (tự đánh giá, giải trình, thẩm định); chạy lại không gửi trùng."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", help="số ngày trước hạn chót, cách nhau bởi dấu phẩy (mặc định 3,1)")
        parser.add_argument("--year", type=int, help="chỉ một kỳ đánh giá")

    def handle(self, *args: Any, **options: Any) -> None:
        days = None
        if options["days"]:
            try:
                days = [int(x) for x in options["days"].split(",") if x.strip()]
            except ValueError:
                raise CommandError("--days phải là các số nguyên cách nhau bởi dấu phẩy, ví dụ 3,1.")
            if not days or any(d <= 0 for d in days):
                raise CommandError("--days phải là các số nguyên dương, ví dụ 3,1.")
        period = None
        if options["year"]:
            period = Period.objects.filter(year=options["year"]).first()
            if period is None:
                raise CommandError(f"Không có kỳ đánh giá năm {options['year']}.")
        report = reminders_send(days=days, period=period)
        self.stdout.write(report.summary)
        if report.failed:
            raise CommandError(f"{report.failed} thư gửi lỗi; sẽ gửi lại ở lần chạy sau.")
