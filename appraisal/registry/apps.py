from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "appraisal.registry"
    label = "registry"
    verbose_name = "Danh mục"
