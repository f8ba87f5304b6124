from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "appraisal.core"
    label = "core"
    verbose_name = "Chung"
