from django.apps import AppConfig


class CouncilConfig(AppConfig):
    name = "appraisal.council"
    label = "council"
    verbose_name = "Hội đồng thẩm định"

    def ready(self) -> None:
        # Registers SPEC §6a as django-rules permissions (parindex.view_<what>).
        from . import access  # noqa: F401
