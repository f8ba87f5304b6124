"""import_results FILE --year Y [--user USERNAME]: record a year's results published outside ParIndex."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from appraisal.core.exceptions import ServiceError
from appraisal.registry.management.commands._importcli import read_file
from appraisal.scoring.published import published_results_import


def user_or_admin(username: str | None) -> Any:
    """The named user, else the first administrator (who the command acts as)."""
    users = get_user_model().objects
    if username:
        user = users.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có người dùng «{username}».")
        return user
    user = users.filter(is_superuser=True).order_by("pk").first()
    if user is None:
        raise CommandError("Chưa có tài khoản quản trị nào: hãy chỉ rõ --user USERNAME.")
    return user


class Command(BaseCommand):
    help = (
        "Ghi kết quả Chỉ số CCHC đã công bố của một năm (cột: Mã đơn vị, Chỉ số CCHC (%), Xếp hạng; "
        "tùy chọn Khối, Tổng điểm, Điểm tối đa, Xếp loại, Mức độ hoàn thành nhiệm vụ)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--user", help="người nhập (mặc định: quản trị viên đầu tiên)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        by = user_or_admin(options["user"])
        try:
            report = published_results_import(
                year=options["year"], file_name=path.name, content=read_file(path), by=by
            )
        except ServiceError as error:
            raise CommandError(error.message)
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError(report.summary)
        self.stdout.write(report.summary)
