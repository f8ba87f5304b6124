from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "appraisal.scoring"
    label = "scoring"
    verbose_name = "Kết quả"
