from django.core.management.base import BaseCommand

from appraisal.documents.annex import build_annex

from ._export import export


class Command(BaseCommand):
    help = "Xuất phụ lục (.xlsx) từ kết quả chính thức (trước khi chốt: bản DỰ THẢO)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--output", required=True)
        parser.add_argument(
            "--draft", action="store_true", help="Khi chưa chốt: tính mới và xuất bản DỰ THẢO"
        )

    def handle(self, *args, year, output, **options):
        export(self, year=year, output=output, build=build_annex)
