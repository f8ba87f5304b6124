"""import_scores FILE --year Y --layer self|round1|round2|survey [--user USERNAME] (SPEC §10)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from appraisal.council.importing import LAYERS, NATIONAL_LIMITS, scores_import
from appraisal.registry.models import Period


class Command(BaseCommand):
    help = "Nhập một lớp điểm (tự đánh giá, thẩm định vòng 1/2, điều tra XHH) từ tệp .xlsx/.csv."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--layer", required=True, choices=[str(x) for x in LAYERS])
        parser.add_argument("--user", help="người được ghi vào lịch sử (mặc định: quản trị viên đầu tiên)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp «{path}».")
        period = Period.objects.filter(year=options["year"]).first()
        if period is None:
            raise CommandError(f"Không có kỳ đánh giá năm {options['year']}.")
        users = get_user_model().objects
        if options["user"]:
            by = users.filter(username=options["user"]).first()
            if by is None:
                raise CommandError(f"Không có người dùng «{options['user']}».")
        else:
            by = users.filter(is_superuser=True).order_by("pk").first()
            if by is None:
                raise CommandError("Chưa có tài khoản quản trị nào: hãy chỉ rõ --user USERNAME.")
        report = scores_import(
            period=period,
            layer=options["layer"],
            file_name=path.name,
            content=path.read_bytes(),
            by=by,
            limits=NATIONAL_LIMITS,
        )
        if not report.ok:
            raise CommandError("\n".join([report.summary, *(str(p) for p in report.problems)]))
        self.stdout.write(report.summary)
