import json as jsonlib

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from appraisal import engine
from appraisal.registry.selectors import period_by_year
from appraisal.scoring.services import results_compute, score_run_create


class Command(BaseCommand):
    help = "Tính Chỉ số CCHC của một kỳ đánh giá (SPEC §8); --json in kết quả theo định dạng SPEC §10."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON ra stdout")
        parser.add_argument("--snapshot", action="store_true", help="Lưu một lần tính (không chính thức)")

    def handle(self, *args, year, snapshot: bool = False, **options):
        as_json = options["json"]
        period = period_by_year(year)
        if period is None:
            raise CommandError(f"Không có kỳ đánh giá năm {year}.")
        try:
            if snapshot:
                by = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
                run = score_run_create(period=period, by=by)
                payload = run.result_json
                summary = f"Đã lưu lần tính #{run.pk} ({run.inputs_hash[:19]}…)"
            else:
                _, result = results_compute(period=period)
                payload = engine.result_to_json(result)
                summary = "Đã tính"
        except engine.EngineError as exc:
            raise CommandError(str(exc)) from exc
        if as_json:
            self.stdout.write(_dumps(payload))
            return
        units = sum(len(g["units"]) for g in payload["groups"])
        self.stdout.write(f"{summary}: năm {year}, {len(payload['groups'])} khối, {units} đơn vị.")


def _dumps(payload) -> str:
    return jsonlib.dumps(payload, ensure_ascii=False, indent=2)
