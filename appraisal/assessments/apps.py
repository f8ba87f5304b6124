from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "appraisal.assessments"
    label = "assessments"
    verbose_name = "Tự đánh giá"
