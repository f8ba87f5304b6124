from django.apps import AppConfig


class CouncilConfig(AppConfig):
    name = "appraisal.council"
    label = "council"
    verbose_name = "Hội đồng thẩm định"
